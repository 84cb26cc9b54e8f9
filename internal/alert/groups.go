package alert

import (
	"sync"
	"sync/atomic"

	"github.com/gossec/gossec/internal/jsonstr"
)

// A rule's group string renders to the same JSON every time (the plain
// groups, then the compliance arrays), and splitting it allocated on
// every alert. The rendered fragment is cached by group string: the
// strings come from the loaded rulesets, so there are at most a few
// thousand of them. Entries are immutable once stored, so renderers on
// any goroutine may share them. Past maxGroupFragments (a ruleset
// reloaded many times with edited groups) fragments are rendered without
// caching rather than letting the cache grow without bound.

const maxGroupFragments = 1 << 14

var (
	groupFragments    sync.Map // string -> []byte
	groupFragmentsLen atomic.Int64
)

// appendGroups appends the ,"groups":[...] member and the compliance
// arrays of the group string s.
func appendGroups(b []byte, s string) []byte {
	if f, ok := groupFragments.Load(s); ok {
		return append(b, f.([]byte)...)
	}
	f := renderGroups(nil, s)
	if groupFragmentsLen.Load() < maxGroupFragments {
		if _, loaded := groupFragments.LoadOrStore(s, f); !loaded {
			groupFragmentsLen.Add(1)
		}
	}
	return append(b, f...)
}

// renderGroups is the uncached rendering of appendGroups.
func renderGroups(b []byte, s string) []byte {
	groups, comp := splitGroups(s, nil, nil)
	if len(groups) > 0 {
		b = append(b, `,"groups":`...)
		b = appendStrings(b, groups)
	}
	for _, c := range comp {
		b = append(b, ',')
		b = jsonstr.Append(b, c.kind)
		b = append(b, ':')
		b = appendStrings(b, c.values)
	}
	return b
}
