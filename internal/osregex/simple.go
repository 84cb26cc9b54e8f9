package osregex

import (
	"regexp/syntax"
	"strings"
	"unicode/utf8"
)

// simpleRE matches, in one left-to-right pass per start position and
// without allocating, the PCRE2 patterns most decoders use: a sequence of
// case-sensitive literals, single bytes of a class, and class runs such as
// \S+ or \d+?, with captures, optionally anchored by ^ and $ (e.g.
// `^for (\S+) from (\S+) port \d+`). It accepts a pattern only when the
// match is forced: every run or optional byte not at the end is followed by
// something that cannot start with a byte of its class, so it must take
// all the bytes it can and no other split exists. Go's regexp, which
// finds the same match by backtracking, is then not needed.
//
// Classes work on bytes: a class is accepted only when its rune set maps
// exactly onto a byte set, i.e. it holds no non-ASCII rune or all of them
// (like \S or .). Such classes are only used in unbounded runs, whose
// extent in runes and in bytes agree.
//
// Caseless (?i) literals and classes are accepted when they fold ASCII
// only, except for the two runes Go's (?i) also folds onto ASCII letters:
// KELVIN SIGN (k) and LONG S (s). Those are left out of the byte sets, and
// uni tells the caller to hand subjects holding either rune to the regexp.
type simpleRE struct {
	branches []*simpleSeq // in priority order
	ncap     int          // capture groups of the whole pattern
	// first: bytes every match starts with (nil: unknown); allBegin:
	// every branch is anchored by ^.
	first    *[256]bool
	allBegin bool
	// uni: some item also matches KELVIN SIGN or LONG S, which the byte
	// sets leave out; subjects holding one are not decided here.
	uni bool
}

// simpleSeq is one alternative: a sequence of items.
type simpleSeq struct {
	items       []simpleItem
	begin, end  bool       // anchored by ^ / $
	first       *[256]bool // bytes a match can start with; nil: any
	firstIsLit  bool       // the first item (after capture marks) is a literal
	firstLitIdx int
	firstLit    litSearch // finds that literal
	// firstRun is the index of the first item when it is a run that
	// takes all it can, else -1: a start inside a failed start's run
	// would fail the same way.
	firstRun int
}

type itemKind uint8

const (
	itemLit   itemKind = iota // literal bytes
	itemOne                   // exactly one byte of set
	itemOpt                   // at most one byte of set
	itemRun                   // min or more bytes of set
	itemOpen                  // capture cap starts here
	itemClose                 // capture cap ends here
	itemBegin                 // ^ (only while building)
	itemEnd                   // $ (only while building)
)

type simpleItem struct {
	kind itemKind
	// lit is lowercased (ASCII) when fold is set; fold is only set on
	// literals holding a letter.
	lit  string
	fold bool
	set  *[256]bool
	min  int
	// lazy: a non-greedy run or option ending the pattern, which takes
	// as little as it can.
	lazy bool
	cap  int
	// optional: the capture is (x+)?, kept as the run x* whose group is
	// left unset when the run is empty.
	optional bool
	// back: a run or option that what follows does not decide; at
	// backtracks over its extents (longest first, shortest when lazy).
	back bool
}

// maxTries bounds the extents a find tries for backtracking items; beyond
// it the subject is left to the regexp, whose cost is linear.
const maxTries = 2048

// tries counts the extents tried by one find; undecided is set when the
// count passed maxTries or a backtracking run met a non-ASCII byte (its
// extents must then be counted in runes).
type tries struct {
	n         int
	undecided bool
}

// maxBranches bounds the alternatives an alternation expands into.
const maxBranches = 16

