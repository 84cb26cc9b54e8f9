package osregex

import "strings"

// litSearch finds one literal in subjects, either byte for byte or with
// ASCII case folding. It is built once at compile time so that the search
// at match time neither lowercases nor allocates.
//
// A folded search cannot use strings.Index directly. Instead it scans (with
// the vectorised strings.IndexByte) for the literal's rarest byte, in both
// cases when that byte is a letter, and verifies the literal around each
// hit. Scanning for the rarest byte rather than the first one keeps the
// number of false hits low: log lines are full of spaces, vowels and
// digits, rarely of 'q' or '['.
type litSearch struct {
	lit  string // lowercased (ASCII) when fold is set
	fold bool
	// rare is the index in lit of the byte scanned for; lo and up are that
	// byte in both cases (equal when it is not a letter).
	rare   int
	lo, up byte
}

func newLitSearch(lit string, fold bool) litSearch {
	if fold && !hasASCIILetter(lit) {
		// Folding changes nothing: use the faster exact search.
		fold = false
	}
	l := litSearch{lit: lit, fold: fold}
	if !fold || lit == "" {
		return l
	}
	best := 0
	for i := 1; i < len(lit); i++ {
		if foldedFreq(lit[i]) < foldedFreq(lit[best]) {
			best = i
		}
	}
	l.rare = best
	l.lo = lit[best]
	l.up = lit[best]
	if 'a' <= l.lo && l.lo <= 'z' {
		l.up = l.lo - 'a' + 'A'
	}
	return l
}

// index returns the offset of the first occurrence of the literal in s, or
// -1.
func (l *litSearch) index(s string) int {
	if !l.fold {
		return strings.Index(s, l.lit)
	}
	n := len(l.lit)
	if len(s) < n {
		return -1
	}
	// Hits of the rare byte can only be in s[l.rare : len(s)-n+l.rare+1].
	lim := len(s) - n + l.rare + 1
	for i := l.rare; i < lim; {
		j := indexEitherByte(s[i:lim], l.lo, l.up)
		if j < 0 {
			return -1
		}
		i += j
		if start := i - l.rare; hasPrefixFold(s[start:], l.lit) {
			return start
		}
		i++
	}
	return -1
}

// hasPrefix reports whether s starts with the literal.
func (l *litSearch) hasPrefix(s string) bool {
	if !l.fold {
		return strings.HasPrefix(s, l.lit)
	}
	return hasPrefixFold(s, l.lit)
}

// hasSuffix reports whether s ends with the literal.
func (l *litSearch) hasSuffix(s string) bool {
	if !l.fold {
		return strings.HasSuffix(s, l.lit)
	}
	return hasSuffixFold(s, l.lit)
}

// equal reports whether s is the literal.
func (l *litSearch) equal(s string) bool {
	return len(s) == len(l.lit) && l.hasPrefix(s)
}

// indexEitherByte returns the index of the first byte of s equal to a or b.
// The second scan is bounded by the first hit so that a frequent a and an
// absent b never make the search quadratic.
func indexEitherByte(s string, a, b byte) int {
	i := strings.IndexByte(s, a)
	if a == b {
		return i
	}
	lim := len(s)
	if i >= 0 {
		lim = i
	}
	if j := strings.IndexByte(s[:lim], b); j >= 0 {
		return j
	}
	return i
}

func hasASCIILetter(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i] | 0x20; 'a' <= c && c <= 'z' {
			return true
		}
	}
	return false
}

// byteFreq is a rough frequency rank of bytes in log text (higher = more
// frequent), used only to pick which byte of a literal to scan for. Bytes
// not listed (rare punctuation, control and non-ASCII bytes) rank 1.
var byteFreq = func() (t [256]uint8) {
	for i := range t {
		t[i] = 1
	}
	ranks := []struct {
		chars string
		rank  uint8
	}{
		{" ", 250},
		{"e", 120},
		{"0123456789", 90},
		{"taoinsr", 80},
		{"lhdcu", 50},
		{"mfpg.:", 40},
		{"wyb-/=", 25},
		{"vk,_\"", 12},
		{"xjqz[]()'", 5},
		{"ETAOINSR", 15},
		{"LHDCUMFPGWYB", 8},
		{"VKXJQZ", 3},
	}
	for _, r := range ranks {
		for i := 0; i < len(r.chars); i++ {
			t[r.chars[i]] = r.rank
		}
	}
	return t
}()

// foldedFreq is the rank of a lowercased literal byte when both cases of a
// letter are scanned for.
func foldedFreq(c byte) int {
	f := int(byteFreq[c])
	if 'a' <= c && c <= 'z' {
		f += int(byteFreq[c-'a'+'A'])
	}
	return f
}
