package osregex

import (
	"math/rand"
	"strings"
	"testing"
)

// Random pattern / subject generators for the differential tests.

var (
	rxTokens   = []string{"a", "b", "A", "x", " ", ":", ".", "1", `\d`, `\w`, `\s`, `\S`, `\.`, `\p`, `\D`, `\W`, `\t`, `\(`, "+", "*", "ab", "x:", "Ab "}
	subjTokens = "aAbBx1 2:.\t(-@"
)

func randOSRegex(r *rand.Rand) string {
	var b strings.Builder
	alts := 1 + r.Intn(2)
	for a := 0; a < alts; a++ {
		if a > 0 {
			b.WriteByte('|')
		}
		if r.Intn(3) == 0 {
			b.WriteByte('^')
		}
		open := false
		for n := r.Intn(7); n > 0; n-- {
			if r.Intn(5) == 0 {
				if open {
					b.WriteByte(')')
				} else {
					b.WriteByte('(')
				}
				open = !open
			}
			tok := rxTokens[r.Intn(len(rxTokens))]
			b.WriteString(tok)
			if tok[0] == '\\' && r.Intn(2) == 0 {
				b.WriteByte("+*"[r.Intn(2)])
			}
		}
		if open {
			b.WriteByte(')')
		}
		if r.Intn(3) == 0 {
			b.WriteByte('$')
		}
	}
	return b.String()
}

func randSubject(r *rand.Rand, alphabet string, max int) string {
	n := r.Intn(max + 1)
	b := make([]byte, n)
	for i := range b {
		b[i] = alphabet[r.Intn(len(alphabet))]
	}
	return string(b)
}

// checkOSRegexPaths compares the literal-skip fast path with the plain scan
// and checks the invariants of the results.
func checkOSRegexPaths(t *testing.T, pat, s string) {
	t.Helper()
	p, err := Compile(OSRegex, pat)
	if err != nil {
		return
	}
	re := p.impl.(*osRegex)
	fastCaps, fastEnd, fastOK := re.findWith(s, nil, true)
	slowCaps, slowEnd, slowOK := re.findWith(s, nil, false)
	if fastOK != slowOK || fastEnd != slowEnd || !equalInts(fastCaps, slowCaps) {
		t.Fatalf("%q on %q: fast (%v %d %v) != slow (%v %d %v)", pat, s, fastCaps, fastEnd, fastOK, slowCaps, slowEnd, slowOK)
	}
	if m1, m2 := re.matchWith(s, true), re.matchWith(s, false); m1 != m2 {
		t.Fatalf("%q on %q: MatchString fast %v != slow %v", pat, s, m1, m2)
	}
	end, ok := p.FindEnd(s)
	if ok != p.MatchString(s) {
		t.Fatalf("%q on %q: FindEnd ok %v != MatchString", pat, s, ok)
	}
	n := len(cString(s))
	if ok && (end < 0 || end > n) {
		t.Fatalf("%q on %q: FindEnd end %d out of range", pat, s, end)
	}
	if fastOK && (fastEnd < 0 || fastEnd > n) {
		t.Fatalf("%q on %q: end %d out of range", pat, s, fastEnd)
	}
	for i := 0; i+1 < len(fastCaps); i += 2 {
		if fastCaps[i] < 0 || fastCaps[i] > fastCaps[i+1] || fastCaps[i+1] > n {
			t.Fatalf("%q on %q: bad capture span %v", pat, s, fastCaps)
		}
	}
}

// iterations scales the randomized tests down under -short and -race.
func iterations() int {
	if testing.Short() || raceEnabled {
		return 10000
	}
	return 200000
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestOSRegexFastPathDifferential(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	for i := 0; i < iterations(); i++ {
		pat := randOSRegex(r)
		s := randSubject(r, subjTokens, 24)
		checkOSRegexPaths(t, pat, s)
	}
}

// osMatchReference is a deliberately plain OS_Match: lowercased copies and
// the standard library's string functions.
func osMatchReference(pattern, s string) bool {
	if i := strings.IndexByte(pattern, 0); i >= 0 {
		pattern = pattern[:i]
	}
	if i := strings.IndexByte(s, 0); i >= 0 {
		s = s[:i]
	}
	neg := strings.HasPrefix(pattern, "!")
	if neg {
		pattern = pattern[1:]
	}
	ls := asciiLower(s)
	for _, alt := range strings.Split(asciiLower(pattern), "|") {
		var ok bool
		switch {
		case len(alt) >= 2 && alt[0] == '^' && alt[len(alt)-1] == '$':
			ok = ls == alt[1:len(alt)-1]
		case alt == "":
			ok = true
		case alt[len(alt)-1] == '$':
			ok = strings.HasSuffix(ls, alt[:len(alt)-1])
		case alt[0] == '^':
			ok = strings.HasPrefix(ls, alt[1:])
		default:
			ok = strings.Contains(ls, alt)
		}
		if ok {
			return !neg
		}
	}
	return neg
}

func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

func randOSMatch(r *rand.Rand) string {
	const alpha = "aAbB^$|! x"
	if r.Intn(4) > 0 {
		return randSubject(r, alpha, 8)
	}
	// Many alternatives, to exercise the one-pass substring search.
	alts := make([]string, minMulti+r.Intn(4))
	for i := range alts {
		alts[i] = randSubject(r, "aAbB^$ x", 3)
	}
	return strings.Join(alts, "|")
}

func TestOSMatchDifferential(t *testing.T) {
	r := rand.New(rand.NewSource(2))
	for i := 0; i < iterations(); i++ {
		pat := randOSMatch(r)
		s := randSubject(r, "aAbB^$| x", 12)
		p := MustCompile(OSMatch, pat)
		if got, want := p.MatchString(s), osMatchReference(pat, s); got != want {
			t.Fatalf("OSMatch(%q) on %q = %v, reference %v", pat, s, got, want)
		}
	}
}

// TestLitSearch checks the precomputed searcher, folded and exact, against
// strings.Index on lowercased copies.
func TestLitSearch(t *testing.T) {
	r := rand.New(rand.NewSource(5))
	for i := 0; i < iterations(); i++ {
		fold := r.Intn(2) == 0
		lit := randSubject(r, "aAbBq1 [", 5)
		s := randSubject(r, "aAbBq1 [\xc3", 40)
		want := strings.Index(s, lit)
		if fold {
			lit = asciiLower(lit)
			want = strings.Index(asciiLower(s), lit)
		}
		ls := newLitSearch(lit, fold)
		if got := ls.index(s); got != want {
			t.Fatalf("index(%q, %q, fold %v) = %d, want %d", s, lit, fold, got, want)
		}
		if ls.pair {
			if got := ls.indexPairs(s, 0); got != want {
				t.Fatalf("indexPairs(%q, %q) = %d, want %d", s, lit, got, want)
			}
		}
	}
}

func TestLongestRun(t *testing.T) {
	tests := []struct{ pat, want string }{
		{`user (\S+) from (\S+) port`, " from "},
		{`^Failed \S+ for invalid`, " for invalid"},
		{`\d+abc\s*de`, "abc"},
		{`\W+(\.)\Wb`, ""}, // a lone final byte may be stepped over
		{`\Wbc`, "bc"},     // two final bytes may not
		{`a\(b\)cd(ef)`, "cd"},
	}
	for _, tt := range tests {
		re := MustCompile(OSRegex, tt.pat).impl.(*osRegex)
		a := &re.alts[0]
		n := len(a.lit)
		if got := longestRun(a.pat[n:]); got != tt.want {
			t.Errorf("longestRun(%q) = %q, want %q", tt.pat, got, tt.want)
		}
	}
}
