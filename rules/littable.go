package rules

import "unicode/utf8"

// litTable interns the literals of every prefilter and finds, in a single
// pass over the log, which of them occur: one scan per event replaces a
// substring search per expression. The scan runs an Aho-Corasick automaton
// compiled to a DFA over byte classes; the class table maps upper-case
// ASCII letters to the class of their lower-case form, so the log is
// matched case-insensitively without being copied.
type litTable struct {
	ids  map[string]uint16
	lits []string

	// Trie of the literals, during loading.
	trie []map[byte]uint16 // children per state; state 0 is the root
	term [][]uint16        // ids of the literals ending at each state

	// The automaton, built by freeze.
	class  [256]uint8
	nClass int
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

func newLitTable() *litTable {
	return &litTable{ids: map[string]uint16{}, trie: []map[byte]uint16{{}}, term: [][]uint16{nil}}
}

// intern returns the id of lit (lowercased, non-empty), adding it when
// new; ok is false when the automaton is full.
func (t *litTable) intern(lit string, fold bool) (uint16, bool) {
	id, ok := t.ids[lit]
	if !ok {
		if len(t.trie)+len(lit) > maxStates {
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

func (t *litTable) insert(lit string, id uint16) {
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

// freeze compiles the trie into the scanning automaton.
func (t *litTable) freeze() {
	t.buildClasses()
	t.rowTable(t.buildDFA())
	t.trie, t.term = nil, nil
}

// buildDFA computes the full transition table of the Aho-Corasick
// automaton (next[state*nClass+class]) and the output lists, visiting the
// states breadth first so that a state's failure state is complete.
func (t *litTable) buildDFA() []uint16 {
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
func (t *litTable) rowTable(next []uint16) {
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
func (t *litTable) buildClasses() {
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
	for b := 'A'; b <= 'Z'; b++ {
		t.class[b] = t.class[b+'a'-'A']
	}
}

// words is the size of a presence bitset.
func (t *litTable) words() int { return (len(t.lits) + 63) / 64 }

// scan marks in present (cleared by the caller) every literal that occurs
// in log, ignoring ASCII case.
func (t *litTable) scan(log string, present []uint64) {
	if len(t.lits) == 0 {
		return
	}
	// Locals: writes to present could alias the table's slices otherwise,
	// forcing a reload of every header on each byte.
	next, class, outs, k := t.next, &t.class, t.outs, t.nClass
	row := 0
	var high byte
	for i := 0; i < len(log); i++ {
		b := log[i]
		high |= b
		v := next[row+int(class[b])]
		row = int(v &^ hasOut)
		if v&hasOut != 0 {
			for _, id := range outs[row/k] {
				present[id/64] |= 1 << (id % 64)
			}
		}
	}
	if high >= utf8.RuneSelf {
		for w, m := range t.foldMask {
			present[w] |= m
		}
	}
}

// internReqs turns a requirement into literal ids; nil when it requires
// nothing (a literal the table cannot hold is left out of its conjunction).
func internReqs(req reqs, fold bool, lits *litTable) [][]uint16 {
	if req.trivial() {
		return nil
	}
	out := make([][]uint16, 0, len(req))
	for _, conj := range req {
		var ids []uint16
		for _, lit := range bestLiterals(conj) {
			if len(lit) > maxLitLen {
				lit = rarestWindow(lit, maxLitLen) // a part of a required literal is required too
			}
			if id, ok := lits.intern(lit, fold); ok {
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
