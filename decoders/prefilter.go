package decoders

import (
	"github.com/gossec/gossec/internal/osregex"
)

// A prefilter is a necessary condition for a top-level prematch to match a
// log, cheap enough to test before the expression runs: the set of bytes an
// anchored match must start with, and literals the log must contain. It
// only ever rejects logs the expression cannot match, so filtering never
// changes which node is committed.

// prefilter is the compiled filter of one top-level node.
type prefilter struct {
	first *[256]bool // bytes an (anchored, non-empty) match starts with; nil = unknown
	// any is a disjunction of conjunctions of literal ids (litTable): the
	// log passes when all literals of one conjunction occur in it. Nil
	// means no literal requirement is known.
	any [][]uint16
}

// patternFilter builds the filter parts of a prematch pattern: its first
// bytes and its required literals (lowercased, as the log is lowercased
// before the search; fold marks literals of a case-insensitive PCRE2 match
// that are only valid on an ASCII log, see litTable).
func patternFilter(p *osregex.Pattern) (first *[256]bool, req reqs, fold bool) {
	if p == nil {
		return nil, nil, false
	}
	first, _ = firstBytes(p)
	req, fold = patternReqs(p)
	return first, req, fold
}

// buildFilters compiles the prefilters of every node of list: its
// prematch, and the prematches and regexes of the decoders it may run,
// interning the literals in lits.
func buildFilters(list []*topNode, lits *litTable) {
	for _, t := range list {
		t.filt = newPrefilter(t.dec.prematch, lits)
		for _, d := range append([]*decoder{t.dec}, t.children...) {
			if d.prematch != nil && d.filt == nil && d != t.dec {
				f := newPrefilter(d.prematch, lits)
				d.filt = &f
			}
			if d.regex != nil && d.regexFilt == nil {
				f := newPrefilter(d.regex, lits)
				d.regexFilt = &f
			}
		}
	}
}

func newPrefilter(p *osregex.Pattern, lits *litTable) prefilter {
	first, req, fold := patternFilter(p)
	return prefilter{first: first, any: internReqs(req, fold, lits)}
}

// passes applies node filter f to log. The literal scan runs at most once
// per event, on the first node that needs it.
func (s *Set) passes(f *prefilter, log string, st *State) bool {
	return s.passesAt(f, log, log, st)
}

// passesAt applies f to a prematch whose subject subj is a suffix of log:
// the first byte is that of subj, the literals are looked up in all of log
// (a superset, and the one scan serves every subject).
func (s *Set) passesAt(f *prefilter, subj, log string, st *State) bool {
	if f == nil {
		return true
	}
	if f.first != nil && (subj == "" || !f.first[subj[0]]) {
		return false
	}
	if f.any == nil {
		return true
	}
	if !st.scanned {
		st.scanLog(log, s.lits)
	}
	for _, conj := range f.any {
		if allPresent(conj, st.present) {
			return true
		}
	}
	return false
}

func allPresent(ids []uint16, present []uint64) bool {
	for _, id := range ids {
		if present[id/64]&(1<<(id%64)) == 0 {
			return false
		}
	}
	return true
}

// scanLog records which table literals occur in log.
func (st *State) scanLog(log string, lits *litTable) {
	n := lits.words()
	if cap(st.present) < n {
		st.present = make([]uint64, n)
	}
	st.present = st.present[:n]
	clear(st.present)
	lits.scan(log, st.present)
	st.scanned = true
}
