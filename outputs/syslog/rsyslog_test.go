package syslog

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// rsyslog is a real rsyslogd run in the foreground by a test, listening on
// loopback UDP and TCP ports and writing every received message as one
// JSON line (raw message and the fields rsyslog parsed out of it).
type rsyslog struct {
	udpPort, tcpPort int
	out              string
	seen             int
}

// rsyslogRecord is one line of the output file.
type rsyslogRecord struct {
	Raw, Host, App, Msg, Ver string
}

const rsyslogConf = `global(workDirectory="%[1]s" maxMessageSize="64k")
module(load="imudp")
module(load="imtcp")
template(name="gossec_json" type="list") {
  constant(value="{\"raw\":\"") property(name="rawmsg" format="json")
  constant(value="\",\"host\":\"") property(name="hostname" format="json")
  constant(value="\",\"app\":\"") property(name="app-name" format="json")
  constant(value="\",\"msg\":\"") property(name="msg" format="json")
  constant(value="\",\"ver\":\"") property(name="protocol-version" format="json")
  constant(value="\"}\n")
}
ruleset(name="gossec") {
  action(type="omfile" file="%[1]s/out.jsonl" template="gossec_json")
}
input(type="imudp" address="127.0.0.1" port="%[2]d" ruleset="gossec")
input(type="imtcp" address="127.0.0.1" port="%[3]d" ruleset="gossec")
`

func freeUDPPort(t testing.TB) int {
	t.Helper()
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer pc.Close()
	return pc.LocalAddr().(*net.UDPAddr).Port
}

func startRsyslog(t *testing.T) *rsyslog {
	t.Helper()
	bin, err := exec.LookPath("rsyslogd")
	if err != nil {
		t.Skip("rsyslogd not installed (Debian package rsyslog)")
	}
	if testing.Short() {
		t.Skip("-short")
	}
	dir := t.TempDir()
	r := &rsyslog{udpPort: freeUDPPort(t), tcpPort: freePort(t), out: filepath.Join(dir, "out.jsonl")}
	conf := filepath.Join(dir, "rsyslog.conf")
	if err := os.WriteFile(conf, fmt.Appendf(nil, rsyslogConf, dir, r.udpPort, r.tcpPort), 0o600); err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd := exec.Command(bin, "-n", "-f", conf, "-i", filepath.Join(dir, "rsyslogd.pid"))
	cmd.Stdout, cmd.Stderr = &stderr, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
		if t.Failed() {
			t.Logf("rsyslogd output:\n%s", stderr.String())
		}
	})
	waitFor(t, "rsyslogd's TCP port", func() bool {
		c, err := net.Dial("tcp", "127.0.0.1:"+strconv.Itoa(r.tcpPort))
		if err == nil {
			c.Close()
		}
		return err == nil
	})
	return r
}

// next waits for the next record rsyslog writes.
func (r *rsyslog) next(t *testing.T) rsyslogRecord {
	t.Helper()
	var rec rsyslogRecord
	waitFor(t, "rsyslog output line "+strconv.Itoa(r.seen+1), func() bool {
		f, err := os.Open(r.out)
		if err != nil {
			return false
		}
		defer f.Close()
		sc := bufio.NewScanner(f)
		sc.Buffer(nil, 1<<20)
		for i := 0; sc.Scan(); i++ {
			if i == r.seen && bytes.HasSuffix(sc.Bytes(), []byte("}")) {
				if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
					t.Fatalf("rsyslog line %q: %v", sc.Bytes(), err)
				}
				return true
			}
		}
		return false
	})
	r.seen++
	return rec
}

