package osregex

import (
	"math/rand"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// Differential tests of the PCRE2 fast paths (prefilters and literal
// matcher) against the plain Go regexp they stand in front of.

var (
	pcreTokens = []string{
		"a", "b", "K", "s", "x", "ab", "Sk", "key", " ", ":", "é", "\u212a", `\.`, `\(`, "[Bb]", "[ks]", "[a-c]",
		"[^a]", ".", `\d`, `\w`, `\S`, `\s`, `\b`, "^", "$", "(?-i:b)",
	}
	pcreQuants  = []string{"", "", "", "?", "*", "+", "??", "{2}", "{1,3}"}
	pcreSubject = []string{"a", "A", "b", "B", "k", "K", "s", "S", "x", "y", " ", ":", ".", "(", "é", "É", "\u212a", "\u017f", "\xff", "\n", "1", "ab", "key", "SK"}
)

func randPCRE2(r *rand.Rand) string {
	var b strings.Builder
	if r.Intn(2) == 0 {
		b.WriteString("(?i)")
	}
	alts := 1 + r.Intn(3)
	for a := 0; a < alts; a++ {
		if a > 0 {
			b.WriteByte('|')
		}
		for n := r.Intn(5); n > 0; n-- {
			switch r.Intn(8) {
			case 0:
				// A group holding an alternation.
				b.WriteString([]string{"(", "(?:"}[r.Intn(2)])
				b.WriteString(pcreTokens[r.Intn(len(pcreTokens))])
				b.WriteByte('|')
				b.WriteString(pcreTokens[r.Intn(len(pcreTokens))])
				b.WriteByte(')')
			default:
				b.WriteString(pcreTokens[r.Intn(len(pcreTokens))])
			}
			b.WriteString(pcreQuants[r.Intn(len(pcreQuants))])
		}
	}
	return b.String()
}

func randPCRE2Subject(r *rand.Rand) string {
	var b strings.Builder
	for n := r.Intn(12); n > 0; n-- {
		b.WriteString(pcreSubject[r.Intn(len(pcreSubject))])
	}
	return b.String()
}

// checkPCRE2Paths compares every entry point's fast path with the plain
// regexp; it returns false when pat is not a Go-regexp pattern.
func checkPCRE2Paths(t testing.TB, pat string, subjects ...string) bool {
	t.Helper()
	p, err := Compile(PCRE2, pat)
	if err != nil {
		return false
	}
	re, ok := p.impl.(*pcre2RE2)
	if !ok {
		return false
	}
	for _, s := range subjects {
		if fast, slow := re.matchWith(s, true), re.matchWith(s, false); fast != slow {
			t.Fatalf("%q on %q: MatchString fast %v != plain %v", pat, s, fast, slow)
		}
		fc, fe, fok := re.findWith(s, nil, true)
		sc, se, sok := re.findWith(s, nil, false)
		if fok != sok || fe != se || !equalInts(fc, sc) {
			t.Fatalf("%q on %q: Find fast (%v %d %v) != plain (%v %d %v)", pat, s, fc, fe, fok, sc, se, sok)
		}
		var pe int
		loc := re.re.FindStringIndex(cString(s))
		if loc != nil {
			pe = loc[1]
		}
		if e, ok := re.findEnd(s); ok != (loc != nil) || e != pe {
			t.Fatalf("%q on %q: FindEnd fast (%d %v) != plain (%d %v)", pat, s, e, ok, pe, loc != nil)
		}
	}
	return true
}

func TestPCRE2FastPathDifferential(t *testing.T) {
	r := rand.New(rand.NewSource(4))
	lits, filts, simples := 0, 0, 0
	for i := 0; i < iterations()/10; i++ {
		pat := randPCRE2(r)
		subjects := make([]string, 10)
		for j := range subjects {
			subjects[j] = randPCRE2Subject(r)
		}
		if !checkPCRE2Paths(t, pat, subjects...) {
			continue
		}
		re := MustCompile(PCRE2, pat).impl.(*pcre2RE2)
		if re.lits != nil {
			lits++
		}
		if re.filt != nil {
			filts++
		}
		if re.simple != nil {
			simples++
		}
	}
	t.Logf("literal matchers %d, filters %d, one-pass matchers %d", lits, filts, simples)
	if lits == 0 || filts == 0 || simples == 0 {
		t.Error("generator no longer exercises all fast paths")
	}
}

// TestPCRE2FastPaths pins down the shapes the analysis must recognise.
func TestPCRE2FastPaths(t *testing.T) {
	tests := []struct {
		pat        string
		lits, filt bool
		s          string
		ok         bool
		end        int
	}{
		{`(?i)Login successful`, true, false, "x LOGIN Successful y", true, 18},
		{`(?i)^pam_unix|^\(pam_unix\)|^pam_succeed_if`, true, false, "(PAM_unix) x", true, 10},
		{`^Accepted`, true, false, "Accepted publickey", true, 8},
		{`a|ab`, true, false, "xab", true, 2},
		{`ab$|b`, true, false, "abab", true, 2},
		{`(?i)key`, true, false, "\u212aey", true, 5},
		{`(?i)sk$`, true, false, "SK sk", true, 5},
		{`(?i)^session \w+ `, false, true, "Session opened for", true, 15},
		{`(?i)for (\S+) from (\S+)$`, false, true, "accepted FOR root from 10.0.0.1", true, 31},
		{`(?i)for (\S+) from (\S+)$`, false, true, "no match here at all", false, 0},
		{`(?i)for (\S+) from`, false, true, "for \u212a from", true, 12},
		{`(?i)ab|ac`, true, false, "xAC", true, 3},
		{`(?i)é`, false, true, "É", true, 2},
		{`(a)`, false, true, "a", true, 1},
	}
	for _, tt := range tests {
		p := MustCompile(PCRE2, tt.pat)
		re := p.impl.(*pcre2RE2)
		if (re.lits != nil) != tt.lits || (re.filt != nil) != tt.filt {
			t.Errorf("%q: literal matcher %v, filter %v; want %v, %v", tt.pat, re.lits != nil, re.filt != nil, tt.lits, tt.filt)
		}
		if _, end, ok := p.Find(tt.s, nil); ok != tt.ok || end != tt.end {
			t.Errorf("%q on %q: Find end %d ok %v; want %d %v", tt.pat, tt.s, end, ok, tt.end, tt.ok)
		}
		checkPCRE2Paths(t, tt.pat, tt.s)
	}
}

// ossecPCRE2Exprs returns the OSSEC 4.2 *_pcre2 expressions, prefixed with
// (?i) for the rule elements as the rules package compiles them.
func ossecPCRE2Exprs(t testing.TB) []string {
	root := filepath.Join(sharedDir(t), "compat", "ossec-4.2")
	files, _ := filepath.Glob(filepath.Join(root, "rules", "*.xml"))
	files = append(files, filepath.Join(root, "etc", "decoder.xml"))
	elem := regexp.MustCompile(`(?s)<(\w*pcre2)(\s[^>]*)?>(.*?)</(\w*pcre2)>`)
	var out []string
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		src := xmlComment.ReplaceAllString(string(data), "")
		for _, m := range elem.FindAllStringSubmatch(src, -1) {
			text := strings.NewReplacer("&lt;", "<", "&gt;", ">", "&amp;", "&", "&quot;", `"`, "&apos;", "'").Replace(m[3])
			if strings.Contains(f, "rules") {
				text = "(?i)" + text
			}
			out = append(out, text)
		}
	}
	return out
}

