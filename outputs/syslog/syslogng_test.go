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

	"github.com/gossec/gossec/internal/alert"
	"github.com/gossec/gossec/internal/testtls"
)

// syslogNG is a real syslog-ng run in the foreground by a test: one
// source per transport, framing and header it can tell apart, each on
// its own loopback port, and three log paths:
//   - all.jsonl: every message (raw, and the header fields syslog-ng
//     parsed out of it, and the source it came in on);
//   - json.jsonl: the messages whose MSG syslog-ng's json-parser takes;
//   - cef.jsonl: the messages whose MSG starts "CEF:0|" (or, RFC 3164,
//     whose PROGRAM is "CEF" and MSG starts "0|": syslog-ng reads the
//     "CEF:" after the host as a tag), split into the
//     seven CEF header fields and the extension by syslog-ng's
//     csv-parser on '|' with backslash escapes (syslog-ng 3.38 has no
//     cef-parser; its SCL got one in 4.x).
//
// The source names say what each expects: network() reads newline framed
// (or one-datagram) RFC 3164 messages, with flags(syslog-protocol) RFC
// 5424 ones; syslog() reads octet-counted frames (RFC 6587/5425) with
// either header.
type syslogNG struct {
	ports map[string]int // source name -> port
	dir   string
	files map[string]*sngFile
}

// sngFile reads one output file's JSON lines in order.
type sngFile struct {
	path string
	seen int
}

// sngTransport is one way gossec can send that syslog-ng can read, and
// the syslog-ng source that reads it.
type sngTransport struct {
	proto  Protocol
	fr     Framing
	header Header
	source string
}

var sngTransports = []sngTransport{
	{UDP, NewlineFraming, RFC3164, "s_udp"},
	{UDP, NewlineFraming, RFC5424, "s_udp5424"},
	{TCP, NewlineFraming, RFC3164, "s_tcpnl"},
	{TCP, NewlineFraming, RFC5424, "s_tcpnl5424"},
	{TCP, OctetCounting, RFC3164, "s_tcpoc"},
	{TCP, OctetCounting, RFC5424, "s_tcpoc"},
	{TLS, NewlineFraming, RFC3164, "s_tlsnl"},
	{TLS, NewlineFraming, RFC5424, "s_tlsnl5424"},
	{TLS, OctetCounting, RFC3164, "s_tlsoc"},
	{TLS, OctetCounting, RFC5424, "s_tlsoc"},
}

// sngSources: driver, transport and flags of each source.
var sngSources = []struct{ name, driver, transport, flags string }{
	{"s_udp", "network", "udp", ""},
	{"s_udp5424", "network", "udp", "syslog-protocol"},
	{"s_tcpnl", "network", "tcp", ""},
	{"s_tcpnl5424", "network", "tcp", "syslog-protocol"},
	{"s_tcpoc", "syslog", "tcp", ""},
	{"s_tlsnl", "network", "tls", ""},
	{"s_tlsnl5424", "network", "tls", "syslog-protocol"},
	{"s_tlsoc", "syslog", "tls", ""},
}

// sngConf is the configuration around the sources: %[1]s the sources,
// %[2]s the source() references, %[3]s the directory.
const sngConf = `@version: 3.38
options { keep-hostname(yes); chain-hostnames(no); use-dns(no); dns-cache(no); use-fqdn(no); log-msg-size(65536); stats-freq(0); };
%[1]s
destination d_all { file("%[3]s/all.jsonl" template("$(format-json --scope none src=${SOURCE} raw=${RAWMSG} host=${HOST} program=${PROGRAM} msg=${MSG})\n")); };
destination d_json { file("%[3]s/json.jsonl" template("$(format-json --scope none raw=${RAWMSG} id=${j.id} rule_id=${j.rule.id} message=${j.message} full_log=${j.full_log} truncated=${j.truncated})\n")); };
destination d_cef { file("%[3]s/cef.jsonl" template("$(format-json --scope none raw=${RAWMSG} version=${cef.version} vendor=${cef.vendor} product=${cef.product} sig=${cef.sig} name=${cef.name} severity=${cef.severity} ext=${cef.ext})\n")); };
log { %[2]s destination(d_all); };
log { %[2]s parser { json-parser(prefix("j.")); }; destination(d_json); };
filter f_cef { message("^CEF:0\\|") or (program("^CEF$") and message("^0\\|")); };
log { %[2]s filter(f_cef); parser { csv-parser(columns("cef.version", "cef.vendor", "cef.product", "cef.dversion", "cef.sig", "cef.name", "cef.severity", "cef.ext") delimiters("|") quote-pairs("") dialect(escape-backslash) flags(greedy, drop-invalid) template("$(if ('${PROGRAM}' eq 'CEF') 'CEF:${MSG}' '${MSG}')")); }; destination(d_cef); };
`

