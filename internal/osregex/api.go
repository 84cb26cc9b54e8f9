package osregex

import "strings"

// This file fixes the package's public API. The implementation lives in the
// other files of the package.

// Kind selects an expression dialect.
type Kind uint8

const (
	// OSMatch is OS_Match: '|' alternatives of substring / ^prefix / suffix$ /
	// ^exact$ comparisons, a leading '!' negates, ASCII case-insensitive.
	OSMatch Kind = iota
	// OSRegex is OS_Regex, the OSSEC regex dialect (case-insensitive).
	OSRegex
	// PCRE2 is a PCRE2 pattern compiled with no options.
	PCRE2
)

// String returns the dialect name as written in type="..." attributes.
func (k Kind) String() string {
	switch k {
	case OSMatch:
		return "osmatch"
	case OSRegex:
		return "osregex"
	case PCRE2:
		return "pcre2"
	}
	return "unknown"
}

// ParseKind maps a type="..." attribute value (case-insensitive) to a Kind.
func ParseKind(s string) (Kind, bool) {
	switch {
	case strings.EqualFold(s, "osmatch"):
		return OSMatch, true
	case strings.EqualFold(s, "osregex"):
		return OSRegex, true
	case strings.EqualFold(s, "pcre2"):
		return PCRE2, true
	}
	return 0, false
}

// Pattern is a compiled expression of any dialect. It is immutable and safe
// for concurrent use.
type Pattern struct {
	kind Kind
	src  string
	impl matcher
	bt   *pcre2Backtrack // impl when it backtracks (regexp2), else nil
}

// matcher is what each dialect implements.
type matcher interface {
	match(s string) bool
	find(s string, caps []int) ([]int, int, bool)
	findEnd(s string) (int, bool)
}

// Kind returns the pattern's dialect.
func (p *Pattern) Kind() Kind { return p.kind }

// String returns the pattern's source text.
func (p *Pattern) String() string { return p.src }

// MatchString reports whether s matches (OS_Match's leading '!' included).
func (p *Pattern) MatchString(s string) bool { return p.impl.match(s) }

// Find matches s. On success it returns caps[:0] with the capture spans
// appended as byte-offset pairs (start, end): exactly the captures a decoder
// assigns to its <order> fields. For OS_Regex these are the groups of the
// alternative that matched, numbered within it; for PCRE2 groups 1 up to the
// last group that took part, an unmatched group before it given as an empty
// span (start == end == 0 is not required, only start == end). end is the
// offset in s where the text "after" the match starts as decoders use it for
// prematch / after_regex offsets, with OS_Regex's end-pointer quirk applied,
// clamped to len(s). OS_Match returns no captures and end = len(s).
//
// With the OSSEC engine (CompileWith), OS_Regex captures are the groups
// that took part, in order, and end is the end of the match.
//
// For OS_Regex, Find behaves like the C engine compiled with
// OS_RETURN_SUBSTRING (decoder <regex>); MatchString and FindEnd like it
// compiled without (rule elements, <prematch>). caps is grown only when
// its capacity is too small, so a reused buffer makes Find allocation-free
// for OS_Match and OS_Regex. Subjects are cut at their first NUL byte.
func (p *Pattern) Find(s string, caps []int) (out []int, end int, ok bool) {
	return p.impl.find(s, caps)
}

// FindEnd matches s without captures and returns the same end offset as
// Find. Use it where the C engine compiles without substrings (decoder
// <prematch>): for OS_Regex an expression with groups is then matched in
// the C engine's non-capturing mode, which differs from Find's in one rare
// case (trailing optional classes after the last group). It does not
// allocate for OS_Match and OS_Regex.
func (p *Pattern) FindEnd(s string) (end int, ok bool) {
	return p.impl.findEnd(s)
}

// Backtracks reports whether the pattern runs on the backtracking engine
// (PCRE2 with look-around or back-references): only such patterns can take
// more than linear time, and only they use a Budget.
func (p *Pattern) Backtracks() bool { return p.bt != nil }

// MatchStringIn is MatchString under the event budget b (see Budget). cut
// reports a backtracking match that timed out or was skipped because b was
// spent; ok is then false, which the caller must not take as a verdict.
// For the other patterns it is MatchString, without reading any clock.
func (p *Pattern) MatchStringIn(b *Budget, s string) (ok, cut bool) {
	if p.bt == nil {
		return p.impl.match(s), false
	}
	return p.bt.matchIn(b, p, s)
}

// FindIn is Find under the event budget b, with cut as in MatchStringIn.
func (p *Pattern) FindIn(b *Budget, s string, caps []int) (out []int, end int, ok, cut bool) {
	if p.bt == nil {
		out, end, ok = p.impl.find(s, caps)
		return out, end, ok, false
	}
	return p.bt.findIn(b, p, s, caps)
}

// FindEndIn is FindEnd under the event budget b, with cut as in
// MatchStringIn.
func (p *Pattern) FindEndIn(b *Budget, s string) (end int, ok, cut bool) {
	if p.bt == nil {
		end, ok = p.impl.findEnd(s)
		return end, ok, false
	}
	_, end, ok, cut = p.bt.findIn(b, p, s, nil)
	return end, ok, cut
}
