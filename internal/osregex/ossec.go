package osregex

import (
	"regexp"
	"regexp/syntax"
	"strings"
	"unicode/utf8"
)

// OSSEC 3.3 and later no longer run the classic OS_Regex / OS_Match
// scanners: both dialects are rewritten into PCRE2 patterns (os_converter.c)
// compiled caseless in UTF mode, except for anchored literals, which are
// compared as strings. This file reproduces that: the rewrite is done in
// the same steps, then the PCRE2 text is turned into a Go regexp (the
// rewrite only produces constructs both engines read alike; its one
// look-ahead, "(?!\n)$", is exactly \z).
//
// Observable consequences, all checked against the C code by the oracle
// tests: matches are leftmost (not OS_Regex's shortest scan), every
// quantified class is lazy except the last of an alternative, groups may
// nest and hold '|', only groups that took part are returned (compacted),
// the end offset is the end of the match, a subject that is not valid
// UTF-8 never matches the regexp (PCRE2 reports a UTF error), and an
// empty OS_Regex pattern is a compile error.

// ossecFast says which string comparison replaces an anchored literal.
type ossecFast uint8

const (
	ossecRegexp ossecFast = iota // no shortcut: run the regexp
	ossecExact                   // ^lit$: whole subject, ASCII case-folded
	ossecPrefix                  // ^lit
	ossecSuffix                  // lit$
	ossecAlways                  // empty OS_Match pattern
)

// ossecExpr is an OSSEC OS_Regex or OS_Match pattern.
type ossecExpr struct {
	fast ossecFast
	lit  string
	re   *regexp.Regexp
	// filt, when set, rejects subjects that cannot match before re runs
	// (prefilter.go).
	filt *pcre2Filter
	// match selects OS_Match's execution: no captures, and PCRE2's '$'
	// also matches before a final newline (the OS_Match rewrite keeps '$').
	isMatch bool
}

// ossecMaxGroups is REGEX_MATCH_MAX_GROUPS: captures after it are dropped.
const ossecMaxGroups = 64

func compileOSSECRegex(pattern string) (*ossecExpr, error) {
	src := cString(pattern)
	if len(src) > MaxPatternLen {
		return nil, &Error{Kind: OSRegex, Code: ErrTooLong, Pattern: pattern}
	}
	if src == "" {
		// The C compiler reads before the pattern here; its defined
		// outcome is a rejected pattern.
		return nil, &Error{Kind: OSRegex, Code: ErrSyntax, Pattern: pattern}
	}
	if fast, lit, ok := ossecLiteral(src, ossecRegexLiteral, false); ok {
		return &ossecExpr{fast: fast, lit: lit}, nil
	}
	conv, ok := ossecConvertRegex(src)
	if !ok {
		return nil, &Error{Kind: OSRegex, Code: ErrInvalidEscape, Pattern: pattern}
	}
	e, err := newOSSECExpr("(?i)"+conv, false)
	if err != nil {
		return nil, &Error{Kind: OSRegex, Code: ErrSyntax, Pattern: pattern, Err: err}
	}
	return e, nil
}

func compileOSSECMatch(pattern string) (*ossecExpr, error) {
	src := cString(pattern)
	if len(src) > MaxPatternLen {
		return nil, &Error{Kind: OSMatch, Code: ErrTooLong, Pattern: pattern}
	}
	if src == "" {
		return &ossecExpr{fast: ossecAlways, isMatch: true}, nil
	}
	if fast, lit, ok := ossecLiteral(src, ossecMatchLiteral, true); ok {
		return &ossecExpr{fast: fast, lit: lit, isMatch: true}, nil
	}
	var b strings.Builder
	for i := 0; i < len(src); i++ {
		switch c := src[i]; c {
		case '.', '[', ']', '{', '}', '+', '?', '*', '(', ')', '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case '$':
			// PCRE2's '$': the end, or before a final newline (see
			// matchString).
			b.WriteString(`\z`)
		default:
			b.WriteByte(c)
		}
	}
	e, err := newOSSECExpr("(?i)"+b.String(), true)
	if err != nil {
		return nil, &Error{Kind: OSMatch, Code: ErrSyntax, Pattern: pattern, Err: err}
	}
	return e, nil
}

