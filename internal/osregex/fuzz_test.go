package osregex

import "testing"

func FuzzOSRegex(f *testing.F) {
	seeds := [][2]string{
		{`(\.+)end`, "aaa end bbb end"},
		{`(\d+)\.(\d+)`, "12.34"},
		{`^(\.+) (\d+)$`, "a 1 b 2 c 3 d 4 e 5 f 6 g 7"},
		{`^a(\d+)|^b(\w+)`, "bxyz"},
		{`^foo \S+`, "foo barbaz qux"},
		{`\w+\s\d`, "ab x"},
		{`user (\S+) from (\S*)\s*$`, "user root from 10.0.0.1  "},
		{`(\d*)(\w+)`, "12ab"},
		{``, ""},
	}
	for _, s := range seeds {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, pat, s string) {
		checkOSRegexPaths(t, pat, s)
	})
}

func FuzzOSMatch(f *testing.F) {
	for _, s := range [][2]string{{"^sshd|fail$", "SSHD: FAIL"}, {"!^a$", "A"}, {"a||", ""}, {"^$", ""}} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, pat, s string) {
		p, err := Compile(OSMatch, pat)
		if err != nil {
			if len(cString(pat)) <= MaxPatternLen {
				t.Fatalf("Compile(%q): %v", pat, err)
			}
			return
		}
		got := p.MatchString(s)
		if want := osMatchReference(pat, s); got != want {
			t.Fatalf("OSMatch(%q) on %q = %v, reference %v", pat, s, got, want)
		}
		_ = WordMatch(pat, s)
	})
}

func FuzzPCRE2(f *testing.F) {
	for _, s := range [][2]string{
		{`user (\w+) from (\S+)`, "user bob from 1.2.3.4"},
		{`^(?=.*a)(?=.*x)`, "xa"},
		{`(a)|(b)(c)?`, "b"},
		{`(*UTF)\N{U+202E}`, "\u202e"},
		{`(?!x)é(b+)`, "ééébb"},
		{`(?i)^pam_unix|^\(pam_unix\)`, "(PAM_UNIX) x"},
		{`(?i)\.jpg$|\.gif$|favicon\.ico$`, "GET /favicon.ICO"},
		{`(?i)for (\S+) from (\S+)$`, "for \u212aey from x"},
	} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, pat, s string) {
		p, err := Compile(PCRE2, pat)
		if err != nil {
			return
		}
		// The fast paths must agree with the plain regexp.
		checkPCRE2Paths(t, pat, s)
		caps, end, ok := p.Find(s, nil)
		if ok != p.MatchString(s) {
			t.Fatalf("%q on %q: Find ok %v != MatchString", pat, s, ok)
		}
		n := len(cString(s))
		if !ok {
			return
		}
		if end < 0 || end > n {
			t.Fatalf("%q on %q: end %d", pat, s, end)
		}
		if e2, ok2 := p.FindEnd(s); !ok2 || e2 != end {
			t.Fatalf("%q on %q: FindEnd %d %v != %d", pat, s, e2, ok2, end)
		}
		for i := 0; i+1 < len(caps); i += 2 {
			if caps[i] < 0 || caps[i] > caps[i+1] || caps[i+1] > n {
				t.Fatalf("%q on %q: bad span %v", pat, s, caps)
			}
		}
	})
}
