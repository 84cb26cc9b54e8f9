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

func TestOSRegexCompileErrors(t *testing.T) {
	tests := []struct {
		pat  string
		code ErrorCode
		frag string
	}{
		{`a(b|c)`, ErrParenthesis, ""},
		{`\-`, ErrInvalidEscape, `\-`},
		{`a\-b`, ErrInvalidEscape, `\-`},
		{`\/`, ErrInvalidEscape, `\/`},
		{`\n`, ErrInvalidEscape, `\n`},
		{`\[`, ErrInvalidEscape, `\[`},
		{`abc\`, ErrInvalidEscape, `\`},
		{`((a))`, ErrParenthesis, ""},
		{`a)`, ErrParenthesis, ""},
		{`(a`, ErrParenthesis, ""},
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
