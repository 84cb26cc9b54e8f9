package decoders

import (
	"github.com/gossec/gossec/internal/event"
	"github.com/gossec/gossec/internal/litscan"
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
	// any is the literals the log must contain (one of its conjunctions);
	// nil means no literal requirement is known.
	any litscan.Filter
}

// patternFilter builds the filter parts of a prematch pattern: its first
// bytes and its required literals (lowercased, as the log is lowercased
// before the search; fold marks literals of a case-insensitive PCRE2 match
// that are only valid on an ASCII log, see litscan.Table).
func patternFilter(p *osregex.Pattern) (first *[256]bool, req litscan.Reqs, fold bool) {
	if p == nil {
		return nil, nil, false
	}
	first, _ = firstBytes(p)
	req, fold = litscan.PatternReqs(p)
	return first, req, fold
}

// buildFilters compiles the prefilters of every node of list: its
// prematch, and the prematches and regexes of the decoders it may run,
// interning the literals in lits.
func buildFilters(list []*topNode, lits *litscan.Table) {
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

func newPrefilter(p *osregex.Pattern, lits *litscan.Table) prefilter {
	first, req, fold := patternFilter(p)
	return prefilter{first: first, any: lits.Filter(req, fold)}
}

// passes applies node filter f to the event's log. The literal scan runs
// at most once per event, on the first filter that needs it, and is shared
// with the rule stage when both use the same table.
func (s *Set) passes(f *prefilter, ev *event.Event) bool {
	return s.passesAt(f, ev.Log, ev)
}

// passesAt applies f to a prematch whose subject subj is a suffix of the
// log: the first byte is that of subj, the literals are looked up in all
// of the log (a superset, and the one scan serves every subject).
func (s *Set) passesAt(f *prefilter, subj string, ev *event.Event) bool {
	if f == nil {
		return true
	}
	if f.first != nil && (subj == "" || !f.first[subj[0]]) {
		return false
	}
	if f.any == nil {
		return true
	}
	return f.any.Pass(s.present(ev))
}

// present returns the scan of the event's log by the set's table, cached
// in the event.
// Prescan makes and caches the literal scan of ev's log now, so that the
// decoding of ev finds it (see engine.Analyzer.Prescan). It only writes
// ev.
func (s *Set) Prescan(ev *event.Event) {
	if s != nil && s.lits != nil {
		s.present(ev)
	}
}

func (s *Set) present(ev *event.Event) []uint64 {
	id := s.lits.ID()
	if bits, ok := ev.Lits.Lookup(id, ev.Log); ok {
		return bits
	}
	bits := s.lits.Scan(ev.Log, ev.Lits.Buffer())
	ev.Lits.Store(id, ev.Log, bits)
	return bits
}