// sngCommand finds syslog-ng: the one installed, or the Debian package
// syslog-ng-core unpacked under $SYSLOG_NG_ROOT (dpkg-deb -x). Debian's
// rsyslog and syslog-ng-core conflict (both are the system-log-daemon), so
// a machine that installs rsyslog for rsyslog_test.go runs syslog-ng from
// an unpacked copy, with its libraries and modules found there.
func sngCommand(t *testing.T, args ...string) *exec.Cmd {
	t.Helper()
	if root := os.Getenv("SYSLOG_NG_ROOT"); root != "" {
		lib := filepath.Join(root, "usr", "lib", "syslog-ng")
		mods, _ := filepath.Glob(filepath.Join(lib, "[0-9]*.[0-9]*"))
		bin := filepath.Join(root, "usr", "sbin", "syslog-ng")
		if len(mods) != 1 {
			t.Fatalf("SYSLOG_NG_ROOT=%s: want one module directory %s/X.Y, found %v", root, lib, mods)
		}
		if _, err := os.Stat(bin); err != nil {
			t.Fatalf("SYSLOG_NG_ROOT=%s: %v", root, err)
		}
		cmd := exec.Command(bin, append([]string{"--module-path=" + mods[0]}, args...)...)
		cmd.Env = append(os.Environ(), "LD_LIBRARY_PATH="+lib)
		return cmd
	}
	bin, err := exec.LookPath("syslog-ng")
	if err != nil {
		t.Skip("syslog-ng not installed (Debian package syslog-ng-core, or unpacked under $SYSLOG_NG_ROOT)")
	}
	return exec.Command(bin, args...)
}

func startSyslogNG(t *testing.T) (*syslogNG, string) {
	t.Helper()
	if testing.Short() {
		t.Skip("-short")
	}
	cmd := sngCommand(t)
	dir := t.TempDir()
	cert := testtls.New(t)
	certFile, keyFile := cert.WriteFiles(t)
	s := &syslogNG{ports: map[string]int{}, dir: dir, files: map[string]*sngFile{}}
	var srcs, refs strings.Builder
	for _, src := range sngSources {
		port := freePort(t)
		if src.transport == "udp" {
			port = freeUDPPort(t)
		}
		s.ports[src.name] = port
		flags := "store-raw-message"
		if src.flags != "" {
			flags += ", " + src.flags
		}
		// Every output of the test keeps its connection open until the
		// test ends; syslog-ng allows 10 per source by default.
		tlsOpt := ""
		if src.transport != "udp" {
			tlsOpt = " max-connections(100)"
		}
		if src.transport == "tls" {
			tlsOpt += fmt.Sprintf(` tls(key-file("%s") cert-file("%s") peer-verify(optional-untrusted))`, keyFile, certFile)
		}
		fmt.Fprintf(&srcs, "source %s { %s(ip(\"127.0.0.1\") port(%d) transport(\"%s\") flags(%s)%s); };\n",
			src.name, src.driver, port, src.transport, flags, tlsOpt)
		fmt.Fprintf(&refs, "source(%s); ", src.name)
	}
	for _, name := range []string{"all", "json", "cef"} {
		s.files[name] = &sngFile{path: filepath.Join(dir, name+".jsonl")}
	}
	conf := filepath.Join(dir, "syslog-ng.conf")
	if err := os.WriteFile(conf, fmt.Appendf(nil, sngConf, srcs.String(), refs.String(), dir), 0o600); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	cmd.Args = append(cmd.Args, "-F", "-e", "--no-caps", "-f", conf,
		"-R", filepath.Join(dir, "persist"), "-p", filepath.Join(dir, "pid"), "-c", filepath.Join(dir, "ctl"))
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()
	t.Cleanup(func() {
		cmd.Process.Kill()
		<-exited
		if t.Failed() {
			t.Logf("syslog-ng output:\n%s", out.String())
		}
	})
	// syslog-ng opens every source before it serves any: once the last
	// TCP port answers, all of them listen.
	waitFor(t, "syslog-ng's TCP ports", func() bool {
		select {
		case <-exited:
			t.Fatalf("syslog-ng exited:\n%s", out.String())
		default:
		}
		for _, src := range sngSources {
			if src.transport == "udp" {
				continue
			}
			c, err := net.Dial("tcp", "127.0.0.1:"+strconv.Itoa(s.ports[src.name]))
			if err != nil {
				return false
			}
			c.Close()
		}
		return true
	})
	return s, certFile
}

