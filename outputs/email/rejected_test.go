package email

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// A mail the server refuses for good (5xx) while it takes the others
// must not hold back every later alert: it is set aside, kept on disk,
// counted and logged, and the rest is delivered in order. When the
// server refuses every mail, nothing is set aside: it is an outage, and
// after it every alert arrives.
func TestRefusedMailSetAside(t *testing.T) {
	for _, tc := range []struct {
		name   string
		poison []int // alerts whose mail the content filter refuses
		n      int
	}{
		{"first", []int{0}, 40},
		{"middle", []int{17}, 40},
		{"two in a row", []int{3, 4}, 40},
		{"last", []int{39}, 40},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newTestServer(t, false)
			word := "PHISHING-URL-" + strings.ReplaceAll(tc.name, " ", "-")
			s.poison.Store(&word)
			clk := newFakeClock(t0)
			logs := &logBuf{}
			home := t.TempDir()
			cfg := outageConfig(s.addr, clk, home, logs)
			cfg.Grouping = false // one alert, one mail
			m := newMailer(t, cfg, s)
			runMailer(t, m)
			bad := map[int]bool{}
			for _, i := range tc.poison {
				bad[i] = true
			}
			for i := range tc.n {
				a := outageAlert(i)
				if bad[i] {
					a.Event.FullLog += " " + word
				}
				m.Send(a)
			}
			m.syncLoop()
			// The last poisoned mail has no next one to prove it alone:
			// it waits; a later alert settles it.
			if bad[tc.n-1] {
				clk.Advance(maxBackoff)
				m.Send(outageAlert(tc.n))
				tc.n++
			}
			waitUntil(t, 20*time.Second, "the good mails", func() bool {
				m.syncLoop()
				clk.Advance(maxBackoff)
				return len(s.all()) == tc.n-len(tc.poison)
			})
			seen, _, _ := mailedAlerts(s)
			for i := range tc.n {
				if want := map[bool]int{true: 0, false: 1}[bad[i]]; seen[i] != want {
					t.Errorf("alert %d arrived %d times, want %d", i, seen[i], want)
				}
			}
			st := m.Stats()
			if st.Rejected != uint64(len(tc.poison)) || st.Pending != 0 || st.SpoolLost != 0 {
				t.Errorf("stats %+v, want %d rejected, 0 pending, 0 lost", st, len(tc.poison))
			}
			kept, _ := filepath.Glob(filepath.Join(home, "queue/mail", rejectedDir, "*.json"))
			if len(kept) != len(tc.poison) {
				t.Fatalf("%d records kept in %s, want %d", len(kept), rejectedDir, len(tc.poison))
			}
			for _, k := range kept {
				b, err := os.ReadFile(k)
				if err != nil || !strings.Contains(string(b), word) {
					t.Errorf("kept record %s does not hold the refused alert (%v)", k, err)
				}
			}
			if got := logs.Lines("mail refused for good", "554", "record="); len(got) == 0 {
				t.Errorf("no log line for the refused mail; log:\n%s", logs.String())
			}
		})
	}
}

// TestRefusedByAllIsAnOutage: a server that answers 5xx to every mail
// sets nothing aside; once it takes mail again, every alert arrives once.
func TestRefusedByAllIsAnOutage(t *testing.T) {
	s := newTestServer(t, false)
	s.dataErr.Store(554)
	clk := newFakeClock(t0)
	home := t.TempDir()
	cfg := outageConfig(s.addr, clk, home, &logBuf{})
	cfg.Grouping = false
	m := newMailer(t, cfg, s)
	runMailer(t, m)
	const n = 30
	for i := range n {
		m.Send(outageAlert(i))
	}
	for range 5 {
		m.syncLoop()
		clk.Advance(maxBackoff)
	}
	if st := m.Stats(); st.Rejected != 0 || st.Pending != n {
		t.Fatalf("during the refusals: stats %+v, want 0 rejected and %d pending", st, n)
	}
	s.dataErr.Store(0)
	waitUntil(t, 20*time.Second, "every mail", func() bool {
		m.syncLoop()
		clk.Advance(maxBackoff)
		return len(s.all()) == n
	})
	seen, _, _ := mailedAlerts(s)
	for i := range n {
		if seen[i] != 1 {
			t.Errorf("alert %d arrived %d times", i, seen[i])
		}
	}
	if kept, _ := filepath.Glob(filepath.Join(home, "queue/mail", rejectedDir, "*")); len(kept) != 0 {
		t.Errorf("%d records set aside during an outage", len(kept))
	}
}
