package osregex

import "strings"

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

// indexByteFold returns the index of the first byte of s equal to c
// (lowercase) ignoring ASCII case, or -1.
func indexByteFold(s string, c byte) int {
	if c < 'a' || c > 'z' {
		return strings.IndexByte(s, c)
	}
	i := strings.IndexByte(s, c)
	lim := len(s)
	if i >= 0 {
		lim = i
	}
	if j := strings.IndexByte(s[:lim], c-'a'+'A'); j >= 0 {
		return j
	}
	return i
}

// indexFold returns the index of the first occurrence of lit in s ignoring
// ASCII case, or -1. lit must not be empty.
func indexFold(s, lit string) int {
	last := len(s) - len(lit)
	for i := 0; i <= last; {
		j := indexByteFold(s[i:last+1], lit[0])
		if j < 0 {
			return -1
		}
		i += j
		if hasPrefixFold(s[i+1:], lit[1:]) {
			return i
		}
		i++
	}
	return -1
}
