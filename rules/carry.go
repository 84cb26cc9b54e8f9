package rules

// Carry returns a State for tree t holding what s remembers: correlation
// memory, fired counters, ignore timers and the FTS, ignore and check_diff
// stores. Rules are matched by id, so a reload that keeps a rule keeps its
// history; events stored for rules that no longer exist stay in the global
// memory (if_matched_regex still sees them) but leave the per-rule lists.
func (s *State) Carry(t *Tree, c Config) *State {
	n := NewState(t, c)
	oldByIdx := s.t.rules
	for i, r := range oldByIdx {
		if nr := t.byID[r.ID]; nr != nil {
			n.fired[nr.idx] = s.fired[i]
			n.ignAt[nr.idx] = s.ignAt[i]
		}
	}
	sidMap := listMap(s.t, t, func(r *Rule) int { return r.corr.storeSid }, s.t.nSid)
	groupMap := listMap(s.t, t, func(r *Rule) int {
		if r.corr.search == searchGroup {
			return r.corr.groupList
		}
		return -1
	}, s.t.nGroup)
	for _, e := range s.global {
		if e.dead {
			continue
		}
		ne := &stored{ev: e.ev, t: e.t, matched: e.matched, sid: -1}
		if e.sid >= 0 && sidMap[e.sid] >= 0 {
			ne.sid = sidMap[e.sid]
			n.sid[ne.sid].add(ne)
		}
		for _, g := range e.groups {
			if ng := groupMap[g]; ng >= 0 {
				ne.groups = append(ne.groups, ng)
				n.group[ng].add(ne)
			}
		}
		n.global = append(n.global, ne)
	}
	n.fts, n.ignored, n.diff = s.fts.clone(), s.ignored.clone(), s.diff.clone()
	n.ftsRecent = append([]string(nil), s.ftsRecent...)
	return n
}

// listMap maps the correlation list indexes of old to those of t, through
// the id of the rule that owns each list; -1 where t has no such list.
func listMap(old, t *Tree, owner func(*Rule) int, size int) []int {
	m := make([]int, size)
	for i := range m {
		m[i] = -1
	}
	for _, r := range old.rules {
		oi := owner(r)
		if oi < 0 {
			continue
		}
		if nr := t.byID[r.ID]; nr != nil {
			m[oi] = owner(nr)
		}
	}
	return m
}

func (b *boundedSet) clone() boundedSet {
	c := boundedSet{order: append([]string(nil), b.order...)}
	if b.m != nil {
		c.m = make(map[string]string, len(b.m))
		for k, v := range b.m {
			c.m[k] = v
		}
	}
	return c
}