func TestRsyslog(t *testing.T) {
	rs := startRsyslog(t)
	a := findSample("agent-mysql").alert()
	for _, tr := range []struct {
		proto  Protocol
		fr     Framing
		header Header
	}{
		{UDP, NewlineFraming, RFC3164},
		{TCP, NewlineFraming, RFC3164},
		{TCP, OctetCounting, RFC5424},
		{UDP, NewlineFraming, RFC5424},
	} {
		for _, f := range []Format{FormatDefault, FormatSplunk, FormatJSON, FormatJSONFull, FormatCEF} {
			name := fmt.Sprintf("%v-%v-%d-%d", f, tr.proto, tr.fr, tr.header)
			port := rs.udpPort
			if tr.proto == TCP {
				port = rs.tcpPort
			}
			c := fastConfig(f, tr.proto, port)
			c.Framing, c.Header, c.Hostname = tr.fr, tr.header, "gossec-test"
			o := newOutput(t, c)
			runOutput(t, o)
			o.Send(a)
			want, _ := newTestFormatter(t, c).appendMessage(nil, a)
			rec := rs.next(t)
			t.Logf("%s: rsyslog parsed host=%q app=%q", name, rec.Host, rec.App)
			checkRsyslog(t, name, rec, string(want), f, tr.header)
		}
	}
}

func checkRsyslog(t *testing.T, name string, rec rsyslogRecord, sent string, f Format, h Header) {
	t.Helper()
	if rec.Raw != sent {
		t.Errorf("%s: rsyslog received\n%q\nsent\n%q", name, rec.Raw, sent)
	}
	payload := payloadOf(t, sent, f, h)
	if h == RFC3164 && f == FormatCEF {
		// csyslogd's CEF has no host: rsyslog takes "CEF:0|..." apart as
		// host and tag; the raw message above is what SIEMs read.
		return
	}
	if rec.Host != "gossec-test" || rec.App != "ossec" || strings.TrimPrefix(rec.Msg, " ") != payload {
		t.Errorf("%s: rsyslog parsed host %q app %q msg\n%q\nwant\n%q", name, rec.Host, rec.App, rec.Msg, payload)
	}
	if h == RFC5424 && rec.Ver != "1" {
		t.Errorf("%s: protocol version %q", name, rec.Ver)
	}
}

// TestRsyslogCEFHost: with cef_hostname rsyslog finds the host of an RFC
// 3164 CEF message.
func TestRsyslogCEFHost(t *testing.T) {
	rs := startRsyslog(t)
	c := fastConfig(FormatCEF, UDP, rs.udpPort)
	c.Hostname, c.CEFHost = "gossec-test", true
	o := newOutput(t, c)
	runOutput(t, o)
	o.Send(findSample("sshd-failed").alert())
	rec := rs.next(t)
	if rec.Host != "gossec-test" || !strings.HasPrefix(rec.Raw, "<132>Nov  1 09:05:07 gossec-test CEF:0|Wazuh Inc.|") {
		t.Errorf("host %q raw %q", rec.Host, rec.Raw)
	}
}

// TestRsyslogLongAndHostile: a 60 KB log line full of delimiters arrives
// as one message, whole, over each stream framing.
func TestRsyslogLongAndHostile(t *testing.T) {
	rs := startRsyslog(t)
	a := findSample("hostile").alert()
	a.Event.FullLog = strings.Repeat("x|y=z\\\n<13>forged: ", 4000)[:60000]
	for _, fr := range []Framing{NewlineFraming, OctetCounting} {
		c := fastConfig(FormatCEF, TCP, rs.tcpPort)
		c.Framing, c.Header, c.Hostname = fr, RFC5424, "gossec-test"
		o := newOutput(t, c)
		runOutput(t, o)
		o.Send(a)
		o.Send(findSample("sshd-failed").alert())
		rec := rs.next(t)
		if len(rec.Msg) < 60000 {
			t.Errorf("framing %d: message of %d bytes arrived", fr, len(rec.Msg))
		}
		if _, err := parseCEF(strings.TrimPrefix(rec.Msg, " ")); err != nil {
			t.Errorf("framing %d: %v", fr, err)
		}
		if rec2 := rs.next(t); !strings.Contains(rec2.Msg, "|5716|") {
			t.Errorf("framing %d: the next message is %q", fr, rec2.Msg)
		}
	}
}
