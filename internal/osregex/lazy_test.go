package osregex

import (
	"bufio"
	"errors"
	"html"
	"math/rand"
	"os"
	"path/filepath"
	"regexp"
	"regexp/syntax"
	"strings"
	"sync"
	"testing"
)

var lazyPCRE2Elem = regexp.MustCompile(`(?s)<(\w*pcre2)>(.*?)</\w*pcre2>`)

// ossecPCRE2 returns the PCRE2 expressions of the OSSEC 4.2 ruleset.
func ossecPCRE2(t testing.TB) []string {
	home := filepath.Join(sharedDir(t), "compat", "ossec-4.2")
	files, _ := filepath.Glob(filepath.Join(home, "rules", "*.xml"))
	files = append(files, filepath.Join(home, "etc", "decoder.xml"))
	var out []string
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		src := xmlComment.ReplaceAllString(string(data), "")
		for _, m := range lazyPCRE2Elem.FindAllStringSubmatch(src, -1) {
			out = append(out, html.UnescapeString(m[2]))
		}
	}
	if len(out) < 1000 {
		t.Fatalf("found %d PCRE2 expressions, want the ruleset's", len(out))
	}
	return out
}

// logSamples returns the log lines of the Wazuh test files.
func logSamples(t testing.TB) []string {
	files, _ := filepath.Glob(filepath.Join(sharedDir(t), "compat", "wazuh-4.9.2", "tests", "*.ini"))
	var out []string
	for _, f := range files {
		fh, err := os.Open(f)
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(fh)
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			if _, v, ok := strings.Cut(sc.Text(), " = "); ok && strings.HasPrefix(sc.Text(), "log ") {
				out = append(out, v)
			}
		}
		fh.Close()
	}
	return out
}