// newOSSECExpr compiles the Go form of a rewritten pattern with the
// necessary-condition filter of the PCRE2 dialect.
func newOSSECExpr(goPat string, isMatch bool) (*ossecExpr, error) {
	goPat = neverInvalid(goPat)
	re, err := regexp.Compile(goPat)
	if err != nil {
		return nil, err
	}
	e := &ossecExpr{re: re, isMatch: isMatch}
	if tree, err := syntax.Parse(goPat, syntax.Perl); err == nil {
		e.filt = newPCRE2Filter(tree.Simplify())
	}
	return e, nil
}

// run is the regexp's verdict on s, behind the filter.
func (e *ossecExpr) run(s string) bool {
	if e.filt != nil && !e.filt.pass(s) {
		return false
	}
	return e.re.MatchString(s)
}

// ossecRegexLiteral and ossecMatchLiteral are the bytes an anchored
// pattern may hold and still be compared as a string (after an optional
// leading '^' and before an optional trailing '$').
func ossecRegexLiteral(c byte) bool {
	switch {
	case 'A' <= c && c <= 'Z', 'a' <= c && c <= 'z', '0' <= c && c <= '9':
		return true
	}
	return strings.IndexByte(" !\"#%&',/:;<=>@_`~-", c) >= 0
}

func ossecMatchLiteral(c byte) bool { return c != '$' && c != '|' && c != '^' }

// ossecLiteral decides whether src is one of the string comparisons. The
// C test is a PCRE2 match of ^\^?[set]*\$?$ (OS_Regex; OS_Match: [set]+)
// over the pattern, whose final '$' also accepts one trailing newline.
func ossecLiteral(src string, inSet func(byte) bool, plus bool) (ossecFast, string, bool) {
	if !utf8.ValidString(src) {
		return 0, "", false // the check itself fails with a UTF error
	}
	fits := func(body string) bool {
		body = strings.TrimPrefix(body, "^")
		body = strings.TrimSuffix(body, "$")
		if plus && body == "" {
			return false
		}
		for i := 0; i < len(body); i++ {
			if !inSet(body[i]) {
				return false
			}
		}
		return true
	}
	if !fits(src) && !(strings.HasSuffix(src, "\n") && fits(src[:len(src)-1])) {
		return 0, "", false
	}
	first, last := src[0], src[len(src)-1]
	switch {
	case first == '^' && last == '$' && len(src) >= 2:
		return ossecExact, src[1 : len(src)-1], true
	case first == '^':
		return ossecPrefix, src[1:], true
	case last == '$':
		return ossecSuffix, src[:len(src)-1], true
	}
	return 0, "", false // no anchor: the regexp searches it
}

// ossecConvertRegex is OSRegex_ConvertRegex: OS_Regex classes become
// PCRE2 classes, quantifiers after a class become lazy, other regexp
// syntax is escaped, then the last quantifier of each alternative is made
// greedy again. ok is false for an invalid escape.
func ossecConvertRegex(p string) (string, bool) {
	var b strings.Builder
	for i := 0; i < len(p); i++ {
		c := p[i]
		if i >= 2 && p[i-2] == '\\' && (c == '*' || c == '+') {
			b.WriteByte(c)
			b.WriteByte('?')
			continue
		}
		if c == '\\' && i+1 < len(p) {
			if r, ok := ossecClassMap[p[i+1]]; ok {
				b.WriteString(r)
				i++
				continue
			}
			switch p[i+1] {
			case 't', '$', '(', ')', '{', '}', '[', ']', '\\', '|', '<':
				b.WriteByte(c)
				b.WriteByte(p[i+1])
				i++
				continue
			}
			return "", false
		}
		switch c {
		case '$':
			b.WriteString(`(?!\n)$`)
		case '.', '[', ']', '{', '}', '+', '?', '*':
			b.WriteByte('\\')
			b.WriteByte(c)
		default:
			// A trailing lone '\' is copied too: PCRE2 rejects it.
			b.WriteByte(c)
		}
	}
	conv := ossecGreedyLast(b.String())
	return strings.ReplaceAll(conv, `(?!\n)$`, `\z`), true
}

// ossecClassMap is the rewrite of OS_Regex's classes.
var ossecClassMap = map[byte]string{
	'p': `[()*+,.:;\<=>?\[\]!"'#%&$|{}-]`,
	's': `[ ]`,
	'W': `[^A-Za-z0-9@_-]`,
	'w': `[A-Za-z0-9@_-]`,
	'd': `[0-9]`,
	'D': `[^0-9]`,
	'S': `[^ ]`,
	'.': `(?s:.)`,
}

