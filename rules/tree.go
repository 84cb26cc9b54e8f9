package rules

import (
	"strconv"

	"github.com/gossec/gossec/internal/osregex"
	"github.com/gossec/gossec/internal/xmlconf"
)

// place puts a compiled rule into the tree (§3.4) and sets up its
// correlation marks.
func (l *loader) place(n *xmlconf.Node, r *Rule, sp *spec) {
	t := l.t
	switch {
	case r.ID < 10:
		l.insertUnder(nil, r)
	case r.opts&optOverwrite != 0:
		if old := t.byID[r.ID]; old != nil {
			l.overwrite(n, old, r)
			return
		}
		if !l.addChild(n, r) {
			return
		}
	default:
		if !l.addChild(n, r) {
			return
		}
	}
	l.register(r)
	l.mark(r)
}

func (l *loader) register(r *Rule) {
	r.idx = len(l.t.rules)
	l.t.rules = append(l.t.rules, r)
	l.t.byID[r.ID] = r
}

// insertNode inserts r before the first sibling with a strictly lower
// load-time level: siblings stay sorted descending, ties in load order.
func insertNode(list []*node, r *Rule) ([]*node, *node) {
	nd := &node{rule: r}
	i := 0
	for i < len(list) && r.scaled <= list[i].rule.scaled {
		i++
	}
	list = append(list, nil)
	copy(list[i+1:], list[i:])
	list[i] = nd
	return list, nd
}

// insertUnder inserts r under parent (nil: at the top level) and records
// the new node in the placement index.
func (l *loader) insertUnder(parent *node, r *Rule) {
	var nd *node
	if parent == nil {
		l.t.top, nd = insertNode(l.t.top, r)
	} else {
		parent.children, nd = insertNode(parent.children, r)
	}
	l.idx.add(nd, parent)
}

// walk visits every node in preorder (node, its children, next sibling);
// fn returns false to stop.
func walk(list []*node, fn func(*node) bool) bool {
	for _, nd := range list {
		if !fn(nd) {
			return false
		}
		if !walk(nd.children, fn) {
			return false
		}
	}
	return true
}

// addChild is OS_AddChild: placement by if_sid, if_level, if_group or
// category. It returns false (after a warning) when the rule is skipped.
func (l *loader) addChild(n *xmlconf.Node, r *Rule) bool {
	switch {
	case r.ifSid != "":
		return l.addBySid(n, r)
	case r.ifLevel != "":
		return l.addByLevel(n, r)
	case r.ifGroup != "":
		return l.addByGroup(n, r)
	}
	if l.addByCategory(r) > 0 {
		return true
	}
	l.warnf(n.Pos, "category %q not found: rule %d skipped", r.Category, r.ID)
	return false
}

// addBySid places r under the rules listed in if_sid, reading the list
// the way OS_AddChild does: ids separated by ',' or ' '; the end of the
// text right after a separator reads as id 0, which places the rule by
// category (quirk); any other character stops the list.
func (l *loader) addBySid(n *xmlconf.Node, r *Rule) bool {
	s := r.ifSid
	added, inID := false, false
	for i := 0; i <= len(s); i++ {
		var c byte
		if i < len(s) {
			c = s[i]
		}
		switch {
		case c == ',' || c == ' ':
			inID = false
		case c >= '0' && c <= '9' || c == 0:
			if inID {
				continue
			}
			inID = true
			id := atoi(s[i:])
			if l.addUnderSid(id, r) > 0 {
				added = true
				continue
			}
			if r.ifMatchedSid != 0 {
				l.warnf(n.Pos, "signature id %d not found: rule %d skipped (if_matched_sid)", id, r.ID)
				return false
			}
			l.warnf(n.Pos, "signature id %d not found: invalid if_sid in rule %d", id, r.ID)
		default:
			l.warnf(n.Pos, "invalid character in if_sid %q of rule %d", s, r.ID)
			if !added {
				l.warnf(n.Pos, "rule %d skipped", r.ID)
			}
			return added
		}
	}
	if !added {
		l.warnf(n.Pos, "no parent found for if_sid %q: rule %d skipped", s, r.ID)
	}
	return added
}