// literalish builds subjects from a pattern's own characters, so that
// some of them match it.
func literalish(r *rand.Rand, pat string) string {
	var b strings.Builder
	for i := 0; i < len(pat); i++ {
		c := pat[i]
		switch {
		case c == '\\' && i+1 < len(pat):
			i++
			switch pat[i] {
			case 'd':
				b.WriteByte(byte('0' + r.Intn(10)))
			case 's':
				b.WriteByte(' ')
			case 'w', 'S':
				b.WriteByte(byte('a' + r.Intn(26)))
			default:
				b.WriteByte(pat[i])
			}
		case strings.IndexByte("^$()[]{}|*+?.", c) >= 0:
			if r.Intn(3) == 0 {
				b.WriteByte(byte('a' + r.Intn(26)))
			}
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// checkLazySame compares every entry point of the lazy and the eager
// pattern on s.
func checkLazySame(t *testing.T, lazy, eager *Pattern, s string) {
	t.Helper()
	if g, w := lazy.MatchString(s), eager.MatchString(s); g != w {
		t.Fatalf("%q on %q: MatchString %v, eager %v", eager, s, g, w)
	}
	gc, ge, gok := lazy.Find(s, nil)
	wc, we, wok := eager.Find(s, nil)
	if gok != wok || ge != we || !equalInts(gc, wc) {
		t.Fatalf("%q on %q: Find %v %d %v, eager %v %d %v", eager, s, gc, ge, gok, wc, we, wok)
	}
	ge, gok = lazy.FindEnd(s)
	we, wok = eager.FindEnd(s)
	if gok != wok || ge != we {
		t.Fatalf("%q on %q: FindEnd %d %v, eager %d %v", eager, s, ge, gok, we, wok)
	}
	gc, ge, gok, _ = lazy.FindCompactIn(nil, s, nil)
	wc, we, wok, _ = eager.FindCompactIn(nil, s, nil)
	if gok != wok || ge != we || !equalInts(gc, wc) {
		t.Fatalf("%q on %q: FindCompactIn %v %d %v, eager %v %d %v", eager, s, gc, ge, gok, wc, we, wok)
	}
}

// TestLazyEqualsEager: a lazily compiled pattern gives the results of the
// eagerly compiled one, on the OSSEC ruleset's PCRE2 expressions (as
// written and caseless) against real logs and subjects made from the
// patterns.
func TestLazyEqualsEager(t *testing.T) {
	pats := append(ossecPCRE2(t), `(a)x|(b)y`, `^(\d+)?-(\w*)$`, `\N{U+41}b(c)`, `(*UTF)é(.)`)
	logs := logSamples(t)
	r := rand.New(rand.NewSource(1))
	for _, pat := range pats {
		for _, src := range []string{pat, "(?i)" + pat} {
			eager, eerr := CompileWith(PCRE2, src, Options{Engine: OSSEC})
			lazy, lerr := CompileLazyWith(PCRE2, src, Options{Engine: OSSEC})
			if (eerr == nil) != (lerr == nil) || eerr != nil && eerr.Error() != lerr.Error() {
				t.Fatalf("%q: lazy error %v, eager %v", src, lerr, eerr)
			}
			if eerr != nil {
				continue
			}
			if lazy.Backtracks() != eager.Backtracks() || lazy.Hazard() != eager.Hazard() || lazy.String() != eager.String() {
				t.Fatalf("%q: lazy and eager patterns differ in kind", src)
			}
			subjects := []string{"", literalish(r, pat), literalish(r, pat), strings.ToUpper(literalish(r, pat))}
			for i := 0; i < 20; i++ {
				subjects = append(subjects, logs[r.Intn(len(logs))])
			}
			for _, s := range subjects {
				checkLazySame(t, lazy, eager, s)
			}
		}
	}
}

// TestLazyErrors: an invalid pattern is an error at compile time, the
// error CompileWith gives.
func TestLazyErrors(t *testing.T) {
	tests := []struct {
		kind Kind
		pat  string
		opt  Options
	}{
		{PCRE2, `(unclosed`, Options{}},
		{PCRE2, `a{2,1}`, Options{}},
		{PCRE2, `a**`, Options{}},
		{PCRE2, `[z-a]`, Options{}},
		{OSRegex, `(\d+`, Options{}},
		{PCRE2, `x`, Options{Engine: OSSEC + 1}},
	}
	for _, tt := range tests {
		_, want := CompileWith(tt.kind, tt.pat, tt.opt)
		_, got := CompileLazyWith(tt.kind, tt.pat, tt.opt)
		if want == nil || got == nil || got.Error() != want.Error() {
			t.Errorf("%v %q: lazy error %v, want %v", tt.kind, tt.pat, got, want)
		}
		var e *Error
		if !errors.As(got, &e) {
			t.Errorf("%v %q: lazy error %T, want *Error", tt.kind, tt.pat, got)
		}
	}
}

// TestLazyBuildsOnce: goroutines racing to use a new lazy pattern all get
// the one matcher built (run with -race).
func TestLazyBuildsOnce(t *testing.T) {
	for round := 0; round < 20; round++ {
		p, err := CompileLazyWith(PCRE2, `user (\S+) from (\d+\.\d+\.\d+\.\d+)`, Options{})
		if err != nil {
			t.Fatal(err)
		}
		z := p.impl.(*lazyRE2)
		var wg sync.WaitGroup
		got := make([]*pcre2RE2, 8)
		for i := range got {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if _, _, ok := p.Find("login user bob from 10.0.0.1", nil); !ok {
					t.Error("no match")
				}
				got[i] = z.get()
			}()
		}
		wg.Wait()
		for _, m := range got {
			if m != got[0] || m == nil {
				t.Fatal("goroutines saw different matchers: built more than once")
			}
		}
	}
}

func TestCacheShares(t *testing.T) {
	var c Cache
	a, _ := c.Compile(PCRE2, `a(b)c`, Options{})
	b, _ := c.Compile(PCRE2, `a(b)c`, Options{})
	o, _ := c.Compile(PCRE2, `a(b)c`, Options{Engine: OSSEC})
	r, _ := c.Compile(OSRegex, `a(b)c`, Options{})
	if a != b {
		t.Error("same pattern compiled twice")
	}
	if a == o || a == r {
		t.Error("different engine or dialect shared a pattern")
	}
	if _, err := c.Compile(PCRE2, `(`, Options{}); err == nil {
		t.Error("invalid pattern accepted")
	}
	var nilCache *Cache
	if p, err := nilCache.Compile(OSMatch, `x`, Options{}); err != nil || !p.MatchString("axb") {
		t.Error("nil cache does not compile")
	}
}

// TestLazyNoAllocs: once built, a lazy pattern matches without
// allocating, like the eager one.
func TestLazyNoAllocs(t *testing.T) {
	p, err := CompileLazyWith(PCRE2, `invalid user (\S+) from`, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if n := testing.AllocsPerRun(100, func() { p.MatchString("x invalid user bob from y"); p.FindEnd("nothing here") }); n != 0 {
		t.Errorf("lazy pattern allocates %.1f times per match", n)
	}
}

func BenchmarkCompileLazy(b *testing.B) {
	pats := ossecPCRE2(b)
	b.Run("eager", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			for _, p := range pats {
				CompileWith(PCRE2, p, Options{Engine: OSSEC})
			}
		}
	})
	b.Run("lazy", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			for _, p := range pats {
				CompileLazyWith(PCRE2, p, Options{Engine: OSSEC})
			}
		}
	})
}

