package decoders

import (
	"bytes"
	"slices"
	"sort"
	"strings"

	"github.com/gossec/gossec/internal/osregex"
)

// The indexes narrow the top-level lists to the nodes that can possibly
// match an event. Candidates are always visited in list order and tested
// exactly like the plain scan does, so the first match — and therefore the
// result — is the same; an index entry only has to be a superset.

// pnIndex buckets the program-name list by the literal program names and
// prefixes of OS_Match patterns made only of ^x$ and ^x alternatives.
type pnIndex struct {
	exact      map[string][]int32 // lowercased name -> nodes
	prefix     map[string][]int32 // lowercased prefix -> nodes
	prefixLens []int              // distinct prefix lengths, ascending
	fallback   []int32            // nodes that must always be tried
}

func buildPNIndex(list []*topNode) pnIndex {
	x := pnIndex{exact: map[string][]int32{}, prefix: map[string][]int32{}}
	lens := map[int]bool{}
	for i, t := range list {
		exact, prefixes, ok := osmatchLiterals(t.dec.programName)
		if !ok {
			x.fallback = append(x.fallback, int32(i))
			continue
		}
		for _, e := range exact {
			x.exact[e] = appendOnce(x.exact[e], int32(i))
		}
		for _, p := range prefixes {
			x.prefix[p] = appendOnce(x.prefix[p], int32(i))
			lens[len(p)] = true
		}
	}
	for n := range lens {
		x.prefixLens = append(x.prefixLens, n)
	}
	sort.Ints(x.prefixLens)
	return x
}

func appendOnce(s []int32, v int32) []int32 {
	if len(s) > 0 && s[len(s)-1] == v {
		return s
	}
	return append(s, v)
}

// osmatchLiterals splits an OS_Match pattern whose every alternative is
// "^name$" or "^prefix" into lowercased literals; ok is false otherwise.
func osmatchLiterals(p *osregex.Pattern) (exact, prefixes []string, ok bool) {
	if p == nil || p.Kind() != osregex.OSMatch {
		return nil, nil, false
	}
	src := p.String()
	if src == "" || src[0] == '!' {
		return nil, nil, false
	}
	for _, alt := range strings.Split(src, "|") {
		if len(alt) < 2 || alt[0] != '^' {
			return nil, nil, false
		}
		body := alt[1:]
		if strings.HasSuffix(body, "$") {
			exact = append(exact, lowerASCII(body[:len(body)-1]))
		} else {
			prefixes = append(prefixes, lowerASCII(body))
		}
	}
	return exact, prefixes, true
}

// candidates returns, in list order, the nodes that may match program name
// pn. The slice is st's scratch buffer.
func (x *pnIndex) candidates(pn string, st *State) []int32 {
	st.lower = appendLower(st.lower[:0], pn)
	c := append(st.cand[:0], x.fallback...)
	if v, ok := x.exact[string(st.lower)]; ok {
		c = append(c, v...)
	}
	for _, n := range x.prefixLens {
		if n > len(st.lower) {
			break
		}
		if v, ok := x.prefix[string(st.lower[:n])]; ok {
			c = append(c, v...)
		}
	}
	slices.Sort(c)
	c = slices.Compact(c)
	st.cand = c
	return c
}

// nopnIndex buckets the prematch-only list by the first byte of the log,
// for prematches whose every alternative starts with ^ and a literal.
type nopnIndex struct {
	byFirst [256][]int32 // merged, ordered candidates per first byte
	empty   []int32      // candidates for an empty log
	// needs[i] lists, per alternative of node i's prematch, a lowercased
	// literal the log must contain; nil when unknown.
	needs [][][]byte
}

func buildNOPNIndex(list []*topNode) nopnIndex {
	x := nopnIndex{needs: make([][][]byte, len(list))}
	for i, t := range list {
		x.needs[i] = requiredLiterals(t.dec.prematch)
		first, ok := firstBytes(t.dec.prematch)
		if !ok {
			x.empty = append(x.empty, int32(i))
		}
		for b := 0; b < 256; b++ {
			if !ok || first[b] {
				x.byFirst[b] = append(x.byFirst[b], int32(i))
			}
		}
	}
	return x
}

