package litscan

import (
	"sync/atomic"
	"unicode/utf8"
)

// Table interns the literals of every filter and finds, in a single pass
// over the log, which of them occur: one scan per event replaces a
// substring search per expression. The scan runs an Aho-Corasick automaton
// compiled to a DFA over byte classes; the class table maps upper-case
// ASCII letters to the class of their lower-case form, so the log is
// matched case-insensitively without being copied.
//
// A Table is built by Filter calls, then frozen; a frozen Table is
// immutable and safe for concurrent use.
type Table struct {
	id     uint64 // unique per table: names the table in cached scans
	frozen bool

	ids  map[string]uint16
	lits []string

	// Trie of the literals, during loading.
	trie []map[byte]uint16 // children per state; state 0 is the root
	term [][]uint16        // ids of the literals ending at each state

	// The automaton, built by freeze.
	class  [256]uint8
	nClass int
	recip  uint64 // ceil(2^32 / nClass), see mark
	// next[row+class] is the row (state*nClass) of the target state, with
	// hasOut set when that state recognises literals: row offsets save the
	// scan a multiply on its critical path, hasOut a look at outs.
	next []uint32
	outs [][]uint16 // literals recognised on entering each state

	// foldMask marks the literals of case-insensitive PCRE2 parts: Unicode
	// folding can match them in ways ASCII lowercasing misses, so on a
	// non-ASCII log they count as present.
	foldMask []uint64
}

// maxStates bounds the automaton (the trie's states are uint16); literals
// that do not fit are not used as filters.
const maxStates = 1<<16 - 1

// maxLitLen bounds the literals interned: longer ones are cut, which
// keeps the automaton small enough to stay in cache at a small cost in
// selectivity.
const maxLitLen = 8

// hasOut flags a transition to a state that recognises literals, so that
// the scan only looks at the output lists when there is something to mark.
const hasOut = 1 << 31

// lastID numbers the tables, so that a cached scan names its table
// without holding a pointer to it.
var lastID atomic.Uint64

// NewTable returns an empty table, open to Filter calls.
func NewTable() *Table {
	return &Table{
		id:   lastID.Add(1),
		ids:  map[string]uint16{},
		trie: []map[byte]uint16{{}},
		term: [][]uint16{nil},
	}
}

// ID identifies the table among all tables of the process; it is never 0.
func (t *Table) ID() uint64 { return t.id }

// intern returns the id of lit (lowercased, non-empty), adding it when
// new; ok is false when the automaton is full.
func (t *Table) intern(lit string, fold bool) (uint16, bool) {
	id, ok := t.ids[lit]
	if !ok {
		// The split scan relies on the bound: a literal never spans more
		// than maxLitLen bytes.
		if len(lit) > maxLitLen || len(t.trie)+len(lit) > maxStates {
			return 0, false
		}
		id = uint16(len(t.lits))
		t.ids[lit] = id
		t.lits = append(t.lits, lit)
		t.insert(lit, id)
	}
	if fold {
		for len(t.foldMask) <= int(id)/64 {
			t.foldMask = append(t.foldMask, 0)
		}
		t.foldMask[id/64] |= 1 << (id % 64)
	}
	return id, true
}

func (t *Table) insert(lit string, id uint16) {
	s := uint16(0)
	for i := 0; i < len(lit); i++ {
		c, ok := t.trie[s][lit[i]]
		if !ok {
			c = uint16(len(t.trie))
			t.trie[s][lit[i]] = c
			t.trie = append(t.trie, map[byte]uint16{})
			t.term = append(t.term, nil)
		}
		s = c
	}
	t.term[s] = append(t.term[s], id)
}

// Freeze compiles the literals into the scanning automaton. It must be
// called once, after the last Filter call and before the first Scan.
func (t *Table) Freeze() {
	if t.frozen {
		panic("litscan: table frozen twice")
	}
	t.frozen = true
	t.buildClasses()
	t.rowTable(t.buildDFA())
	t.trie, t.term = nil, nil
}