// newSimpleRE returns nil when re (simplified) is not of the accepted
// form. ncap is the pattern's capture count as Go's regexp reports it
// (Simplify may drop groups). Alternations are expanded into branches
// tried in order at each start position, which is leftmost-first order
// because each branch can match in one way only.
func newSimpleRE(re *syntax.Regexp, ncap int) *simpleRE {
	seqs, ok := itemsOf(re)
	if !ok {
		return nil
	}
	m := &simpleRE{ncap: ncap, allBegin: true, uni: hasUniFoldNode(re)}
	var first [256]bool
	haveFirst := true
	topLevel := alternativesAreTopLevel(re)
	for _, items := range seqs {
		q := newSimpleSeq(items)
		if q == nil || (q.backtracks() && !topLevel) {
			// Branches expanded from a nested alternation are tried
			// one after the other, which is Go's order only when each
			// can match in one way.
			return nil
		}
		m.branches = append(m.branches, q)
		m.allBegin = m.allBegin && q.begin
		switch {
		case q.firstIsLit:
			it := &q.items[q.firstLitIdx]
			first[it.lit[0]] = true
			if it.fold {
				first[upperASCII(it.lit[0])] = true
			}
		case q.first != nil:
			for b, in := range q.first {
				first[b] = first[b] || in
			}
		default:
			haveFirst = false
		}
	}
	if haveFirst {
		m.first = &first
	}
	return m
}

// newSimpleSeq finishes one branch: anchors, merged literals, the forced
// check and the start-position hints.
func newSimpleSeq(items []simpleItem) *simpleSeq {
	q := &simpleSeq{}
	if len(items) > 0 && items[0].kind == itemBegin {
		q.begin, items = true, items[1:]
	}
	if n := len(items); n > 0 && items[n-1].kind == itemEnd {
		q.end, items = true, items[:n-1]
	}
	for _, it := range items {
		switch {
		case it.kind == itemBegin || it.kind == itemEnd:
			return nil
		case it.kind == itemLit && len(q.items) > 0 && q.items[len(q.items)-1].kind == itemLit &&
			q.items[len(q.items)-1].fold == it.fold:
			q.items[len(q.items)-1].lit += it.lit
		default:
			q.items = append(q.items, it)
		}
	}
	if !q.forced() {
		return nil
	}
	q.setFirst()
	return q
}

// alternativesAreTopLevel reports whether every alternation of re is its
// top-level one (under capture groups), so that its expanded branches are
// exactly Go's alternatives, tried in order at each start position.
func alternativesAreTopLevel(re *syntax.Regexp) bool {
	for re.Op == syntax.OpCapture {
		re = re.Sub[0]
	}
	if re.Op == syntax.OpConcat && len(re.Sub) == 2 && re.Sub[0].Op == syntax.OpBeginText {
		// ^(?:a|b), as the parser factors ^a|^b: every branch is
		// anchored, so the order of tries is the same.
		re = re.Sub[1]
		for re.Op == syntax.OpCapture {
			re = re.Sub[0]
		}
	}
	if re.Op != syntax.OpAlternate {
		return !hasAlternate(re)
	}
	for _, sub := range re.Sub {
		if hasAlternate(sub) {
			return false
		}
	}
	return true
}

func hasAlternate(re *syntax.Regexp) bool {
	if re.Op == syntax.OpAlternate {
		return true
	}
	for _, sub := range re.Sub {
		if hasAlternate(sub) {
			return true
		}
	}
	return false
}

// backtracks reports whether some item of the branch backtracks.
func (m *simpleSeq) backtracks() bool {
	for i := range m.items {
		if m.items[i].back {
			return true
		}
	}
	return false
}

