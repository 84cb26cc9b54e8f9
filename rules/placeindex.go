package rules

import "strings"

// The placement of rules (tree.go) follows OS_AddChild, which walks the
// whole tree for every rule placed: with thousands of rules that walk was
// most of the load time. placeIndex answers the same questions from
// indexes kept as nodes are added. It lives only while loading.

// placeIndex records where each rule sits in the tree being built.
type placeIndex struct {
	// nodesOf lists the nodes of each rule id, in creation order.
	nodesOf map[int][]*node
	// parent maps a node to its parent; top-level nodes map to nil.
	parent map[*node]*node
	// byGroups lists the nodes by their rule's group string (Rule.Groups),
	// the only rule text if_group and if_matched_group test.
	byGroups map[string]*groupNodes
	// groupOrder lists byGroups' entries in creation order, so that scans
	// do not depend on map order.
	groupOrder []*groupNodes
	// all lists every node, in creation order.
	all []*node
}

type groupNodes struct {
	groups string
	lower  string // groups for wordMatchLowered
	nodes  []*node
}

func newPlaceIndex() *placeIndex {
	return &placeIndex{nodesOf: map[int][]*node{}, parent: map[*node]*node{}, byGroups: map[string]*groupNodes{}}
}

// add records nd, just inserted under parent (nil: the top level).
func (x *placeIndex) add(nd, parent *node) {
	r := nd.rule
	x.nodesOf[r.ID] = append(x.nodesOf[r.ID], nd)
	x.parent[nd] = parent
	x.all = append(x.all, nd)
	x.groupEntry(r.Groups).nodes = append(x.groupEntry(r.Groups).nodes, nd)
}

func (x *placeIndex) groupEntry(groups string) *groupNodes {
	g := x.byGroups[groups]
	if g == nil {
		g = &groupNodes{groups: groups, lower: lowerCString(groups)}
		x.byGroups[groups] = g
		x.groupOrder = append(x.groupOrder, g)
	}
	return g
}

// regroup moves the nodes of r from its group string to groups: an
// overwrite replaces a rule's groups in place.
func (x *placeIndex) regroup(r *Rule, groups string) {
	if r.Groups == groups {
		return
	}
	old := x.byGroups[r.Groups]
	if old == nil {
		return
	}
	kept := old.nodes[:0]
	var moved []*node
	for _, nd := range old.nodes {
		if nd.rule == r {
			moved = append(moved, nd)
			continue
		}
		kept = append(kept, nd)
	}
	old.nodes = kept
	g := x.groupEntry(groups)
	g.nodes = append(g.nodes, moved...)
}

// siblings is the list nd sits in.
func (x *placeIndex) siblings(top []*node, nd *node) []*node {
	if p := x.parent[nd]; p != nil {
		return p.children
	}
	return top
}

// reachedBySid tells whether the preorder walk of _AddtoRule looking for
// id reaches nd (a node with that id). That walk stops a sibling list at
// its first node with the id, without descending into it: nd is reached
// when no node before it in its list has the id, and the same holds for
// each of its ancestors, none of which has the id.
func (x *placeIndex) reachedBySid(top []*node, nd *node, id int) bool {
	for cur := nd; ; {
		for _, s := range x.siblings(top, cur) {
			if s == cur {
				break
			}
			if s.rule.ID == id {
				return false
			}
		}
		p := x.parent[cur]
		if p == nil {
			return true
		}
		if p.rule.ID == id {
			return false
		}
		cur = p
	}
}

// lowerCString is s up to its first NUL with ASCII letters lowered: the
// text OS_WordMatch compares.
func lowerCString(s string) string {
	if i := strings.IndexByte(s, 0); i >= 0 {
		s = s[:i]
	}
	for i := 0; i < len(s); i++ {
		if 'A' <= s[i] && s[i] <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if 'A' <= b[j] && b[j] <= 'Z' {
					b[j] += 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return s
}

// wordMatchLowered is osregex.WordMatch for a pattern and a subject both
// passed through lowerCString: '|' alternatives, "^x" a prefix test,
// anything else a substring test, an empty alternative always true and
// an empty pattern never. Lowering both once lets the tests run on
// strings.Contains instead of a case-folding loop.
func wordMatchLowered(pattern, s string) bool {
	if pattern == "" {
		return false
	}
	for {
		alt, rest, more := strings.Cut(pattern, "|")
		switch {
		case alt == "":
			return true
		case alt[0] == '^':
			if strings.HasPrefix(s, alt[1:]) {
				return true
			}
		case strings.Contains(s, alt):
			return true
		}
		if !more {
			return false
		}
		pattern = rest
	}
}
