package osregex

import (
	"regexp"
	"regexp/syntax"
	"strconv"
	"strings"
	"sync"
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
// counts as no match. Under a Budget (budget.go) a match gets at most
// what is left of its event's budget.
const PCRE2MatchTimeout = 100 * time.Millisecond

type pcre2RE2 struct {
	re *regexp.Regexp
	// lits, when set, decides every subject without re (litMatcher.find's
	// sure permitting).
	lits *litMatcher
	// filt, when set, rejects subjects that cannot match before re runs.
	filt *pcre2Filter
	// simple, when set, replaces re for subjects filt lets through.
	simple *simpleRE
}

type pcre2Backtrack struct {
	re *regexp2.Regexp // MatchTimeout = PCRE2MatchTimeout
	// tiers are the same pattern with the shorter timeouts of
	// tierTimeouts, compiled on first use (budget.go).
	tiers [len(tierTimeouts)]tier
}

func compilePCRE2(pattern string) (matcher, error) {
	// Compiled as a NUL-terminated string, like the other dialects.
	src := cString(pattern)
	goPat := rewritePCRE2(src, `\x{%s}`)
	re, goErr := regexp.Compile(goPat)
	if goErr == nil {
		return newPCRE2RE2(re, goPat), nil
	}
	btPat := rewritePCRE2(src, "")
	re2, err := regexp2.Compile(btPat, backtrackOptions)
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

// newPCRE2RE2 adds the fast paths of prefilter.go to a compiled pattern.
func newPCRE2RE2(re *regexp.Regexp, goPat string) *pcre2RE2 {
	p := &pcre2RE2{re: re}
	tree, err := syntax.Parse(goPat, syntax.Perl)
	if err != nil {
		// Cannot happen: regexp.Compile parsed the same text.
		return p
	}
	tree = tree.Simplify()
	if tree.MaxCap() == 0 {
		p.lits = newLitMatcher(tree)
	}
	if p.lits == nil {
		p.filt = newPCRE2Filter(tree)
		p.simple = newSimpleRE(tree, re.NumSubexp())
	}
	return p
}

func (p *pcre2RE2) match(s string) bool { return p.matchWith(s, true) }

// matchWith is match with the fast paths switchable, so tests can compare
// them with the plain regexp.
func (p *pcre2RE2) matchWith(s string, fast bool) bool {
	s = cString(s)
	if fast {
		if p.lits != nil {
			if ok, sure := p.lits.match(s); sure {
				return ok
			}
		} else if p.filt != nil && !p.filt.pass(s) {
			return false
		}
		if p.simple != nil && p.simple.decides(s) {
			if _, _, ok, decided := p.simple.find(s, nil, false); decided {
				return ok
			}
		}
	}
	return p.re.MatchString(s)
}

func (p *pcre2RE2) findEnd(s string) (int, bool) {
	s = cString(s)
	if _, end, ok, decided := p.fastFind(s, nil, false); decided {
		return end, ok
	}
	loc := p.re.FindStringIndex(s)
	if loc == nil {
		return 0, false
	}
	return loc[1], true
}

// fastFind decides s without the regexp when the fast paths can: decided
// reports whether the results are final. Captures are recorded into caps
// only when record is set.
func (p *pcre2RE2) fastFind(s string, caps []int, record bool) (out []int, end int, ok, decided bool) {
	caps = caps[:0]
	if p.lits != nil {
		_, end, ok, sure := p.lits.find(s)
		return caps, end, ok, sure
	}
	if p.filt != nil && !p.filt.pass(s) {
		return caps, 0, false, true
	}
	if p.simple != nil && p.simple.decides(s) {
		if caps, end, ok, decided := p.simple.find(s, caps, record); decided {
			return caps, end, ok, true
		}
	}
	return caps, 0, false, false
}

func (p *pcre2RE2) find(s string, caps []int) ([]int, int, bool) {
	return p.findWith(s, caps, true)
}

// findWith is find with the fast paths switchable. Only a match that
// reaches the regexp allocates (Go's regexp offers no way to reuse an
// index slice).
func (p *pcre2RE2) findWith(s string, caps []int, fast bool) ([]int, int, bool) {
	s = cString(s)
	caps = caps[:0]
	if fast {
		if out, end, ok, decided := p.fastFind(s, caps, true); decided {
			return out, end, ok
		}
	}
	loc := p.re.FindStringSubmatchIndex(s)
	if loc == nil {
		return caps, 0, false
	}
	return appendGroups(caps, loc), loc[1], true
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

// runeBufs recycles the rune slices regexp2 matches on: its string entry
// points convert the subject with one allocation per call.
var runeBufs = sync.Pool{New: func() any { b := make([]rune, 0, 256); return &b }}

// runesOf decodes s into *buf the way a []rune conversion does (one
// U+FFFD per invalid byte).
func runesOf(buf *[]rune, s string) []rune {
	r := (*buf)[:0]
	for _, c := range s {
		r = append(r, c)
	}
	*buf = r
	return r
}

func (p *pcre2Backtrack) match(s string) bool {
	ok, _ := p.matchIn(nil, nil, s)
	return ok
}

// matchIn matches under budget b (nil: PCRE2MatchTimeout only); pat is
// the Pattern recorded in a cut.
func (p *pcre2Backtrack) matchIn(b *Budget, pat *Pattern, s string) (ok, cut bool) {
	buf := runeBufs.Get().(*[]rune)
	defer runeBufs.Put(buf)
	rs := runesOf(buf, cString(s))
	cut = b.run(pat, p, func(re *regexp2.Regexp) error {
		var err error
		ok, err = re.MatchRunes(rs)
		return err
	})
	return ok && !cut, cut
}

func (p *pcre2Backtrack) findEnd(s string) (int, bool) {
	_, end, ok, _ := p.findIn(nil, nil, s, nil)
	return end, ok
}

func (p *pcre2Backtrack) find(s string, caps []int) ([]int, int, bool) {
	caps, end, ok, _ := p.findIn(nil, nil, s, caps)
	return caps, end, ok
}

func (p *pcre2Backtrack) findIn(b *Budget, pat *Pattern, s string, caps []int) ([]int, int, bool, bool) {
	return p.findGroups(b, pat, s, caps, false)
}

// findGroups runs one match under b and copies the groups' spans into
// caps. An unset group is an empty span (Wazuh's copy; trailing unset
// groups are left out), or with compact is skipped, so only the groups
// that took part are returned, in order (OSSEC's).
func (p *pcre2Backtrack) findGroups(b *Budget, pat *Pattern, s string, caps []int, compact bool) ([]int, int, bool, bool) {
	s = cString(s)
	caps = caps[:0]
	buf := runeBufs.Get().(*[]rune)
	defer runeBufs.Put(buf)
	rs := runesOf(buf, s)
	var m *regexp2.Match
	cut := b.run(pat, p, func(re *regexp2.Regexp) error {
		var err error
		m, err = re.FindRunesMatch(rs)
		return err
	})
	if cut || m == nil {
		return caps, 0, false, cut
	}
	groups := m.Groups()
	last := len(groups) - 1
	for last >= 1 && len(groups[last].Captures) == 0 {
		last--
	}
	for g := 1; g <= last; g++ {
		if len(groups[g].Captures) == 0 {
			if !compact {
				caps = append(caps, 0, 0)
			}
			continue
		}
		st := runeOffset(s, groups[g].Index)
		caps = append(caps, st, st+runeOffset(s[st:], groups[g].Length))
	}
	st := runeOffset(s, m.Index)
	return caps, st + runeOffset(s[st:], m.Length), true, false
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
