package predecode

import (
	"strings"
	"testing"
)

// want is the expected pre-decoding of one line; host/prog "-" means absent.
type want struct {
	ts, host, prog, log string
}

func (w want) check(t *testing.T, line string, h Header) {
	t.Helper()
	gotHost, gotProg := "-", "-"
	if h.HasHostname {
		gotHost = h.Hostname
	} else if h.Hostname != "" {
		t.Errorf("Parse(%q): Hostname %q without HasHostname", line, h.Hostname)
	}
	if h.HasProgramName {
		gotProg = h.ProgramName
	} else if h.ProgramName != "" {
		t.Errorf("Parse(%q): ProgramName %q without HasProgramName", line, h.ProgramName)
	}
	got := want{h.Timestamp, gotHost, gotProg, h.Log}
	if got != w {
		t.Errorf("Parse(%q)\n got ts=%q host=%q prog=%q log=%q\nwant ts=%q host=%q prog=%q log=%q",
			line, got.ts, got.host, got.prog, got.log, w.ts, w.host, w.prog, w.log)
	}
}

func TestParse(t *testing.T) {
	tests := []struct {
		name string
		line string
		want want
	}{
		// Header formats, in analysisd's order.
		{"bsd", "Dec 29 10:00:01 myhost sshd[1234]: Accepted password",
			want{"Dec 29 10:00:01", "myhost", "sshd", "Accepted password"}},
		{"bsd single-digit day", "Jan  1 00:00:00 host prog: msg",
			want{"Jan  1 00:00:00", "host", "prog", "msg"}},
		{"bsd letters not checked", "123 45 67:89:01 h p: m",
			want{"123 45 67:89:01", "h", "p", "m"}},
		{"proftpd", "2015-04-16 21:51:02,805 wazuh-agent01 AUTH:INFO sshd[223468]: LOG BODY",
			want{"2015-04-16 21:51:02,805", "wazuh-agent01", "AUTH", "INFO sshd[223468]: LOG BODY"}},
		{"iso 3a", "2007-06-14T15:48:55-04:00 host prog: msg",
			want{"2007-06-14T15:48:55-04:00", "host", "prog", "msg"}},
		{"iso 3b", "2022-12-19T15:02:53.288+00:00 wazuh-agent01 sshd[1]: x",
			want{"2022-12-19T15:02:53.288+00:00", "wazuh-agent01", "sshd", "x"}},
		{"iso 3c", "2009-05-22T09:36:46.214994-07:00 host prog[9]: msg",
			want{"2009-05-22T09:36:46.214994-07:00", "host", "prog", "msg"}},
		{"iso 3d microseconds Z (misaligned)", "2021-01-01T09:09:09.404756Z myhost prog: msg",
			want{"2021-01-01T09:09:09.404756Z myh", "st", "prog", "msg"}},
		{"iso 3d milliseconds Z (misaligned)", "2021-01-01T09:09:09.123Z host prog: msg",
			want{"2021-01-01T09:09:09.123Z host p", "-", "og", "msg"}},
		{"iso 3d 31 chars aligned", "2021-01-01T09:09:09.123456+0100 host prog: msg",
			want{"2021-01-01T09:09:09.123456+0100", "host", "prog", "msg"}},
		{"iso 3d 32 chars misaligned", "2021-01-01T09:09:09.1234567+0100 host prog: msg",
			want{"2021-01-01T09:09:09.1234567+010", "host", "prog", "msg"}},
		{"iso Z without fraction not recognised", "2021-01-01T09:09:09Z host prog: message text",
			want{"", "-", "-", "2021-01-01T09:09:09Z host prog: message text"}},
		{"year first", "2015 Dec 29 10:00:01 wazuh-agent01 AUTH:INFO sshd[223468]: LOG BODY",
			want{"2015 Dec 29 10:00:01", "wazuh-agent01", "AUTH", "INFO sshd[223468]: LOG BODY"}},
		{"macos uls", "2021-04-21 10:16:09.404756-0700 wazuh-agent01 AUTH:INFO sshd[223468]: LOG BODY",
			want{"2021-04-21 10:16:09.404756-0700", "wazuh-agent01", "AUTH", "INFO sshd[223468]: LOG BODY"}},
		{"xferlog", "Mon Apr 17 18:27:14 2006 1 64.160.42.130 5450 /home/f b _ o r user ftp 0 * c",
			want{"Mon Apr 17 18:27:14 2006", "-", "-", "1 64.160.42.130 5450 /home/f b _ o r user ftp 0 * c"}},
		{"snort", "01/28-09:13:16.240702  [**] [1:2003:8] x [**]",
			want{"01/28-09:13:16.240702", "-", "-", "[**] [1:2003:8] x [**]"}},
		{"suricata", "01/28/1979-09:13:16.240702  [**] [1:2003:8] x",
			want{"01/28/1979-09:13:16.240702", "-", "-", "[**] [1:2003:8] x"}},
		{"apache", "[Fri Feb 11 18:06:35 2004] [warn] [client 1.2.3.4] x",
			want{"Fri Feb 11 18:06:35 2004", "-", "-", "[warn] [client 1.2.3.4] x"}},
		{"asl", "[Time 2006.12.28 15:53:55 UTC] [Facility auth] [Sender sshd] [PID 483] [Message error: PAM: Authentication failure for username from 192.168.0.2] [Level 3] [UID -2] [GID -2] [Host Hostname]",
			want{"", "Hostname", "sshd", "error: PAM: Authentication failure for username from 192.168.0.2"}},
		{"asl without message: log cut at sender's bracket", "[Time 2006.12.28 15:53:55 UTC] [Facility auth] [Sender sshd] [PID 483]",
			want{"", "-", "sshd", " UTC] [Facility auth] [Sender sshd"}},
		{"asl second message ignored, stops after host", "[Time 2006.12.28 15:53:55 UTC] [Message a] [Message b] [Host h] [Sender s]",
			want{"", "h", "-", "a"}},
		{"asl unclosed message", "[Time 2006.12.28 15:53:55 UTC] [Sender x] [Message open ended",
			want{"", "-", "x", "open ended"}},
		{"asl unclosed host", "[Time 2006.12.28 15:53:55 UTC] [Sender x] [Host h",
			want{"", "-", "x", " UTC] [Sender x"}},
		{"squid two spaces", "1140804070.368  11623 10.0.0.1 TCP_MISS/200 1234 GET http://x/ - DIRECT/1.2.3.4 text/html",
			want{"1140804070.368 ", "-", "-", "11623 10.0.0.1 TCP_MISS/200 1234 GET http://x/ - DIRECT/1.2.3.4 text/html"}},
		{"squid one space", "1140804070.368 116230 10.0.0.1 TCP_MISS/200 1234 GET http://x/",
			want{"1140804070.368", "-", "-", "116230 10.0.0.1 TCP_MISS/200 1234 GET http://x/"}},
		{"no header", "some plain message: with colon",
			want{"", "-", "-", "some plain message: with colon"}},
		{"json", `{"a":"Dec 29 10:00:01 x"}`, want{"", "-", "-", `{"a":"Dec 29 10:00:01 x"}`}},

		// Hostname and program name rules.
		{"solaris host-less", "Dec 29 10:00:01 sshd: msg", want{"Dec 29 10:00:01", "-", "sshd", "msg"}},
		{"solaris empty program", "Dec 29 10:00:01 : msg", want{"Dec 29 10:00:01", "-", "", "msg"}},
		{"invalid hostname char", "Dec 29 10:00:01 host!name x", want{"Dec 29 10:00:01", "-", "-", "host!name x"}},
		{"hostname charset", "Dec 29 10:00:01 a_b@c.d/e(f)-9 p: m", want{"Dec 29 10:00:01", "a_b@c.d/e(f)-9", "p", "m"}},
		{"hostname colon no space", "Dec 29 10:00:01 host:x y", want{"Dec 29 10:00:01", "-", "-", "host:x y"}},
		{"empty program", "Dec 29 10:00:01 host : msg", want{"Dec 29 10:00:01", "host", "", "msg"}},
		{"prog colon no space", "Dec 29 10:00:01 host prog:msg", want{"Dec 29 10:00:01", "host", "prog", "msg"}},
		{"prog colon two spaces", "Dec 29 10:00:01 host prog:  msg", want{"Dec 29 10:00:01", "host", "prog", " msg"}},
		{"prog pid colon no space", "Dec 29 10:00:01 host prog[12]:msg", want{"Dec 29 10:00:01", "host", "prog", "msg"}},
		{"prog pid space", "Dec 29 10:00:01 host prog[12] msg", want{"Dec 29 10:00:01", "host", "prog", "msg"}},
		{"prog pid weird", "Dec 29 10:00:01 host prog[12x msg", want{"Dec 29 10:00:01", "host", "-", "prog[12x msg"}},
		{"prog pid not digit", "Dec 29 10:00:01 host prog[x]: msg", want{"Dec 29 10:00:01", "host", "-", "prog[x]: msg"}},
		{"prog pid at end", "Dec 29 10:00:01 host prog[12]", want{"Dec 29 10:00:01", "host", "-", "prog[12]"}},
		{"no program", "Dec 29 10:00:01 host some message", want{"Dec 29 10:00:01", "host", "-", "some message"}},
		{"program keeps case", "Dec 29 10:00:01 host CRON[1]: x", want{"Dec 29 10:00:01", "host", "CRON", "x"}},
		{"extra space skipped", "Dec 29 10:00:01  host prog: m", want{"Dec 29 10:00:01", "host", "prog", "m"}},
		{"empty hostname", "Dec 29 10:00:01   prog: m", want{"Dec 29 10:00:01", "", "prog", "m"}},
		{"id block", "Dec 29 10:00:01 host sshd[123]: [ID 800047 auth.info] Accepted",
			want{"Dec 29 10:00:01", "host", "sshd", "Accepted"}},
		{"id block after solaris prog", "Dec 29 10:00:01 sshd: [ID 1 auth.info] x", want{"Dec 29 10:00:01", "-", "sshd", "x"}},
		{"id block at end", "Dec 29 10:00:01 host sshd: [ID 1 a.b]", want{"Dec 29 10:00:01", "host", "sshd", ""}},
		{"id block unclosed", "Dec 29 10:00:01 host sshd: [ID 1 a.b", want{"Dec 29 10:00:01", "host", "sshd", "[ID 1 a.b"}},
		{"id needs space", "Dec 29 10:00:01 host sshd: [IDx] y", want{"Dec 29 10:00:01", "host", "sshd", "[IDx] y"}},
		{"aix", "Dec 29 10:00:01 host auth|security:info sshd: msg", want{"Dec 29 10:00:01", "host", "sshd", "msg"}},
		{"aix pid", "Dec 29 10:00:01 host auth|security:info sshd[12]: msg", want{"Dec 29 10:00:01", "host", "sshd", "msg"}},
		{"aix pid without colon truncates log", "Dec 29 10:00:01 host auth|security:info sshd[12] msg",
			want{"Dec 29 10:00:01", "host", "sshd", "auth|security:info sshd"}},
		{"aix unterminated program", "Dec 29 10:00:01 host auth|security:info sshd msg",
			want{"Dec 29 10:00:01", "host", "sshd msg", " msg"}},
		{"aix no severity", "Dec 29 10:00:01 host auth|security msg", want{"Dec 29 10:00:01", "host", "-", "auth|security msg"}},
		{"aix no space after severity", "Dec 29 10:00:01 host auth|security:info", want{"Dec 29 10:00:01", "host", "-", "auth|security:info"}},
		{"aix uppercase after bar", "Dec 29 10:00:01 host auth|Sec:info p: m", want{"Dec 29 10:00:01", "host", "-", "auth|Sec:info p: m"}},

		// The "Mär" quirk.
		{"umlaut month", "Mär 02 17:30:52 myhost sshd[1]: hi", want{"Mär 02 17:30:5", "myhost", "sshd", "hi"}},
		{"umlaut first byte ignored", "Xär 02 17:30:52 h p: m", want{"Xär 02 17:30:5", "h", "p", "m"}},
		{"umlaut without header", "Mär", want{"", "-", "-", "Mär"}},

		// Lengths around the thresholds.
		{"empty", "", want{"", "-", "-", ""}},
		{"one byte", "x", want{"", "-", "-", "x"}},
		{"bsd 16 bytes", "Dec 29 10:00:01 ", want{"", "-", "-", "Dec 29 10:00:01 "}},
		{"bsd 17 bytes", "Dec 29 10:00:01 x", want{"Dec 29 10:00:01", "-", "-", "x"}},
		{"bsd host then end", "Dec 29 10:00:01 h ", want{"Dec 29 10:00:01", "h", "-", ""}},
		{"proftpd 23 bytes", "2015-04-16 21:51:02,805", want{"", "-", "-", "2015-04-16 21:51:02,805"}},
		{"proftpd 24 bytes", "2015-04-16 21:51:02,805 ", want{"2015-04-16 21:51:02,805", "-", "-", ""}},
		{"iso 32 bytes", "2007-06-14T15:48:55-04:00 host p", want{"", "-", "-", "2007-06-14T15:48:55-04:00 host p"}},
		{"iso 33 bytes", "2007-06-14T15:48:55-04:00 host pr", want{"2007-06-14T15:48:55-04:00", "host", "-", "pr"}},
		{"year first 20 bytes", "2015 Dec 29 10:00:01", want{"", "-", "-", "2015 Dec 29 10:00:01"}},
		{"year first 21 bytes", "2015 Dec 29 10:00:01 ", want{"2015 Dec 29 10:00:01", "-", "-", ""}},
		{"suricata past the end", "01/28/1979-09:13:16.240702 ", want{"01/28/1979-09:13:16.240702", "-", "-", ""}},
		{"squid 32 bytes", "1140804070.368  11623 10.0.0.1 T", want{"1140804070.368 ", "-", "-", "11623 10.0.0.1 T"}},
		{"squid 31 bytes", "1140804070.368  11623 10.0.0.1 ", want{"", "-", "-", "1140804070.368  11623 10.0.0.1 "}},

		// Bytes analysisd does not treat specially, and NUL.
		{"non-ascii hostname", "Dec 29 10:00:01 hóst prog: m", want{"Dec 29 10:00:01", "-", "-", "hóst prog: m"}},
		{"invalid utf-8", "Dec 29 10:00:01 host \xff\xfe: m", want{"Dec 29 10:00:01", "host", "-", "\xff\xfe: m"}},
		{"tab after hostname", "Dec 29 10:00:01 host\tprog: m", want{"Dec 29 10:00:01", "-", "-", "host\tprog: m"}},
		{"newline kept", "Dec 29 10:00:01 host prog: a\nb", want{"Dec 29 10:00:01", "host", "prog", "a\nb"}},
		{"nul ends the line", "Dec 29 10:00:01 host prog: a\x00b", want{"Dec 29 10:00:01", "host", "prog", "a"}},
		{"nul inside header", "Dec 29\x0010:00:01 host prog: m", want{"", "-", "-", "Dec 29"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.want.check(t, tt.line, Parse(tt.line))
		})
	}
}

