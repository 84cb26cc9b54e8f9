package osregex

import (
	"bufio"
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
