package litscan

import (
	"regexp/syntax"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/gossec/gossec/internal/osregex"
)

// maxConj bounds the literals kept per alternative: the longest ones carry
// nearly all of the filtering power.
const maxConj = 3

// minLitLen is the length below which a literal is kept only when its
// conjunction has nothing longer and it has a rare byte: short literals
// occur in most logs, so they filter little and make the scan stop often.
const minLitLen = 3

// maxAlts bounds the alternatives of a literal filter; larger patterns get
// no literal filter.
const maxAlts = 16

// Reqs is a literal requirement in disjunctive normal form: one of the
// conjunctions must hold. A nil Reqs, or one with an empty conjunction,
// requires nothing.
type Reqs [][]string

// NoReq returns the requirement that holds on every log: the neutral
// element of And.
func NoReq() Reqs { return Reqs{nil} }

// Trivial reports whether r requires nothing.
func (r Reqs) Trivial() bool {
	for _, c := range r {
		if len(c) == 0 {
			return true
		}
	}
	return len(r) == 0
}

// PatternReqs returns the literals (lowercased: the log is searched in
// lower case) that any subject matched by p contains; fold reports that
// some of them come from a case-insensitive PCRE2 part (see Table). A
// pattern whose requirement is unknown, or negated, requires nothing.
func PatternReqs(p *osregex.Pattern) (Reqs, bool) {
	if p == nil {
		return nil, false
	}
	switch p.Kind() {
	case osregex.OSRegex:
		return osregexReqs(PatternSource(p)), false
	case osregex.OSMatch:
		return osmatchReqs(PatternSource(p)), false
	case osregex.PCRE2:
		re, err := syntax.Parse(PatternSource(p), syntax.Perl)
		if err != nil {
			return nil, false
		}
		return syntaxReqs(re.Simplify())
	}
	return nil, false
}

// PatternSource is the text osregex compiled: like the C engines, it
// reads a pattern as a C string, up to its first NUL.
func PatternSource(p *osregex.Pattern) string {
	src := p.String()
	if i := strings.IndexByte(src, 0); i >= 0 {
		return src[:i]
	}
	return src
}

// osmatchReqs: an OS_Match pattern is an alternation of literals (with ^
// and $ anchors), compared case-insensitively; a leading '!' negates it.
func osmatchReqs(src string) Reqs {
	if src == "" || src[0] == '!' {
		return nil
	}
	var out Reqs
	for _, alt := range strings.Split(src, "|") {
		alt = strings.TrimPrefix(alt, "^")
		alt = strings.TrimSuffix(alt, "$")
		if alt == "" {
			return nil
		}
		out = append(out, []string{string(appendLower(nil, alt))})
	}
	if len(out) > maxAlts {
		return nil
	}
	return out
}

// osregexReqs: every literal run of an alternative must occur in a match of
// that alternative (OS_Regex compares case-insensitively, so lowercased).
func osregexReqs(src string) Reqs {
	var out Reqs
	for _, alt := range SplitOSRegex(src) {
		var conj []string
		for _, run := range literalRuns(alt) {
			conj = append(conj, string(appendLower(nil, string(run))))
		}
		if len(conj) == 0 {
			return nil
		}
		out = append(out, conj)
	}
	return out
}

// literalRuns tokenizes one OS_Regex alternative and returns its runs of
// consecutive literal bytes: every match of the alternative contains all of
// them. Class tokens, their quantifiers and group parentheses end a run.
func literalRuns(alt string) [][]byte {
	var runs [][]byte
	var cur []byte
	cut := func() {
		if len(cur) > 0 {
			runs = append(runs, cur)
		}
		cur = nil
	}
	i := 0
	if strings.HasPrefix(alt, "^") {
		i = 1
	}
	end := len(alt)
	if end > i && alt[end-1] == '$' && (end < 2 || alt[end-2] != '\\') {
		end-- // the end anchor
	}
	for i < end {
		c := alt[i]
		switch {
		case c == '(' || c == ')':
			cut()
			i++
		case c == '\\' && i+1 < end:
			lit, isLit := escapedByte(alt[i+1])
			i += 2
			// Like a class, an escape takes a following + or * as its
			// quantifier: "\t*" is optional, "\t+" one tab or more.
			var q byte
			if i < end && (alt[i] == '+' || alt[i] == '*') {
				q = alt[i]
				i++
			}
			if isLit && q != '*' {
				cur = append(cur, lit)
			}
			if !isLit || q != 0 {
				cut()
			}
		case c == '\\':
			cut()
			i++
		case (c == '+' || c == '*') && len(cur) == 0:
			// After a group or at the start: not known to be a literal.
			i++
		default:
			cur = append(cur, c)
			i++
		}
	}
	cut()
	return runs
}

