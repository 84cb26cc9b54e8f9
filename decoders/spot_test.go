package decoders

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// Spot checks on the real rulesets; the expected decoders and fields were
// worked out by reading the decoder XML (0310-ssh, 0085-pam, 0375-web-accesslog,
// 0140-kernel, 0006-json for Wazuh; etc/decoder.xml for OSSEC).
func TestSpotChecks(t *testing.T) {
	const (
		sshFail  = "Feb 10 23:21:05 someserver sshd[1234]: Failed password for invalid user admin from 192.168.1.1 port 4444 ssh2"
		sshOK    = "Feb 10 23:21:05 someserver sshd[1234]: Accepted publickey for root from 10.0.0.5 port 51234 ssh2"
		pamSu    = "Jan 10 10:12:32 host su[123]: pam_unix(su:session): session opened for user root by alice(uid=1000)"
		pamAuth  = "Jan 10 10:12:32 host sshd[77]: pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=1.2.3.4  user=root"
		apache   = `192.168.2.10 - - [21/Nov/2026:10:00:00 +0000] "GET /index.html HTTP/1.1" 404 209 "-" "curl/8.0"`
		iptables = "Nov 21 10:00:00 fw kernel: [12345.678] DROP IN=eth0 OUT= MAC=00:11 SRC=10.1.1.1 DST=10.2.2.2 LEN=60 TOS=0x00 PREC=0x00 TTL=64 ID=1 DF PROTO=TCP SPT=5555 DPT=22 WINDOW=29200 RES=0x00 SYN URGP=0"
		jsonLine = `{"srcip":"10.0.0.1","user":"bob","nested":{"a":1,"b":[1,2]}}`
	)
	wazuh := []struct{ line, decoder, fields string }{
		{sshFail, "sshd|sshd|syslog", "srcip=192.168.1.1 srcuser=admin"},
		{sshOK, "sshd|sshd|syslog", "srcip=10.0.0.5 srcport=51234 dstuser=root"},
		{pamSu, "pam|pam|syslog", "srcuser=alice dstuser=root uid:1000"},
		{pamAuth, "pam||syslog", "srcip=1.2.3.4 dstuser=root uid:0 euid:0 tty:ssh"},
		{apache, "web-accesslog||web-log", "protocol=GET srcip=192.168.2.10 id=404 url=/index.html"},
		{iptables, "kernel|kernel|firewall", "protocol=TCP action=DROP srcip=10.1.1.1 srcport=5555 dstip=10.2.2.2 dstport=22"},
		{jsonLine, "json||syslog", "srcip=10.0.0.1 user:bob nested.a:1 nested.b:[1, 2]"},
	}
	ossec := []struct{ line, decoder, fields string }{
		{sshFail, "sshd|sshd|syslog", "srcip=192.168.1.1"},
		{sshOK, "sshd|sshd|syslog", "srcip=10.0.0.5 dstuser=root"},
		{pamSu, "pam||syslog", ""},
		{pamAuth, "pam|pam|syslog", "srcip=1.2.3.4 dstuser=root"},
		{apache, "web-accesslog||web-log", "action=GET srcip=192.168.2.10 srcuser=- id=404 url=/index.html"},
		{iptables, "iptables|iptables|firewall", "protocol=TCP action=DROP srcip=10.1.1.1 srcport=5555 dstip=10.2.2.2 dstport=22"},
		{jsonLine, "", ""},
	}
	check := func(t *testing.T, s *Set, line, decoder, fields string) {
		t.Helper()
		ev := eventFor(line)
		s.Decode(ev, NewState())
		if got := decoderOf(ev); got != decoder {
			t.Errorf("%q: decoder %q, want %q", line, got, decoder)
		}
		if got := strings.Join(fieldList(ev), " "); got != fields {
			t.Errorf("%q: fields %q, want %q", line, got, fields)
		}
	}
	t.Run("wazuh", func(t *testing.T) {
		s := loadWazuh(t)
		for _, c := range wazuh {
			check(t, s, c.line, c.decoder, c.fields)
		}
	})
	t.Run("ossec", func(t *testing.T) {
		s := loadOSSEC(t)
		for _, c := range ossec {
			check(t, s, c.line, c.decoder, c.fields)
		}
	})
}

