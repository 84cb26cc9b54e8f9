package osregex

// OS_Match: '|'-separated alternatives, each an exact, prefix, suffix or
// substring comparison, ASCII case-insensitive. Alternatives are compared
// in place against the subject (no lowercased copies).

type matchOp uint8

const (
	opAlways   matchOp = iota // empty alternative
	opExact                   // ^x$
	opPrefix                  // ^x
	opSuffix                  // x$
	opContains                // x
)

type osMatchAlt struct {
	op  matchOp
	lit string // lowercased
	// search is lit's precomputed searcher (opContains).
	search litSearch
}

type osMatch struct {
	negate bool
	alts   []osMatchAlt
	// multi, set when there are many substring alternatives, searches
	// them in one pass; alts then keeps only the others.
	multi *multiLit
}

func compileOSMatch(pattern string) (*osMatch, error) {
	p := cString(pattern)
	if len(p) > MaxPatternLen {
		return nil, &Error{Kind: OSMatch, Code: ErrTooLong, Pattern: pattern}
	}
	m := &osMatch{}
	if len(p) > 0 && p[0] == '!' {
		m.negate = true
		p = p[1:]
	}
	lower := make([]byte, len(p))
	for i := 0; i < len(p); i++ {
		lower[i] = lowerTable[p[i]]
	}
	lp := string(lower)
	for {
		i := 0
		for i < len(lp) && lp[i] != '|' {
			i++
		}
		m.alts = append(m.alts, newMatchAlt(lp[:i]))
		if i == len(lp) {
			break
		}
		lp = lp[i+1:]
	}
	m.groupContains()
	return m, nil
}

// groupContains moves the substring alternatives into a multiLit when
// there are enough of them. Their order does not matter: OS_Match only
// reports whether any alternative matched.
func (m *osMatch) groupContains() {
	var lits []litSearch
	var rest []osMatchAlt
	for _, a := range m.alts {
		if a.op == opContains {
			lits = append(lits, a.search)
		} else {
			rest = append(rest, a)
		}
	}
	if len(lits) < minMulti {
		return
	}
	if multi := newMultiLit(lits); multi != nil {
		m.multi, m.alts = multi, rest
	}
}

// newMatchAlt classifies one alternative the way OSMatch_Compile does: the
// "^...$" test comes first, so "^$" is an exact match of the empty string
// while a lone "^" or "$" matches everything.
func newMatchAlt(a string) osMatchAlt {
	begin := len(a) > 0 && a[0] == '^'
	end := len(a) > 0 && a[len(a)-1] == '$'
	switch {
	case begin && end && len(a) >= 2:
		return osMatchAlt{op: opExact, lit: a[1 : len(a)-1]}
	case a == "":
		return osMatchAlt{op: opAlways}
	case end:
		return osMatchAlt{op: opSuffix, lit: a[:len(a)-1]}
	case begin:
		return osMatchAlt{op: opPrefix, lit: a[1:]}
	}
	return osMatchAlt{op: opContains, lit: a, search: newLitSearch(a, true)}
}

func (a *osMatchAlt) match(s string) bool {
	switch a.op {
	case opAlways:
		return true
	case opExact:
		return equalFoldLower(s, a.lit)
	case opPrefix:
		return hasPrefixFold(s, a.lit)
	case opSuffix:
		return hasSuffixFold(s, a.lit)
	}
	return a.search.index(s) >= 0
}

func (m *osMatch) match(s string) bool {
	s = cString(s)
	if m.multi != nil {
		if pos, _ := m.multi.index(s); pos >= 0 {
			return !m.negate
		}
	}
	for i := range m.alts {
		if m.alts[i].match(s) {
			return !m.negate
		}
	}
	return m.negate
}

func (m *osMatch) find(s string, caps []int) ([]int, int, bool) {
	if !m.match(s) {
		return caps[:0], 0, false
	}
	return caps[:0], len(s), true
}

func (m *osMatch) findEnd(s string) (int, bool) {
	if !m.match(s) {
		return 0, false
	}
	return len(s), true
}
