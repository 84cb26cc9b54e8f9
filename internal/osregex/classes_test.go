package osregex

import "testing"

// TestOSRegexClasses checks each escape against every byte value, using the
// membership lists of the spec (4.1.1).
func TestOSRegexClasses(t *testing.T) {
	isDigit := func(c byte) bool { return c >= '0' && c <= '9' }
	isWord := func(c byte) bool {
		return isDigit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-' || c == '@' || c == '_'
	}
	const punct = "!\"#$%&'()*+,-.:;<=>?[]{|}"
	isP := func(c byte) bool {
		for i := 0; i < len(punct); i++ {
			if punct[i] == c {
				return true
			}
		}
		return false
	}
	tests := []struct {
		esc string
		in  func(c byte) bool
	}{
		{`\d`, isDigit},
		{`\w`, isWord},
		{`\s`, func(c byte) bool { return c == ' ' }},
		{`\p`, isP},
		{`\D`, func(c byte) bool { return !isDigit(c) }},
		{`\W`, func(c byte) bool { return !isWord(c) }},
		{`\S`, func(c byte) bool { return c != ' ' }},
		{`\.`, func(byte) bool { return true }},
		{`\t`, func(c byte) bool { return c == '\t' }},
		{`\\`, func(c byte) bool { return c == '\\' }},
		{`\(`, func(c byte) bool { return c == '(' }},
		{`\)`, func(c byte) bool { return c == ')' }},
		{`\$`, func(c byte) bool { return c == '$' }},
		{`\|`, func(c byte) bool { return c == '|' }},
		{`\<`, func(c byte) bool { return c == '<' }},
	}
	if n := len(punct); n != 25 {
		t.Fatalf("punct list has %d chars", n)
	}
	words := 0
	for c := 1; c < 256; c++ {
		if isWord(byte(c)) {
			words++
		}
	}
	if words != 65 {
		t.Fatalf("word list has %d chars", words)
	}
	for _, tt := range tests {
		p := MustCompile(OSRegex, "^"+tt.esc+"$")
		for c := 1; c < 256; c++ {
			s := string([]byte{byte(c)})
			if got, want := p.MatchString(s), tt.in(byte(c)); got != want {
				t.Errorf("%s on byte %#02x: %v, want %v", tt.esc, c, got, want)
			}
		}
	}
}

// TestOSRegexSemantics covers documented behaviour beyond the verified
// table: case folding, literal metacharacters, anchors, quantifiers on
// escaped literals, empty subjects and capture selection.
func TestOSRegexSemantics(t *testing.T) {
	tests := []struct {
		pat, s string
		ok     bool
		caps   []string
	}{
		// Case-insensitive literals, raw-byte classes.
		{`user ROOT`, "User root logged", true, nil},
		{`^ABC`, "abcdef", true, nil},
		{`\w+`, "ÄÖ", false, nil},
		// Literal metacharacters.
		{`a.c`, "abc", false, nil},
		{`[x]{2}?`, "[X]{2}?", true, nil},
		{`a*`, "a*", true, nil},
		{`a*`, "aa", false, nil},
		// '^' and '$' only at alternative edges.
		{`a^b`, "a^b", true, nil},
		{`a$b`, "a$b", true, nil},
		{`\$`, "cost $5", true, nil},
		{`x|^y`, "yes", true, nil},
		{`^x|y$`, "ay", true, nil},
		{`^x|y$`, "ya", false, nil},
		{`abc$`, "xabc", true, nil},
		{`abc$`, "abcx", false, nil},
		// Escaped literals behave as classes and take quantifiers.
		{`^\(+x`, "(((x", true, nil},
		{`^a\|b`, "a|b", true, nil},
		{`\<\d+>`, "<13>", true, nil},
		{`\ta`, "\ta", true, nil},
		// Empty subject: only empty, ^$ or all-optional patterns match.
		{``, "", true, nil},
		{`^$`, "", true, nil},
		{`^$`, "a", false, nil},
		{`\d*`, "", true, nil},
		{`a`, "", false, nil},
		{`\d+`, "", false, nil},
		// Captures come from the matching alternative only.
		{`^ (\S+):(\d+)] |^ (\S+)] `, " 1.2.3.4] x", true, []string{"1.2.3.4"}},
		{`^ (\S+):(\d+)] |^ (\S+)] `, " 1.2.3.4:80] x", true, []string{"1.2.3.4", "80"}},
		{`^(\w+) (\d+)$`, "abc 123", true, []string{"abc", "123"}},
		{`src=(\S+) dst=(\S+)`, "x src=1.1.1.1 dst=2.2.2.2 y", true, []string{"1.1.1.1", "2.2.2.2"}},
		// NUL ends the subject, as for a C string.
		{`b$`, "ab\x00c", true, nil},
	}
	for _, tt := range tests {
		p := MustCompile(OSRegex, tt.pat)
		if got := p.MatchString(tt.s); got != tt.ok {
			t.Errorf("%q.MatchString(%q) = %v, want %v", tt.pat, tt.s, got, tt.ok)
		}
		caps, _, ok := p.Find(tt.s, nil)
		if ok != tt.ok {
			t.Errorf("%q.Find(%q) ok = %v, want %v", tt.pat, tt.s, ok, tt.ok)
			continue
		}
		if tt.caps != nil {
			got := capsOf(tt.s, caps)
			if len(got) != len(tt.caps) {
				t.Errorf("%q.Find(%q) caps = %q, want %q", tt.pat, tt.s, got, tt.caps)
				continue
			}
			for i := range got {
				if got[i] != tt.caps[i] {
					t.Errorf("%q.Find(%q) caps = %q, want %q", tt.pat, tt.s, got, tt.caps)
					break
				}
			}
		}
	}
}
