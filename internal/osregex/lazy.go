package osregex

import (
	"regexp"
	"regexp/syntax"
	"strings"
	"sync"
	"sync/atomic"
	"unicode/utf8"
)

// Loading a ruleset compiles thousands of patterns, most of which a given
// stream of events never reaches. CompileLazyWith checks a pattern fully
// at once (an invalid one is reported at load, with the same error as
// CompileWith) but builds its matcher on first use; Cache shares one
// compiled Pattern among the rules and decoders that repeat an expression.

// CompileLazyWith is CompileWith, except that a PCRE2 pattern Go's regexp
// accepts is only parsed now: its regexp and fast paths are built when it
// is first matched, exactly once even when goroutines race to use it.
// Every other pattern is compiled at once, so Backtracks, Hazard and the
// errors are those of CompileWith.
func CompileLazyWith(kind Kind, pattern string, opt Options) (*Pattern, error) {
	if kind != PCRE2 || opt.Engine > OSSEC {
		return CompileWith(kind, pattern, opt)
	}
	goPat := rewritePCRE2(cString(pattern), `\x{%s}`)
	if !plainRE2(goPat) {
		if _, err := syntax.Parse(goPat, syntax.Perl); err != nil {
			// Not RE2: the backtracking engine, or an error, as
			// CompileWith.
			return CompileWith(kind, pattern, opt)
		}
	}
	return &Pattern{kind: kind, src: pattern, impl: &lazyRE2{goPat: goPat}}, nil
}

// lazyRE2 is a PCRE2 pattern known to parse as RE2 whose pcre2RE2 is
// built on first use. The build is published through an atomic pointer:
// after it, a match costs one atomic load more than the built matcher.
type lazyRE2 struct {
	goPat string
	built atomic.Pointer[pcre2RE2]
	mu    sync.Mutex
}

func (z *lazyRE2) get() *pcre2RE2 {
	if m := z.built.Load(); m != nil {
		return m
	}
	return z.build()
}

func (z *lazyRE2) build() *pcre2RE2 {
	z.mu.Lock()
	defer z.mu.Unlock()
	if m := z.built.Load(); m != nil {
		return m
	}
	// Cannot panic: goPat parsed, and regexp only adds a compilation
	// that does not fail after a successful parse.
	m := newPCRE2RE2(regexp.MustCompile(z.goPat), z.goPat)
	z.built.Store(m)
	return m
}

func (z *lazyRE2) match(s string) bool                          { return z.get().match(s) }
func (z *lazyRE2) find(s string, caps []int) ([]int, int, bool) { return z.get().find(s, caps) }
func (z *lazyRE2) findEnd(s string) (int, bool)                 { return z.get().findEnd(s) }

// resolved returns the matcher behind a lazy one, built if need be, for
// code that looks at the concrete matcher type.
func resolved(m matcher) matcher {
	if z, ok := m.(*lazyRE2); ok {
		return z.get()
	}
	return m
}

// Cache compiles patterns lazily (CompileLazyWith) and returns the same
// *Pattern for the same dialect, engine and text: a Pattern is immutable
// and safe for concurrent use, so rules and decoders can share it. Errors
// are not kept; compiling the text again gives the same error. The zero
// Cache is ready to use; it is safe for concurrent use.
type Cache struct {
	mu sync.Mutex
	m  map[cacheKey]*Pattern
}

type cacheKey struct {
	kind    Kind
	opt     Options
	pattern string
}

// Compile returns the pattern compiled with CompileLazyWith, shared with
// earlier calls for the same kind, options and text. A nil Cache compiles
// without sharing.
func (c *Cache) Compile(kind Kind, pattern string, opt Options) (*Pattern, error) {
	if c == nil {
		return CompileLazyWith(kind, pattern, opt)
	}
	key := cacheKey{kind, opt, pattern}
	c.mu.Lock()
	p := c.m[key]
	c.mu.Unlock()
	if p != nil {
		return p, nil
	}
	p, err := CompileLazyWith(kind, pattern, opt)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if old := c.m[key]; old != nil {
		return old, nil
	}
	if c.m == nil {
		c.m = make(map[cacheKey]*Pattern)
	}
	c.m[key] = p
	return p, nil
}

// plainRE2 reports whether p is in a subset of the RE2 syntax that Go's
// parser always accepts, so that the parse checking it can be skipped:
// most stock patterns are in it. The subset: valid UTF-8 of at most
// plainMax bytes, an optional leading "(?i)", then literal characters,
// '.', '^', '$', '|', the escapes \d \D \w \W \s \S \b \B and a backslash
// before ASCII punctuation, groups "(...)" (not "(?") nested at most
// plainDepth deep, and after a literal, an escape, '.' or ')' one of '*',
// '+', '?' optionally followed by '?'. No classes, no counted
// repetitions. Every pattern it accepts must parse (TestPlainRE2Parses,
// FuzzPlainRE2); one it rejects is simply parsed.
func plainRE2(p string) bool {
	if len(p) > plainMax || !utf8.ValidString(p) {
		return false
	}
	p = strings.TrimPrefix(p, "(?i)")
	depth := 0
	atom := false // the previous item can take a repetition
	for i := 0; i < len(p); i++ {
		c := p[i]
		switch c {
		case '\\':
			if i+1 == len(p) || !plainEscape(p[i+1]) {
				return false
			}
			i++
			atom = true
		case '*', '+', '?':
			if !atom {
				return false
			}
			if i+1 < len(p) && p[i+1] == '?' {
				i++ // non-greedy
			}
			atom = false
		case '(':
			if i+1 < len(p) && p[i+1] == '?' || depth == plainDepth {
				return false
			}
			depth++
			atom = false
		case ')':
			if depth == 0 {
				return false
			}
			depth--
			atom = true
		case '[', ']', '{', '}':
			return false
		case '^', '$', '|':
			atom = false
		default:
			atom = true
		}
	}
	return depth == 0
}

const (
	plainMax   = 4096
	plainDepth = 100
)

// plainEscape tells whether a backslash before c is in plainRE2's subset.
func plainEscape(c byte) bool {
	switch c {
	case 'd', 'D', 'w', 'W', 's', 'S', 'b', 'B':
		return true
	}
	return c < utf8.RuneSelf && !('0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z')
}
