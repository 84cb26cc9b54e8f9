package daemon

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestAppendLabelValue(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"/var/log/auth.log", "/var/log/auth.log"},
		{`a"b`, `a\"b`},
		{`C:\logs`, `C:\\logs`},
		{"two\nlines", `two\nlines`},
		{"tab\there", "tab\there"},             // taken as it is; \t is no escape of the format
		{"nbsp\u00a0ü", "nbsp\u00a0ü"},         // UTF-8 as it is, not \u00a0
		{"bad\xff\xfebytes", "bad\uFFFDbytes"}, // one U+FFFD for the run
		{"", ""},
	} {
		if got := string(appendLabelValue(nil, tc.in)); got != tc.want {
			t.Errorf("appendLabelValue(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestAppendMetricHead(t *testing.T) {
	got := string(appendMetricHead(nil, "gossec_x_total", "counter", "a\\b\nc \"q\""))
	want := "# HELP gossec_x_total a\\\\b\\nc \"q\"\n# TYPE gossec_x_total counter\n"
	if got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

// unescapeLabel reads a label value back as the text format's parser
// does: the three escapes, anything else after a backslash is an error.
func unescapeLabel(s string) (string, bool) {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"':
			return "", false // an unescaped quote ends the value early
		case c != '\\':
			b.WriteByte(c)
		case i+1 == len(s):
			return "", false
		default:
			i++
			switch s[i] {
			case '\\', '"':
				b.WriteByte(s[i])
			case 'n':
				b.WriteByte('\n')
			default:
				return "", false
			}
		}
	}
	return b.String(), true
}

// FuzzAppendLabelValue: every string becomes a valid UTF-8 label value
// that reads back as the string (its bad bytes as U+FFFD).
func FuzzAppendLabelValue(f *testing.F) {
	for _, s := range []string{"", `a"b\c`, "x\ny\tz", "\xff\u00a0", `\\"\n`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		enc := string(appendLabelValue(nil, s))
		if !utf8.ValidString(enc) {
			t.Fatalf("%q: not UTF-8: %q", s, enc)
		}
		dec, ok := unescapeLabel(enc)
		if !ok || dec != strings.ToValidUTF8(s, "\uFFFD") {
			t.Fatalf("%q: encoded %q reads back as %q (ok %v)", s, enc, dec, ok)
		}
	})
}
