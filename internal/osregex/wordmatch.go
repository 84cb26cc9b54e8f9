package osregex

// WordMatch is OS_WordMatch, used to place rules under if_group parents:
// '|' alternatives, "^x" is a case-insensitive prefix test, anything else a
// case-insensitive substring test ('$' is an ordinary character). An empty
// pattern never matches; an empty alternative always does.
func WordMatch(pattern, s string) bool {
	pattern = cString(pattern)
	s = cString(s)
	if pattern == "" {
		return false
	}
	for {
		i := 0
		for i < len(pattern) && pattern[i] != '|' {
			i++
		}
		if wordMatchOne(pattern[:i], s) {
			return true
		}
		if i == len(pattern) {
			return false
		}
		pattern = pattern[i+1:]
	}
}

func wordMatchOne(alt, s string) bool {
	if alt == "" {
		return true
	}
	if alt[0] == '^' {
		return hasPrefixFoldBoth(s, alt[1:])
	}
	if s == "" {
		return false
	}
	return indexFoldBoth(s, alt)
}

// hasPrefixFoldBoth is hasPrefixFold for a pattern that was not lowercased
// at compile time.
func hasPrefixFoldBoth(s, p string) bool {
	if len(s) < len(p) {
		return false
	}
	for i := 0; i < len(p); i++ {
		if lowerTable[s[i]] != lowerTable[p[i]] {
			return false
		}
	}
	return true
}

func indexFoldBoth(s, p string) bool {
	for i := 0; i+len(p) <= len(s); i++ {
		if hasPrefixFoldBoth(s[i:], p) {
			return true
		}
	}
	return false
}