// itemsOf expands a node into its alternative item sequences.
func itemsOf(re *syntax.Regexp) ([][]simpleItem, bool) {
	one := func(it simpleItem) ([][]simpleItem, bool) { return [][]simpleItem{{it}}, true }
	switch re.Op {
	case syntax.OpEmptyMatch:
		return [][]simpleItem{{}}, true
	case syntax.OpBeginText:
		return one(simpleItem{kind: itemBegin})
	case syntax.OpEndText:
		return one(simpleItem{kind: itemEnd})
	case syntax.OpConcat:
		acc := [][]simpleItem{{}}
		for _, sub := range re.Sub {
			s, ok := itemsOf(sub)
			if !ok || len(acc)*len(s) > maxBranches {
				return nil, false
			}
			var next [][]simpleItem
			for _, x := range acc {
				for _, y := range s {
					next = append(next, append(append([]simpleItem(nil), x...), y...))
				}
			}
			acc = next
		}
		return acc, true
	case syntax.OpAlternate:
		var all [][]simpleItem
		for _, sub := range re.Sub {
			s, ok := itemsOf(sub)
			if !ok || len(all)+len(s) > maxBranches {
				return nil, false
			}
			all = append(all, s...)
		}
		return all, true
	case syntax.OpCapture:
		s, ok := itemsOf(re.Sub[0])
		if !ok {
			return nil, false
		}
		for i, x := range s {
			y := append([]simpleItem{{kind: itemOpen, cap: re.Cap}}, x...)
			s[i] = append(y, simpleItem{kind: itemClose, cap: re.Cap})
		}
		return s, true
	case syntax.OpLiteral:
		fold := re.Flags&syntax.FoldCase != 0
		var b strings.Builder
		for _, r := range re.Rune {
			if r == utf8.RuneError || !utf8.ValidRune(r) || (fold && r >= utf8.RuneSelf) {
				return nil, false
			}
			if fold {
				r = rune(lowerTable[r])
			}
			b.WriteRune(r)
		}
		lit := b.String()
		return one(simpleItem{kind: itemLit, lit: lit, fold: fold && hasASCIILetter(lit)})
	case syntax.OpCharClass, syntax.OpAnyChar, syntax.OpAnyCharNotNL:
		set, ascii := byteSet(re)
		if set == nil || !ascii {
			return nil, false
		}
		return one(simpleItem{kind: itemOne, set: set, min: 1})
	case syntax.OpQuest:
		if c := re.Sub[0]; c.Op == syntax.OpCapture && c.Sub[0].Op == syntax.OpPlus &&
			re.Flags&syntax.NonGreedy == 0 && c.Sub[0].Flags&syntax.NonGreedy == 0 {
			// (x+)? takes the same bytes as (x*); only the group differs
			// when nothing is taken: unset instead of empty.
			set, _ := byteSet(c.Sub[0].Sub[0])
			if set == nil {
				return nil, false
			}
			return [][]simpleItem{{
				{kind: itemOpen, cap: c.Cap, optional: true},
				{kind: itemRun, set: set},
				{kind: itemClose, cap: c.Cap, optional: true},
			}}, true
		}
		fallthrough
	case syntax.OpPlus, syntax.OpStar:
		set, ascii := byteSet(re.Sub[0])
		if set == nil || (re.Op == syntax.OpQuest && !ascii) {
			return nil, false
		}
		it := simpleItem{kind: itemRun, set: set, lazy: re.Flags&syntax.NonGreedy != 0}
		switch re.Op {
		case syntax.OpPlus:
			it.min = 1
		case syntax.OpQuest:
			it.kind = itemOpt
		}
		return one(it)
	}
	return nil, false
}

