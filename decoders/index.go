package decoders

import (
	"slices"
	"sort"
	"strings"

	"github.com/gossec/gossec/internal/litscan"
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
	src := litscan.PatternSource(p)
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
// for prematches whose every alternative is anchored: the per-node
// prefilters then only run on the nodes of one bucket.
type nopnIndex struct {
	byFirst [256][]int32 // merged, ordered candidates per first byte
	empty   []int32      // candidates for an empty log
}

func buildNOPNIndex(list []*topNode) nopnIndex {
	var x nopnIndex
	for i, t := range list {
		first := t.filt.first
		if first == nil {
			x.empty = append(x.empty, int32(i))
		}
		for b := 0; b < 256; b++ {
			if first == nil || first[b] {
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

func lowerASCII(s string) string {
	return string(appendLower(nil, s))
}
