package osregex

import (
	"sync"
	"time"

	"github.com/dlclark/regexp2"
)

// A backtracking pattern (PCRE2 with look-around or back-references, run
// on regexp2) can take time exponential in the subject. A per-match
// timeout alone does not bound an event: every rule and decoder with such
// a pattern adds its own timeout, and lines arrive faster than they time
// out. A Budget bounds the backtracking time of one event across all its
// matches: each match gets at most what is left as its timeout, and once
// the budget is spent the remaining backtracking matches of the event are
// not started. Patterns on Go's regexp and the OSSEC dialects run in
// linear time and never touch the budget (no clock read, no bookkeeping).
//
// A match that timed out or was skipped is a cut: it counts as "no match"
// for the caller, who must not read it as a verdict on the subject (rules
// fail the element even when it is negated). Cuts are recorded in the
// Budget so the caller can count and log them per rule or decoder.

// DefaultBudget is the backtracking time one event may spend, shared by
// all its rules and decoders.
const DefaultBudget = 50 * time.Millisecond

// MinBudget is the smallest useful budget: below it no match could be
// given even the shortest timeout (see timeoutSlack).
const MinBudget = timeoutSlack + time.Millisecond

// timeoutTick is the period of regexp2's timeout clock. regexp2 reads a
// coarse clock that a background goroutine advances (100 ms by default),
// and a deadline fires up to two periods late; at the default a 10 ms
// timeout would take 200 ms. The goroutine only runs while timed matches
// happen (and one second after), so the tick costs nothing when no
// backtracking pattern is in use; while they are, it costs a wakeup per
// tick (measured: about 2-3% of a core at 5 ms on a loaded 2-core host,
// against 4% at 2 ms and 0.5% at the 100 ms default).
const timeoutTick = 5 * time.Millisecond

// timeoutSlack is how late regexp2 may notice a deadline: one tick added
// by makeDeadline, one tick of clock lag and one unit (~1 ms) of its
// clock's resolution. A match is given at most left-timeoutSlack so that
// it ends within the budget.
const timeoutSlack = 2*timeoutTick + time.Millisecond

func init() {
	// Before any match: regexp2 reads the period without synchronisation.
	regexp2.SetTimeoutCheckPeriod(timeoutTick)
}

// tierTimeouts are the per-match timeouts a budget can hand out below
// PCRE2MatchTimeout. regexp2 reads the timeout from the shared compiled
// Regexp, so each tier is a separate compilation of the pattern, made on
// first use; the largest tier not above what is left is chosen.
var tierTimeouts = [...]time.Duration{
	1 * time.Millisecond, 2 * time.Millisecond, 4 * time.Millisecond, 8 * time.Millisecond,
	16 * time.Millisecond, 32 * time.Millisecond, 64 * time.Millisecond,
}

type tier struct {
	once sync.Once
	re   *regexp2.Regexp
}

// Cut is one backtracking match of an event that was not completed.
type Cut struct {
	Pattern *Pattern
	// Skipped is true when the match was not started because the event's
	// budget was spent; false when it ran into its timeout.
	Skipped bool
	// Owner names what the pattern belongs to, as the caller labelled it
	// with Own (e.g. "rule", "100100" or "decoder", "sshd").
	OwnerKind, Owner string
}

// Budget is the backtracking time of one event. It is not safe for
// concurrent use: one per analysis session, Reset before each event. A nil
// *Budget means no budget: each match only has PCRE2MatchTimeout, and
// cuts are not recorded.
type Budget struct {
	limit time.Duration
	now   func() time.Duration
	left  time.Duration
	cuts  []Cut
}

var epoch = time.Now()

// monotonic is the default budget clock: time.Since reads the monotonic
// clock, so wall-clock steps do not refill or drain a budget.
func monotonic() time.Duration { return time.Since(epoch) }

// NewBudget returns a budget of limit per event (<= 0: DefaultBudget;
// raised to MinBudget).
// now is a monotonic clock (nil: the real one); tests inject a fake.
func NewBudget(limit time.Duration, now func() time.Duration) *Budget {
	if limit <= 0 {
		limit = DefaultBudget
	}
	limit = max(limit, MinBudget)
	if now == nil {
		now = monotonic
	}
	return &Budget{limit: limit, now: now, left: limit}
}

// Reset starts a new event: the whole budget, no cuts.
func (b *Budget) Reset() {
	if b == nil {
		return
	}
	b.left = b.limit
	b.cuts = b.cuts[:0]
}

// Limit returns the budget of one event.
func (b *Budget) Limit() time.Duration { return b.limit }

// Left returns what is left of the event's budget (may be negative after
// a late timeout).
func (b *Budget) Left() time.Duration { return b.left }

// Cuts returns the event's cut matches, valid until the next Reset.
func (b *Budget) Cuts() []Cut {
	if b == nil {
		return nil
	}
	return b.cuts
}

// Mark returns the number of cuts so far; pass it to Own after evaluating
// something to label the cuts it caused.
func (b *Budget) Mark() int {
	if b == nil {
		return 0
	}
	return len(b.cuts)
}

// Own labels the cuts recorded since mark with their owner.
func (b *Budget) Own(mark int, kind, name string) {
	if b == nil {
		return
	}
	for i := mark; i < len(b.cuts); i++ {
		b.cuts[i].OwnerKind, b.cuts[i].Owner = kind, name
	}
}

// timeout returns the timeout the next match may have, false when the
// budget is spent.
func (b *Budget) timeout() (time.Duration, bool) {
	d := min(b.left-timeoutSlack, PCRE2MatchTimeout)
	return d, d >= tierTimeouts[0]
}

// run performs one backtracking match under the budget: fn runs with the
// regexp to use, and reports a regexp2 error (a timeout). The result says
// whether the match was cut.
func (b *Budget) run(p *Pattern, bt *pcre2Backtrack, fn func(re *regexp2.Regexp) error) (cut bool) {
	if b == nil {
		return fn(bt.re) != nil
	}
	d, ok := b.timeout()
	if !ok {
		b.cuts = append(b.cuts, Cut{Pattern: p, Skipped: true})
		return true
	}
	t0 := b.now()
	err := fn(bt.withTimeout(d))
	b.left -= b.now() - t0
	if err != nil {
		b.cuts = append(b.cuts, Cut{Pattern: p})
		return true
	}
	return false
}

// withTimeout returns the compilation of the pattern whose timeout is the
// largest tier not above d (the base one from PCRE2MatchTimeout up).
func (p *pcre2Backtrack) withTimeout(d time.Duration) *regexp2.Regexp {
	if d >= PCRE2MatchTimeout {
		return p.re
	}
	i := len(tierTimeouts) - 1
	for i > 0 && tierTimeouts[i] > d {
		i--
	}
	t := &p.tiers[i]
	t.once.Do(func() {
		// The pattern compiled once already; a failure here cannot happen,
		// and the base compilation is a safe fallback.
		re, err := regexp2.Compile(p.re.String(), backtrackOptions)
		if err != nil {
			t.re = p.re
			return
		}
		re.MatchTimeout = tierTimeouts[i]
		t.re = re
	})
	return t.re
}

// backtrackOptions are the regexp2 options of every compilation of a
// pattern: PCRE2 compiled without options.
const backtrackOptions = regexp2.None
