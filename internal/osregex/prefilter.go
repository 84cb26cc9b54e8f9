package osregex

import (
	"regexp/syntax"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// PCRE2 prefilters. Go's regexp has no literal acceleration for (?i)
// patterns and tries its backtracker at every subject position, which made
// the caseless OSSEC *_pcre2 rules the engine's hot spot. At compile time
// the pattern's syntax tree is analysed for necessary conditions that are
// cheap to test (a minimum length, an anchored literal prefix, literals
// every match must contain); a subject failing one is rejected without
// running the regexp. Patterns that are nothing but literals, optionally
// anchored (what OSSEC calls "could be optimized"), are matched by string
// search alone.
//
// Literal comparisons fold ASCII only. Go's (?i) also folds KELVIN SIGN and
// LONG S onto k and s; subjects holding either rune skip the fast paths of
// patterns where that matters (see litSet.uni).

// maxReqs bounds the required-literal sets tested per subject.
const maxReqs = 3

// reInfo is what the analysis knows about one syntax node.
type reInfo struct {
	// exact lists every string the node matches (nil: unknown or too
	// many).
	exact *litSet
	// reqs are sets of which every match holds a member (in addition to
	// exact, when known).
	reqs []*litSet
	// minLen is the fewest bytes a match spans.
	minLen int
	// empty: the node only matches the empty string (an assertion or an
	// empty group). Such nodes are transparent when literals around them
	// are joined into required literals, but an assertion has no exact set
	// since it may fail.
	empty bool
}

// allReqs returns every required set of the node, its exact set included.
func (in *reInfo) allReqs() []*litSet {
	r := in.reqs
	if in.exact != nil {
		if e := in.exact.unmarked(); !e.hasEmpty() {
			r = append(r[:len(r):len(r)], e)
		}
	}
	return r
}

// bestReq picks the most selective set, nil when none excludes anything.
func bestReq(sets []*litSet) *litSet {
	var best *litSet
	for _, s := range sets {
		if s.score() == 0 {
			continue
		}
		if best == nil || s.score() > best.score() ||
			(s.score() == best.score() && len(s.strs) < len(best.strs)) {
			best = s
		}
	}
	return best
}

func analyze(re *syntax.Regexp) reInfo {
	switch re.Op {
	case syntax.OpLiteral:
		return literalInfo(re)
	case syntax.OpCharClass:
		return classInfo(re)
	case syntax.OpAnyChar, syntax.OpAnyCharNotNL:
		return reInfo{minLen: 1}
	case syntax.OpEmptyMatch:
		return reInfo{exact: exactSet(""), empty: true}
	case syntax.OpBeginText:
		return reInfo{exact: exactSet(beginMark), empty: true}
	case syntax.OpEndText:
		return reInfo{exact: exactSet(endMark), empty: true}
	case syntax.OpBeginLine, syntax.OpEndLine, syntax.OpWordBoundary, syntax.OpNoWordBoundary:
		return reInfo{empty: true}
	case syntax.OpCapture:
		return analyze(re.Sub[0])
	case syntax.OpQuest:
		return questInfo(re)
	case syntax.OpPlus:
		in := analyze(re.Sub[0])
		return reInfo{reqs: in.allReqs(), minLen: in.minLen}
	case syntax.OpRepeat:
		if re.Min < 1 {
			return reInfo{}
		}
		in := analyze(re.Sub[0])
		return reInfo{reqs: in.allReqs(), minLen: in.minLen * re.Min}
	case syntax.OpConcat:
		return concatInfo(re.Sub)
	case syntax.OpAlternate:
		return alternateInfo(re.Sub)
	}
	// OpStar, OpNoMatch and anything unknown: no information.
	return reInfo{}
}

// breaksLiteral reports whether the rune r of a literal cannot be compared
// byte for byte (with ASCII folding when fold is set): U+FFFD, which Go
// also matches against invalid bytes, under (?i) non-ASCII runes with case
// variants, and the bytes reserved for anchor marks.
func breaksLiteral(r rune, fold bool) bool {
	return r == utf8.RuneError || r == rune(beginMark[0]) || r == rune(endMark[0]) ||
		(fold && r >= utf8.RuneSelf && unicode.SimpleFold(r) != r)
}

func literalInfo(re *syntax.Regexp) reInfo {
	fold := re.Flags&syntax.FoldCase != 0
	var (
		in     reInfo
		b      strings.Builder
		pieces []string
		broken bool
	)
	for _, r := range re.Rune {
		if breaksLiteral(r, fold) {
			broken = true
			pieces = append(pieces, b.String())
			b.Reset()
			in.minLen++
			continue
		}
		if fold && 'A' <= r && r <= 'Z' {
			r += 'a' - 'A'
		}
		b.WriteRune(r)
		in.minLen += utf8.RuneLen(r)
	}
	if !broken {
		in.exact = (&litSet{strs: []string{b.String()}, fold: fold}).normalized()
		return in
	}
	for _, p := range append(pieces, b.String()) {
		if p != "" {
			in.reqs = append(in.reqs, (&litSet{strs: []string{p}, fold: fold}).normalized())
		}
	}
	return in
}

// classInfo enumerates small character classes; a class closed under
// ASCII case becomes a folded set.
func classInfo(re *syntax.Regexp) reInfo {
	in := reInfo{minLen: 1}
	if len(re.Rune) == 0 {
		return in
	}
	if n := utf8.RuneLen(re.Rune[0]); n > 1 {
		in.minLen = n
	}
	count := 0
	for i := 0; i+1 < len(re.Rune); i += 2 {
		count += int(re.Rune[i+1]-re.Rune[i]) + 1
		if count > maxLits {
			return in
		}
	}
	set := &litSet{}
	for i := 0; i+1 < len(re.Rune); i += 2 {
		for r := re.Rune[i]; r <= re.Rune[i+1]; r++ {
			if breaksLiteral(r, false) || !utf8.ValidRune(r) {
				return reInfo{minLen: 1}
			}
			set.strs = append(set.strs, string(r))
		}
	}
	if f, ok := set.exactFold(); ok && len(f.strs) < len(set.strs) {
		set = f.normalized()
	}
	in.exact = set
	return in
}

// questInfo: x? matches x's strings or "", greedy ones trying x first.
func questInfo(re *syntax.Regexp) reInfo {
	in := analyze(re.Sub[0])
	if in.exact == nil {
		return reInfo{}
	}
	opt := exactSet("")
	var set *litSet
	if re.Flags&syntax.NonGreedy != 0 {
		set = union(opt, in.exact, true)
	} else {
		set = union(in.exact, opt, true)
	}
	return reInfo{exact: set}
}

// concatInfo joins runs of adjacent literal nodes into longer required
// literals (e.g. "ab" from a factored (?i)ab|ac's "a" and [bc] -> {ab, ac}).
func concatInfo(subs []*syntax.Regexp) reInfo {
	out := reInfo{exact: exactSet(""), empty: true}
	var run *litSet
	flush := func() {
		if run != nil {
			out.reqs = append(out.reqs, run)
		}
		run = nil
	}
	for _, sub := range subs {
		in := analyze(sub)
		out.minLen += in.minLen
		out.empty = out.empty && in.empty
		if out.exact != nil {
			if in.exact == nil {
				out.exact = nil
			} else {
				out.exact = product(out.exact, in.exact, true)
			}
		}
		switch {
		case in.empty:
			// Zero width: literals on both sides are adjacent.
		case in.exact != nil:
			lits := in.exact.unmarked()
			if run == nil {
				run = lits
			} else if p := product(run, lits, false); p != nil {
				run = p
			} else {
				flush()
				run = lits
			}
		default:
			flush()
			out.reqs = append(out.reqs, in.reqs...)
		}
	}
	if out.exact != nil {
		// The run is the exact set itself (allReqs adds it).
		return out
	}
	flush()
	return out
}

func alternateInfo(subs []*syntax.Regexp) reInfo {
	out := reInfo{empty: true}
	var req *litSet
	for i, sub := range subs {
		in := analyze(sub)
		out.empty = out.empty && in.empty
		if i == 0 {
			out.exact, out.minLen = in.exact, in.minLen
			req = bestReq(in.allReqs())
			continue
		}
		out.minLen = min(out.minLen, in.minLen)
		if out.exact != nil {
			if in.exact == nil {
				out.exact = nil
			} else {
				out.exact = union(out.exact, in.exact, true)
			}
		}
		if req != nil {
			if r := bestReq(in.allReqs()); r != nil {
				req = union(req, r, false)
			} else {
				req = nil
			}
		}
	}
	if req != nil {
		out.reqs = []*litSet{req}
	}
	return out
}

// anchoredPrefix returns the set one of which starts every match when the
// pattern is anchored at the start of the subject (^ or \A), else nil.
func anchoredPrefix(re *syntax.Regexp) *litSet {
	switch re.Op {
	case syntax.OpCapture:
		return anchoredPrefix(re.Sub[0])
	case syntax.OpAlternate:
		var set *litSet
		for i, sub := range re.Sub {
			p := anchoredPrefix(sub)
			if p == nil {
				return nil
			}
			if i == 0 {
				set = p
			} else if set = union(set, p, false); set == nil {
				return nil
			}
		}
		return set
	case syntax.OpConcat:
		if len(re.Sub) == 0 {
			return nil
		}
		if re.Sub[0].Op != syntax.OpBeginText {
			return anchoredPrefix(re.Sub[0])
		}
		var run *litSet
		for _, sub := range re.Sub[1:] {
			in := analyze(sub)
			if in.exact == nil {
				break
			}
			lits := in.exact.unmarked()
			if run == nil {
				run = lits
			} else if p := product(run, lits, false); p != nil {
				run = p
			} else {
				break
			}
		}
		if run == nil || run.hasEmpty() {
			return nil
		}
		return run
	}
	return nil
}

// pcre2Filter holds the necessary conditions of a pattern.
type pcre2Filter struct {
	minLen int
	// prefix: when set, the subject must start with one of these.
	prefix []litSearch
	// reqs: the subject must contain a member of every group.
	reqs []litGroup
	// uni: a rejection is not final when the subject holds a rune Go's
	// (?i) folds onto an ASCII letter.
	uni bool
}

func newPCRE2Filter(re *syntax.Regexp) *pcre2Filter {
	f := &pcre2Filter{}
	in := analyze(re)
	f.minLen = in.minLen
	pre := anchoredPrefix(re)
	if pre != nil {
		f.prefix = searchers(pre)
		f.uni = pre.uni()
	}
	sets := slices.Clone(in.allReqs())
	slices.SortStableFunc(sets, func(a, b *litSet) int { return b.score() - a.score() })
	for _, s := range sets {
		if len(f.reqs) == maxReqs || s.score() == 0 {
			break
		}
		if pre != nil && s.equal(pre) {
			continue
		}
		f.reqs = append(f.reqs, newLitGroup(searchers(s)))
		f.uni = f.uni || s.uni()
	}
	if f.minLen == 0 && f.prefix == nil && len(f.reqs) == 0 {
		return nil
	}
	return f
}

func searchers(s *litSet) []litSearch {
	out := make([]litSearch, len(s.strs))
	for i, lit := range s.strs {
		out[i] = newLitSearch(lit, s.fold)
	}
	return out
}

// pass reports whether s may match; false is final.
func (f *pcre2Filter) pass(s string) bool {
	if len(s) < f.minLen {
		return false
	}
	if f.prefix != nil && !anyPrefix(f.prefix, s) {
		return f.uni && hasUniFold(s)
	}
	for i := range f.reqs {
		if !f.reqs[i].found(s) {
			return f.uni && hasUniFold(s)
		}
	}
	return true
}

// litGroup is a set of literals of which a subject must hold one.
type litGroup struct {
	lits  []litSearch
	multi *multiLit // set for large groups
}

func newLitGroup(lits []litSearch) litGroup {
	g := litGroup{lits: lits}
	if len(lits) >= minMulti {
		g.multi = newMultiLit(lits)
	}
	return g
}

func (g *litGroup) found(s string) bool {
	if g.multi != nil {
		pos, _ := g.multi.index(s)
		return pos >= 0
	}
	return anyIndex(g.lits, s)
}

func anyPrefix(ls []litSearch, s string) bool {
	for i := range ls {
		if ls[i].hasPrefix(s) {
			return true
		}
	}
	return false
}

func anyIndex(ls []litSearch, s string) bool {
	for i := range ls {
		if ls[i].index(s) >= 0 {
			return true
		}
	}
	return false
}
