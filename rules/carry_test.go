package rules

import (
	"testing"

	"github.com/gossec/gossec/internal/event"
)

// TestCarryKeepsCorrelation: a reload in the middle of a burst must not
// reset the frequency count, fired counters or first-time-seen memory.
func TestCarryKeepsCorrelation(t *testing.T) {
	rules := group(
		`<rule id="100" level="3"><match>failed</match><description>failure</description></rule>`,
		`<rule id="101" level="10" frequency="4" timeframe="60">
		   <if_matched_sid>100</if_matched_sid><same_source_ip />
		   <description>burst</description></rule>`,
	)
	extra := group(`<rule id="200" level="5"><match>unrelated</match><description>other</description></rule>`)
	old := mustLoad(t, rules)
	st := NewState(old, Config{})
	ev := func(sec int) *event.Event {
		return mkEvent("login failed", withStatic(event.SrcIP, "10.0.0.1"), at(sec))
	}
	for i := 1; i <= 3; i++ {
		if id := matchID(old, st, ev(i)); id != 100 {
			t.Fatalf("event %d: rule %d, want 100", i, id)
		}
	}
	// The reloaded ruleset has one more file, so list indexes and rule
	// positions differ from the old tree.
	reloaded := mustLoad(t, extra, rules)
	carried := st.Carry(reloaded, Config{})
	if got := carried.FiredTimes(reloaded.Rule(100)); got != 3 {
		t.Errorf("fired times after carry = %d, want 3", got)
	}
	if id := matchID(reloaded, carried, ev(4)); id != 101 {
		t.Errorf("4th event after reload: rule %d, want 101 (frequency kept across reload)", id)
	}
	fresh := NewState(reloaded, Config{})
	if id := matchID(reloaded, fresh, ev(5)); id != 100 {
		t.Errorf("fresh state: rule %d, want 100", id)
	}
}
