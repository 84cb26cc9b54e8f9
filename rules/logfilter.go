package rules

import (
	"github.com/gossec/gossec/internal/litscan"
	"github.com/gossec/gossec/internal/osregex"
)

// The log expressions of a rule (<match>, <regex>, OSSEC's <pcre2> and
// <match_pcre2>) are the costly part of most rule tests, and hundreds of
// them run against the same log: the children of the category rules. The
// literals each of them needs are looked up in one scan of the log per
// event (litscan.Table, shared with the decoders when the engine loads
// both with one table); a rule whose literals are missing fails without
// running its expressions. The expressions are side-effect free, so
// skipping them cannot be observed.

// logReqs is the conjunction of the literal requirements of r's log
// expressions; nil when nothing is required.
func logReqs(r *Rule) (litscan.Reqs, bool) {
	c := &r.cond
	out, fold := litscan.NoReq(), false
	add := func(e *expr) {
		if e == nil || e.p == nil || e.negate {
			return
		}
		req, f := litscan.PatternReqs(e.p)
		if !req.Trivial() {
			out, fold = litscan.And(out, req), fold || f
		}
	}
	add(c.match)
	add(c.regex)
	for i := range c.ossec {
		if c.ossec[i].sub == subLog {
			add(&c.ossec[i].e)
		}
	}
	return out, fold
}

// logLiteralsOK reports whether the event's log holds the literals r
// needs. The log is scanned on the first call of an event that needs it,
// unless the decoders already scanned it with the same table.
func (m *matcher) logLiteralsOK(r *Rule) bool {
	if r.logLits == nil {
		return true
	}
	if m.bits == nil {
		lits := m.lits
		bits, ok := m.ev.Lits.Lookup(lits.ID(), m.ev.Log)
		if !ok {
			if !r.costlyLog {
				// Substring tests only: scanning for them would cost more
				// than it saves, but once the log is scanned they use it too.
				return true
			}
			bits = lits.Scan(m.ev.Log, m.ev.Lits.Buffer())
			m.ev.Lits.Store(lits.ID(), m.ev.Log, bits)
		}
		m.bits = bits // the rules do not rewrite the log: valid to the end
	}
	return r.logLits.Pass(m.bits)
}

// buildLogFilters interns the log literals of every rule in lits, or in a
// private table when lits is nil; only a private table is frozen here.
func (t *Tree) buildLogFilters(lits *litscan.Table) {
	t.lits = lits
	if lits == nil {
		t.lits = litscan.NewTable()
	}
	for _, r := range t.rules {
		req, fold := logReqs(r)
		r.logLits = t.lits.Filter(req, fold)
		r.costlyLog = costlyLog(r)
	}
	if lits == nil {
		t.lits.Freeze()
	}
}

// costlyLog reports whether r has a log expression that is a regular
// expression: OS_Match patterns are plain substring tests, about as fast as
// the scan's per-rule lookup.
func costlyLog(r *Rule) bool {
	c := &r.cond
	for _, e := range []*expr{c.match, c.regex} {
		if e != nil && e.p != nil && e.p.Kind() != osregex.OSMatch {
			return true
		}
	}
	for i := range c.ossec {
		if c.ossec[i].sub == subLog {
			return true
		}
	}
	return false
}
