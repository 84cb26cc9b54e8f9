package osregex

import (
	"strings"
	"testing"
	"time"
)

// stepClock is a fake monotonic clock that advances by step at each read.
type stepClock struct {
	t, step time.Duration
	reads   int
}

func (c *stepClock) now() time.Duration {
	c.reads++
	c.t += c.step
	return c.t
}

const hostile = "(?=(a+)+b)"

var hostileSubject = strings.Repeat("a", 40) + "!"

// TestBudgetSharedFakeClock: twenty backtracking patterns on one event
// share the budget; with a clock that makes every match cost 10 ms, the
// matches that fit run and the rest are skipped and recorded, whatever
// the subject.
func TestBudgetSharedFakeClock(t *testing.T) {
	pats := make([]*Pattern, 20)
	for i := range pats {
		pats[i] = MustCompile(PCRE2, `(?=x)x\d+`)
	}
	clk := &stepClock{step: 10 * time.Millisecond} // a match spans one step
	b := NewBudget(50*time.Millisecond, clk.now)
	for round := 0; round < 2; round++ {
		b.Reset()
		clk.reads = 0
		ran, skipped := 0, 0
		for i, p := range pats {
			mark := b.Mark()
			ok, cut := p.MatchStringIn(b, "x12")
			b.Own(mark, "rule", string(rune('A'+i)))
			switch {
			case cut:
				skipped++
				if ok {
					t.Errorf("pattern %d: cut and matched", i)
				}
			case ok:
				ran++
			default:
				t.Errorf("pattern %d: no match on x12", i)
			}
		}
		// left 50 -> each match 10: runs while left-slack >= 1 ms.
		want := 0
		for left := 50 * time.Millisecond; left-timeoutSlack >= time.Millisecond; left -= 10 * time.Millisecond {
			want++
		}
		if ran != want || skipped != 20-want {
			t.Errorf("round %d: ran %d skipped %d, want %d and %d", round, ran, skipped, want, 20-want)
		}
		if spent := b.Limit() - b.Left(); spent != time.Duration(ran)*10*time.Millisecond {
			t.Errorf("round %d: spent %v for %d matches", round, spent, ran)
		}
		if clk.reads != 2*ran {
			t.Errorf("round %d: %d clock reads for %d matches run, want 2 each and none for skipped ones", round, clk.reads, ran)
		}
		cuts := b.Cuts()
		if len(cuts) != skipped {
			t.Fatalf("round %d: %d cuts recorded, want %d", round, len(cuts), skipped)
		}
		for i, c := range cuts {
			if !c.Skipped || c.OwnerKind != "rule" || c.Owner != string(rune('A'+ran+i)) || c.Pattern != pats[ran+i] {
				t.Errorf("round %d: cut %d = %+v", round, i, c)
			}
		}
	}
}

// TestBudgetBoundsHostileEvent: twenty hostile patterns on a hostile line
// cost about one budget in wall time (before: twenty timeouts of 100 ms,
// each taking up to 200 ms with regexp2's default clock).
func TestBudgetBoundsHostileEvent(t *testing.T) {
	pats := make([]*Pattern, 20)
	for i := range pats {
		pats[i] = MustCompile(PCRE2, hostile)
	}
	const limit = 30 * time.Millisecond
	b := NewBudget(limit, nil)
	for round := 0; round < 3; round++ {
		b.Reset()
		start := time.Now()
		for _, p := range pats {
			if ok, cut := p.MatchStringIn(b, hostileSubject); ok || !cut {
				t.Fatalf("hostile match: ok %v cut %v, want a cut", ok, cut)
			}
		}
		took := time.Since(start)
		cuts := b.Cuts()
		timedOut := 0
		for _, c := range cuts {
			if !c.Skipped {
				timedOut++
			}
		}
		t.Logf("round %d: 20 hostile matches took %v (%d timed out, %d skipped)", round, took, timedOut, len(cuts)-timedOut)
		// The budget is shared: once the first match has spent it, the
		// others are skipped, not each given a timeout of its own.
		if len(cuts) != len(pats) || timedOut == 0 || timedOut > 5 {
			t.Errorf("round %d: %d cuts, %d timed out; want 20 cuts, a few timed out and the rest skipped", round, len(cuts), timedOut)
		}
		// The wall time is only a sanity bound, generous for a loaded
		// machine and the race detector (the count above is the
		// property); without the budget this takes seconds.
		if took > limit+time.Second {
			t.Errorf("round %d: 20 hostile matches took %v, budget %v", round, took, limit)
		}
	}
}

