package osregex

// ASCII case folding helpers. The engine folds only A-Z; every other byte,
// including UTF-8 sequences, compares exactly. lit arguments are already
// lowercased.

// hasPrefixFold reports whether s starts with lit, ignoring ASCII case.
func hasPrefixFold(s, lit string) bool {
	if len(s) < len(lit) {
		return false
	}
	for i := 0; i < len(lit); i++ {
		if lowerTable[s[i]] != lit[i] {
			return false
		}
	}
	return true
}

// hasSuffixFold reports whether s ends with lit, ignoring ASCII case.
func hasSuffixFold(s, lit string) bool {
	if len(s) < len(lit) {
		return false
	}
	return hasPrefixFold(s[len(s)-len(lit):], lit)
}

// equalFoldLower reports whether s equals lit, ignoring ASCII case.
func equalFoldLower(s, lit string) bool {
	return len(s) == len(lit) && hasPrefixFold(s, lit)
}