// addUnderSid is _AddtoRule for one id: a preorder walk that adds r under
// each node with that id, except that after a hit the rest of that sibling
// list is skipped (the C code returns from the list, while the callers
// keep scanning theirs). Id 0 places by category. It returns the number
// of places. The walk is answered from the placement index: the nodes
// with the id that the walk would reach.
func (l *loader) addUnderSid(id int, r *Rule) int {
	if id == 0 {
		return l.addByCategory(r)
	}
	if l.refPlacement {
		return l.addUnderSidWalk(l.t.top, id, r)
	}
	var hits []*node
	for _, nd := range l.idx.nodesOf[id] {
		if l.idx.reachedBySid(l.t.top, nd, id) {
			hits = append(hits, nd)
		}
	}
	// Inserting changes only the hits' children, which the walk does
	// not visit: the hits are the same before and after.
	for _, nd := range hits {
		// The child takes the category of its (last) parent.
		r.Category = nd.rule.Category
		l.insertUnder(nd, r)
	}
	return len(hits)
}

// addUnderSidWalk is addUnderSid as the walk itself, the reference the
// tests compare the index with.
func (l *loader) addUnderSidWalk(list []*node, id int, r *Rule) int {
	found := 0
	for _, nd := range list {
		if nd.rule.ID == id {
			r.Category = nd.rule.Category
			l.insertUnder(nd, r)
			return found + 1
		}
		found += l.addUnderSidWalk(nd.children, id, r)
	}
	return found
}

// addByCategory adds r under the first top-level rule of its category.
func (l *loader) addByCategory(r *Rule) int {
	for _, nd := range l.t.top {
		if nd.rule.Category == r.Category {
			l.insertUnder(nd, r)
			return 1
		}
	}
	return 0
}

func (l *loader) addByLevel(n *xmlconf.Node, r *Rule) bool {
	lv := atoi(r.ifLevel) * 100
	if lv == 0 {
		l.warnf(n.Pos, "invalid if_level %q: rule %d skipped", r.ifLevel, r.ID)
		return false
	}
	var parents []*node
	for _, nd := range l.allNodes() {
		if nd.rule.ID != r.ID && nd.rule.scaled >= lv {
			parents = append(parents, nd)
		}
	}
	return l.addToAll(n, r, parents, "if_level "+r.ifLevel)
}

func (l *loader) addByGroup(n *xmlconf.Node, r *Rule) bool {
	g, lower := r.ifGroup, lowerCString(r.ifGroup)
	match := func(e *groupNodes) bool { return wordMatchLowered(lower, e.lower) }
	if l.refPlacement {
		match = func(e *groupNodes) bool { return osregex.WordMatch(g, e.groups) }
	}
	var parents []*node
	l.eachGroupNodes(match, func(nd *node) {
		if nd.rule.ID != r.ID {
			parents = append(parents, nd)
		}
	})
	return l.addToAll(n, r, parents, "if_group "+strconv.Quote(g))
}

// addToAll makes r a child of every node in parents: the nodes of the
// whole tree that pass the rule's test. The order does not matter, each
// parent's children being a list of its own.
func (l *loader) addToAll(n *xmlconf.Node, r *Rule, parents []*node, what string) bool {
	if len(parents) == 0 {
		l.warnf(n.Pos, "no rule matches %s: rule %d skipped", what, r.ID)
		return false
	}
	for _, p := range parents {
		l.insertUnder(p, r)
	}
	return true
}

// allNodes lists every node of the tree.
func (l *loader) allNodes() []*node {
	if l.refPlacement {
		var all []*node
		walk(l.t.top, func(nd *node) bool { all = append(all, nd); return true })
		return all
	}
	return l.idx.all
}

// eachGroupNodes calls fn for every node whose rule's group string passes
// match, testing each distinct group string once.
func (l *loader) eachGroupNodes(match func(*groupNodes) bool, fn func(*node)) {
	if l.refPlacement {
		walk(l.t.top, func(nd *node) bool {
			if match(&groupNodes{groups: nd.rule.Groups, lower: lowerCString(nd.rule.Groups)}) {
				fn(nd)
			}
			return true
		})
		return
	}
	for _, g := range l.idx.groupOrder {
		if len(g.nodes) == 0 || !match(g) {
			continue
		}
		for _, nd := range g.nodes {
			fn(nd)
		}
	}
}

