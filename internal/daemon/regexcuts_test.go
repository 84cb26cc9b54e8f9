package daemon

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/gossec/gossec/internal/osregex"
)

// TestRegexCutsCountAndRateLimit: cuts are counted per rule and decoder
// and in total; each owner is logged once, then at most once per
// regexLogEvery with the count since its last line.
func TestRegexCutsCountAndRateLimit(t *testing.T) {
	var logBuf bytes.Buffer
	log := slog.New(slog.NewTextHandler(&logBuf, nil))
	p := osregex.MustCompile(osregex.PCRE2, "(?=(a+)+b)")
	var c regexCuts
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	event := []osregex.Cut{
		{Pattern: p, OwnerKind: "rule", Owner: "100100"},
		{Pattern: p, Skipped: true, OwnerKind: "decoder", Owner: "rx"},
	}
	for i := 0; i < 100; i++ {
		c.record(event, now.Add(time.Duration(i)*time.Second), log)
	}
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
	// 100 s of cuts: logged at 0 s and 60 s for each owner.
	lines := strings.Split(strings.TrimSpace(logBuf.String()), "\n")
	if len(lines) != 4 {
		t.Fatalf("%d log lines, want 4:\n%s", len(lines), logBuf.String())
	}
	if !strings.Contains(lines[0], "rule=100100") || !strings.Contains(lines[0], `pattern="(?=(a+)+b)"`) {
		t.Errorf("first line %q", lines[0])
	}
	if !strings.Contains(lines[2], "rule=100100") || !strings.Contains(lines[2], "cuts_since_last_log=60") {
		t.Errorf("third line %q", lines[2])
	}
}
