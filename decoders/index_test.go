package decoders

import (
	"strings"
	"testing"

	"github.com/gossec/gossec/internal/osregex"
)

func TestIndexBounds(t *testing.T) {
	compile := func(k osregex.Kind, p string) *osregex.Pattern {
		t.Helper()
		re, err := osregex.Compile(k, p)
		if err != nil {
			t.Fatal(err)
		}
		return re
	}
	// First-byte sets.
	for _, c := range []struct {
		kind    osregex.Kind
		pattern string
		bytes   string // "" = no bound
	}{
		{osregex.OSRegex, `^abc`, "aA"},
		{osregex.OSRegex, `^\d+x|^Q`, "0123456789qQ"},
		{osregex.OSRegex, `^\s`, " "},
		{osregex.OSRegex, `^\d*x`, ""},
		{osregex.OSRegex, `abc`, ""},
		{osregex.OSRegex, `^abc|def`, ""},
		{osregex.OSRegex, `^\<x`, "<"},
		{osregex.OSRegex, `^$`, ""},
		{osregex.PCRE2, `^abc`, "a"},
		{osregex.PCRE2, `^a?bc`, "ab"},
		{osregex.PCRE2, `^a*`, ""},
		{osregex.PCRE2, `^a|b`, ""},
		{osregex.PCRE2, `^a|^\[b`, "a["},
		{osregex.PCRE2, `^(?:x|y)z`, "xy" + highBytes}, // simplified to a class
		{osregex.PCRE2, `^\d{2}`, "0123456789" + highBytes},
		{osregex.PCRE2, `(?i)^a`, "aA" + highBytes},
		{osregex.PCRE2, `^(?=a)`, ""},
	} {
		set, ok := firstBytes(compile(c.kind, c.pattern))
		var got strings.Builder
		if ok {
			for b := 0; b < 256; b++ {
				if set[b] {
					got.WriteByte(byte(b))
				}
			}
		}
		if sortString(got.String()) != sortString(c.bytes) {
			t.Errorf("%s %q: first bytes %q, want %q", c.kind, c.pattern, got.String(), c.bytes)
		}
	}
	// Program-name literals.
	for _, c := range []struct {
		pattern       string
		exact, prefix string
		ok            bool
	}{
		{`^sshd$`, "sshd", "", true},
		{`^Sshd`, "", "sshd", true},
		{`^su$|^sudo`, "su", "sudo", true},
		{`sshd`, "", "", false},
		{`^a|`, "", "", false},
		{`!^a$`, "", "", false},
		{``, "", "", false},
	} {
		exact, prefix, ok := osmatchLiterals(compile(osregex.OSMatch, c.pattern))
		if ok != c.ok || strings.Join(exact, ",") != c.exact || strings.Join(prefix, ",") != c.prefix {
			t.Errorf("%q: %v %v %v", c.pattern, exact, prefix, ok)
		}
	}
}

// highBytes are the non-ASCII bytes, which a class or a case-insensitive
// literal may always start with.
var highBytes = func() string {
	var b []byte
	for c := 0x80; c < 0x100; c++ {
		b = append(b, byte(c))
	}
	return string(b)
}()

func sortString(s string) string {
	b := []byte(s)
	for i := range b {
		for j := i + 1; j < len(b); j++ {
			if b[j] < b[i] {
				b[i], b[j] = b[j], b[i]
			}
		}
	}
	return string(b)
}