// next waits for the next record of one output file.
func (s *syslogNG) next(t *testing.T, file string, rec any) {
	t.Helper()
	f := s.files[file]
	waitFor(t, fmt.Sprintf("syslog-ng %s.jsonl line %d", file, f.seen+1), func() bool {
		fh, err := os.Open(f.path)
		if err != nil {
			return false
		}
		defer fh.Close()
		sc := bufio.NewScanner(fh)
		sc.Buffer(nil, 1<<20)
		for i := 0; sc.Scan(); i++ {
			if i == f.seen && bytes.HasSuffix(sc.Bytes(), []byte("}")) {
				if err := json.Unmarshal(sc.Bytes(), rec); err != nil {
					t.Fatalf("syslog-ng %s line %q: %v", file, sc.Bytes(), err)
				}
				return true
			}
		}
		return false
	})
	f.seen++
}

// lines is how many complete lines a file has now.
func (s *syslogNG) lines(file string) int {
	b, _ := os.ReadFile(s.files[file].path)
	return bytes.Count(b, []byte("\n"))
}

type sngRecord struct{ Src, Raw, Host, Program, Msg string }

type sngJSON struct{ Raw, ID, RuleID, Message, FullLog, Truncated string }

func (r *sngJSON) UnmarshalJSON(b []byte) error {
	var m map[string]string
	if err := json.Unmarshal(b, &m); err != nil {
		return err
	}
	*r = sngJSON{Raw: m["raw"], ID: m["id"], RuleID: m["rule_id"], Message: m["message"], FullLog: m["full_log"], Truncated: m["truncated"]}
	return nil
}

type sngCEF struct{ Raw, Version, Vendor, Product, Sig, Name, Severity, Ext string }

// TestSyslogNG sends one alert in every format over every transport,
// framing and header syslog-ng reads, and checks what syslog-ng made of
// it: the raw message as sent, the source it arrived on, the host and
// program it parsed out of the header, the message after the header; and
// for the JSON and CEF formats, that syslog-ng's own json-parser and
// csv-parser take the payload apart and find the rule in it.
func TestSyslogNG(t *testing.T) {
	ng, caFile := startSyslogNG(t)
	a := findSample("agent-mysql").alert()
	formats := []Format{FormatDefault, FormatSplunk, FormatJSON, FormatJSONFull, FormatCEF}
	for _, tr := range sngTransports {
		for _, f := range formats {
			for _, cefHost := range []bool{false, true} {
				if cefHost && (f != FormatCEF || tr.header != RFC3164) {
					continue // cef_hostname changes only RFC 3164 CEF
				}
				name := fmt.Sprintf("%v-%v-%d-%d", f, tr.proto, tr.fr, tr.header)
				if cefHost {
					name += "-cef_hostname"
				}
				c := fastConfig(f, tr.proto, ng.ports[tr.source])
				c.Framing, c.Header, c.Hostname, c.TLSCA, c.CEFHost = tr.fr, tr.header, "gossec-test", caFile, cefHost
				sngSendCheck(t, ng, name, c, tr, a)
			}
		}
	}
}