// byteSet maps a one-character node onto the bytes it matches. ascii
// reports that the set has no byte >= 0x80; otherwise it has them all,
// standing for every non-ASCII rune (and the U+FFFD Go sees for invalid
// bytes). nil when the node is not such a class.
func byteSet(re *syntax.Regexp) (set *[256]bool, ascii bool) {
	set = new([256]bool)
	switch re.Op {
	case syntax.OpAnyChar, syntax.OpAnyCharNotNL:
		for b := range set {
			set[b] = true
		}
		if re.Op == syntax.OpAnyCharNotNL {
			set['\n'] = false
		}
		return set, false
	case syntax.OpLiteral:
		if len(re.Rune) != 1 || re.Rune[0] >= utf8.RuneSelf {
			return nil, false
		}
		c := byte(re.Rune[0])
		set[c] = true
		if re.Flags&syntax.FoldCase != 0 {
			set[lowerTable[c]], set[upperASCII(lowerTable[c])] = true, true
		}
		return set, true
	case syntax.OpCharClass:
	default:
		return nil, false
	}
	ascii = true
	for i := 0; i+1 < len(re.Rune); i += 2 {
		lo, hi := re.Rune[i], re.Rune[i+1]
		if lo == hi && isUniFoldRune(lo) {
			// KELVIN SIGN or LONG S alone, as (?i) adds them to classes
			// with k or s: subjects holding them go to the regexp (uni).
			continue
		}
		if lo >= utf8.RuneSelf {
			// Ranges are sorted: this must be the last one, covering all
			// non-ASCII runes.
			if i+2 != len(re.Rune) || lo != utf8.RuneSelf || hi != utf8.MaxRune {
				return nil, false
			}
			ascii = false
			for b := 0x80; b < 0x100; b++ {
				set[b] = true
			}
			break
		}
		if hi >= utf8.RuneSelf {
			if i+2 != len(re.Rune) || hi != utf8.MaxRune {
				return nil, false
			}
			ascii = false
			hi = 0xff
		}
		for b := lo; b <= hi; b++ {
			set[b] = true
		}
	}
	return set, ascii
}

// forced checks that every run or option is decided by what follows it.
func (m *simpleSeq) forced() bool {
	for i := range m.items {
		it := &m.items[i]
		if it.kind != itemRun && it.kind != itemOpt {
			continue
		}
		next := m.nextItem(i)
		if next == nil {
			// Last: a lazy one takes its minimum, unless $ makes it
			// reach the end; a minimum counted in runes must then be an
			// ASCII byte.
			if it.lazy && m.end {
				it.lazy = false
			}
			if it.lazy && it.min > 0 && it.set[0x80] {
				return false
			}
			continue
		}
		if decidedBy(it, next) {
			it.lazy = false // takes all it can either way
		} else {
			// The rest may need fewer (or, lazy, more) bytes: at tries
			// each extent in priority order.
			it.back = true
		}
	}
	return true
}

// decidedBy reports whether the run or option it must take all the bytes
// it can because next cannot start with one of them.
func decidedBy(it, next *simpleItem) bool {
	switch next.kind {
	case itemLit:
		c := next.lit[0]
		return !it.set[c] && !(next.fold && it.set[upperASCII(c)])
	case itemOne, itemRun:
		return next.min > 0 && !overlaps(it.set, next.set)
	}
	return false
}

// nextItem returns the item after i, capture marks skipped; nil at the
// end.
func (m *simpleSeq) nextItem(i int) *simpleItem {
	for j := i + 1; j < len(m.items); j++ {
		if k := m.items[j].kind; k != itemOpen && k != itemClose {
			return &m.items[j]
		}
	}
	return nil
}

func overlaps(a, b *[256]bool) bool {
	for i := range a {
		if a[i] && b[i] {
			return true
		}
	}
	return false
}

// setFirst records what a match must start with, to skip start
// positions quickly.
func (m *simpleSeq) setFirst() {
	m.firstRun = -1
	for j := range m.items {
		it := &m.items[j]
		switch it.kind {
		case itemOpen, itemClose:
			continue
		case itemLit:
			m.firstIsLit, m.firstLitIdx = true, j
			m.firstLit = newLitSearch(it.lit, it.fold)
		case itemOne, itemRun:
			if it.min > 0 {
				m.first = it.set
			}
			if it.kind == itemRun && !it.lazy {
				m.firstRun = j
			}
		}
		return
	}
}

// decides reports whether find gives the regexp's result on s: not when
// s holds a rune the byte sets leave out (see uni).
func (m *simpleRE) decides(s string) bool { return !m.uni || !hasUniFold(s) }

