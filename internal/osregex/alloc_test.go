package osregex

import "testing"

// TestNoAllocs pins down the allocation contract: MatchString never
// allocates, Find and FindEnd only on a PCRE2 match that reaches a regexp
// engine.
func TestNoAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector allocates")
	}
	const hit, miss = "sshd: Failed password for root from 10.0.0.1 port 22", "kernel: nothing to see"
	tests := []struct {
		kind Kind
		pat  string
		// findHit: Find on hit must not allocate either.
		findHit bool
	}{
		{OSMatch, "failed password|^refused$", true},
		{OSRegex, `password for (\S+) from (\S+) port (\d+)`, true},
		{PCRE2, `(?i)failed password`, true},
		{PCRE2, `(?i)^sshd: failed|accepted`, true},
		{PCRE2, `(?i)for (\S+) from (\S+) port \d+`, false},
		{PCRE2, `port \d+$`, false},
		// Caseless one-pass (simpleRE) patterns: Find hits do not allocate.
		{PCRE2, `(?i)FOR (\S+) from (\S+) PORT \d+`, true},
		{PCRE2, `(?i)^(\w+): failed|^cron: ([A-Za-z0-9@_-]+) `, true},
		{PCRE2, `^(\w+): (?!Accepted)(F\w+)`, false},
	}
	caps := make([]int, 0, 16)
	for _, tt := range tests {
		p := MustCompile(tt.kind, tt.pat)
		check := func(what string, f func()) {
			t.Helper()
			if n := testing.AllocsPerRun(50, f); n != 0 {
				t.Errorf("%s %q: %s allocates %v times", tt.kind, tt.pat, what, n)
			}
		}
		check("MatchString hit", func() { p.MatchString(hit) })
		check("MatchString miss", func() { p.MatchString(miss) })
		check("Find miss", func() { caps, _, _ = p.Find(miss, caps) })
		check("FindEnd miss", func() { p.FindEnd(miss) })
		if tt.findHit {
			check("Find hit", func() { caps, _, _ = p.Find(hit, caps) })
			check("FindEnd hit", func() { p.FindEnd(hit) })
		}
		if !p.MatchString(hit) || p.MatchString(miss) {
			t.Errorf("%s %q: test subjects do not discriminate", tt.kind, tt.pat)
		}
	}
}
