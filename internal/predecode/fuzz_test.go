package predecode

import (
	"strings"
	"testing"
	"unsafe"
)

// offsetIn returns where sub starts inside s when sub is a substring of s
// sharing its memory, or -1. Empty strings are anywhere.
func offsetIn(s, sub string) int {
	if sub == "" {
		return 0
	}
	base := uintptr(unsafe.Pointer(unsafe.StringData(s)))
	p := uintptr(unsafe.Pointer(unsafe.StringData(sub)))
	if p < base || p+uintptr(len(sub)) > base+uintptr(len(s)) {
		return -1
	}
	return int(p - base)
}

// checkInvariants asserts what holds for every line: fields are slices of
// the line before its first NUL, the timestamp is its prefix (after the
// apache '['), and the log is a suffix except where analysisd cut it at an
// ASL ']' or an AIX '['.
func checkInvariants(t *testing.T, line string, h Header) {
	t.Helper()
	s := TrimAtNUL(line)
	for name, f := range map[string]string{
		"Timestamp": h.Timestamp, "Hostname": h.Hostname, "ProgramName": h.ProgramName, "Log": h.Log,
	} {
		if offsetIn(s, f) < 0 {
			t.Fatalf("Parse(%q).%s = %q is not a slice of the line", line, name, f)
		}
	}
	if h.Timestamp != "" && !strings.HasPrefix(s, h.Timestamp) && !strings.HasPrefix(s[1:], h.Timestamp) {
		t.Fatalf("Parse(%q).Timestamp = %q is not a prefix", line, h.Timestamp)
	}
	if (h.Hostname != "" && !h.HasHostname) || (h.ProgramName != "" && !h.HasProgramName) {
		t.Fatalf("Parse(%q) = %+v: name without its Has flag", line, h)
	}
	if h.Log == "" || strings.HasSuffix(s, h.Log) {
		return
	}
	end := offsetIn(s, h.Log) + len(h.Log)
	if c := s[end]; c != ']' && c != '[' {
		t.Fatalf("Parse(%q).Log = %q ends at %q, not at the end of the line", line, h.Log, c)
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"", "Dec 29 10:00:01 myhost sshd[1234]: [ID 1 a.b] Accepted",
		"2015-04-16 21:51:02,805 h p: m", "2007-06-14T15:48:55-04:00 h p: m",
		"2022-12-19T15:02:53.288+00:00 h p: m", "2009-05-22T09:36:46.214994-07:00 h p: m",
		"2021-01-01T09:09:09.404756Z myhost prog: msg", "2015 Dec 29 10:00:01 h p[1] m",
		"2021-04-21 10:16:09.404756-0700 h AUTH:INFO x", "Mon Apr 17 18:27:14 2006 1 64.160.42.130",
		"01/28-09:13:16.240702  [**] x", "01/28/1979-09:13:16.240702 ", "[Fri Feb 11 18:06:35 2004] [warn] x",
		"[Time 2006.12.28 15:53:55 UTC] [Sender s] [PID 1] [Message m] [Host h]",
		"1140804070.368  11623 10.0.0.1 TCP_MISS/200", "Mär 02 17:30:52 h p: m",
		"Dec 29 10:00:01 host auth|security:info sshd[12] msg", "Dec 29 10:00:01 : m\x00x",
		"2009-05-22T09:36:46,214994-07:00 h p: m", "2007-06-14T15:48:55.3-04:00 h p: m",
		"2019:11:06-00:08:03 utm ulogd[1]: x", "Dec 29 10:00:01 h p[1]:x", "Dec 29 10:00:01 h p: [ID 1 a]b] c",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		h := Parse(line)
		checkInvariants(t, line, h)
		if Parse(line) != h || ParseDialect(line, Wazuh) != h {
			t.Fatalf("Parse(%q) is not deterministic", line)
		}
		o := ParseDialect(line, OSSEC)
		checkInvariants(t, line, o)
		checkOSSEC(t, line, o)
		_ = JSONHostname(line)
		_, _, _, _ = ParseAgentLocation(line)
	})
}

// checkOSSEC asserts what OSSEC's parser guarantees and Wazuh's does not:
// a syslog program name parsed after a hostname is followed by ": ",
// "]: " or "] " (AIX names that run to the end of the line aside; ASL
// fields are not syslog).
func checkOSSEC(t *testing.T, line string, h Header) {
	t.Helper()
	s := TrimAtNUL(line)
	if h.ProgramName == "" || !h.HasHostname || h.Log == "" || strings.HasPrefix(s, "[T") {
		return
	}
	end := offsetIn(s, h.ProgramName) + len(h.ProgramName)
	if end >= len(s) || offsetIn(s, h.Log) < end {
		return
	}
	sep := s[end:offsetIn(s, h.Log)]
	if strings.HasPrefix(sep, "[ID ") || strings.Contains(sep, "] [ID ") || strings.Contains(sep, ": [ID ") {
		return // an [ID …] block follows the program name
	}
	switch {
	case sep == ": ", sep == "":
	case strings.HasPrefix(sep, "[") && (strings.HasSuffix(sep, "]: ") || strings.HasSuffix(sep, "] ")):
	default:
		t.Fatalf("ParseDialect(%q, OSSEC): program %q followed by %q", line, h.ProgramName, sep)
	}
}

var sink Header

func BenchmarkParse(b *testing.B) {
	lines := []struct{ name, line string }{
		{"bsd", "Dec 29 10:00:01 myhost sshd[1234]: Accepted password for root from 10.0.0.1 port 22 ssh2"},
		{"iso", "2009-05-22T09:36:46.214994-07:00 myhost sshd[1234]: Accepted password for root"},
		{"asl", "[Time 2006.12.28 15:53:55 UTC] [Facility auth] [Sender sshd] [PID 483] [Message error: PAM] [Level 3] [Host h]"},
		{"none", `{"win":{"system":{"eventID":"4625"}}}`},
	}
	for _, d := range []struct {
		name string
		d    Dialect
	}{{"wazuh", Wazuh}, {"ossec", OSSEC}} {
		for _, l := range lines {
			b.Run(d.name+"/"+l.name, func(b *testing.B) {
				b.ReportAllocs()
				b.SetBytes(int64(len(l.line)))
				for b.Loop() {
					sink = ParseDialect(l.line, d.d)
				}
			})
		}
	}
}