// buildDFA computes the full transition table of the Aho-Corasick
// automaton (next[state*nClass+class]) and the output lists, visiting the
// states breadth first so that a state's failure state is complete.
func (t *Table) buildDFA() []uint16 {
	n, k := len(t.trie), t.nClass
	next := make([]uint16, n*k)
	t.outs = make([][]uint16, n)
	fail := make([]uint16, n)
	queue := make([]uint16, 0, n)
	// The root: missing transitions stay at the root.
	for b, c := range t.trie[0] {
		next[int(t.class[b])] = c
		queue = append(queue, c)
	}
	t.outs[0] = t.term[0]
	for len(queue) > 0 {
		s := queue[0]
		queue = queue[1:]
		f := fail[s]
		t.outs[s] = append(append([]uint16(nil), t.term[s]...), t.outs[f]...)
		copy(next[int(s)*k:int(s+1)*k], next[int(f)*k:int(f+1)*k])
		for b, c := range t.trie[s] {
			cls := int(t.class[b])
			fail[c] = next[int(f)*k+cls]
			next[int(s)*k+cls] = c
			queue = append(queue, c)
		}
	}
	return next
}

// rowTable stores the transitions as rows with their hasOut flags.
func (t *Table) rowTable(next []uint16) {
	t.next = make([]uint32, len(next))
	for i, v := range next {
		t.next[i] = uint32(v) * uint32(t.nClass)
		if len(t.outs[v]) > 0 {
			t.next[i] |= hasOut
		}
	}
}

// buildClasses gives each byte used by a literal its own class (class 0 is
// every other byte) and maps A-Z onto the class of a-z.
func (t *Table) buildClasses() {
	var used [256]bool
	for _, lit := range t.lits {
		for i := 0; i < len(lit); i++ {
			used[lit[i]] = true
		}
	}
	t.nClass = 1
	for b := range used {
		if used[b] {
			t.class[b] = uint8(t.nClass)
			t.nClass++
		}
	}
	t.recip = (1<<32 + uint64(t.nClass) - 1) / uint64(t.nClass)
	for b := 'A'; b <= 'Z'; b++ {
		t.class[b] = t.class[b+'a'-'A']
	}
}

// Scan returns the set of the literals that occur in log, ignoring ASCII
// case, as a bitset for Filter.Pass. It reuses buf's storage when large
// enough, so that a caller keeping the result allocates only once.
func (t *Table) Scan(log string, buf []uint64) []uint64 {
	if !t.frozen {
		panic("litscan: scan of a table not frozen")
	}
	n := (len(t.lits) + 63) / 64
	if cap(buf) < n {
		buf = make([]uint64, n)
	}
	present := buf[:n]
	clear(present)
	if n > 0 {
		t.scan(log, present)
	}
	return present
}

// splitMin is the log length from which scan runs two lanes.
const splitMin = 4 * maxLitLen

// scan marks in present (cleared) every literal that occurs in log.
//
// The automaton is latency bound: each transition needs the previous
// one. A long log is therefore scanned as two halves whose independent
// transitions the CPU overlaps (four lanes measured no better). The
// second lane starts maxLitLen-1 bytes before the middle, so that every
// literal ending in the second half lies entirely in its lane; a literal
// seen by both lanes is marked twice, which is harmless.
func (t *Table) scan(log string, present []uint64) {
	var high byte
	if len(log) < splitMin {
		_, high = t.scanFrom(0, log, present)
	} else {
		high = t.scanSplit(log, present)
	}
	if high >= utf8.RuneSelf {
		for w, m := range t.foldMask {
			present[w] |= m
		}
	}
}

// chunk is the number of steps a lane runs before the literals it
// recognised are marked. Marking in the loop would cost a branch that
// mispredicts and registers the loop needs; instead each step stores its
// state unconditionally and advances the hit count by the hasOut bit.
const chunk = 64

// scanFrom runs the automaton over s from row; it returns the final row
// and the OR of the bytes of s.
func (t *Table) scanFrom(row uint32, s string, present []uint64) (uint32, byte) {
	var high byte
	var hits [chunk]uint32
	for i := 0; i < len(s); {
		end := min(i+chunk, len(s))
		// Locals: writes to present could alias the table's slices
		// otherwise, forcing reloads on each byte.
		next, class := t.next, &t.class
		n := 0
		for ; i < end; i++ {
			c := s[i]
			high |= c
			v := next[row+uint32(class[c])]
			row = v &^ hasOut
			hits[n%chunk] = row
			n += int(v >> 31)
		}
		t.mark(hits[:n], present)
	}
	return row, high
}