// escapedByte returns the byte an OS_Regex escape stands for, or false
// for a class.
func escapedByte(e byte) (byte, bool) {
	switch e {
	case '\\', '(', ')', '$', '|', '<':
		return e, true
	case 't':
		return '\t', true
	}
	return 0, false
}

// SplitOSRegex splits an OS_Regex pattern at its unescaped '|'.
func SplitOSRegex(p string) []string {
	var alts []string
	start := 0
	for i := 0; i < len(p); i++ {
		switch p[i] {
		case '\\':
			i++
		case '|':
			alts = append(alts, p[start:i])
			start = i + 1
		}
	}
	return append(alts, p[start:])
}

// syntaxReqs computes the literals any match of re contains. fold reports
// that some literal came from a case-insensitive part.
func syntaxReqs(re *syntax.Regexp) (Reqs, bool) {
	fold := false
	r := reqsOf(re, &fold)
	if r.Trivial() {
		return nil, false
	}
	return r, fold
}

func reqsOf(re *syntax.Regexp, fold *bool) Reqs {
	switch re.Op {
	case syntax.OpLiteral:
		return literalReq(re, fold)
	case syntax.OpCapture, syntax.OpPlus:
		return reqsOf(re.Sub[0], fold)
	case syntax.OpRepeat:
		if re.Min == 0 {
			return NoReq()
		}
		return reqsOf(re.Sub[0], fold)
	case syntax.OpConcat:
		out := NoReq()
		for _, s := range re.Sub {
			out = And(out, reqsOf(s, fold))
		}
		return out
	case syntax.OpAlternate:
		var out Reqs
		for _, s := range re.Sub {
			sub := reqsOf(s, fold)
			if sub.Trivial() {
				return NoReq()
			}
			out = append(out, sub...)
		}
		if len(out) > maxAlts {
			return NoReq()
		}
		return out
	}
	return NoReq()
}

// literalReq turns a literal node into a requirement. A case-insensitive
// literal is cut at any non-ASCII rune; its ASCII parts hold on an ASCII
// log, where Unicode folding (k with U+212A, s with U+017F...) cannot
// apply, and Table treats them as present on any other log.
func literalReq(re *syntax.Regexp, fold *bool) Reqs {
	caseless := re.Flags&syntax.FoldCase != 0
	var conj []string
	var cur []byte
	cut := func() {
		if len(cur) > 0 {
			conj = append(conj, string(cur))
		}
		cur = nil
	}
	for _, r := range re.Rune {
		switch {
		case caseless && r >= utf8.RuneSelf:
			cut()
		case r >= utf8.RuneSelf:
			cur = utf8.AppendRune(cur, r)
		default:
			cur = append(cur, lowerByte(byte(r)))
		}
	}
	cut()
	if caseless && len(conj) > 0 {
		*fold = true
	}
	return Reqs{conj}
}

// And is the conjunction of two requirements, kept small: past maxAlts
// alternatives the second operand is dropped (a weaker, still valid filter).
func And(a, b Reqs) Reqs {
	if b.Trivial() {
		return a
	}
	if a.Trivial() {
		return b
	}
	if len(a)*len(b) > maxAlts {
		return a
	}
	var out Reqs
	for _, x := range a {
		for _, y := range b {
			out = append(out, append(slices.Clip(x), y...))
		}
	}
	return out
}

// bestLiterals keeps the maxConj longest distinct literals of a conjunction.
func bestLiterals(conj []string) []string {
	c := slices.Clone(conj)
	slices.SortFunc(c, func(a, b string) int {
		if len(a) != len(b) {
			return len(b) - len(a)
		}
		return strings.Compare(a, b)
	})
	c = slices.Compact(c)
	if len(c) > maxConj {
		c = c[:maxConj]
	}
	for len(c) > 0 && len(c[len(c)-1]) < minLitLen && (len(c) > 1 || common(c[0])) {
		c = c[:len(c)-1]
	}
	return c
}

// common reports whether every byte of lit is frequent in logs: such a
// short literal is in nearly every log and not worth looking for.
func common(lit string) bool {
	for i := 0; i < len(lit); i++ {
		if byteFreq(lit[i]) < 4 {
			return false
		}
	}
	return true
}

func lowerByte(b byte) byte {
	if 'A' <= b && b <= 'Z' {
		return b + 'a' - 'A'
	}
	return b
}

func appendLower(dst []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		dst = append(dst, lowerByte(s[i]))
	}
	return dst
}
