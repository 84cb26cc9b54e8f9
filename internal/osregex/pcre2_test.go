package osregex

import "testing"

func TestPCRE2(t *testing.T) {
	tests := []struct {
		name   string
		pat, s string
		ok     bool
		caps   []int
		end    int
		engine string // "re2" or "backtrack"
	}{
		{"plain", `user (\w+) from (\S+)`, "x user bob from 1.2.3.4 y", true, []int{7, 10, 16, 23}, 23, "re2"},
		{"case sensitive", `ERROR`, "error", false, nil, 0, "re2"},
		{"inline i", `(?i)ERROR`, "an error", true, []int{}, 8, "re2"},
		{"unmatched middle group", `(a)|(b)(c)?`, "b", true, []int{0, 0, 0, 1}, 1, "re2"},
		{"trailing unmatched dropped", `(a)(x)?(y)?`, "a", true, []int{0, 1}, 1, "re2"},
		{"no groups matched", `(x)?b`, "b", true, []int{}, 1, "re2"},
		{"lookahead", `^(?=.*a)(?=.*x)`, "x then a", true, []int{}, 0, "backtrack"},
		{"lookahead fails", `^(?=.*a)(?=.*x)`, "only a", false, nil, 0, "backtrack"},
		{"negative lookahead captures", `^(\w+) (?!root)(\w+)`, "su bob", true, []int{0, 2, 3, 6}, 6, "backtrack"},
		{"negative lookahead rejects", `^(\w+) (?!root)(\w+)$`, "su root", false, nil, 0, "backtrack"},
		{"backtrack rune offsets", `(?!x)é(b+)`, "ééébb", true, []int{6, 8}, 8, "backtrack"},
		{"stock not empty or dash: empty", `^(?!^$|^-$).*`, "", false, nil, 0, "backtrack"},
		{"stock not empty or dash: dash", `^(?!^$|^-$).*`, "-", false, nil, 0, "backtrack"},
		{"stock not empty or dash: value", `^(?!^$|^-$).*`, "AccessDenied", true, []int{}, 12, "backtrack"},
		{"stock not N\\A: N\\A", `^(?!^N\\A$|^$).*`, `N\A`, false, nil, 0, "backtrack"},
		{"stock not N\\A: value", `^(?!^N\\A$|^$).*`, "x", true, []int{}, 1, "backtrack"},
		{"utf verb", `(*UTF)\N{U+202E}`, "a\u202eb", true, []int{}, 4, "re2"},
		{"utf verb in class", `(*UTF)[\N{U+202E}]`, "a\u202eb", true, []int{}, 4, "re2"},
		{"escaped backslash before N", `\\N{U+41}`, "A", false, nil, 0, "re2"},
		{"ungreedy", `(?mUs)a(.+)b`, "axxbxxb", true, []int{1, 3}, 4, "re2"},
		{"nul ends subject", `b$`, "ab\x00c", true, []int{}, 2, "re2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := Compile(PCRE2, tt.pat)
			if err != nil {
				t.Fatalf("Compile(%q): %v", tt.pat, err)
			}
			_, isBT := p.impl.(*pcre2Backtrack)
			if want := tt.engine == "backtrack"; isBT != want {
				t.Errorf("engine backtrack = %v, want %v", isBT, want)
			}
			if got := p.MatchString(tt.s); got != tt.ok {
				t.Errorf("MatchString(%q) = %v, want %v", tt.s, got, tt.ok)
			}
			caps, end, ok := p.Find(tt.s, nil)
			if ok != tt.ok {
				t.Fatalf("Find(%q) ok = %v", tt.s, ok)
			}
			if !ok {
				return
			}
			if len(caps) != len(tt.caps) {
				t.Fatalf("Find(%q) caps = %v, want %v", tt.s, caps, tt.caps)
			}
			for i := range caps {
				if caps[i] != tt.caps[i] && !(i%2 == 0 && caps[i] == caps[i+1] && tt.caps[i] == tt.caps[i+1]) {
					t.Fatalf("Find(%q) caps = %v, want %v", tt.s, caps, tt.caps)
				}
			}
			if end != tt.end {
				t.Errorf("Find(%q) end = %d, want %d", tt.s, end, tt.end)
			}
			if e2, ok2 := p.FindEnd(tt.s); !ok2 || e2 != end {
				t.Errorf("FindEnd(%q) = %d, %v; want %d", tt.s, e2, ok2, end)
			}
		})
	}
}

func TestPCRE2CompileError(t *testing.T) {
	_, err := Compile(PCRE2, `a(b`)
	e, ok := err.(*Error)
	if !ok || e.Code != ErrSyntax || e.Err == nil {
		t.Fatalf("err = %#v", err)
	}
}
