package syslog

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden")

// goldenLine writes a message on one line: as it is when it is printable
// UTF-8, else Go-quoted behind "q:".
func goldenLine(msg string) string {
	for _, r := range msg {
		if r < ' ' || r == 0x7f || r == utf8.RuneError {
			return "q:" + strconv.Quote(msg)
		}
	}
	return msg
}

func TestGolden(t *testing.T) {
	for _, tc := range []struct {
		file   string
		format Format
		header Header
	}{
		{"default", FormatDefault, RFC3164},
		{"splunk", FormatSplunk, RFC3164},
		{"json", FormatJSON, RFC3164},
		{"json-full", FormatJSONFull, RFC3164},
		{"cef", FormatCEF, RFC3164},
		{"default-rfc5424", FormatDefault, RFC5424},
		{"cef-rfc5424", FormatCEF, RFC5424},
	} {
		t.Run(tc.file, func(t *testing.T) {
			c := testConfig(tc.format, tc.header)
			var got bytes.Buffer
			for _, s := range samples {
				got.WriteString("# " + s.name + "\n")
				got.WriteString(goldenLine(render(t, c, s.alert())) + "\n")
			}
			path := filepath.Join("testdata", tc.file+".golden")
			if *update {
				if err := os.WriteFile(path, got.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run with -update)", err)
			}
			if !bytes.Equal(got.Bytes(), want) {
				t.Errorf("%s differs (run with -update to accept):\n--- got\n%s--- want\n%s", path, got.Bytes(), want)
			}
		})
	}
}

// TestWazuhLayout pins the csyslogd layouts field by field, independently
// of the golden files.
func TestWazuhLayout(t *testing.T) {
	a := findSample("sshd-failed").alert()
	for _, tc := range []struct {
		format Format
		want   string
	}{
		{FormatDefault, "<132>Nov  1 09:05:07 manager ossec: Alert Level: 5; Rule: 5716 - sshd: authentication failed.; " +
			"Location: /var/log/auth.log; classification: syslog,sshd,authentication_failed; srcip: 192.168.1.10; user: root; " +
			"Nov  1 09:05:06 web1 sshd[91]: Failed password for root from 192.168.1.10 port 41022 ssh2"},
		{FormatSplunk, `<132>Nov  1 09:05:07 manager ossec: crit=5 id=5716 description="sshd: authentication failed." ` +
			`component="/var/log/auth.log", classification="syslog,sshd,authentication_failed", src_ip="192.168.1.10", src_port=41022, ` +
			`acct="root", message="Nov  1 09:05:06 web1 sshd[91]: Failed password for root from 192.168.1.10 port 41022 ssh2"`},
		{FormatJSON, `<132>Nov  1 09:05:07 manager ossec: {"crit":5,"id":5716,"component":"/var/log/auth.log",` +
			`"classification":"syslog,sshd,authentication_failed","description":"sshd: authentication failed.",` +
			`"message":"Nov  1 09:05:06 web1 sshd[91]: Failed password for root from 192.168.1.10 port 41022 ssh2",` +
			`"acct":"root","src_ip":"192.168.1.10","src_port":41022}`},
		{FormatCEF, `<132>Nov  1 09:05:07 CEF:0|Wazuh Inc.|Wazuh|v4.9.2|5716|sshd: authentication failed.|5|dvc=manager ` +
			`cs1=/var/log/auth.log cs1Label=Location cat=syslog,sshd,authentication_failed src=192.168.1.10 spt=41022 ` +
			`shost=192.168.1.10 suser=root msg=Nov  1 09:05:06 web1 sshd[91]: Failed password for root from 192.168.1.10 port 41022 ssh2`},
	} {
		if got := render(t, testConfig(tc.format, RFC3164), a); got != tc.want {
			t.Errorf("%v:\n got %s\nwant %s", tc.format, got, tc.want)
		}
	}
}

func TestHeaders(t *testing.T) {
	a := findSample("no-fields").alert()
	c := testConfig(FormatDefault, RFC5424)
	c.Program = "gossec"
	c.Facility, c.Severity = 4, 2 // auth.crit
	got := render(t, c, a)
	want := "<34>1 2026-11-01T09:05:07.123456+01:00 manager gossec - - - Alert Level: 2;"
	if !strings.HasPrefix(got, want) {
		t.Errorf("got %q\nwant prefix %q", got, want)
	}
	a.Time = a.Time.AddDate(0, 0, 14) // day 15: no padding
	if got := render(t, testConfig(FormatDefault, RFC3164), a); !strings.HasPrefix(got, "<132>Nov 15 09:05:07 manager ossec: ") {
		t.Errorf("got %q", got)
	}
}