func TestParseLongLine(t *testing.T) {
	body := strings.Repeat("x", 1<<20)
	line := "Dec 29 10:00:01 host prog: " + body
	want{"Dec 29 10:00:01", "host", "prog", body}.check(t, "long line", Parse(line))
	prog := strings.Repeat("p", 1<<16)
	line = "Dec 29 10:00:01 host " + prog + "[1]: m"
	want{"Dec 29 10:00:01", "host", prog, "m"}.check(t, "long program", Parse(line))
}

func TestTrimAtNUL(t *testing.T) {
	for in, out := range map[string]string{"": "", "abc": "abc", "a\x00b": "a", "\x00": ""} {
		if got := TrimAtNUL(in); got != out {
			t.Errorf("TrimAtNUL(%q) = %q, want %q", in, got, out)
		}
	}
}

func TestParseDoesNotAllocate(t *testing.T) {
	lines := []string{
		"Dec 29 10:00:01 myhost sshd[1234]: [ID 1 auth.info] Accepted password",
		"[Time 2006.12.28 15:53:55 UTC] [Sender sshd] [Message m] [Host h]",
		"Dec 29 10:00:01 host auth|security:info sshd: msg",
		"Mär 02 17:30:52 myhost sshd[1]: hi",
		"2019:11:06-00:08:03 utm ulogd[1]: [ID 1 a.b] x",
		"2009-05-22T09:36:46,214994-07:00 host prog[9]: msg",
	}
	for _, l := range lines {
		for _, d := range []Dialect{Wazuh, OSSEC} {
			if n := testing.AllocsPerRun(100, func() { _ = ParseDialect(l, d) }); n != 0 {
				t.Errorf("ParseDialect(%q, %d) allocates %v times", l, d, n)
			}
		}
	}
}

