package rules

import "github.com/gossec/gossec/internal/osregex"

// The log expressions of a rule (<match>, <regex>, OSSEC's <pcre2> and
// <match_pcre2>) are the costly part of most rule tests, and hundreds of
// them run against the same log: the children of the category rules. The
// literals each of them needs are looked up in one scan of the log per
// event (litTable); a rule whose literals are missing fails without
// running its expressions. The expressions are side-effect free, so
// skipping them cannot be observed.

// logReqs is the conjunction of the literal requirements of r's log
// expressions; nil when nothing is required.
func logReqs(r *Rule) (reqs, bool) {
	c := &r.cond
	out, fold := noReq(), false
	add := func(e *expr) {
		if e == nil || e.p == nil || e.negate {
			return
		}
		req, f := patternReqs(e.p)
		if !req.trivial() {
			out, fold = andReqs(out, req), fold || f
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
// needs; the log is scanned on the first call of an event.
func (m *matcher) logLiteralsOK(r *Rule) bool {
	if r.logLits == nil {
		return true
	}
	st := m.st
	if !st.scanned {
		if !r.costlyLog {
			// Substring tests only: scanning for them would cost more than
			// it saves, but once the log is scanned they use it too.
			return true
		}
		st.scanLog(m.ev.Log, m.lits)
	}
	for _, conj := range r.logLits {
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

// buildLogFilters interns the log literals of every rule.
func (t *Tree) buildLogFilters() {
	t.lits = newLitTable()
	for _, r := range t.rules {
		req, fold := logReqs(r)
		r.logLits = internReqs(req, fold, t.lits)
		r.costlyLog = costlyLog(r)
	}
	t.lits.freeze()
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
