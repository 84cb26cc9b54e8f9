package osregex

import (
	"errors"
	"reflect"
	"testing"
)

// TestEngineSemantics pins, per engine, results measured with the C
// matchers of the oracle kit (Wazuh 4.14.7, Wazuh 3.13.6, OSSEC): end is
// the offset Find returns (Wazuh: the engine's pointer + 1, clamped;
// OSSEC: the end of the match). nil caps: no match.
func TestEngineSemantics(t *testing.T) {
	type res struct {
		caps []string
		end  int
	}
	no := res{end: -1}
	tests := []struct {
		name, pat, s string
		w4, w3, os   res
	}{
		// W1: the group closes before the byte the next element takes,
		// even on the subject's last byte.
		{"W1 key=value at end", `severity="(\.+)"`, `a severity="high"`,
			res{[]string{"high"}, 17}, res{[]string{"high"}, 17}, res{[]string{"high"}, 17}},
		{"W1 bracket at end", `[(\S+)]$`, "x [abc]",
			res{[]string{"abc"}, 7}, res{[]string{"abc"}, 7}, res{[]string{"abc"}, 7}},
		{"W1 literal after group", `(\d+)x`, "12x",
			res{[]string{"12"}, 3}, res{[]string{"12"}, 3}, res{[]string{"12"}, 3}},
		{"group ending the pattern", `(\S+)`, "abc",
			res{[]string{"abc"}, 1}, res{[]string{"abc"}, 1}, res{[]string{"abc"}, 3}},
		{"alternatives", `msg="(\.*)"|msg=(\.*)\s|msg=(\.*)$`, `a msg="hi there"`,
			res{[]string{"hi there"}, 16}, res{[]string{"hi there"}, 16}, res{[]string{"hi there"}, 16}},
		{"two groups", `user (\S+) from (\S+)$`, "user root from 10.0.0.1",
			res{[]string{"root", "10.0.0.1"}, 16}, res{[]string{"root", "10.0.0.1"}, 16}, res{[]string{"root", "10.0.0.1"}, 23}},
		// W2: an alternative that consumes nothing.
		{"W2 empty alternative", `abc|`, "xyz",
			res{[]string{}, 1}, no, res{[]string{}, 0}},
		{"W2 optional class only", `\.*`, "abc",
			res{[]string{}, 1}, no, res{[]string{}, 3}},
		{"W2 optional group at end", `(\.*)$`, "abc",
			res{[]string{"abc"}, 1}, no, res{[]string{"abc"}, 3}},
		{"W2 empty subject", `\s*`, "",
			res{[]string{}, 0}, no, res{[]string{}, 0}},
		// OSSEC: leftmost match, lazy classes but the last, compacted
		// groups, anchored literals compared as strings.
		{"lazy then greedy", `\d+ (\w+)`, "a 12 bc de",
			res{[]string{"bc"}, 6}, res{[]string{"bc"}, 6}, res{[]string{"bc"}, 7}},
		{"optional prefix", `^\s*(\w*)`, "  ab",
			res{[]string{"ab"}, 2}, res{[]string{"ab"}, 2}, res{[]string{""}, 0}},
		{"compacted", `(a)|(b)`, "xb",
			res{[]string{"b"}, 2}, res{[]string{"b"}, 2}, res{[]string{"b"}, 2}},
		{"prefix literal", `^abc`, "ABCdef",
			res{[]string{}, 3}, res{[]string{}, 3}, res{[]string{}, 3}},
		{"suffix literal", `def$`, "abcDEF",
			res{[]string{}, 6}, res{[]string{}, 6}, res{[]string{}, 6}},
		{"any byte vs any character", `(\.+)`, "caf\xc3\xa9",
			res{[]string{"caf\xc3\xa9"}, 1}, res{[]string{"caf\xc3\xa9"}, 1}, res{[]string{"caf\xc3\xa9"}, 5}},
		{"invalid UTF-8", `(\.+)`, "caf\xe9",
			res{[]string{"caf\xe9"}, 1}, res{[]string{"caf\xe9"}, 1}, no},
	}
	for _, tt := range tests {
		for _, c := range []struct {
			eng  Engine
			want res
		}{{Wazuh4, tt.w4}, {Wazuh3, tt.w3}, {OSSEC, tt.os}} {
			p, err := CompileWith(OSRegex, tt.pat, Options{Engine: c.eng})
			if err != nil {
				t.Fatalf("%s: CompileWith(%q, %v): %v", tt.name, tt.pat, c.eng, err)
			}
			caps, end, ok := p.Find(tt.s, nil)
			if ok != (c.want.end >= 0) {
				t.Errorf("%s [%v]: %q on %q: ok %v, want %v", tt.name, c.eng, tt.pat, tt.s, ok, c.want.end >= 0)
				continue
			}
			if m := p.MatchString(tt.s); m != ok {
				t.Errorf("%s [%v]: MatchString %v, Find %v", tt.name, c.eng, m, ok)
			}
			if e, eok := p.FindEnd(tt.s); eok != ok || (ok && e != end) {
				t.Errorf("%s [%v]: FindEnd %d %v, Find %d %v", tt.name, c.eng, e, eok, end, ok)
			}
			if !ok {
				continue
			}
			got := capsOf(tt.s, caps)
			if got == nil {
				got = []string{}
			}
			if !reflect.DeepEqual(got, c.want.caps) || end != c.want.end {
				t.Errorf("%s [%v]: %q on %q: caps %q end %d, want %q %d", tt.name, c.eng, tt.pat, tt.s, got, end, c.want.caps, c.want.end)
			}
		}
	}
}

