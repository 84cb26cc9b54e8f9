package osregex

import "strings"

// Finite literal sets, the currency of the PCRE2 pattern analysis in
// prefilter.go.

// maxLits bounds the sets built by concatenation (cross products grow
// fast) and maxAlts those built by alternation: beyond them a set is
// dropped (treated as unknown), which only weakens the filters.
const (
	maxLits = 16
	maxAlts = 256
)

// Exact sets may mark members anchored to the start of the subject with a
// leading beginMark and members anchored to its end with a trailing
// endMark, so that anchors inside factored alternations (Go's parser turns
// `\.jpg$|\.gif$` into `\.(?:jpg$|gif$)`) are kept. Literals holding
// these bytes are not analysed (see breaksLiteral).
const (
	beginMark = "\x00"
	endMark   = "\x01"
)

// The two non-ASCII runes that Go's (?i) folds onto ASCII letters: KELVIN
// SIGN with k and LATIN SMALL LETTER LONG S with s. An ASCII-folding search
// misses them, so filters built from folded sets holding k or s are
// bypassed on subjects that contain either rune.
const (
	kelvinSign = "\u212a"
	longS      = "\u017f"
)

// litSet is a finite set of alternative literals in match-priority order
// (the order a backtracking engine would try them).
type litSet struct {
	strs []string
	// fold: compared with ASCII case folding; strs are then lowercased.
	fold bool
}

func exactSet(strs ...string) *litSet { return &litSet{strs: strs} }

// hasEmpty reports whether the set holds the empty string, which makes it
// useless as a required literal.
func (ls *litSet) hasEmpty() bool {
	for _, s := range ls.strs {
		if s == "" {
			return true
		}
	}
	return false
}

// uni reports whether a folded search over this set may miss what Go's
// (?i) matching accepts (see kelvinSign).
func (ls *litSet) uni() bool {
	if !ls.fold {
		return false
	}
	for _, s := range ls.strs {
		if strings.ContainsAny(s, "ks") {
			return true
		}
	}
	return false
}

// score rates a set as a required-literal filter: the length of its
// shortest member (0 for a set holding ""), a set with no member at all
// (an impossible match) rating highest.
func (ls *litSet) score() int {
	if len(ls.strs) == 0 {
		return 1 << 20
	}
	m := len(ls.strs[0])
	for _, s := range ls.strs[1:] {
		m = min(m, len(s))
	}
	return m
}

func (ls *litSet) equal(o *litSet) bool {
	if ls.fold != o.fold || len(ls.strs) != len(o.strs) {
		return false
	}
	for i := range ls.strs {
		if ls.strs[i] != o.strs[i] {
			return false
		}
	}
	return true
}

// normalized clears fold when no member holds an ASCII letter, so that
// such sets are searched byte for byte.
func (ls *litSet) normalized() *litSet {
	if ls.fold {
		for _, s := range ls.strs {
			if hasASCIILetter(s) {
				return ls
			}
		}
		return &litSet{strs: ls.strs}
	}
	return ls
}

// weakFold returns a folded set matched by every subject the set matches:
// the members lowercased. Valid only where the set is used as a necessary
// condition.
func (ls *litSet) weakFold() *litSet {
	if ls.fold {
		return ls
	}
	out := &litSet{fold: true}
	for _, s := range ls.strs {
		out.strs = appendUnique(out.strs, asciiLowerString(s))
	}
	return out
}

// exactFold returns a folded set that matches exactly what the
// case-sensitive set matches, when one exists: every member must come with
// all its ASCII case variants (e.g. the class [Bb], as Go's parser expands
// (?i)b inside factored alternations). KELVIN SIGN and LONG S members count
// as spellings of k and s, as Go's own fold classes hold them.
func (ls *litSet) exactFold() (*litSet, bool) {
	if ls.fold {
		return ls, true
	}
	out := &litSet{fold: true}
	variants := map[string]int{}
	for _, s := range ls.strs {
		f := asciiLowerString(s)
		if strings.Contains(f, kelvinSign) || strings.Contains(f, longS) {
			f = strings.NewReplacer(kelvinSign, "k", longS, "s").Replace(f)
		} else {
			variants[f]++
		}
		out.strs = appendUnique(out.strs, f)
	}
	for _, f := range out.strs {
		letters := 0
		for i := 0; i < len(f); i++ {
			if 'a' <= f[i] && f[i] <= 'z' {
				letters++
			}
		}
		if letters > 10 || variants[f] != 1<<letters {
			return nil, false
		}
	}
	return out, true
}

