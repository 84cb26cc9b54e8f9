package osregex

import (
	"bufio"
	"math/rand"
	"os"
	"sort"
	"strings"
	"testing"
	"time"
)

// corpusLines reads the first n lines of the bench corpus named by
// OSREGEX_CORPUS (scripts/bench-corpus output); the test is skipped
// without it.
func corpusLines(t testing.TB, n int) []string {
	path := os.Getenv("OSREGEX_CORPUS")
	if path == "" {
		t.Skip("OSREGEX_CORPUS not set")
	}
	f, err := os.Open(path)
	if err != nil {
		t.Skip(err)
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() && len(out) < n {
		out = append(out, sc.Text())
	}
	return out
}

// ossecCaselessExprs returns every OSSEC 4.2 *_pcre2 expression compiled
// caseless, as the OSSEC engine compiles decoders and rules.
func ossecCaselessExprs(t testing.TB) []string {
	var out []string
	for _, e := range ossecPCRE2Exprs(t) {
		if !strings.HasPrefix(e, "(?i)") {
			e = "(?i)" + e
		}
		out = append(out, e)
	}
	return out
}

// TestPCRE2HotSpots lists the patterns of the OSSEC 4.2 ruleset that reach
// Go's regexp on the corpus (OSREGEX_CORPUS) and the time they take there.
// A measuring aid, not a check: it only logs.
func TestPCRE2HotSpots(t *testing.T) {
	lines := corpusLines(t, 20000)
	type spot struct {
		pat     string
		reached int
		took    time.Duration
	}
	var spots []spot
	seen := map[string]bool{}
	for _, pat := range ossecCaselessExprs(t) {
		if seen[pat] {
			continue
		}
		seen[pat] = true
		p, err := Compile(PCRE2, pat)
		if err != nil {
			continue
		}
		re, ok := p.impl.(*pcre2RE2)
		if !ok {
			continue
		}
		sp := spot{pat: pat}
		for _, l := range lines {
			s := cString(l)
			if _, _, _, decided := re.fastFind(s, nil, false); decided {
				continue
			}
			sp.reached++
			t0 := time.Now()
			re.re.FindStringSubmatchIndex(s)
			sp.took += time.Since(t0)
		}
		if sp.reached > 0 {
			spots = append(spots, sp)
		}
	}
	sort.Slice(spots, func(i, j int) bool { return spots[i].took > spots[j].took })
	var total time.Duration
	for _, sp := range spots {
		total += sp.took
	}
	t.Logf("%d patterns reach the regexp; total %v over %d lines", len(spots), total, len(lines))
	for i, sp := range spots {
		if i == 60 {
			break
		}
		t.Logf("%8v %6d  %s", sp.took, sp.reached, sp.pat)
	}
}

// TestPCRE2CaselessOnePassDifferential generates (?i) patterns of the
// shape the one-pass matcher accepts, with subjects full of case variants,
// KELVIN SIGN and LONG S, and compares every entry point with the plain
// regexp.
func TestPCRE2CaselessOnePassDifferential(t *testing.T) {
	tokens := []string{"a", "k", "s", "K", "S", "ks", "Port", " ", ":", "=", `\d`, `\w`, `\S`, `\s`, "[ ]", "[^a]",
		".", "[a-k]", "[A-Za-z0-9@_-]", "[ks]", "[^k]", "x", "(?:a|k)", "(s|:)", "(?-i:k)", "(?:|s)", `(\S+)?`, "é", "\u212a"}
	quants := []string{"", "", "+", "+?", "*", "?", "??"}
	subj := []string{"a", "A", "k", "K", "s", "S", " ", ":", "=", "1", "port", "PORT", "é", "\xff", "\u212a", "\u017f", "x", "-"}
	r := rand.New(rand.NewSource(11))
	simples, unis, backs := 0, 0, 0
	for i := 0; i < iterations()/10; i++ {
		var b strings.Builder
		b.WriteString("(?i)")
		if r.Intn(3) == 0 {
			b.WriteByte('^')
		}
		open := false
		for n := 1 + r.Intn(6); n > 0; n-- {
			if r.Intn(4) == 0 {
				b.WriteByte("()"[btoi(open)])
				open = !open
			}
			tok := tokens[r.Intn(len(tokens))]
			b.WriteString(tok)
			if len(tok) == 1 || tok[0] == '\\' || tok[0] == '[' {
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
		if s := MustCompile(PCRE2, pat).impl.(*pcre2RE2).simple; s != nil {
			simples++
			if s.uni {
				unis++
			}
			for _, q := range s.branches {
				if q.backtracks() {
					backs++
					break
				}
			}
		}
	}
	t.Logf("%d caseless one-pass patterns, %d of them folding KELVIN SIGN / LONG S, %d backtracking", simples, unis, backs)
	if simples < iterations()/100 || unis == 0 || backs == 0 {
		t.Errorf("generator no longer exercises the caseless one-pass matcher (%d, %d)", simples, unis)
	}
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// TestRulesetPCRE2OnCorpus runs every PCRE2 pattern of the OSSEC 4.2 and
// Wazuh 4.9.2 rulesets, as written and caseless (OSSEC compiles its
// decoders' and rules' *_pcre2 with PCRE2_CASELESS), over corpus lines
// through the fast and the plain paths. The corpus is the bench corpus
// named by OSREGEX_CORPUS when set, else Wazuh's test-case logs.
func TestRulesetPCRE2OnCorpus(t *testing.T) {
	var lines []string
	step := 24
	if os.Getenv("OSREGEX_CORPUS") != "" {
		// An explicit run: a denser sample (a few minutes).
		lines, step = corpusLines(t, 4000), 4
	} else {
		lines = stockLogs(t)
	}
	if testing.Short() || raceEnabled {
		step *= 5
	}
	var sample []string
	for i := 0; i < len(lines); i += step {
		// With and without the syslog header, as decoders and rules see it.
		sample = append(sample, lines[i])
		if _, rest, ok := strings.Cut(lines[i], ": "); ok {
			sample = append(sample, rest)
		}
	}
	var pats []string
	for _, e := range rulesetExprs(t) {
		if e.kind == PCRE2 {
			pats = append(pats, e.text, "(?i)"+e.text)
		}
	}
	pats = append(pats, ossecPCRE2Exprs(t)...)
	pats = append(pats, ossecCaselessExprs(t)...)
	seen := map[string]bool{}
	n, simples := 0, 0
	for _, pat := range pats {
		if seen[pat] {
			continue
		}
		seen[pat] = true
		if !checkPCRE2Paths(t, pat, sample...) {
			continue
		}
		n++
		if MustCompile(PCRE2, pat).impl.(*pcre2RE2).simple != nil {
			simples++
		}
	}
	t.Logf("%d distinct Go-regexp patterns × %d subjects: %d one-pass", n, len(sample), simples)
}

// TestSimpleBacktrackBounds pins down when the one-pass matcher leaves a
// subject to the regexp: too many extents tried, or a backtracking run
// over non-ASCII bytes; the results still equal the regexp's.
func TestSimpleBacktrackBounds(t *testing.T) {
	tests := []struct {
		pat, s  string
		decided bool
	}{
		{`(\S+):(\d+)\]`, "host a:b:c:12] x", true},
		{`(\S+):(\S+):(\S+)!`, strings.Repeat("a:", 400), false},
		{`(.+)é:`, "aé:bé:", false},
		{`(?i)^(\S+) port (\d+?): |^(\S+): `, "sshd: x", true}, // ^ factored out of the alternation
		{`(?i)(\S+):(ab|cd)`, "x:y:ab", false},                 // nested alternation: no matcher
		{`(?i)(\S+)/(\S+) to (\S+)/(\S+)`, "in a/b/c to d/e/f ok", true},
		{`(?i)(.+?)x(.+)`, "abxcdx", true},
	}
	for _, tt := range tests {
		re := MustCompile(PCRE2, tt.pat).impl.(*pcre2RE2)
		if re.simple == nil {
			if tt.decided {
				t.Errorf("%q: no one-pass matcher", tt.pat)
			}
			continue
		}
		if _, _, _, decided := re.simple.find(tt.s, nil, true); decided != tt.decided {
			t.Errorf("%q on %q: decided %v, want %v", tt.pat, tt.s, decided, tt.decided)
		}
		checkPCRE2Paths(t, tt.pat, tt.s)
	}
}

// FuzzPCRE2FastPaths compares every fast path of a (caseless or not)
// PCRE2 pattern with the plain regexp on one subject.
func FuzzPCRE2FastPaths(f *testing.F) {
	f.Add(`(?i)(\S+):(\d+)\]`, "host a:b:12] x", true)
	f.Add(`(\S+)/(\S+) to (\S+)/(\S+)`, "a/b/c to \u212a/e", false)
	f.Add(`^(.+?)x(\w*)$|k`, "\u017fxKx", true)
	f.Fuzz(func(t *testing.T, pat, s string, caseless bool) {
		if len(pat) > 64 || len(s) > 256 {
			return
		}
		if caseless {
			pat = "(?i)" + pat
		}
		checkPCRE2Paths(t, pat, s)
	})
}
