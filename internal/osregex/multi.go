package osregex

// multiLit searches many literals at once with a trie of their bytes: a
// single pass over the subject walks the trie from each position, usually
// for a byte or two. Searching each member on its own costs one scan per
// member, and bucketing members by first byte degrades when they share a
// prefix: one OSSEC rule lists 109 PowerShell cmdlet names, half of them
// starting with "Invoke-".
type multiLit struct {
	lits []litSearch // in priority order
	fold bool        // compare with ASCII case folding (members lowercased)
	// root maps a subject byte to the trie node after it (-1: none).
	root  [256]int32
	nodes []trieNode
}

type trieNode struct {
	// member is the highest-priority member ending here, or -1.
	member int32
	edges  []trieEdge
}

type trieEdge struct {
	b  byte // lowercased when folding
	to int32
}

// minMulti is the member count from which a set is searched by multiLit.
const minMulti = 8

// newMultiLit returns nil when a member is empty (it would match
// everywhere and is left to the plain search) or the members differ in
// folding.
func newMultiLit(lits []litSearch) *multiLit {
	m := &multiLit{lits: lits}
	for i := range m.root {
		m.root[i] = -1
	}
	for i := range lits {
		l := &lits[i]
		if l.lit == "" {
			return nil
		}
		if l.fold {
			m.fold = true
		}
	}
	for i := range lits {
		if lits[i].fold != m.fold && hasASCIILetter(lits[i].lit) {
			return nil
		}
		m.insert(lits[i].lit, int32(i))
	}
	return m
}

func (m *multiLit) insert(lit string, member int32) {
	c := lit[0]
	n := m.root[c]
	if n < 0 {
		n = m.newNode()
		m.root[c] = n
		if m.fold && 'a' <= c && c <= 'z' {
			m.root[c-'a'+'A'] = n
		}
	}
	for i := 1; i < len(lit); i++ {
		next := m.child(n, lit[i])
		if next < 0 {
			next = m.newNode()
			m.nodes[n].edges = append(m.nodes[n].edges, trieEdge{b: lit[i], to: next})
		}
		n = next
	}
	if m.nodes[n].member < 0 {
		m.nodes[n].member = member
	}
}

func (m *multiLit) newNode() int32 {
	m.nodes = append(m.nodes, trieNode{member: -1})
	return int32(len(m.nodes) - 1)
}

// child follows the edge for byte b (already lowercased when folding).
func (m *multiLit) child(n int32, b byte) int32 {
	for _, e := range m.nodes[n].edges {
		if e.b == b {
			return e.to
		}
	}
	return -1
}

// index returns the leftmost position where a member starts, and the
// member of highest priority starting there; -1 when none does.
func (m *multiLit) index(s string) (pos, member int) {
	for i := 0; i < len(s); i++ {
		n := m.root[s[i]]
		if n < 0 {
			continue
		}
		best := int32(-1)
		for j := i + 1; ; j++ {
			if k := m.nodes[n].member; k >= 0 && (best < 0 || k < best) {
				best = k
			}
			if j == len(s) {
				break
			}
			b := s[j]
			if m.fold {
				b = lowerTable[b]
			}
			if n = m.child(n, b); n < 0 {
				break
			}
		}
		if best >= 0 {
			return i, int(best)
		}
	}
	return -1, -1
}