func TestParseAgentLocation(t *testing.T) {
	tests := []struct {
		loc                    string
		id, location, hostname string
		ok                     bool
	}{
		{"[001] (agent1) 192.168.1.10->/var/log/secure", "001", "(agent1) 192.168.1.10->/var/log/secure", "agent1", true},
		{"[002] (win) any->EventChannel", "002", "(win) any->EventChannel", "win", true},
		{"[015] (DESKTOP) any->fim_registry", "015", "(DESKTOP) any->fim_registry", "DESKTOP", true},
		{"[003] (bad", "003", "(bad", "", true},
		{"[004]", "004", "", "", true},
		{"[005] x", "005", "x", "", true},
		{"[006]x", "006", "", "", true},
		{"[007]xy", "007", "y", "", true},
		{"[008] ()", "008", "()", "", true},
		{"[009] a (b)", "009", "a (b)", "", true},
		{"[] (n) x", "", "(n) x", "n", true},
		{"stdin", "", "", "", false},
		{"(x) y->z", "", "", "", false},
		{"[abc", "", "", "", false},
		{"", "", "", "", false},
	}
	for _, tt := range tests {
		id, loc, host, ok := ParseAgentLocation(tt.loc)
		if id != tt.id || loc != tt.location || host != tt.hostname || ok != tt.ok {
			t.Errorf("ParseAgentLocation(%q) = %q, %q, %q, %v; want %q, %q, %q, %v",
				tt.loc, id, loc, host, ok, tt.id, tt.location, tt.hostname, tt.ok)
		}
	}
}