func TestJSONFormatsAreValid(t *testing.T) {
	for _, f := range []Format{FormatJSON, FormatJSONFull} {
		for _, s := range samples {
			p := payloadOf(t, render(t, testConfig(f, RFC3164), s.alert()), f, RFC3164)
			var m map[string]any
			if err := json.Unmarshal([]byte(p), &m); err != nil {
				t.Errorf("%v %s: %v in %s", f, s.name, err, p)
				continue
			}
			_, hasLog := m["message"]
			if f == FormatJSONFull {
				_, hasLog = m["full_log"]
			}
			if hasLog == s.noFull {
				t.Errorf("%v %s: log present=%v with no_full_log=%v", f, s.name, hasLog, s.noFull)
			}
		}
	}
}

func TestNoFullLogEverywhere(t *testing.T) {
	a := findSample("no-full-log").alert()
	for _, f := range []Format{FormatDefault, FormatSplunk, FormatJSON, FormatJSONFull, FormatCEF} {
		if got := render(t, testConfig(f, RFC3164), a); strings.Contains(got, "hunter2") {
			t.Errorf("%v leaks the log: %s", f, got)
		}
	}
}

func TestSplunkQuotesCannotEndAValue(t *testing.T) {
	got := render(t, testConfig(FormatSplunk, RFC3164), findSample("hostile").alert())
	p := payloadOf(t, got, FormatSplunk, RFC3164)
	// Every '"' opens or closes a value: key="..." pairs must balance.
	if n := strings.Count(p, `"`); n%2 != 0 {
		t.Fatalf("odd number of quotes (%d) in %q", n, p)
	}
	for _, kv := range []string{`description="`, `component="`, `message="`} {
		if strings.Count(p, kv) != 1 {
			t.Errorf("%s appears %d times in %q", kv, strings.Count(p, kv), p)
		}
	}
}

func TestTruncation(t *testing.T) {
	long := strings.Repeat("é=|\\\n", 20000) // 120 000 bytes, every escape
	for _, f := range []Format{FormatDefault, FormatSplunk, FormatJSON, FormatJSONFull, FormatCEF} {
		for _, size := range []int{MinMaxSize, 4096, DefaultMaxSize} {
			c := testConfig(f, RFC3164)
			c.MaxSize = size
			a := findSample("sshd-failed").alert()
			a.Event.FullLog = long
			b, cut := newTestFormatter(t, c).appendMessage(nil, a)
			if !cut || len(b) > size {
				t.Errorf("%v/%d: len %d cut %v", f, size, len(b), cut)
			}
			checkPayload(t, f, RFC3164, string(b))
			if !bytes.Contains(b, []byte(trailer)) {
				t.Errorf("%v/%d: no trailer", f, size)
			}
			if !utf8.Valid(b) {
				t.Errorf("%v/%d: cut inside a character", f, size)
			}
		}
	}
}

// checkPayload validates the structure of a formatted message.
func checkPayload(t testing.TB, f Format, h Header, msg string) {
	t.Helper()
	p := payloadOf(t, msg, f, h)
	switch f {
	case FormatCEF:
		if _, err := parseCEF(p); err != nil {
			t.Errorf("invalid CEF: %v\n%q", err, p)
		}
	case FormatJSON, FormatJSONFull:
		if !json.Valid([]byte(p)) {
			t.Errorf("invalid JSON %q", p)
		}
	}
}

func TestCEFStrict(t *testing.T) {
	for _, h := range []Header{RFC3164, RFC5424} {
		for _, s := range samples {
			msg := render(t, testConfig(FormatCEF, h), s.alert())
			cef, err := parseCEF(payloadOf(t, msg, FormatCEF, h))
			if err != nil {
				t.Errorf("%s: %v\n%q", s.name, err, msg)
				continue
			}
			if cef.header[4] != strconv.Itoa(s.id) || cef.header[5] != s.alertDescCEF() {
				t.Errorf("%s: header %q", s.name, cef.header)
			}
			if s.name == "hostile" {
				if got := cef.ext["suser"]; got != "eve=admin\\" {
					t.Errorf("suser round trip: %q", got)
				}
				if got := cef.ext["cs1"]; got != s.loc {
					t.Errorf("cs1 round trip: %q", got)
				}
				if cef.ext["src"] != "1.2.3.4 cs1=forged" {
					t.Errorf("src round trip: %q", cef.ext["src"])
				}
			}
		}
	}
}