// candidates returns the nodes that may match log, in list order.
func (x *nopnIndex) candidates(log string) []int32 {
	if log == "" {
		return x.empty
	}
	return x.byFirst[log[0]]
}

// mayMatch applies node i's literal filter to log; lower is the log in
// ASCII lower case, built on first use.
func (x *nopnIndex) mayMatch(i int32, log string, st *State, lowered *bool) bool {
	needs := x.needs[i]
	if needs == nil {
		return true
	}
	if !*lowered {
		st.lower = appendLower(st.lower[:0], log)
		*lowered = true
	}
	for _, lit := range needs {
		if bytes.Contains(st.lower, lit) {
			return true
		}
	}
	return false
}

// requiredLiterals returns, for an OS_Regex pattern, the longest literal run
// of each alternative (lowercased: OS_Regex compares case-insensitively).
// Any match of the pattern contains one of them. It returns nil when an
// alternative has no literal of at least two bytes.
func requiredLiterals(p *osregex.Pattern) [][]byte {
	if p == nil || p.Kind() != osregex.OSRegex {
		return nil
	}
	var out [][]byte
	for _, alt := range splitOSRegex(p.String()) {
		lit := longestLiteral(alt)
		if len(lit) < 2 {
			return nil
		}
		out = append(out, appendLower(nil, string(lit)))
	}
	return out
}

// longestLiteral tokenizes one OS_Regex alternative and returns its longest
// run of consecutive literal bytes. Class tokens, their quantifiers and
// group parentheses end a run.
func longestLiteral(alt string) []byte {
	var best, cur []byte
	cut := func() {
		if len(cur) > len(best) {
			best = cur
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
			e := alt[i+1]
			i += 2
			switch e {
			case '\\', '(', ')', '$', '|', '<':
				cur = append(cur, e)
			case 't':
				cur = append(cur, '\t')
			default: // a class; a following + or * is its quantifier
				cut()
				if i < end && (alt[i] == '+' || alt[i] == '*') {
					i++
				}
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
	return best
}

// firstBytes finds the set of bytes a match of an anchored prematch must
// start with; ok is false when no such bound is known.
func firstBytes(p *osregex.Pattern) (*[256]bool, bool) {
	if p == nil {
		return nil, false
	}
	set := new([256]bool)
	switch p.Kind() {
	case osregex.OSRegex:
		for _, alt := range splitOSRegex(p.String()) {
			if !osregexFirst(alt, set) {
				return nil, false
			}
		}
		return set, true
	case osregex.PCRE2:
		b, ok := pcre2First(p.String())
		if !ok {
			return nil, false
		}
		set[b] = true
		return set, true
	}
	return nil, false
}

// splitOSRegex splits an OS_Regex pattern at its unescaped '|'.
func splitOSRegex(p string) []string {
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

// pcre2First returns the byte a simple anchored PCRE2 pattern must start
// with: "^" then a plain character that no quantifier makes optional, and no
// alternation anywhere.
func pcre2First(p string) (byte, bool) {
	if len(p) < 2 || p[0] != '^' || strings.ContainsRune(p, '|') {
		return 0, false
	}
	c := p[1]
	plain := c == ' ' || c == '%' || c == '<' || c == '"' || c == '\'' || c == '=' || c == ':' ||
		c == ',' || c == ';' || c == '#' || c == '@' || c == '/' || c == '_' || c == '-' ||
		('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z') || ('0' <= c && c <= '9')
	if !plain {
		return 0, false
	}
	if len(p) > 2 {
		switch p[2] {
		case '?', '*', '{':
			return 0, false
		}
	}
	return c, true
}

func lowerByte(b byte) byte {
	if 'A' <= b && b <= 'Z' {
		return b + 'a' - 'A'
	}
	return b
}

func lowerASCII(s string) string {
	return string(appendLower(nil, s))
}

func appendLower(dst []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		dst = append(dst, lowerByte(s[i]))
	}
	return dst
}