// TestBudgetCutIsNotSilent: a subject that contains a match behind a
// catastrophic prefix: the cut is reported, not taken for "no match".
func TestBudgetCutIsNotSilent(t *testing.T) {
	p := MustCompile(PCRE2, hostile)
	b := NewBudget(20*time.Millisecond, nil)
	b.Reset()
	ok, cut := p.MatchStringIn(b, strings.Repeat("a", 30)+"!ab")
	if ok || !cut {
		t.Errorf("got ok %v cut %v, want a cut", ok, cut)
	}
	if _, _, ok, cut := p.FindIn(b, strings.Repeat("a", 30)+"!ab", nil); ok || !cut {
		t.Errorf("FindIn: ok %v cut %v, want a cut (budget spent)", ok, cut)
	}
	// With time to spare the same pattern matches.
	b.Reset()
	if ok, cut := p.MatchStringIn(b, "aab"); !ok || cut {
		t.Errorf("aab: ok %v cut %v, want a match", ok, cut)
	}
	if caps, end, ok, cut := p.FindIn(b, "xaab", nil); !ok || cut || end != 1 || len(caps) != 2 {
		t.Errorf("FindIn xaab: caps %v end %d ok %v cut %v", caps, end, ok, cut)
	}
}

// TestBudgetLinearPatternsUntouched: patterns that do not backtrack never
// read the budget's clock nor record anything, and a nil budget works.
func TestBudgetLinearPatternsUntouched(t *testing.T) {
	clk := func() time.Duration { t.Fatal("clock read for a linear pattern"); return 0 }
	b := NewBudget(time.Millisecond, clk)
	b.Reset()
	for _, c := range []struct {
		kind Kind
		pat  string
	}{{PCRE2, `(a+)+b`}, {PCRE2, `^x\d+$`}, {OSRegex, `^x\d+$`}, {OSMatch, `x1`}} {
		p := MustCompile(c.kind, c.pat)
		if p.Backtracks() {
			t.Errorf("%s %q backtracks", c.kind, c.pat)
		}
		p.MatchStringIn(b, hostileSubject)
		p.FindIn(b, "x12", nil)
		p.FindEndIn(b, "x12")
	}
	if len(b.Cuts()) != 0 {
		t.Errorf("cuts %v", b.Cuts())
	}
	var nilB *Budget
	nilB.Reset()
	if ok, cut := MustCompile(PCRE2, `(?=x)x`).MatchStringIn(nilB, "x"); !ok || cut {
		t.Errorf("nil budget: ok %v cut %v", ok, cut)
	}
}

// TestBudgetAllocs: the budget adds no allocation to a match.
func TestBudgetAllocs(t *testing.T) {
	b := NewBudget(0, nil)
	lin := MustCompile(PCRE2, `^x\d+$`)
	if n := testing.AllocsPerRun(100, func() { b.Reset(); lin.MatchStringIn(b, "x12") }); n != 0 {
		t.Errorf("linear pattern under a budget: %v allocs", n)
	}
	bt := MustCompile(PCRE2, `(?=x)x\d+`)
	plain := testing.AllocsPerRun(100, func() { bt.MatchString("x12") })
	budget := testing.AllocsPerRun(100, func() { b.Reset(); bt.MatchStringIn(b, "x12") })
	if budget > plain {
		t.Errorf("backtracking match: %v allocs under a budget, %v without", budget, plain)
	}
}

func TestHazard(t *testing.T) {
	for _, c := range []struct {
		pat  string
		want string // substring of the hazard, "" for none
	}{
		{`(?=(a+)+b)`, `"a+"`},
		{`(?=(?:a+)+b)`, `"a+"`},
		{`(?=(a*)*b)`, `"a*"`},
		{`(?=(a|aa)+b)`, `nested quantifier`},
		{`(?<=x)(\w+\s?)+$`, `"[0-9A-Z_a-z]+"`},
		{`(a)\1(b+)+`, `"b+"`},
		{`(?=(\wa|\db)+z)`, `branches`},
		{`(?=x)(\d+\.)+\d+`, ""},
		{`(?=x)(ab?)+`, ""},
		{`(?!foo)bar\d+`, ""},
		{`(a+)+b`, ""}, // runs on Go's regexp: linear, no warning
		{`(?=[a]+)(?:[^]a]+,)+`, ""},
	} {
		got := MustCompile(PCRE2, c.pat).Hazard()
		if c.want == "" && got != "" || c.want != "" && !strings.Contains(got, c.want) {
			t.Errorf("%s: hazard %q, want %q", c.pat, got, c.want)
		}
	}
}

func BenchmarkBudgetHostile(b *testing.B) {
	p := MustCompile(PCRE2, hostile)
	bud := NewBudget(5*time.Millisecond, nil)
	b.ReportAllocs()
	for b.Loop() {
		bud.Reset()
		p.MatchStringIn(bud, hostileSubject)
	}
}

func BenchmarkBudgetBacktrackingMatch(b *testing.B) {
	p := MustCompile(PCRE2, `(?=x)x\d+`)
	for _, c := range []struct {
		name string
		bud  *Budget
	}{{"nil", nil}, {"budget", NewBudget(0, nil)}} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				c.bud.Reset()
				p.MatchStringIn(c.bud, "x12345")
			}
		})
	}
}