// sngSendCheck sends a through a new output with configuration c and
// checks what syslog-ng made of it.
func sngSendCheck(t *testing.T, ng *syslogNG, name string, c Config, tr sngTransport, a *alert.Alert) {
	t.Helper()
	f := c.Format
	o := newOutput(t, c)
	runOutput(t, o)
	jsonBefore, cefBefore := ng.lines("json"), ng.lines("cef")
	o.Send(a)
	want, _ := newTestFormatter(t, c).appendMessage(nil, a)
	var rec sngRecord
	ng.next(t, "all", &rec)
	checkSyslogNG(t, name, rec, tr, string(want), c)
	switch f {
	case FormatJSON, FormatJSONFull:
		var j sngJSON
		ng.next(t, "json", &j)
		id, log := j.ID, j.Message
		if f == FormatJSONFull {
			id, log = j.RuleID, j.FullLog
		}
		if j.Raw != string(want) {
			t.Errorf("%s: json-parser record of another message: %q", name, j.Raw)
		}
		if id != strconv.Itoa(a.Rule.ID) || log != a.Event.FullLog {
			t.Errorf("%s: syslog-ng's json-parser found rule %q log %q", name, id, log)
		}
	case FormatCEF:
		if tr.header == RFC3164 && !c.CEFHost {
			// No host before "CEF:": syslog-ng, like rsyslog, takes
			// the CEF header apart as host and program; the message
			// after them is not CEF (checked in checkSyslogNG).
			break
		}
		var ce sngCEF
		ng.next(t, "cef", &ce)
		if ce.Raw != string(want) {
			t.Errorf("%s: CEF record of another message: %q", name, ce.Raw)
		}
		if ce.Version != "CEF:0" || ce.Vendor != cefVendor || ce.Product != cefProduct || ce.Sig != strconv.Itoa(a.Rule.ID) ||
			ce.Name != a.Rule.Description || ce.Severity != "10" ||
			!strings.Contains(ce.Ext, " src=10.0.0.9 ") || !strings.HasSuffix(ce.Ext, " msg="+a.Event.FullLog) {
			t.Errorf("%s: syslog-ng's csv-parser found %+v", name, ce)
		}
	}
	if f != FormatJSON && f != FormatJSONFull && ng.lines("json") != jsonBefore {
		t.Errorf("%s: json-parser took a %v message", name, f)
	}
	if ng.lines("cef") != cefBefore && (f != FormatCEF || tr.header == RFC3164 && !c.CEFHost) {
		t.Errorf("%s: a message taken for CEF", name)
	}
}

func checkSyslogNG(t *testing.T, name string, rec sngRecord, tr sngTransport, sent string, c Config) {
	t.Helper()
	if rec.Src != tr.source {
		t.Errorf("%s: arrived on syslog-ng source %q, want %q", name, rec.Src, tr.source)
	}
	if rec.Raw != sent {
		t.Errorf("%s: syslog-ng received\n%q\nsent\n%q", name, rec.Raw, sent)
	}
	if tr.header == RFC3164 && c.Format == FormatCEF {
		// csyslogd's CEF: "<PRI>TIMESTAMP [HOST ]CEF:0|...", no program.
		i := strings.Index(sent, "CEF:0|")
		// With the host, "CEF:" reads as a BSD tag: program "CEF",
		// message "0|...".
		if c.CEFHost && (rec.Host != "gossec-test" || rec.Program != "CEF" || "CEF:"+rec.Msg != sent[i:]) {
			t.Errorf("%s: syslog-ng parsed host %q program %q msg\n%q\nwant\n%q", name, rec.Host, rec.Program, rec.Msg, sent[i+4:])
		}
		if !c.CEFHost && tr.proto == UDP {
			t.Logf("%s: without cef_hostname syslog-ng parsed host %q program %q msg %q", name, rec.Host, rec.Program, rec.Msg)
		}
		return
	}
	payload := payloadOf(t, sent, c.Format, tr.header)
	if rec.Host != "gossec-test" || rec.Program != "ossec" || rec.Msg != payload {
		t.Errorf("%s: syslog-ng parsed host %q program %q msg\n%q\nwant\n%q", name, rec.Host, rec.Program, rec.Msg, payload)
	}
}