// TestWazuhQuirks checks the ruleset quirks §2.3 lists.
func TestWazuhQuirks(t *testing.T) {
	s := loadWazuh(t)
	// OpenBSD pf: pfsense's children attach to both "pf" nodes, so the
	// PF_Decoder plugin never runs.
	ev := eventFor("Mar 30 15:54:22 enigma pf: Mar 30 15:54:22.171929 rule 3/(match) pass out on xl0: 192.168.2.10.1514 > 192.168.2.190.1030:  udp 73")
	s.Decode(ev, NewState())
	if ev.Decoder == nil || ev.Decoder.Name != "pf" {
		t.Fatalf("decoder %s", decoderOf(ev))
	}
	if _, ok := ev.Get(actionField); ok {
		t.Errorf("PF_Decoder ran: %v", fieldList(ev))
	}
	// kes_child: the JSON is read from the whole log despite after_parent.
	ev = eventFor(`Nov 21 10:00:00 host kes: {"event":"x","n":2}`)
	s.Decode(ev, NewState())
	if got := strings.Join(fieldList(ev), " "); decoderOf(ev) != "kes_parent||syslog" || got != "event:x n:2" {
		t.Errorf("kes: %s %s", decoderOf(ev), got)
	}
}

// TestConcurrentDecode shares one Set between goroutines, each with its own
// State (run with -race).
func TestConcurrentDecode(t *testing.T) {
	s := loadWazuh(t)
	cases := readIniCases(t)
	want := make([]string, len(cases))
	for i, c := range cases {
		ev := eventFor(c.line)
		s.Decode(ev, NewState())
		want[i] = snapshot(ev)
	}
	done := make(chan bool)
	for g := 0; g < 4; g++ {
		go func(g int) {
			ok := true
			for i := g; i < len(cases); i += 2 {
				ev := eventFor(cases[i].line)
				s.Decode(ev, NewState()) // states carry accumulator data
				ok = ok && snapshot(ev) == want[i]
			}
			done <- ok
		}(g)
	}
	for g := 0; g < 4; g++ {
		if !<-done {
			t.Error("concurrent decoding gave another result")
		}
	}
}

// TestSonicWallChain checks the non-adjacent chain of the Wazuh ruleset:
// the sonicwall-fields block just before sonicwall-software_downloads is
// flagged get_next, so a chain walking there runs into it.
func TestSonicWallChain(t *testing.T) {
	s := loadWazuh(t)
	found := false
	for _, top := range s.nopn {
		if top.dec.ownName != "sonicwall" {
			continue
		}
		for i, c := range top.children {
			if c.ownName == "sonicwall-software_downloads" && i > 0 {
				prev := top.children[i-1]
				found = prev.ownName == "sonicwall-fields" && prev.getNext && !c.getNext
			}
		}
	}
	if !found {
		t.Error("sonicwall-fields does not chain into sonicwall-software_downloads")
	}
}

// TestDecodedAsNames checks that every <decoded_as> of the Wazuh rules
// names a known decoder (analysisd refuses unknown names).
func TestDecodedAsNames(t *testing.T) {
	s := loadWazuh(t)
	files, _ := filepath.Glob(filepath.Join(wazuhHome(t), "ruleset", "rules", "*.xml"))
	re := regexp.MustCompile(`<decoded_as>([^<]*)</decoded_as>`)
	n := 0
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range re.FindAllStringSubmatch(string(b), -1) {
			n++
			if !s.Has(m[1]) {
				t.Errorf("%s: unknown decoder %q", filepath.Base(f), m[1])
			}
		}
	}
	if n < 200 {
		t.Errorf("only %d decoded_as elements found", n)
	}
}