// unifyFold brings a and b to the same fold mode: exactly when exact is
// set, as a necessary condition otherwise.
func unifyFold(a, b *litSet, exact bool) (*litSet, *litSet, bool) {
	if a.fold == b.fold {
		return a, b, true
	}
	conv := func(x *litSet) (*litSet, bool) {
		if exact {
			return x.exactFold()
		}
		return x.weakFold(), true
	}
	var ok bool
	if !a.fold {
		a, ok = conv(a)
	} else {
		b, ok = conv(b)
	}
	return a, b, ok
}

// product is the set of concatenations a·b, a-major so that priority order
// is kept; nil when too large or not representable.
func product(a, b *litSet, exact bool) *litSet {
	a, b, ok := unifyFold(a, b, exact)
	if !ok || len(a.strs)*len(b.strs) > maxLits {
		return nil
	}
	out := &litSet{fold: a.fold}
	for _, x := range a.strs {
		for _, y := range b.strs {
			if xy, ok := joinLits(x, y); ok {
				out.strs = appendUnique(out.strs, xy)
			}
		}
	}
	return out.normalized()
}

// joinLits concatenates two members, merging their anchor marks; ok is
// false when the result cannot match (text after an end anchor or before
// a start anchor).
func joinLits(x, y string) (string, bool) {
	xb, xt, xe := splitMarks(x)
	yb, yt, ye := splitMarks(y)
	if (xe && yt != "") || (yb && xt != "") {
		return "", false
	}
	// An end mark followed by a begin mark ("$^") leaves both marks on an
	// empty text: the empty subject only.
	return joinMarks(xb || yb, xt+yt, xe || ye), true
}

// splitMarks separates a member into its anchor marks and its text.
func splitMarks(s string) (begin bool, text string, end bool) {
	text, begin = strings.CutPrefix(s, beginMark)
	text, end = strings.CutSuffix(text, endMark)
	return begin, text, end
}

func joinMarks(begin bool, text string, end bool) string {
	if begin {
		text = beginMark + text
	}
	if end {
		text += endMark
	}
	return text
}

// unmarked returns the set with anchor marks removed: what a match
// contains, whatever its position.
func (ls *litSet) unmarked() *litSet {
	out := &litSet{fold: ls.fold}
	changed := false
	for _, s := range ls.strs {
		_, t, _ := splitMarks(s)
		changed = changed || t != s
		out.strs = appendUnique(out.strs, t)
	}
	if !changed {
		return ls
	}
	return out
}

// union is a's members followed by b's; nil when too large or not
// representable.
func union(a, b *litSet, exact bool) *litSet {
	a, b, ok := unifyFold(a, b, exact)
	if !ok {
		return nil
	}
	out := &litSet{fold: a.fold, strs: append([]string(nil), a.strs...)}
	for _, y := range b.strs {
		out.strs = appendUnique(out.strs, y)
	}
	if len(out.strs) > maxAlts {
		return nil
	}
	return out.normalized()
}

// appendUnique appends s unless present: a duplicate can only match where
// its first copy already did, with the same length.
func appendUnique(strs []string, s string) []string {
	for _, x := range strs {
		if x == s {
			return strs
		}
	}
	return append(strs, s)
}

func asciiLowerString(s string) string {
	if !hasASCIIUpper(s) {
		return s
	}
	b := []byte(s)
	for i, c := range b {
		b[i] = lowerTable[c]
	}
	return string(b)
}

func hasASCIIUpper(s string) bool {
	for i := 0; i < len(s); i++ {
		if 'A' <= s[i] && s[i] <= 'Z' {
			return true
		}
	}
	return false
}

// hasUniFold reports whether s holds a rune Go's (?i) folds onto an ASCII
// letter.
func hasUniFold(s string) bool {
	return strings.Contains(s, kelvinSign) || strings.Contains(s, longS)
}
