package osregex

import "testing"

func TestOSMatch(t *testing.T) {
	tests := []struct {
		pat, s string
		want   bool
	}{
		{"fail", "Authentication FAILED", true},
		{"fail", "ok", false},
		{"^sshd", "SSHD[12]", true},
		{"^sshd", "xsshd", false},
		{"denied$", "access DENIED", true},
		{"denied$", "denied access", false},
		{"^su$", "SU", true},
		{"^su$", "sudo", false},
		{"^$", "", true},
		{"^$", "a", false},
		{"^", "anything", true},
		{"$", "anything", true},
		{"", "anything", true},
		{"", "", true},
		{"a|", "zzz", true},
		{"|a", "zzz", true},
		{"a||b", "zzz", true},
		{"x|y z", "a y z", true},
		{"x|y z", "a yz", false},
		{"x| y", "a y", true},
		{`c:\windows`, `C:\Windows\System32`, true},
		{"a^b", "a^b", true},
		{"a$b", "xa$bx", true},
		{"!fail", "all good", true},
		{"!fail", "it failed", false},
		{"!^a|^b", "b", false},
		{"!^a|^b", "c", true},
		{"!", "x", false},
		{"x!", "x!", true},
		{"ab", "", false},
		{"ab$", "b", false},
		{"ÄB", "äb", false},
		{"ÄB", "Äb", true},
		{"end$", "the end\x00tail", true},
	}
	for _, tt := range tests {
		p := MustCompile(OSMatch, tt.pat)
		if got := p.MatchString(tt.s); got != tt.want {
			t.Errorf("OSMatch(%q).MatchString(%q) = %v, want %v", tt.pat, tt.s, got, tt.want)
		}
		caps, end, ok := p.Find(tt.s, make([]int, 4))
		if ok != tt.want || len(caps) != 0 || (ok && end != len(tt.s)) {
			t.Errorf("OSMatch(%q).Find(%q) = %v, %d, %v", tt.pat, tt.s, caps, end, ok)
		}
	}
}

func TestWordMatch(t *testing.T) {
	tests := []struct {
		pat, s string
		want   bool
	}{
		{"authentication_failed", "syslog,sshd,authentication_failed,", true},
		{"^syslog", "SYSLOG,sshd,", true},
		{"^sshd", "syslog,sshd,", false},
		{"web|attack", "x,attack,", true},
		{"web|attack", "x,y,", false},
		{"", "anything", false},
		{"a|", "zzz", true},
		{"a||b", "zzz", true},
		{"abc", "", false},
		{"^", "", true},
		{"end$", "the end$", true},
		{"end$", "the end", false},
		{"AbC", "xaBcx", true},
	}
	for _, tt := range tests {
		if got := WordMatch(tt.pat, tt.s); got != tt.want {
			t.Errorf("WordMatch(%q, %q) = %v, want %v", tt.pat, tt.s, got, tt.want)
		}
	}
}

func TestParseKind(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want Kind
		ok   bool
	}{
		{"osmatch", OSMatch, true}, {"OSRegex", OSRegex, true}, {"PCRE2", PCRE2, true},
		{"pcre", 0, false}, {"", 0, false},
	} {
		k, ok := ParseKind(tt.in)
		if ok != tt.ok || (ok && k != tt.want) {
			t.Errorf("ParseKind(%q) = %v, %v", tt.in, k, ok)
		}
	}
	if _, err := Compile(Kind(9), "x"); err == nil {
		t.Error("Compile with unknown kind succeeded")
	}
}