// mark sets the correlation search of r and marks the rules whose events
// it reads (OS_MarkID / OS_MarkGroup).
func (l *loader) mark(r *Rule) {
	c := &r.corr
	switch {
	case r.ifMatchedSid != 0:
		c.search = searchSid
		// Every node of an id holds the same rule.
		if l.inTree(r.ifMatchedSid) {
			o := l.t.byID[r.ifMatchedSid]
			if o.corr.storeSid < 0 {
				o.corr.storeSid = l.t.nSid
				l.t.nSid++
			}
			c.sidList = o.corr.storeSid
		}
	case c.matchedGrp != nil:
		c.search = searchGroup
		c.groupList = l.t.nGroup
		l.t.nGroup++
		l.eachGroupNodes(func(e *groupNodes) bool { return c.matchedGrp.MatchString(e.groups) }, func(nd *node) {
			// One entry per node: a rule placed twice stores its events
			// twice in this list, as in analysisd.
			nd.rule.corr.storeGroups = append(nd.rule.corr.storeGroups, c.groupList)
		})
	case c.context && r.cond.checkDiff:
		c.context = false
	case c.context:
		c.search = searchEvents
	}
}

// inTree tells whether a node of rule id is in the tree.
func (l *loader) inTree(id int) bool {
	if l.refPlacement {
		found := false
		walk(l.t.top, func(nd *node) bool { found = nd.rule.ID == id; return !found })
		return found
	}
	return len(l.idx.nodesOf[id]) > 0
}

// overwrite is OS_AddRuleInfo: the new definition replaces the old one in
// place; tree position, children and correlation marks are kept.
func (l *loader) overwrite(n *xmlconf.Node, old, nw *Rule) {
	for _, d := range []struct{ name, a, b string }{
		{"if_sid", old.ifSid, nw.ifSid}, {"if_group", old.ifGroup, nw.ifGroup},
		{"if_level", old.ifLevel, nw.ifLevel},
		{"if_matched_group", old.ifMatchedGroupText, nw.ifMatchedGroupText},
		{"if_matched_sid", strconv.Itoa(old.ifMatchedSid), strconv.Itoa(nw.ifMatchedSid)},
	} {
		if d.a != d.b {
			l.warnf(n.Pos, "rule %d: overwrite cannot change %s: kept %q", nw.ID, d.name, d.a)
		}
	}
	old.scaled = nw.scaled
	old.MaxSize, old.Timeframe, old.IgnoreTime = nw.MaxSize, nw.Timeframe, nw.IgnoreTime
	old.opts = nw.opts &^ optOverwrite
	l.idx.regroup(old, nw.Groups)
	old.Category, old.DecodedAs, old.Groups = nw.Category, nw.DecodedAs, nw.Groups
	old.Description, old.Info, old.CVE = nw.Description, nw.Info, nw.CVE
	old.Mitre, old.MitreTactics, old.MitreTechniques = nw.Mitre, nw.MitreTactics, nw.MitreTechniques
	old.Pos = nw.Pos
	old.cond = nw.cond
	oc, nc := &old.corr, &nw.corr
	// The context flag is copied but not the search: an overwrite without
	// if_matched_* turns the old search off.
	oc.context = nc.context
	oc.frequency, oc.timeframe, oc.global = nc.frequency, nc.timeframe, nc.global
	oc.same, oc.different = nc.same, nc.different
	oc.sameFields, oc.diffFields = nc.sameFields, nc.diffFields
	oc.matchedRe = nc.matchedRe
	oc.ignore, oc.ignoreDyn, oc.ckIgnore, oc.ckIgnoreDyn = nc.ignore, nc.ignoreDyn, nc.ckIgnore, nc.ckIgnoreDyn
}

// finish restores the real levels, fills the derived exported fields and
// builds the indexes of the fast path.
func (l *loader) finish() {
	for _, r := range l.t.rules {
		switch {
		case r.scaled == 9900:
			r.Level = 0
		case r.scaled >= 100:
			r.Level = r.scaled / 100
		default:
			r.Level = r.scaled
		}
		r.Mail = r.opts&optMail != 0
		r.Log = r.opts&optLog != 0
		r.NoFullLog = r.opts&optNoFullLog != 0
		r.NoCounter = r.opts&optNoCounter != 0
		r.NoAR = r.opts&optNoAR != 0
		r.NoAlert = r.opts&optNoAlert != 0
		r.NoPreviousOutput = r.opts&optNoPrevOut != 0
		r.FirstTimeSeen = r.opts&optFTS != 0
		r.cond.maxSize = r.MaxSize
		r.Frequency = 0
		if r.corr.search != searchNone {
			r.Frequency = r.corr.frequency + 2
		}
	}
	l.t.buildIndexes(l.opt.Literals)
}