// find returns the leftmost match's capture spans (in caps, reused; the
// PCRE2 capture list of Find) and end; captures are recorded only when
// record is set.
func (m *simpleRE) find(s string, caps []int, record bool) (out []int, end int, ok, decided bool) {
	caps = caps[:0]
	if record {
		caps = growInts(caps, 2*m.ncap)
	}
	var tr tries
	if len(m.branches) == 1 {
		caps, end, ok := m.branches[0].find(s, caps, record, &tr)
		if tr.undecided {
			return caps[:0], 0, false, false
		}
		caps, end, ok = finishCaps(caps, end, ok)
		return caps, end, ok, true
	}
	last := len(s)
	if m.allBegin {
		last = 0
	}
	for p := 0; p <= last; p++ {
		if m.first != nil {
			for p < len(s) && !m.first[s[p]] {
				p++
			}
			if p == len(s) || p > last {
				break
			}
		}
		for _, q := range m.branches {
			if q.begin && p != 0 {
				continue
			}
			end, ok := q.at(s, p, caps, record, &tr)
			if tr.undecided {
				return caps[:0], 0, false, false
			}
			if ok {
				caps, end, ok = finishCaps(caps, end, true)
				return caps, end, ok, true
			}
		}
	}
	return caps[:0], 0, false, true
}

// finishCaps turns the recorded group positions (-1: not in the
// matching branch) into the capture list appendGroups makes of Go's.
func finishCaps(caps []int, end int, ok bool) ([]int, int, bool) {
	if !ok {
		return caps[:0], 0, false
	}
	last := 0
	for g := len(caps)/2 - 1; g >= 0; g-- {
		if caps[2*g] >= 0 {
			last = g + 1
			break
		}
	}
	for g := 0; g < last; g++ {
		if caps[2*g] < 0 {
			caps[2*g], caps[2*g+1] = 0, 0
		}
	}
	return caps[:2*last], end, true
}

// find is simpleRE.find for one branch, without the capture list
// conversion.
func (m *simpleSeq) find(s string, caps []int, record bool, tr *tries) ([]int, int, bool) {
	last := len(s)
	if m.begin {
		last = 0
	}
	for p := 0; p <= last; p++ {
		if m.firstIsLit {
			k := m.firstLit.index(s[p:])
			if k < 0 || (m.begin && k > 0) {
				return caps[:0], 0, false
			}
			p += k
		} else if m.first != nil {
			for p < len(s) && !m.first[s[p]] {
				p++
			}
			if p == len(s) || p > last {
				return caps[:0], 0, false
			}
		}
		end, ok := m.at(s, p, caps, record, tr)
		if tr.undecided {
			return caps[:0], 0, false
		}
		if ok {
			return caps, end, true
		}
		if m.firstRun >= 0 {
			// Every start up to the end of this run reaches the same
			// state after it, and fails the same way.
			set := m.items[m.firstRun].set
			for p < len(s) && set[s[p]] && p+1 < len(s) && set[s[p+1]] {
				p++
			}
		}
	}
	return caps[:0], 0, false
}

// at matches the items from start position p.
func (m *simpleSeq) at(s string, p int, caps []int, record bool, tr *tries) (int, bool) {
	if record {
		for i := range caps {
			caps[i] = -1
		}
	}
	return m.atFrom(s, 0, p, caps, record, tr)
}