// TestSyslogNGLongAndHostile: a 60 KB log line full of delimiters, CR, LF
// and a forged syslog header arrives as one message, whole, over each
// stream framing, as JSON (syslog-ng's json-parser reads the log back) and
// as CEF; the next message arrives on its own.
func TestSyslogNGLongAndHostile(t *testing.T) {
	ng, caFile := startSyslogNG(t)
	a := findSample("hostile").alert()
	a.Event.FullLog = strings.Repeat("x|y=z\\\n\r<13>forged: \"q\" ", 3000)[:60000]
	for _, tr := range sngTransports {
		if tr.proto == UDP {
			continue // one datagram: nothing to frame
		}
		for _, f := range []Format{FormatJSONFull, FormatCEF} {
			name := fmt.Sprintf("%v-%v-%d-%d", f, tr.proto, tr.fr, tr.header)
			c := fastConfig(f, tr.proto, ng.ports[tr.source])
			c.Framing, c.Header, c.Hostname, c.TLSCA, c.CEFHost = tr.fr, tr.header, "gossec-test", caFile, true
			o := newOutput(t, c)
			runOutput(t, o)
			o.Send(a)
			o.Send(findSample("sshd-failed").alert())
			want, _ := newTestFormatter(t, c).appendMessage(nil, a)
			var rec sngRecord
			ng.next(t, "all", &rec)
			if rec.Raw != string(want) {
				t.Errorf("%s: syslog-ng received %d bytes, sent %d (first difference at %d)", name, len(rec.Raw), len(want), sngDiffAt(rec.Raw, string(want)))
			}
			switch f {
			case FormatJSONFull:
				// Escaped, the log is larger than max_size: json-full
				// falls back to the compact object with the message cut
				// (ending "...") and "truncated":true.
				var j sngJSON
				ng.next(t, "json", &j)
				log, cut := strings.CutSuffix(j.Message+j.FullLog, "...")
				if len(log) < 50000 || !cut || !strings.HasPrefix(a.Event.FullLog, log) || j.Truncated != "true" {
					t.Errorf("%s: json-parser read a log of %d bytes (cut %v, a prefix of the alert's: %v), truncated %q",
						name, len(log), cut, strings.HasPrefix(a.Event.FullLog, log), j.Truncated)
				}
				ng.next(t, "json", &j)
			case FormatCEF:
				// syslog-ng's csv-parser splits at the name's escaped
				// "\|" (its escape-backslash dialect works inside quotes
				// only), so only the fields before the name are checked;
				// the raw message above is checked whole.
				var ce sngCEF
				ng.next(t, "cef", &ce)
				if ce.Raw != string(want) || ce.Vendor != cefVendor || ce.Sig != "100200" {
					t.Errorf("%s: CEF record: vendor %q sig %q", name, ce.Vendor, ce.Sig)
				}
				ng.next(t, "cef", &ce)
			}
			ng.next(t, "all", &rec)
			if !strings.Contains(rec.Raw, "5716") || strings.Contains(rec.Raw, "forged") {
				t.Errorf("%s: the next message is %q", name, rec.Raw)
			}
		}
	}
}

func sngDiffAt(a, b string) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}