// TestStockPCRE2FastPaths runs every stock PCRE2 pattern of both rulesets
// over the test-case logs through the fast and the plain paths.
func TestStockPCRE2FastPaths(t *testing.T) {
	var pats []string
	for _, e := range rulesetExprs(t) {
		if e.kind == PCRE2 {
			pats = append(pats, e.text)
		}
	}
	pats = append(pats, ossecPCRE2Exprs(t)...)
	logs := stockLogs(t)
	step := 24
	if testing.Short() || raceEnabled {
		step = 60
	}
	var sample []string
	for i := 0; i < len(logs); i += step {
		sample = append(sample, logs[i])
	}
	lits, filts, simples, n := 0, 0, 0, 0
	seen := map[string]bool{}
	for _, pat := range pats {
		if seen[pat] {
			continue
		}
		seen[pat] = true
		if !checkPCRE2Paths(t, pat, sample...) {
			continue
		}
		n++
		re := MustCompile(PCRE2, pat).impl.(*pcre2RE2)
		if re.lits != nil {
			lits++
		} else if re.filt != nil {
			filts++
		}
		if re.simple != nil {
			simples++
		}
	}
	t.Logf("%d distinct Go-regexp patterns × %d logs: %d literal matchers, %d filtered, %d one-pass",
		n, len(sample), lits, filts, simples)
	if n < 1000 {
		t.Errorf("only %d stock patterns found; extractor broken?", n)
	}
}

