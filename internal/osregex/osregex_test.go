package osregex

import (
	"errors"
	"strings"
	"testing"
)

// capsOf returns the captured substrings.
func capsOf(s string, caps []int) []string {
	var out []string
	for i := 0; i+1 < len(caps); i += 2 {
		out = append(out, s[caps[i]:caps[i+1]])
	}
	return out
}

// TestOSRegexVerified holds every row of the spec's table of results
// measured on the real v4.9.2 engine, plus end pointers derived from the
// documented pointer rules.
func TestOSRegexVerified(t *testing.T) {
	tests := []struct {
		pat, s string
		ok     bool
		caps   []string
		end    int // -1: not checked
	}{
		{`(\.+)end`, "aaa end bbb end", true, []string{"aaa "}, -1},
		{`(\d+).(\d+)`, "12.34", true, []string{"12", "34"}, -1},
		{`(\d+)\.(\d+)`, "12.34", true, []string{"1", ""}, -1},
		{`^(\.+) (\d+)$`, "a 1 b 2 c 3 d 4 e 5 f 6 g 7", true, []string{"a 1 b 2 c 3 d 4 e 5 f 6 g", "7"}, -1},
		{`is (\.+)$`, "this is a test", true, []string{"is a test"}, -1},
		{`(a)(b)(c)`, "abc", false, nil, -1},
		{`a+b`, "aab", false, nil, -1},
		{`a+b`, "a+b", true, nil, 3},
		{`A.B`, "axb", false, nil, -1},
		{`A.B`, "a.b", true, nil, 3},
		{`^abc$`, "ABC", true, nil, 3},
		{`x\p`, "x/", false, nil, -1},
		{`^a(\d+)|^b(\w+)`, "bxyz", true, []string{"xyz"}, -1},
		{`^foo \S+`, "foo barbaz qux", true, nil, 11},
		{`^foo \d+$`, "foo 12345", true, nil, 5},
		{``, "abc", true, nil, -1},
	}
	for _, tt := range tests {
		p, err := Compile(OSRegex, tt.pat)
		if err != nil {
			t.Fatalf("Compile(%q): %v", tt.pat, err)
		}
		if got := p.MatchString(tt.s); got != tt.ok {
			t.Errorf("%q.MatchString(%q) = %v, want %v", tt.pat, tt.s, got, tt.ok)
		}
		caps, end, ok := p.Find(tt.s, nil)
		if ok != tt.ok {
			t.Errorf("%q.Find(%q) ok = %v, want %v", tt.pat, tt.s, ok, tt.ok)
			continue
		}
		if !ok {
			continue
		}
		if got := capsOf(tt.s, caps); strings.Join(got, "\x00") != strings.Join(tt.caps, "\x00") || len(got) != len(tt.caps) {
			t.Errorf("%q.Find(%q) caps = %q, want %q", tt.pat, tt.s, got, tt.caps)
		}
		if tt.end >= 0 && end != tt.end {
			t.Errorf("%q.Find(%q) end = %d, want %d", tt.pat, tt.s, end, tt.end)
		}
	}
}