// alertDescCEF is the description as a CEF reader gets it back: CR and LF
// are not allowed in the header and become spaces.
func (s sample) alertDescCEF() string {
	return strings.NewReplacer("\r", " ", "\n", " ").Replace(s.desc)
}

func TestCEFParserRejects(t *testing.T) {
	for _, bad := range []string{
		"CEF:0|a|b|c|1|d|5|dvc=x dvc=y", // duplicate key
		"CEF:0|a|b|c|1|d|5|msg=a=b",     // raw '=' in a value
		`CEF:0|a|b|c|1|d|5|msg=a\qb`,    // unknown escape
		`CEF:0|a|b|c|1|d|5|msg=a\`,      // dangling backslash
		"CEF:0|a|b|c|1|d|5|msg=a\nb",    // raw newline
		"CEF:0|a|b|c|1|d|5|cs1=x",       // csN without its label
		"CEF:0|a|b|c|1|d|5|cs1=x cs1Label=L cs1Label=M",
		`CEF:0|a\x|b|c|1|d|5|dvc=x`,  // bad header escape
		"CEF:0|a|b|c|1|d|dvc=x",      // too few header fields
		"CEF:0|a|b|c|1|d|5|=x",       // empty key
		"CEF:0|a|b|c|1|d|5|dvc=\xff", // invalid UTF-8
	} {
		if _, err := parseCEF(bad); err == nil {
			t.Errorf("accepted %q", bad)
		}
	}
	if _, err := parseCEF(`CEF:0|a\|b|c\\d|v|1|x|5|msg=a\=b\nc\\ cs2=q cs2Label=L`); err != nil {
		t.Errorf("rejected a valid line: %v", err)
	}
}

func TestFramesCannotSplit(t *testing.T) {
	a := findSample("hostile").alert()
	a.Event.FullLog += strings.Repeat("\n<13>Nov  1 00:00:00 forged: x\r\x00", 3000) // > 64 KB
	for _, f := range []Format{FormatDefault, FormatSplunk, FormatJSON, FormatJSONFull, FormatCEF} {
		for _, fr := range []Framing{NewlineFraming, OctetCounting} {
			msg, _ := newTestFormatter(t, testConfig(f, RFC3164)).appendMessage(nil, a)
			checkPayload(t, f, RFC3164, string(msg))
			var stream []byte
			for range 3 {
				stream = appendFrame(stream, msg, fr)
			}
			frames, err := splitFrames(stream, fr)
			if err != nil || len(frames) != 3 {
				t.Fatalf("%v/%v: %d frames, %v", f, fr, len(frames), err)
			}
			for _, fm := range frames {
				if len(fm) != len(msg) {
					t.Errorf("%v/%v: frame of %d bytes, message of %d", f, fr, len(fm), len(msg))
				}
			}
		}
	}
}

// splitFrames is a receiver's view of a stream.
func splitFrames(b []byte, f Framing) ([][]byte, error) {
	var out [][]byte
	for len(b) > 0 {
		if f == NewlineFraming {
			i := bytes.IndexByte(b, '\n')
			if i < 0 {
				return out, strconv.ErrSyntax
			}
			out = append(out, b[:i])
			b = b[i+1:]
			continue
		}
		sp := bytes.IndexByte(b, ' ')
		n, err := strconv.Atoi(string(b[:max(sp, 0)]))
		if sp < 0 || err != nil || sp+1+n > len(b) {
			return out, strconv.ErrSyntax
		}
		out = append(out, b[sp+1:sp+1+n])
		b = b[sp+1+n:]
	}
	return out, nil
}

// TestFastPathMatchesSlowPath: copying plain runs gives the same bytes as
// escaping unit by unit, cuts included.
func TestFastPathMatchesSlowPath(t *testing.T) {
	long := strings.Repeat("ab=c\\d|e\"f\ng\xffé ", 9000)
	for _, f := range []Format{FormatDefault, FormatSplunk, FormatJSON, FormatCEF} {
		for _, size := range []int{MinMaxSize, MinMaxSize + 1, MinMaxSize + 2, MinMaxSize + 3, 5000, DefaultMaxSize} {
			for _, s := range samples {
				a := s.alert()
				a.Event.FullLog += long[:size%len(long)]
				c := testConfig(f, RFC3164)
				c.MaxSize = size
				fast, _ := newTestFormatter(t, c).appendMessage(nil, a)
				slowPath = true
				slow, _ := newTestFormatter(t, c).appendMessage(nil, a)
				slowPath = false
				if !bytes.Equal(fast, slow) {
					t.Fatalf("%v/%d/%s: fast and slow paths differ\nfast %q\nslow %q", f, size, s.name, fast, slow)
				}
			}
		}
	}
}
