package daemon

import (
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/gossec/gossec/internal/fakeclock"
	"github.com/gossec/gossec/internal/logsink"
	"github.com/gossec/gossec/internal/osregex"
	"github.com/gossec/gossec/internal/ratelog"
)

// TestRegexCutsCountAndRateLimit: cuts are counted per rule and decoder
// and in total; each owner is logged at its first cut, then summarised
// once a minute with the count, and what is pending when the log closes.
func TestRegexCutsCountAndRateLimit(t *testing.T) {
	var logBuf logsink.Sink
	clk := fakeclock.New(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	rl := ratelog.New(slog.New(slog.NewTextHandler(&logBuf, nil)), time.Minute, clk)
	p := osregex.MustCompile(osregex.PCRE2, "(?=(a+)+b)")
	var c regexCuts
	event := []osregex.Cut{
		{Pattern: p, OwnerKind: "rule", Owner: "100100"},
		{Pattern: p, Skipped: true, OwnerKind: "decoder", Owner: "rx"},
	}
	for range 100 { // one event a second
		c.record(event, rl)
		clk.Advance(time.Second)
		// A summary is written by a timer goroutine, which then arms the
		// next: wait for both owners' before the next cut.
		for deadline := time.Now().Add(5 * time.Second); clk.Pending() < 2; time.Sleep(time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("%d timers armed, want 2", clk.Pending())
			}
		}
	}
	rl.Close()
	if got := c.timedOut.Load(); got != 100 {
		t.Errorf("timed out %d, want 100", got)
	}
	if got := c.skipped.Load(); got != 100 {
		t.Errorf("skipped %d, want 100", got)
	}
	if got := c.events.Load(); got != 100 {
		t.Errorf("events %d, want 100", got)
	}
	state := string(c.appendState(nil))
	for _, want := range []string{"regex_timeouts:decoder:rx='100'\n", "regex_timeouts:rule:100100='100'\n"} {
		if !strings.Contains(state, want) {
			t.Errorf("state %q lacks %q", state, want)
		}
	}
	if m := string(c.appendMetrics(nil)); !strings.Contains(m, `gossec_regex_cut_total{kind="rule",name="100100"} 100`) {
		t.Errorf("metrics:\n%s", m)
	}
	// 100 s of cuts, for each owner: the first at 0 s, a summary of the
	// next 59 at 60 s, of the last 40 at the close.
	for _, owner := range []string{"rule=100100", "decoder=rx"} {
		lines := logBuf.Lines("regex match cut", owner)
		if len(lines) != 3 {
			t.Fatalf("%d log lines for %s, want 3:\n%s", len(lines), owner, logBuf.String())
		}
		if strings.Contains(lines[0], "repeated") || !strings.Contains(lines[0], `pattern="(?=(a+)+b)"`) ||
			!strings.HasSuffix(lines[1], "times=59 in=1m0s") || !strings.HasSuffix(lines[2], "times=40 in=40s") {
			t.Errorf("lines for %s:\n%s", owner, strings.Join(lines, "\n"))
		}
	}
}
