package osregex

import (
	"fmt"
	"regexp/syntax"
	"strings"
	"unicode"
)

// Hazard describes a catastrophic-backtracking shape in a pattern that
// runs on the backtracking engine, or returns "" when there is none (or
// the pattern runs in linear time: every pattern but PCRE2 with
// look-around or back-references). Loaders print it as a warning: the
// pattern still loads, and the event budget bounds what it can cost.
//
// The shapes found are a repetition whose body can end with a variable
// part that can also start the body (`(a+)+`, `(a*)*`, `(\w+\s?)+`,
// `(a|aa)+`: a run of input splits between iterations in exponentially
// many ways), and a repeated alternation whose branches can start with the
// same character. It is a heuristic on the structure, not a proof: a
// pattern without a warning can still be slow (e.g. polynomially).
func (p *Pattern) Hazard() string {
	if p.bt == nil {
		return ""
	}
	re, err := syntax.Parse(linearShape(p.bt.re.String()), syntax.Perl)
	if err != nil {
		return ""
	}
	return findHazard(re)
}

// linearShape rewrites a backtracking pattern into one Go's parser
// accepts with the same repetition structure: look-around and atomic
// groups become plain groups, back-references empty groups, possessive
// quantifiers greedy ones.
func linearShape(p string) string {
	var b strings.Builder
	inClass := false
	for i := 0; i < len(p); i++ {
		c := p[i]
		switch {
		case c == '\\' && i+1 < len(p):
			n := p[i+1]
			switch {
			case !inClass && n >= '1' && n <= '9':
				b.WriteString("(?:)")
				for i+1 < len(p) && p[i+1] >= '0' && p[i+1] <= '9' {
					i++
				}
				continue
			case !inClass && (n == 'k' || n == 'g') && i+2 < len(p) && strings.IndexByte("<'{", p[i+2]) >= 0:
				closer := map[byte]byte{'<': '>', '\'': '\'', '{': '}'}[p[i+2]]
				if j := strings.IndexByte(p[i+3:], closer); j >= 0 {
					b.WriteString("(?:)")
					i += 3 + j
					continue
				}
			}
			b.WriteByte(c)
			b.WriteByte(n)
			i++
		case inClass:
			if c == ']' {
				inClass = false
			}
			b.WriteByte(c)
		case c == '[':
			inClass = true
			b.WriteByte(c)
			// A ']' right after '[' or '[^' is a literal.
			if i+1 < len(p) && p[i+1] == '^' {
				b.WriteByte('^')
				i++
			}
			if i+1 < len(p) && p[i+1] == ']' {
				b.WriteByte(']')
				i++
			}
		case c == '(' && strings.HasPrefix(p[i:], "(?="), c == '(' && strings.HasPrefix(p[i:], "(?!"),
			c == '(' && strings.HasPrefix(p[i:], "(?>"):
			b.WriteString("(?:")
			i += 2
		case c == '(' && (strings.HasPrefix(p[i:], "(?<=") || strings.HasPrefix(p[i:], "(?<!")):
			b.WriteString("(?:")
			i += 3
		case c == '+' && i > 0 && strings.IndexByte("+*?}", p[i-1]) >= 0 && (i < 2 || p[i-2] != '\\'):
			// Possessive: drop the '+'.
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// findHazard returns the first hazardous shape in re, depth first.
func findHazard(re *syntax.Regexp) string {
	if unboundedRepeat(re) {
		body := re.Sub[0]
		first := firstChars(body)
		for _, t := range tailVariables(body) {
			if allChars(t).overlaps(first) {
				return fmt.Sprintf("backtracking hazard: %q can end an iteration of %q and start the next one (nested quantifier)", t.String(), re.String())
			}
		}
		if alt := overlappingAlternation(body); alt != nil {
			return fmt.Sprintf("backtracking hazard: the branches of %q inside the repetition %q can start alike", alt.String(), re.String())
		}
	}
	for _, s := range re.Sub {
		if h := findHazard(s); h != "" {
			return h
		}
	}
	return ""
}

// unboundedRepeat: *, + and {n,} (and large bounded counts, which
// backtrack the same way).
func unboundedRepeat(re *syntax.Regexp) bool {
	switch re.Op {
	case syntax.OpStar, syntax.OpPlus:
		return true
	case syntax.OpRepeat:
		return re.Max == -1 || re.Max >= 16
	}
	return false
}

// variable: the node can match strings of different lengths, or one
// string in several ways.
func variable(re *syntax.Regexp) bool {
	switch re.Op {
	case syntax.OpStar, syntax.OpPlus, syntax.OpQuest:
		return true
	case syntax.OpRepeat:
		return re.Min != re.Max
	case syntax.OpAlternate:
		// Branches of one fixed length are a choice, not a variable end
		// (overlappingAlternation looks at those).
		n, ok := fixedLen(re.Sub[0])
		for _, s := range re.Sub[1:] {
			m, ok2 := fixedLen(s)
			ok = ok && ok2 && m == n
		}
		return !ok
	}
	return false
}

// fixedLen returns the number of characters every match of re has.
func fixedLen(re *syntax.Regexp) (int, bool) {
	switch re.Op {
	case syntax.OpLiteral:
		return len(re.Rune), true
	case syntax.OpCharClass, syntax.OpAnyChar, syntax.OpAnyCharNotNL:
		return 1, true
	case syntax.OpEmptyMatch, syntax.OpBeginLine, syntax.OpEndLine, syntax.OpBeginText, syntax.OpEndText,
		syntax.OpWordBoundary, syntax.OpNoWordBoundary:
		return 0, true
	case syntax.OpCapture:
		return fixedLen(re.Sub[0])
	case syntax.OpRepeat:
		n, ok := fixedLen(re.Sub[0])
		return n * re.Min, ok && re.Min == re.Max
	case syntax.OpConcat:
		total := 0
		for _, s := range re.Sub {
			n, ok := fixedLen(s)
			if !ok {
				return 0, false
			}
			total += n
		}
		return total, true
	case syntax.OpAlternate:
		n, ok := fixedLen(re.Sub[0])
		for _, s := range re.Sub[1:] {
			m, ok2 := fixedLen(s)
			if !ok || !ok2 || m != n {
				return 0, false
			}
		}
		return n, ok
	}
	return 0, false
}

// tailVariables lists the variable nodes a match of re can end with.
func tailVariables(re *syntax.Regexp) []*syntax.Regexp {
	switch re.Op {
	case syntax.OpCapture:
		return tailVariables(re.Sub[0])
	case syntax.OpConcat:
		var out []*syntax.Regexp
		for i := len(re.Sub) - 1; i >= 0; i-- {
			out = append(out, tailVariables(re.Sub[i])...)
			if !nullable(re.Sub[i]) {
				break
			}
		}
		return out
	}
	if variable(re) {
		return []*syntax.Regexp{re}
	}
	return nil
}

func nullable(re *syntax.Regexp) bool {
	switch re.Op {
	case syntax.OpEmptyMatch, syntax.OpStar, syntax.OpQuest, syntax.OpBeginLine, syntax.OpEndLine,
		syntax.OpBeginText, syntax.OpEndText, syntax.OpWordBoundary, syntax.OpNoWordBoundary:
		return true
	case syntax.OpRepeat:
		return re.Min == 0 || nullable(re.Sub[0])
	case syntax.OpCapture, syntax.OpPlus:
		return nullable(re.Sub[0])
	case syntax.OpConcat:
		for _, s := range re.Sub {
			if !nullable(s) {
				return false
			}
		}
		return true
	case syntax.OpAlternate:
		for _, s := range re.Sub {
			if nullable(s) {
				return true
			}
		}
	}
	return false
}

// overlappingAlternation returns an alternation in re two of whose
// branches can start with the same character.
func overlappingAlternation(re *syntax.Regexp) *syntax.Regexp {
	if re.Op == syntax.OpAlternate {
		var seen charSet
		for _, s := range re.Sub {
			f := firstChars(s)
			if f.overlaps(seen) {
				return re
			}
			seen.add(f)
		}
	}
	for _, s := range re.Sub {
		if a := overlappingAlternation(s); a != nil {
			return a
		}
	}
	return nil
}

// charSet approximates a set of characters: bytes exactly, everything
// above 0xFF as one member.
type charSet struct {
	lo   [4]uint64
	high bool
}

func (c *charSet) addRune(r rune) {
	if r > 0xFF {
		c.high = true
		return
	}
	c.lo[r>>6] |= 1 << (r & 63)
}

func (c *charSet) addRange(lo, hi rune) {
	for r := lo; r <= hi && r <= 0xFF; r++ {
		c.addRune(r)
	}
	if hi > 0xFF {
		c.high = true
	}
}

func (c *charSet) add(o charSet) {
	for i := range c.lo {
		c.lo[i] |= o.lo[i]
	}
	c.high = c.high || o.high
}

func (c charSet) overlaps(o charSet) bool {
	for i := range c.lo {
		if c.lo[i]&o.lo[i] != 0 {
			return true
		}
	}
	return c.high && o.high
}

// leafChars is the set a literal rune, class or dot matches.
func leafChars(re *syntax.Regexp, literalRunes []rune) charSet {
	var c charSet
	switch re.Op {
	case syntax.OpLiteral:
		for _, r := range literalRunes {
			c.addRune(r)
			if re.Flags&syntax.FoldCase != 0 {
				for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
					c.addRune(f)
				}
			}
		}
	case syntax.OpCharClass:
		for i := 0; i+1 < len(re.Rune); i += 2 {
			c.addRange(re.Rune[i], re.Rune[i+1])
		}
	case syntax.OpAnyChar, syntax.OpAnyCharNotNL:
		c.addRange(0, unicode.MaxRune)
	}
	return c
}

// firstChars is the set of characters a non-empty match of re can start
// with.
func firstChars(re *syntax.Regexp) charSet {
	switch re.Op {
	case syntax.OpLiteral:
		if len(re.Rune) == 0 {
			return charSet{}
		}
		return leafChars(re, re.Rune[:1])
	case syntax.OpCharClass, syntax.OpAnyChar, syntax.OpAnyCharNotNL:
		return leafChars(re, nil)
	case syntax.OpCapture, syntax.OpStar, syntax.OpPlus, syntax.OpQuest, syntax.OpRepeat:
		return firstChars(re.Sub[0])
	case syntax.OpConcat:
		var c charSet
		for _, s := range re.Sub {
			c.add(firstChars(s))
			if !nullable(s) {
				break
			}
		}
		return c
	case syntax.OpAlternate:
		var c charSet
		for _, s := range re.Sub {
			c.add(firstChars(s))
		}
		return c
	}
	return charSet{}
}

// allChars is the set of characters anywhere in a match of re.
func allChars(re *syntax.Regexp) charSet {
	switch re.Op {
	case syntax.OpLiteral:
		return leafChars(re, re.Rune)
	case syntax.OpCharClass, syntax.OpAnyChar, syntax.OpAnyCharNotNL:
		return leafChars(re, nil)
	}
	var c charSet
	for _, s := range re.Sub {
		c.add(allChars(s))
	}
	return c
}