// TestEngineOSMatch pins the OSSEC rewrite of OS_Match against the
// classic scanner where they differ.
func TestEngineOSMatch(t *testing.T) {
	tests := []struct {
		pat, s       string
		wazuh, ossec bool
	}{
		{"!abc", "xyz", true, false}, // OSSEC has no leading negation
		{"!abc", "x!abcx", false, true},
		{"^abc", "ABCD", true, true},
		{"abc$", "xxABC", true, true},
		{"^abc$", "abc", true, true},
		{"a.c", "abc", false, false},
		{"", "anything", true, true},
		{"ab|^cd", "cdx", true, true},
		{"b$|x", "ab\n", false, true}, // PCRE2's '$' before a final newline
	}
	for _, tt := range tests {
		for _, c := range []struct {
			eng  Engine
			want bool
		}{{Wazuh4, tt.wazuh}, {OSSEC, tt.ossec}} {
			p, err := CompileWith(OSMatch, tt.pat, Options{Engine: c.eng})
			if err != nil {
				t.Fatalf("CompileWith(%q, %v): %v", tt.pat, c.eng, err)
			}
			if got := p.MatchString(tt.s); got != c.want {
				t.Errorf("[%v] %q on %q = %v, want %v", c.eng, tt.pat, tt.s, got, c.want)
			}
		}
	}
}

func TestEngineCompileErrors(t *testing.T) {
	if _, err := CompileWith(OSRegex, "a", Options{Engine: OSSEC + 1}); !errors.Is(err, err) || err == nil {
		t.Fatalf("unknown engine accepted")
	} else if e := (*Error)(nil); !errors.As(err, &e) || e.Code != ErrEngine {
		t.Fatalf("unknown engine: %v", err)
	}
	// OSSEC rejects an empty OS_Regex and unknown escapes; Wazuh accepts
	// the first.
	if _, err := CompileWith(OSRegex, "", Options{Engine: OSSEC}); err == nil {
		t.Errorf("OSSEC: empty OS_Regex compiled")
	}
	if _, err := CompileWith(OSRegex, "", Options{}); err != nil {
		t.Errorf("Wazuh: empty OS_Regex: %v", err)
	}
	if _, err := CompileWith(OSRegex, `a\x`, Options{Engine: OSSEC}); err == nil {
		t.Errorf(`OSSEC: a\x compiled`)
	}
	// Groups may nest and hold '|' once rewritten to PCRE2.
	if _, err := CompileWith(OSRegex, `((a)|b)`, Options{Engine: OSSEC}); err != nil {
		t.Errorf("OSSEC: nested group: %v", err)
	}
}

// BenchmarkOSSECRegex: the OSSEC rewrite of a decoder expression, matched
// without captures (no allocation) and with (Go's regexp allocates the
// index slice on a match).
func BenchmarkOSSECRegex(b *testing.B) {
	p, err := CompileWith(OSRegex, `^(\S+) port (\d+): (\w+)`, Options{Engine: OSSEC})
	if err != nil {
		b.Fatal(err)
	}
	s := "192.168.0.1 port 22: failed password for invalid user admin from somewhere"
	b.Run("match", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			if !p.MatchString(s) {
				b.Fatal("no match")
			}
		}
	})
	b.Run("find", func(b *testing.B) {
		b.ReportAllocs()
		caps := make([]int, 0, 8)
		for i := 0; i < b.N; i++ {
			var ok bool
			if caps, _, ok = p.Find(s, caps); !ok {
				b.Fatal("no match")
			}
		}
	})
	b.Run("miss", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			if p.MatchString("no digits here at all, nothing") {
				b.Fatal("match")
			}
		}
	})
}