// TestOSRegexUpstreamExamples holds pattern/subject pairs that upstream's
// own os_regex example and unit-test data expect to match, with the
// captures and end pointers those tests assert where they assert them.
func TestOSRegexUpstreamExamples(t *testing.T) {
	const snort = `^\S+ [(\d+:\d+:\d+)] \.+ (\d+.\d+.\d+.\d+)\p*\d* -> (\d+.\d+.\d+.\d+)\p*`
	tests := []struct {
		pat, s string
		caps   []string // nil: not checked
		end    int      // -1: not checked
	}{
		{`\s+123`, "  123", nil, -1},
		{`\s*123`, "123", nil, -1},
		{`\s123`, " 123", nil, -1},
		{`\w+\s+\w+`, "a 1", nil, -1},
		{`\w+\d+\w+\s+`, "ab12fb12fd12 ", nil, -1},
		{`^\s*\w\s*\w+`, "a   l a  a", nil, -1},
		{`^su\S*: BAD su`, "su: BAD SU dcid to root on /dev/ttyp0", nil, -1},
		{`^su\s*: BAD su`, "su: BAD SU dcid to root on /dev/ttyp0", nil, -1},
		{`^abc\sabc`, "abc abcd", nil, -1},
		{`^abc\s\s*abc`, "abc abcd", nil, -1},
		{`^\s+\sl`, "     lala", nil, -1},
		{`^\s*\sl`, "     lala", nil, -1},
		{`^\s\s+l`, "     lala", nil, -1},
		{`^\s+\s l`, "     lala", nil, -1},
		{`test123test\d+`, "test123test123", nil, -1},
		{`^kernel: \S+ \.+ SRC=\S+ DST=\S+ \.+ PROTO=\w+ SPT=\d+ DPT=\d+ `, "kernel: IPTABLE IN=eth0 OUT= MAC=ff:ff:ff:ff:ff:ff:00:03:93:db:2e:b4:08:00 SRC=10.4.11.40 DST=255.255.255.255 LEN=180 TOS=0x00 PREC=0x00 TTL=64 ID=4753 PROTO=UDP SPT=49320 DPT=2222 LEN=160", nil, -1},
		{`test (\w+)la`, "test abclala", nil, -1},
		{`(\w+) (\w+)`, "wofl wofl", nil, -1},
		{snort, "snort: [1:469:3] ICMP PING NMAP [Classification: Attempted Information Leak] [Priority: 2]: {ICMP} 10.4.12.26 -> 10.4.10.231", nil, -1},
		{snort, "snort: [1:1420:11] SNMP trap tcp [Classification: Attempted Information Leak] [Priority: 2]: {TCP} 10.4.12.26:37020 -> 10.4.10.231:162", nil, -1},
		{snort, "snort: [1:590:12] RPC portmap ypserv request UDP [Classification: Decode of an RPC Query] [Priority: 2]: {UDP} 10.4.11.94:669 -> 10.4.3.20:111", nil, -1},
		{`^(\d+)-(\d+)-(\d+) (\d+):(\d+):(\d\d)$`, "2018-01-01 00:00:00", []string{"2018", "01", "01", "00", "00", "00"}, -1},
		{`^hi (\w\w\w\w\w)`, "hi wazuh", []string{"wazuh"}, len("hi wazuh")},
		{`^(\w+) (\w+) (\w+) (\w+) (\w+) (\w+) (\w+) (\w+) (\w+) (\w+)`, "f1 f2 f3 f4 f5 f6 f7 f8 f9 f10", []string{"f1", "f2", "f3", "f4", "f5", "f6", "f7", "f8", "f9", "f10"}, -1},
		{`^hi (\w+).`, "hi wazuh.bye", []string{"wazuh"}, len("hi wazuh.")},
	}
	for _, tt := range tests {
		p := MustCompile(OSRegex, tt.pat)
		caps, end, ok := p.Find(tt.s, nil)
		if !ok || !p.MatchString(tt.s) {
			t.Errorf("%q does not match %q", tt.pat, tt.s)
			continue
		}
		if tt.caps != nil {
			if got := capsOf(tt.s, caps); strings.Join(got, "|") != strings.Join(tt.caps, "|") {
				t.Errorf("%q on %q: caps %q, want %q", tt.pat, tt.s, got, tt.caps)
			}
		}
		if tt.end >= 0 && end != tt.end {
			t.Errorf("%q on %q: end %d, want %d", tt.pat, tt.s, end, tt.end)
		}
	}
}

func TestOSRegexCompileErrors(t *testing.T) {
	tests := []struct {
		pat  string
		code ErrorCode
		frag string
	}{
		{`a(b|c)`, ErrAltInGroup, "(b|"},
		{`\-`, ErrInvalidEscape, `\-`},
		{`a\-b`, ErrInvalidEscape, `\-`},
		{`\/`, ErrInvalidEscape, `\/`},
		{`\n`, ErrInvalidEscape, `\n`},
		{`\[`, ErrInvalidEscape, `\[`},
		{`abc\`, ErrInvalidEscape, `\`},
		{`((a))`, ErrParenthesis, "(("},
		{`x(a(b))`, ErrParenthesis, "(a("},
		{`a)`, ErrParenthesis, ""},
		{`x(a`, ErrParenthesis, "(a"},
		{strings.Repeat("a", MaxPatternLen+1), ErrTooLong, ""},
	}
	for _, tt := range tests {
		_, err := Compile(OSRegex, tt.pat)
		var e *Error
		if !errors.As(err, &e) {
			t.Errorf("Compile(%.40q) err = %v, want *Error", tt.pat, err)
			continue
		}
		if e.Code != tt.code {
			t.Errorf("Compile(%.40q) code = %v, want %v", tt.pat, e.Code, tt.code)
		}
		if tt.frag != "" && e.Fragment != tt.frag {
			t.Errorf("Compile(%.40q) fragment = %q, want %q", tt.pat, e.Fragment, tt.frag)
		}
	}
	if _, err := Compile(OSRegex, strings.Repeat("a", MaxPatternLen)); err != nil {
		t.Errorf("pattern of exactly MaxPatternLen: %v", err)
	}
	_, err := Compile(OSRegex, `a\-b`)
	if want := `osregex: invalid escape "\-" in osregex pattern "a\-b"`; err == nil || err.Error() != want {
		t.Errorf("error text = %v, want %s", err, want)
	}
}
