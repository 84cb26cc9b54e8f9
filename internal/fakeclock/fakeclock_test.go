package fakeclock

import (
	"testing"
	"time"
)

func TestAfterFiresOnAdvance(t *testing.T) {
	t0 := time.Date(2026, 12, 8, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name    string
		after   time.Duration
		advance []time.Duration
		fired   bool
		pending int
	}{
		{"zero fires at once", 0, nil, true, 0},
		{"not yet", time.Minute, []time.Duration{59 * time.Second}, false, 1},
		{"exactly due", time.Minute, []time.Duration{time.Minute}, true, 0},
		{"in two steps", time.Minute, []time.Duration{30 * time.Second, 31 * time.Second}, true, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := New(t0)
			ch := c.After(tc.after)
			var total time.Duration
			for _, d := range tc.advance {
				c.Advance(d)
				total += d
			}
			if got := c.Now(); !got.Equal(t0.Add(total)) {
				t.Errorf("Now = %v, want %v", got, t0.Add(total))
			}
			if c.Pending() != tc.pending {
				t.Errorf("Pending = %d, want %d", c.Pending(), tc.pending)
			}
			select {
			case <-ch:
				if !tc.fired {
					t.Error("fired early")
				}
			default:
				if tc.fired {
					t.Error("did not fire")
				}
			}
		})
	}
}
