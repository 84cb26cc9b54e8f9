package osregex

import (
	"fmt"
	"testing"
)

func TestFindCompactIn(t *testing.T) {
	tests := []struct {
		kind    Kind
		pattern string
		subject string
		want    string // captures, compacted
		plain   string // Find's captures
	}{
		{PCRE2, `\[(\S+)\]: (\d+?) |\[(\S+)\]:\d+?: (\d+?) `, "x [1.2.3.4]:22: 7 y", "[1.2.3.4 7]", "[  1.2.3.4 7]"},
		{PCRE2, `\[(\S+)\]: (\d+?) |\[(\S+)\]:\d+?: (\d+?) `, "x [1.2.3.4]: 7 y", "[1.2.3.4 7]", "[1.2.3.4 7]"},
		{PCRE2, `^(\w*)-(\w+)`, "-bob", "[ bob]", "[ bob]"}, // an empty group that took part stays
		{PCRE2, `(a)|(b)|(c)`, "c", "[c]", "[  c]"},
		{PCRE2, `(?=.*c)(a)?(c)`, "xc", "[c]", "[ c]"}, // backtracking engine
		{OSRegex, `^(\w+) (\d+)|^(\w+)`, "abc", "[abc]", "[abc]"},
	}
	for _, tt := range tests {
		p := MustCompile(tt.kind, tt.pattern)
		caps, _, ok, _ := p.FindCompactIn(nil, tt.subject, nil)
		if !ok {
			t.Errorf("%q on %q: no match", tt.pattern, tt.subject)
			continue
		}
		if got := spans(tt.subject, caps); got != tt.want {
			t.Errorf("%q on %q: compact %s, want %s", tt.pattern, tt.subject, got, tt.want)
		}
		plain, _, _ := p.Find(tt.subject, nil)
		if got := spans(tt.subject, plain); got != tt.plain {
			t.Errorf("%q on %q: Find %s, want %s", tt.pattern, tt.subject, got, tt.plain)
		}
	}
}

func spans(s string, caps []int) string {
	var out []string
	for i := 0; i+1 < len(caps); i += 2 {
		out = append(out, s[caps[i]:caps[i+1]])
	}
	return fmt.Sprint(out)
}