// ossecGreedyLast drops the '?' of a lazy "+?" or "*?" (not escaped) that
// is followed by any number of ')' and then '|', '$' or the end of the
// pattern: OS_Regex's last quantifier of an alternative is greedy.
func ossecGreedyLast(s string) string {
	var b []byte
	for i := 0; i+1 < len(s); i++ {
		if (s[i] != '+' && s[i] != '*') || s[i+1] != '?' || (i > 0 && s[i-1] == '\\') {
			continue
		}
		j := i + 2
		for j < len(s) && s[j] == ')' {
			j++
		}
		if j == len(s) || s[j] == '|' || s[j] == '$' || (j == len(s)-1 && s[j] == '\n') {
			if b == nil {
				b = []byte(s)
			}
			b[i+1] = 0 // marked for removal
		}
	}
	if b == nil {
		return s
	}
	out := b[:0]
	for _, c := range b {
		if c != 0 {
			out = append(out, c)
		}
	}
	return string(out)
}

// literal applies the string comparison to s; end is where the C code
// points after it.
func (e *ossecExpr) literal(s string) (int, bool) {
	n := len(e.lit)
	switch e.fast {
	case ossecAlways:
		return len(s), true
	case ossecExact:
		if len(s) == n && equalFoldASCII(s, e.lit) {
			return n, true
		}
	case ossecPrefix:
		if len(s) >= n && equalFoldASCII(s[:n], e.lit) {
			return n, true
		}
	case ossecSuffix:
		if len(s) >= n && equalFoldASCII(s[len(s)-n:], e.lit) {
			return len(s), true
		}
	}
	return 0, false
}

// equalFoldASCII is strcasecmp's equality: ASCII letters folded, every
// other byte compared as is.
func equalFoldASCII(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		if lowerTable[a[i]] != lowerTable[b[i]] {
			return false
		}
	}
	return true
}

func (e *ossecExpr) match(s string) bool { return e.matchC(cString(s)) }

// matchC is match on a subject already cut at NUL.
func (e *ossecExpr) matchC(s string) bool {
	if e.fast != ossecRegexp {
		_, ok := e.literal(s)
		return ok
	}
	if !utf8.ValidString(s) {
		return false // PCRE2_ERROR_UTF8_*: no match
	}
	if e.run(s) {
		return true
	}
	// OS_Match keeps PCRE2's '$', which also matches before a final
	// newline.
	return e.isMatch && strings.HasSuffix(s, "\n") && e.run(s[:len(s)-1])
}

func (e *ossecExpr) findEnd(s string) (int, bool) {
	_, end, ok := e.find(s, nil)
	return end, ok
}

func (e *ossecExpr) find(s string, caps []int) ([]int, int, bool) {
	s = cString(s)
	caps = caps[:0]
	if e.isMatch {
		// OS_Match has no position: the whole subject, as Find
		// documents for OS_Match.
		return caps, len(s), e.matchC(s)
	}
	if e.fast != ossecRegexp {
		end, ok := e.literal(s)
		return caps, end, ok
	}
	if !utf8.ValidString(s) {
		return caps, 0, false
	}
	if e.filt != nil && !e.filt.pass(s) {
		return caps, 0, false
	}
	loc := e.re.FindStringSubmatchIndex(s)
	if loc == nil {
		return caps, 0, false
	}
	// Only the groups that took part, in order.
	for g := 1; g < len(loc)/2 && len(caps) < 2*ossecMaxGroups; g++ {
		if loc[2*g] >= 0 {
			caps = append(caps, loc[2*g], loc[2*g+1])
		}
	}
	return caps, loc[1], true
}

// neverInvalid replaces each byte of pat that is not valid UTF-8 with a
// class that matches nothing. PCRE2 compiles such a pattern without
// checking (PCRE2_NO_UTF_CHECK, undefined behaviour), but subjects are
// checked, so the byte can never be matched; Go's regexp would reject
// the pattern and with it the ruleset.
func neverInvalid(pat string) string {
	if utf8.ValidString(pat) {
		return pat
	}
	var b strings.Builder
	for i := 0; i < len(pat); {
		r, w := utf8.DecodeRuneInString(pat[i:])
		if r == utf8.RuneError && w == 1 {
			b.WriteString(`[^\x00-\x{10FFFF}]`)
		} else {
			b.WriteString(pat[i : i+w])
		}
		i += w
	}
	return b.String()
}