// atFrom matches the items from the i-th on at pos. Captures recorded by
// a failed try are overwritten by the next, which passes the same marks.
func (m *simpleSeq) atFrom(s string, i, pos int, caps []int, record bool, tr *tries) (int, bool) {
	for ; i < len(m.items); i++ {
		it := &m.items[i]
		switch it.kind {
		case itemOpen:
			if record {
				caps[2*(it.cap-1)] = pos
			}
		case itemClose:
			if record {
				caps[2*(it.cap-1)+1] = pos
				if it.optional && caps[2*(it.cap-1)] == pos {
					caps[2*(it.cap-1)], caps[2*(it.cap-1)+1] = -1, -1
				}
			}
		case itemLit:
			if it.fold {
				if !hasPrefixFold(s[pos:], it.lit) {
					return 0, false
				}
			} else if !strings.HasPrefix(s[pos:], it.lit) {
				return 0, false
			}
			pos += len(it.lit)
		case itemOne:
			if pos >= len(s) || !it.set[s[pos]] {
				return 0, false
			}
			pos++
		case itemOpt, itemRun:
			if it.back {
				return m.backtrack(s, i, pos, caps, record, tr)
			}
			e, ok := it.extent(s, pos)
			if !ok {
				return 0, false
			}
			pos = e
		}
	}
	if m.end && pos != len(s) {
		return 0, false
	}
	return pos, true
}

// extent is where a run or option that is not backtracked ends.
func (it *simpleItem) extent(s string, pos int) (int, bool) {
	if it.kind == itemOpt {
		if !it.lazy && pos < len(s) && it.set[s[pos]] {
			pos++
		}
		return pos, true
	}
	e := pos
	if it.lazy {
		e += it.min
		if e > len(s) || (it.min > 0 && !it.set[s[pos]]) {
			return 0, false
		}
		return e, true
	}
	for e < len(s) && it.set[s[e]] {
		e++
	}
	if e-pos < it.min {
		return 0, false
	}
	return e, true
}

// backtrack tries the extents of the run or option i in the order Go's
// backtracker does, matching the rest after each.
func (m *simpleSeq) backtrack(s string, i, pos int, caps []int, record bool, tr *tries) (int, bool) {
	it := &m.items[i]
	longest := pos
	for longest < len(s) && it.set[s[longest]] && (it.kind == itemRun || longest == pos) {
		if s[longest] >= utf8.RuneSelf {
			// A non-ASCII rune: extents must be counted in runes.
			tr.undecided = true
			return 0, false
		}
		longest++
	}
	shortest := pos + it.min
	if it.kind == itemOpt {
		shortest = pos
	}
	if longest < shortest {
		return 0, false
	}
	for k := 0; k <= longest-shortest; k++ {
		e := longest - k
		if it.lazy {
			e = shortest + k
		}
		if tr.n++; tr.n > maxTries {
			tr.undecided = true
			return 0, false
		}
		end, ok := m.atFrom(s, i+1, e, caps, record, tr)
		if ok || tr.undecided {
			return end, ok
		}
	}
	return 0, false
}

// upperASCII returns the upper case of an ASCII lower-case letter, other
// bytes unchanged.
func upperASCII(c byte) byte {
	if 'a' <= c && c <= 'z' {
		return c - 'a' + 'A'
	}
	return c
}

// isUniFoldRune reports whether r is one of the non-ASCII runes Go's (?i)
// folds onto an ASCII letter: KELVIN SIGN (k) and LONG S (s).
func isUniFoldRune(r rune) bool { return r == 0x212A || r == 0x17F }

// hasUniFoldNode reports whether some node of re matches KELVIN SIGN or
// LONG S where the byte sets of simpleRE leave them out: a caseless k or
// s, or a class holding one of them alone.
func hasUniFoldNode(re *syntax.Regexp) bool {
	switch re.Op {
	case syntax.OpLiteral:
		if re.Flags&syntax.FoldCase != 0 {
			for _, r := range re.Rune {
				if l := lowerTable[byte(r)]; r < utf8.RuneSelf && (l == 'k' || l == 's') {
					return true
				}
			}
		}
	case syntax.OpCharClass:
		for i := 0; i+1 < len(re.Rune); i += 2 {
			if re.Rune[i] == re.Rune[i+1] && isUniFoldRune(re.Rune[i]) {
				return true
			}
		}
	}
	for _, sub := range re.Sub {
		if hasUniFoldNode(sub) {
			return true
		}
	}
	return false
}