// scanSplit runs two lanes in step over the halves of log (see scan).
func (t *Table) scanSplit(log string, present []uint64) byte {
	mid := len(log) / 2
	a, b := log[:mid], log[mid-(maxLitLen-1):]
	var ra, rb uint32
	var high byte
	var hits [2 * chunk]uint32
	// a is the shorter lane.
	for i := 0; i < len(a); {
		end := min(i+chunk, len(a))
		next, class := t.next, &t.class
		n := 0
		for ; i < end; i++ {
			ca, cb := a[i], b[i]
			high |= ca | cb
			va := next[ra+uint32(class[ca])]
			vb := next[rb+uint32(class[cb])]
			ra, rb = va&^hasOut, vb&^hasOut
			hits[n%(2*chunk)] = ra
			n += int(va >> 31)
			hits[n%(2*chunk)] = rb
			n += int(vb >> 31)
		}
		t.mark(hits[:n], present)
	}
	_, hb := t.scanFrom(rb, b[len(a):], present)
	return high | hb
}

// mark records the literals recognised on entering the states of rows.
// A row is state*nClass: the state is found by multiplying with the
// rounded up reciprocal, which is exact for state < 2^16, nClass < 2^8
// and spares a division.
func (t *Table) mark(rows []uint32, present []uint64) {
	for _, row := range rows {
		for _, id := range t.outs[uint64(row)*t.recip>>32] {
			present[id/64] |= 1 << (id % 64)
		}
	}
}

// Filter is a compiled requirement: a disjunction of conjunctions of
// literal ids of one Table. The nil Filter requires nothing.
type Filter [][]uint16

// Pass reports whether the literals of one conjunction of f all occur in
// present, a Scan result of f's table. It is true for the nil Filter.
func (f Filter) Pass(present []uint64) bool {
	if f == nil {
		return true
	}
	for _, conj := range f {
		if allPresent(conj, present) {
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

// Filter interns the literals of req (fold as PatternReqs returns it) and
// returns its compiled filter; nil when req requires nothing. A literal
// the table cannot hold is left out of its conjunction, which weakens the
// filter without making it wrong.
func (t *Table) Filter(req Reqs, fold bool) Filter {
	if t.frozen {
		panic("litscan: Filter on a frozen table")
	}
	if req.Trivial() {
		return nil
	}
	out := make(Filter, 0, len(req))
	for _, conj := range req {
		var ids []uint16
		for _, lit := range bestLiterals(conj) {
			if len(lit) > maxLitLen {
				lit = rarestWindow(lit, maxLitLen) // a part of a required literal is required too
			}
			if id, ok := t.intern(lit, fold); ok {
				ids = append(ids, id)
			}
		}
		if len(ids) == 0 {
			return nil
		}
		out = append(out, ids)
	}
	return out
}

// rarestWindow returns the n bytes of lit least likely to occur in a log,
// as estimated by byteFreq.
func rarestWindow(lit string, n int) string {
	best, bestScore := 0, -1
	for i := 0; i+n <= len(lit); i++ {
		sc := 1
		for j := i; j < i+n; j++ {
			sc *= byteFreq(lit[j])
		}
		if bestScore < 0 || sc < bestScore {
			best, bestScore = i, sc
		}
	}
	return lit[best : best+n]
}

// byteFreq is a rough weight of how common a byte is in log lines.
func byteFreq(b byte) int {
	switch {
	case b == ' ':
		return 20
	case b == 'e' || b == 't' || b == 'a' || b == 'o' || b == 'i' || b == 'n' || b == 's' || b == 'r':
		return 10
	case 'a' <= b && b <= 'z', '0' <= b && b <= '9', b == '"', b == ',':
		return 6
	case b == ':' || b == '.' || b == '-' || b == '/' || b == '=' || b == '_':
		return 4
	}
	return 2
}