// TestPCRE2ManyLiterals covers the one-pass search of long alternations,
// alone (literal matcher) and inside a larger pattern (filter).
func TestPCRE2ManyLiterals(t *testing.T) {
	r := rand.New(rand.NewSource(6))
	multis := 0
	for i := 0; i < iterations()/20; i++ {
		var b strings.Builder
		if r.Intn(2) == 0 {
			b.WriteString("(?i)")
		}
		group := r.Intn(2) == 0
		if group {
			b.WriteString("(")
		}
		for j := minMulti + r.Intn(6); j > 0; j-- {
			if m := randSubject(r, "abAB.kx", 3); m != "" {
				b.WriteString(m)
			} else {
				b.WriteString("x")
			}
			if j > 1 {
				b.WriteByte('|')
			}
		}
		if group {
			b.WriteString(`)\d`)
		}
		pat := b.String()
		subjects := make([]string, 20)
		for j := range subjects {
			subjects[j] = randSubject(r, "abABx.kK1", 16) + []string{"", "\u212a"}[r.Intn(2)]
		}
		checkPCRE2Paths(t, pat, subjects...)
		re := MustCompile(PCRE2, pat).impl.(*pcre2RE2)
		if (re.lits != nil && re.lits.multi != nil) || (re.filt != nil && len(re.filt.reqs) > 0 && re.filt.reqs[0].multi != nil) {
			multis++
		}
	}
	if multis == 0 {
		t.Error("no pattern used the one-pass search")
	}
	t.Logf("%d patterns used the one-pass search", multis)
}

// TestPCRE2OnePassDifferential generates patterns of the shape the
// one-pass matcher accepts (and near misses) and compares every entry
// point with the plain regexp.
func TestPCRE2OnePassDifferential(t *testing.T) {
	tokens := []string{"a", "b", "ab", " ", ":", "=", "é", `\d`, `\w`, `\S`, `\s`, "[ ]", "[^a]", ".", "[a-b]", "x",
		"(?:a|b)", "(x|:)", "(?:|a)", "(ab|a)", "|", "|^", `(\S+)?`, `(\d+)?`, `(a+)?`, `(\w+?)?`}
	quants := []string{"", "", "+", "+?", "*", "*?", "?", "??"}
	subj := []string{"a", "b", "x", " ", ":", "=", "1", "22", "é", "\xff", "ab", "\n"}
	r := rand.New(rand.NewSource(7))
	simples := 0
	for i := 0; i < iterations()/10; i++ {
		var b strings.Builder
		if r.Intn(3) == 0 {
			b.WriteByte('^')
		}
		open := false
		for n := 1 + r.Intn(6); n > 0; n-- {
			if r.Intn(4) == 0 {
				if open {
					b.WriteByte(')')
				} else {
					b.WriteByte('(')
				}
				open = !open
			}
			tok := tokens[r.Intn(len(tokens))]
			b.WriteString(tok)
			if len(tok) == 1 || tok[0] == '\\' || tok[0] == '[' || tok == "é" {
				b.WriteString(quants[r.Intn(len(quants))])
			}
		}
		if open {
			b.WriteByte(')')
		}
		if r.Intn(3) == 0 {
			b.WriteByte('$')
		}
		pat := b.String()
		subjects := make([]string, 12)
		for j := range subjects {
			var sb strings.Builder
			for k := r.Intn(14); k > 0; k-- {
				sb.WriteString(subj[r.Intn(len(subj))])
			}
			subjects[j] = sb.String()
		}
		if !checkPCRE2Paths(t, pat, subjects...) {
			continue
		}
		if MustCompile(PCRE2, pat).impl.(*pcre2RE2).simple != nil {
			simples++
		}
	}
	t.Logf("%d one-pass patterns", simples)
	if simples < iterations()/100 {
		t.Errorf("only %d one-pass patterns generated", simples)
	}
}
