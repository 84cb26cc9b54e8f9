package decoders

import (
	"regexp/syntax"
	"strings"
	"unicode/utf8"

	"github.com/gossec/gossec/internal/litscan"
	"github.com/gossec/gossec/internal/osregex"
)

// firstBytes finds the set of bytes a match of an anchored prematch must
// start with; ok is false when no such bound is known.
func firstBytes(p *osregex.Pattern) (*[256]bool, bool) {
	if p == nil {
		return nil, false
	}
	set := new([256]bool)
	switch p.Kind() {
	case osregex.OSRegex:
		for _, alt := range litscan.SplitOSRegex(litscan.PatternSource(p)) {
			if !osregexFirst(alt, set) {
				return nil, false
			}
		}
		return set, true
	case osregex.PCRE2:
		re, err := syntax.Parse(litscan.PatternSource(p), syntax.Perl)
		if err != nil {
			return nil, false
		}
		return anchoredFirst(re.Simplify())
	}
	return nil, false
}

// OS_Regex character classes (tested on the raw byte).
var (
	classDigit = byteSet(func(c byte) bool { return '0' <= c && c <= '9' })
	classWord  = byteSet(func(c byte) bool {
		return ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z') || ('0' <= c && c <= '9') || c == '-' || c == '@' || c == '_'
	})
	classSpace = byteSet(func(c byte) bool { return c == ' ' })
	classPunct = byteSet(func(c byte) bool { return strings.IndexByte("!\"#$%&'()*+,-.:;<=>?[]{|}", c) >= 0 })
)

func byteSet(in func(byte) bool) [256]bool {
	var s [256]bool
	for b := 0; b < 256; b++ {
		s[b] = in(byte(b))
	}
	return s
}

// osregexFirst adds to set the bytes an anchored OS_Regex alternative can
// start with; it reports false when the alternative is not anchored or may
// start with anything (or match an empty log).
func osregexFirst(alt string, set *[256]bool) bool {
	if len(alt) < 2 || alt[0] != '^' {
		return false
	}
	c := alt[1]
	switch c {
	case '(', ')', '+', '*', '^':
		return false
	case '$':
		if len(alt) == 2 {
			return false
		}
	case '\\':
		if len(alt) < 3 {
			return false
		}
		return osregexEscapeFirst(alt[2], alt[3:], set)
	}
	// A literal, compared case-insensitively.
	set[c] = true
	set[lowerByte(c)] = true
	if 'a' <= c && c <= 'z' {
		set[c-'a'+'A'] = true
	}
	return true
}

// osregexEscapeFirst handles "^\\e…": a literal escape or a class that must
// match at least once.
func osregexEscapeFirst(e byte, rest string, set *[256]bool) bool {
	switch e {
	case '\\', '(', ')', '$', '|', '<':
		set[e] = true
		return true
	case 't':
		set['\t'] = true
		return true
	}
	if strings.HasPrefix(rest, "*") {
		return false // zero or more: no bound
	}
	var cls [256]bool
	switch e {
	case 'd':
		cls = classDigit
	case 'w':
		cls = classWord
	case 's':
		cls = classSpace
	case 'p':
		cls = classPunct
	case 'D', 'W', 'S':
		base := map[byte][256]bool{'D': classDigit, 'W': classWord, 'S': classSpace}[e]
		for b := range cls {
			cls[b] = !base[b]
		}
	default:
		return false
	}
	for b, in := range cls {
		if in {
			set[b] = true
		}
	}
	return true
}

// anchoredFirst reports the bytes a match of re must start with when every
// match is anchored at the start of the subject and cannot be empty.
func anchoredFirst(re *syntax.Regexp) (*[256]bool, bool) {
	switch re.Op {
	case syntax.OpCapture:
		return anchoredFirst(re.Sub[0])
	case syntax.OpAlternate:
		set := new([256]bool)
		for _, s := range re.Sub {
			sub, ok := anchoredFirst(s)
			if !ok {
				return nil, false
			}
			orSet(set, sub)
		}
		return set, true
	case syntax.OpConcat:
		if len(re.Sub) == 0 {
			return nil, false
		}
		if re.Sub[0].Op == syntax.OpBeginText {
			set := new([256]bool)
			for _, s := range re.Sub[1:] {
				if !firstOf(s, set) {
					return set, true
				}
			}
			return nil, false // may match an empty subject
		}
		return anchoredFirst(re.Sub[0])
	}
	return nil, false
}

// firstOf adds to set the bytes a match of re can start with and reports
// whether re can match the empty string (so that what follows counts too).
func firstOf(re *syntax.Regexp, set *[256]bool) (nullable bool) {
	switch re.Op {
	case syntax.OpLiteral:
		if len(re.Rune) == 0 {
			return true
		}
		addRune(set, re.Rune[0], re.Flags&syntax.FoldCase != 0)
		return false
	case syntax.OpCharClass:
		for i := 0; i+1 < len(re.Rune); i += 2 {
			for r := re.Rune[i]; r <= re.Rune[i+1] && r < utf8.RuneSelf; r++ {
				addRune(set, r, false)
			}
		}
		addHigh(set) // Unicode-aware classes of the backtracking engine
		if set[' '] || set['\t'] || set['\n'] || set['\r'] || set['\f'] {
			// \s differs between the engines (VT); be generous.
			for _, b := range []byte{' ', '\t', '\n', '\v', '\f', '\r'} {
				set[b] = true
			}
		}
		return false
	case syntax.OpAnyChar, syntax.OpAnyCharNotNL:
		for b := range set {
			set[b] = true
		}
		return false
	case syntax.OpCapture, syntax.OpPlus:
		return firstOf(re.Sub[0], set)
	case syntax.OpStar, syntax.OpQuest:
		firstOf(re.Sub[0], set)
		return true
	case syntax.OpRepeat:
		n := firstOf(re.Sub[0], set)
		return n || re.Min == 0
	case syntax.OpConcat:
		for _, s := range re.Sub {
			if !firstOf(s, set) {
				return false
			}
		}
		return true
	case syntax.OpAlternate:
		nullable := false
		for _, s := range re.Sub {
			if firstOf(s, set) {
				nullable = true
			}
		}
		return nullable
	case syntax.OpNoMatch:
		return false
	}
	return true // zero-width assertions and empty matches
}

func addRune(set *[256]bool, r rune, fold bool) {
	if r >= utf8.RuneSelf || fold {
		addHigh(set) // multi-byte runes, and Unicode case folds such as U+212A
	}
	if r < utf8.RuneSelf {
		b := byte(r)
		set[b] = true
		if fold {
			set[lowerByte(b)] = true
			if 'a' <= b && b <= 'z' {
				set[b-'a'+'A'] = true
			}
		}
	}
}

func addHigh(set *[256]bool) {
	for b := utf8.RuneSelf; b < 256; b++ {
		set[b] = true
	}
}

func orSet(dst, src *[256]bool) {
	for b, in := range src {
		if in {
			dst[b] = true
		}
	}
}