// plainAlphabet makes patterns around plainRE2's edges: every character it
// treats specially, letters and digits after backslashes, invalid UTF-8.
var plainAlphabet = []string{"a", "Z", "0", "7", ".", "^", "$", "|", "*", "+", "?", "(", ")", "(?i)", "(?", "[", "]", "{", "}", "{2}",
	"\\", "\\d", "\\b", "\\1", "\\0", "\\p", "\\Q", "\\x", "\\.", "\\ ", "\\\\", "\\*", "\\é", "é", "\xff", " ", "#", "-"}

// TestPlainRE2Parses: every pattern plainRE2 accepts parses, on random
// patterns and on the OSSEC ruleset's; and it accepts most of the latter.
func TestPlainRE2Parses(t *testing.T) {
	r := rand.New(rand.NewSource(11))
	accepted := 0
	for i := 0; i < 500000; i++ {
		var b strings.Builder
		for j := r.Intn(12); j > 0; j-- {
			b.WriteString(plainAlphabet[r.Intn(len(plainAlphabet))])
		}
		p := b.String()
		if !plainRE2(p) {
			continue
		}
		accepted++
		if _, err := syntax.Parse(p, syntax.Perl); err != nil {
			t.Fatalf("plainRE2 accepts %q, which does not parse: %v", p, err)
		}
	}
	if accepted < 10000 {
		t.Errorf("only %d random patterns accepted: the test explores too little", accepted)
	}
	for _, want := range []struct {
		p  string
		ok bool
	}{{`a(b)c`, true}, {`(?i)^x\d+ y$`, true}, {`a**`, false}, {`(a`, false}, {`a)`, false}, {`*a`, false},
		{`(*a)`, false}, {`a|*`, false}, {`\1`, false}, {`[a]`, false}, {`a{2}`, false}, {`(?:a)`, false}, {"\xff", false}, {`a*?b+?`, true}, {`a*??`, false}} {
		if got := plainRE2(want.p); got != want.ok {
			t.Errorf("plainRE2(%q) = %v, want %v", want.p, got, want.ok)
		}
	}
	pats := ossecPCRE2(t)
	n := 0
	for _, p := range pats {
		for _, src := range []string{p, "(?i)" + p} {
			goPat := rewritePCRE2(cString(src), `\x{%s}`)
			if !plainRE2(goPat) {
				continue
			}
			n++
			if _, err := syntax.Parse(goPat, syntax.Perl); err != nil {
				t.Fatalf("plainRE2 accepts %q, which does not parse: %v", goPat, err)
			}
		}
	}
	t.Logf("plainRE2 accepts %d of the %d OSSEC PCRE2 patterns (as written and caseless)", n, 2*len(pats))
}

func FuzzPlainRE2(f *testing.F) {
	for _, s := range []string{`a(b)c`, `(?i)^x\d+ y$`, `a*?`, `\.`, `((a))`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, p string) {
		if plainRE2(p) {
			if _, err := syntax.Parse(p, syntax.Perl); err != nil {
				t.Fatalf("plainRE2 accepts %q, which does not parse: %v", p, err)
			}
		}
	})
}
