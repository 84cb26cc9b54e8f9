package osregex

import (
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/dlclark/regexp2"
)

// PCRE2 patterns run on Go's regexp (RE2) whenever it accepts them, and on
// regexp2 (a backtracking engine) for the few it rejects, i.e. look-ahead.
//
// Differences to real PCRE2 compiled without options, none of which the
// stock ruleset depends on:
//   - PCRE2 here matches bytes (no UTF mode) while both Go engines decode
//     UTF-8: '.' and negated classes consume a whole multi-byte character,
//     and an invalid byte is seen as U+FFFD. Offsets stay byte offsets.
//   - Go's '$' (without (?m)) matches only at the very end; PCRE2 also
//     matches before a final "\n". Go's \s lacks VT (\x0b).
//   - (?i) folds Unicode in both Go engines (e.g. 'k' matches U+212A).
//   - regexp2 follows .NET: \d and \w are Unicode-aware there.
//   - (*UTF) verbs are dropped and \N{U+hhhh} becomes the code point, which
//     is what they mean in UTF mode.

// PCRE2MatchTimeout bounds one regexp2 (backtracking) match; a timeout
// counts as no match.
const PCRE2MatchTimeout = 100 * time.Millisecond

type pcre2RE2 struct {
	re *regexp.Regexp
}

type pcre2Backtrack struct {
	re *regexp2.Regexp
}

func compilePCRE2(pattern string) (matcher, error) {
	// Compiled as a NUL-terminated string, like the other dialects.
	src := cString(pattern)
	goPat := rewritePCRE2(src, `\x{%s}`)
	re, goErr := regexp.Compile(goPat)
	if goErr == nil {
		return &pcre2RE2{re: re}, nil
	}
	btPat := rewritePCRE2(src, "")
	re2, err := regexp2.Compile(btPat, regexp2.None)
	if err != nil {
		return nil, &Error{Kind: PCRE2, Code: ErrSyntax, Pattern: pattern, Err: goErr}
	}
	re2.MatchTimeout = PCRE2MatchTimeout
	return &pcre2Backtrack{re: re2}, nil
}

// rewritePCRE2 removes leading (*UTF)/(*UTF8) verbs and rewrites each
// unescaped \N{U+hhhh}: with hexFmt set (a format with one %s for the hex
// digits) into that escape, otherwise into the literal character.
func rewritePCRE2(p, hexFmt string) string {
	for {
		if rest, ok := strings.CutPrefix(p, "(*UTF)"); ok {
			p = rest
		} else if rest, ok := strings.CutPrefix(p, "(*UTF8)"); ok {
			p = rest
		} else {
			break
		}
	}
	if !strings.Contains(p, `\N{U+`) {
		return p
	}
	var b strings.Builder
	for i := 0; i < len(p); i++ {
		if p[i] != '\\' {
			b.WriteByte(p[i])
			continue
		}
		if strings.HasPrefix(p[i:], `\N{U+`) {
			if j := strings.IndexByte(p[i:], '}'); j > 0 {
				hex := p[i+5 : i+j]
				if v, err := strconv.ParseUint(hex, 16, 32); err == nil && hex != "" {
					if hexFmt != "" {
						b.WriteString(strings.Replace(hexFmt, "%s", hex, 1))
					} else {
						b.WriteString(regexp.QuoteMeta(string(rune(v))))
					}
					i += j
					continue
				}
			}
		}
		// Any other escape: copy it whole so an escaped backslash is not
		// mistaken for the start of \N.
		b.WriteByte('\\')
		if i+1 < len(p) {
			b.WriteByte(p[i+1])
			i++
		}
	}
	return b.String()
}

func (p *pcre2RE2) match(s string) bool {
	return p.re.MatchString(cString(s))
}

func (p *pcre2RE2) findEnd(s string) (int, bool) {
	s = cString(s)
	loc := p.re.FindStringIndex(s)
	if loc == nil {
		return 0, false
	}
	return loc[1], true
}

// find allocates one index slice per match: Go's regexp offers no way to
// reuse a submatch buffer.
func (p *pcre2RE2) find(s string, caps []int) ([]int, int, bool) {
	s = cString(s)
	loc := p.re.FindStringSubmatchIndex(s)
	if loc == nil {
		return caps[:0], 0, false
	}
	return appendGroups(caps[:0], loc), loc[1], true
}

// appendGroups converts a submatch index slice (group 0 first, -1 for
// unmatched) to the PCRE2 capture list: groups 1 to the last one that took
// part; unmatched groups before it become empty spans.
func appendGroups(dst, loc []int) []int {
	last := 0
	for g := len(loc)/2 - 1; g >= 1; g-- {
		if loc[2*g] >= 0 {
			last = g
			break
		}
	}
	for g := 1; g <= last; g++ {
		if loc[2*g] < 0 {
			dst = append(dst, 0, 0)
			continue
		}
		dst = append(dst, loc[2*g], loc[2*g+1])
	}
	return dst
}

func (p *pcre2Backtrack) match(s string) bool {
	ok, err := p.re.MatchString(cString(s))
	return err == nil && ok
}

func (p *pcre2Backtrack) findEnd(s string) (int, bool) {
	_, end, ok := p.find(s, nil)
	return end, ok
}

func (p *pcre2Backtrack) find(s string, caps []int) ([]int, int, bool) {
	s = cString(s)
	caps = caps[:0]
	m, err := p.re.FindStringMatch(s)
	if err != nil || m == nil {
		return caps, 0, false
	}
	groups := m.Groups()
	last := 0
	for g := len(groups) - 1; g >= 1; g-- {
		if len(groups[g].Captures) > 0 {
			last = g
			break
		}
	}
	for g := 1; g <= last; g++ {
		if len(groups[g].Captures) == 0 {
			caps = append(caps, 0, 0)
			continue
		}
		st := runeOffset(s, groups[g].Index)
		caps = append(caps, st, st+runeOffset(s[st:], groups[g].Length))
	}
	st := runeOffset(s, m.Index)
	return caps, st + runeOffset(s[st:], m.Length), true
}

// runeOffset converts a count of runes from the start of s (as regexp2
// reports positions) into a byte count. Invalid bytes count as one rune
// each, as in regexp2's string to []rune conversion.
func runeOffset(s string, runes int) int {
	i := 0
	for ; runes > 0 && i < len(s); runes-- {
		if s[i] < utf8.RuneSelf {
			i++
			continue
		}
		_, w := utf8.DecodeRuneInString(s[i:])
		i += w
	}
	return i
}