func TestJSONHostname(t *testing.T) {
	tests := map[string]string{
		"Dec 29 10:00:01 myhost sshd[1]: x": "myhost",
		"Dec  9 10:00:01 myhost sshd[1]: x": "myhost",
		"Dec 09 10:00:01 h":                 "h",
		"Dec 29 10:00:01 host\tfoo bar":     "host\tfoo",
		"Dec 29 10:00:01 hóst x":            "hóst",
		"Dec 29 10:00:01 a\x00b":            "a",
		"Dec 29 10:00:01  host":             "",
		"Dec 29 10:00:01 ":                  "",
		"Dec 49 10:00:01 host":              "",
		"dec 29 10:00:01 host":              "",
		"DEC 29 10:00:01 host":              "",
		"Mär 29 10:00:01 host":              "",
		"Dec 29 1a:00:01 host":              "",
		"2015 Dec 29 10:00:01 host":         "",
		"":                                  "",
	}
	for in, out := range tests {
		if got := JSONHostname(in); got != out {
			t.Errorf("JSONHostname(%q) = %q, want %q", in, got, out)
		}
	}
}

func TestShortHostname(t *testing.T) {
	h := ShortHostname()
	if h == "" || strings.Contains(h, ".") {
		t.Errorf("ShortHostname() = %q, want a non-empty name without dots", h)
	}
	if ShortHostname() != h {
		t.Error("ShortHostname changed between calls")
	}
}
