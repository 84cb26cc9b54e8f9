package osregex

import "regexp/syntax"

// litMatcher matches a PCRE2 pattern without capture groups that is an
// alternation of literals, each optionally anchored with ^ and/or $ (e.g.
// "^Accepted", "Login successful", "^pam_unix|^\(pam_unix\)", "su$"), by
// string search alone. Its results are those of Go's leftmost-first
// regexp: the match starting leftmost, and among the alternatives starting
// there the one of highest priority.
type litMatcher struct {
	alts []litAlt // in priority order
	uni  bool     // see litSet.uni
	// multi, set when there are many alternatives and none is anchored,
	// searches them all in one pass.
	multi *multiLit
}

type litAlt struct {
	search     litSearch
	begin, end bool // anchored at the start / end of the subject
}

// newLitMatcher returns nil unless re (simplified, without captures) has
// the shape described above.
func newLitMatcher(re *syntax.Regexp) *litMatcher {
	set := analyze(re).exact
	if set == nil || len(set.strs) > maxAlts {
		return nil
	}
	m := &litMatcher{uni: set.uni()}
	anchored := false
	for _, s := range set.strs {
		begin, lit, end := splitMarks(s)
		m.alts = append(m.alts, litAlt{search: newLitSearch(lit, set.fold), begin: begin, end: end})
		anchored = anchored || begin || end
	}
	if len(m.alts) >= minMulti && !anchored {
		lits := make([]litSearch, len(m.alts))
		for i := range m.alts {
			lits[i] = m.alts[i].search
		}
		m.multi = newMultiLit(lits)
	}
	return m
}

// start returns where the alternative matches leftmost in s, or -1. Each
// anchoring leaves a single candidate position except the unanchored one,
// whose first occurrence is its leftmost match.
func (a *litAlt) start(s string) int {
	n := len(a.search.lit)
	switch {
	case a.begin && a.end:
		if a.search.equal(s) {
			return 0
		}
	case a.begin:
		if a.search.hasPrefix(s) {
			return 0
		}
	case a.end:
		if a.search.hasSuffix(s) {
			return len(s) - n
		}
	default:
		return a.search.index(s)
	}
	return -1
}

// find returns the span of the leftmost-first match. sure is false when
// the subject holds a rune the literal comparison cannot judge; the caller
// must then ask the regexp.
func (m *litMatcher) find(s string) (start, end int, ok, sure bool) {
	if m.uni && hasUniFold(s) {
		return 0, 0, false, false
	}
	if m.multi != nil {
		pos, j := m.multi.index(s)
		if pos < 0 {
			return 0, 0, false, true
		}
		return pos, pos + len(m.alts[j].search.lit), true, true
	}
	start = -1
	for i := range m.alts {
		a := &m.alts[i]
		// An earlier alternative starting at the same place wins, so only
		// strictly smaller starts replace the best so far.
		if st := a.start(s); st >= 0 && (start < 0 || st < start) {
			start, end = st, st+len(a.search.lit)
			if start == 0 {
				break
			}
		}
	}
	return start, end, start >= 0, true
}

// match reports whether any alternative matches, with find's sure.
func (m *litMatcher) match(s string) (ok, sure bool) {
	if m.multi != nil {
		pos, _ := m.multi.index(s)
		return pos >= 0, pos >= 0 || !m.uni || !hasUniFold(s)
	}
	for i := range m.alts {
		if m.alts[i].start(s) >= 0 {
			return true, true
		}
	}
	return false, !m.uni || !hasUniFold(s)
}
