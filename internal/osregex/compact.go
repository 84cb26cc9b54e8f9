package osregex

// FindCompactIn is FindIn with OSSEC's capture copy: only the groups that
// took part in the match are returned, in group order, so that with
// `(a)x|(b)y` a match of the second alternative gives (b)'s span first.
// OSSEC's PCRE2 execution copies the set groups of the ovector only;
// Wazuh's (Find) keeps an unset group as an empty capture. A group that
// took part with an empty match is kept.
//
// For OS_Regex and OS_Match it is FindIn: OS_Regex already returns the
// groups of the alternative that matched, numbered within it.
func (p *Pattern) FindCompactIn(b *Budget, s string, caps []int) (out []int, end int, ok, cut bool) {
	if p.bt != nil {
		// One backtracking run that copies only the groups that took
		// part: running it twice would also spend the budget twice.
		return p.bt.findGroups(b, p, s, caps, true)
	}
	out, end, ok, cut = p.FindIn(b, s, caps)
	if !ok || p.kind != PCRE2 || !hasEmptySpan(out) {
		return out, end, ok, cut
	}
	// Find reports an unset group as an empty span, like a group that
	// matched the empty string: ask the regexp engine which one it is.
	// Only matches with an empty span pay for this second run.
	switch m := resolved(p.impl).(type) {
	case *pcre2RE2:
		loc := m.re.FindStringSubmatchIndex(cString(s))
		if loc == nil {
			return out, end, ok, cut // cannot happen: Find matched
		}
		out = out[:0]
		for g := 1; g < len(loc)/2; g++ {
			if loc[2*g] >= 0 {
				out = append(out, loc[2*g], loc[2*g+1])
			}
		}
		return out, end, ok, cut
	}
	return out, end, ok, cut
}

func hasEmptySpan(caps []int) bool {
	for i := 0; i+1 < len(caps); i += 2 {
		if caps[i] == caps[i+1] {
			return true
		}
	}
	return false
}
