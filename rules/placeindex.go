package rules

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
		g = &groupNodes{groups: groups}
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
