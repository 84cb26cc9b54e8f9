package osregex

import (
	"math/bits"
	"strings"
)

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
	// pair is set for folded literals of two bytes or more: when the rare
	// byte turns out to be frequent in a subject, the search switches to
	// testing two bytes of the literal at eight positions at a time.
	pair bool
	p1   pairByte
	p2   pairByte
}

// pairByte is one literal byte tested by the pair scan: the subject byte
// at offset off, ORed with mask (0x20 for letters: folds A-Z onto a-z),
// must equal c. Both are broadcast to all eight lanes of a word.
type pairByte struct {
	off     int
	mask, c uint64
}

func newPairByte(lit string, off int) pairByte {
	c := lit[off]
	var mask byte
	if 'a' <= c && c <= 'z' {
		mask = 0x20
	}
	return pairByte{off: off, mask: lanes * uint64(mask), c: lanes * uint64(c)}
}

const (
	lanes   = 0x0101010101010101 // one in every byte lane
	laneMSB = 0x8080808080808080
)

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
	if len(lit) > 1 {
		second := 0
		if best == 0 {
			second = 1
		}
		for i := range len(lit) {
			if i != best && foldedFreq(lit[i]) < foldedFreq(lit[second]) {
				second = i
			}
		}
		l.pair, l.p1, l.p2 = true, newPairByte(lit, best), newPairByte(lit, second)
	}
	return l
}

// pairMisses is how many false hits of the rare byte the search accepts
// before it switches to the pair scan.
const pairMisses = 4

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
	misses := 0
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
		if misses++; misses == pairMisses && l.pair {
			return l.indexPairs(s, i-l.rare)
		}
	}
	return -1
}

// indexPairs is index from offset from on, for subjects where the rare
// byte is not rare: a SWAR scan keeps the candidates where two bytes of
// the literal match, eight start positions per step.
func (l *litSearch) indexPairs(s string, from int) int {
	last := len(s) - len(l.lit) // last possible start
	hi := max(l.p1.off, l.p2.off)
	p := from
	for ; p <= last && p+hi+8 <= len(s); p += 8 {
		x := l.p1.lanesDiffer(s, p) | l.p2.lanesDiffer(s, p)
		// Flag the zero lanes of x. Borrows can also flag a lane above a
		// zero one, never miss one; every candidate is verified anyway.
		z := (x - lanes) &^ x & laneMSB
		for ; z != 0; z &= z - 1 {
			k := p + bits.TrailingZeros64(z)>>3
			if k > last {
				return -1
			}
			if hasPrefixFold(s[k:], l.lit) {
				return k
			}
		}
	}
	for ; p <= last; p++ {
		if hasPrefixFold(s[p:], l.lit) {
			return p
		}
	}
	return -1
}

// lanesDiffer loads the eight subject bytes at p+off and returns a word
// whose lane i is zero exactly when start position p+i has the pair byte.
func (b *pairByte) lanesDiffer(s string, p int) uint64 {
	i := p + b.off
	w := uint64(s[i]) | uint64(s[i+1])<<8 | uint64(s[i+2])<<16 | uint64(s[i+3])<<24 |
		uint64(s[i+4])<<32 | uint64(s[i+5])<<40 | uint64(s[i+6])<<48 | uint64(s[i+7])<<56
	return (w | b.mask) ^ b.c
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
		{"taoinsr", 80},
		{"0123456789", 60},
		{"\":", 60},
		{"lhdcu", 50},
		{"mfpg.,-", 40},
		{"wyb=/_\\", 25},
		{"vk{}'", 12},
		{"xjqz[]()", 5},
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
