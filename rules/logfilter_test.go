package rules

import (
	"strings"
	"testing"

	"github.com/gossec/gossec/internal/osregex"
)

// logRejects builds the log filter of a rule made of the given <match>
// and <regex> expressions and applies it to log.
func logRejects(t testing.TB, match, regex *expr, log string) bool {
	t.Helper()
	r := &Rule{}
	r.cond.match, r.cond.regex = match, regex
	tree := &Tree{rules: []*Rule{r}}
	tree.buildLogFilters(nil)
	st := NewState(tree, Config{})
	m := matcher{st: st, ev: mkEvent(log), lits: tree.lits}
	// Scanned beforehand, as the decoders may do: a cheap rule is then
	// filtered too.
	bits := tree.lits.Scan(m.ev.Log, nil)
	m.ev.Lits.Store(tree.lits.ID(), m.ev.Log, bits)
	return !m.logLiteralsOK(r)
}

func mustExpr(t testing.TB, k osregex.Kind, src string, negate bool) *expr {
	t.Helper()
	p, err := osregex.Compile(k, src)
	if err != nil {
		t.Fatal(err)
	}
	return &expr{p: p, negate: negate}
}

func TestLogFilter(t *testing.T) {
	for _, c := range []struct {
		match, regex string // OS_Match, PCRE2 ("" = none)
		negate       bool
		log          string
		reject       bool
	}{
		{match: "Accepted password|Accepted publickey", log: "sshd: accepted PUBLICKEY for x"},
		{match: "Accepted password|Accepted publickey", log: "sshd: Accept key", reject: true},
		{match: "^Failed|error$", log: "an error"},
		{match: "!success", log: "anything"}, // a negated pattern requires nothing
		{match: "success", negate: true, log: "anything"},
		{regex: `(?i)telnetd\[\d+\]: refused`, log: "TELNETD[1]: REFUSED"},
		{regex: `(?i)telnetd\[\d+\]: refused`, log: "telnetd: refused", reject: true},
		{match: "login", regex: `failed for (\S+)`, log: "login failed for x"},
		{match: "login", regex: `failed for (\S+)`, log: "failed for x", reject: true},
	} {
		var m, r *expr
		if c.match != "" {
			m = mustExpr(t, osregex.OSMatch, c.match, c.negate)
		}
		if c.regex != "" {
			r = mustExpr(t, osregex.PCRE2, c.regex, false)
		}
		if got := logRejects(t, m, r, c.log); got != c.reject {
			t.Errorf("match %q regex %q on %q: reject %v, want %v", c.match, c.regex, c.log, got, c.reject)
		}
	}
}

// FuzzLogFilter checks that the log filter of a rule never rejects a log
// that all its log expressions match.
func FuzzLogFilter(f *testing.F) {
	f.Add(uint8(0), "Accepted password|^Failed|denied$", "x Failed y")
	f.Add(uint8(1), `^\d+ \w+ (\S+) failed\p*`, "12 ab c failed!")
	f.Add(uint8(2), `(?i)core_dumped|failure| bad |Segmentation Fault`, "a BAD one")
	f.Fuzz(func(t *testing.T, kind uint8, pattern, log string) {
		k := osregex.Kind(kind % 3)
		p, err := osregex.Compile(k, pattern)
		if err != nil {
			return
		}
		subj := log
		if i := strings.IndexByte(subj, 0); i >= 0 {
			subj = subj[:i]
		}
		if p.MatchString(subj) && logRejects(t, &expr{p: p}, nil, log) {
			t.Fatalf("%s %q matches %q but the log filter rejects it", k, pattern, log)
		}
	})
}
