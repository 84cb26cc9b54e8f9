package email

import (
	"bytes"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"
)

// capLog is a log sink the mailer's goroutines write while the test reads.
type capLog struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *capLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *capLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestCapReachedIsLogged: the first alert held by email_maxperhour is a
// WARN saying the cap is spent, until when, for whom and what it holds
// (rule, level); the next held alerts are a rate-limited line, and a new
// hour whose cap is spent again is a new WARN.
func TestCapReachedIsLogged(t *testing.T) {
	s := newTestServer(t, false)
	clk := newFakeClock(t0) // 00:31:24
	var logs capLog
	cfg := testConfig(s, clk)
	cfg.MaxPerHour = 1
	cfg.Grouping = false
	cfg.Logger = slog.New(slog.NewTextHandler(&logs, nil))
	m := newMailer(t, cfg, s)
	runMailer(t, m)
	m.Send(mkAlert(100, 5, "first", "g,", "/var/log/x", "line a", true))
	m.Send(mkAlert(101, 10, "urgent", "g,", "/var/log/x", "line b", true))
	m.Send(mkAlert(102, 7, "later", "g,", "/var/log/x", "line c", true))
	m.syncLoop()
	s.wait(1)
	out := logs.String()
	if n := strings.Count(out, "email_maxperhour reached"); n != 1 {
		t.Fatalf("%d 'email_maxperhour reached' lines, want 1:\n%s", n, out)
	}
	for _, want := range []string{"rule=101", "level=10", "email_maxperhour=1", "until=01:00", "to=admin@example.com", "level=WARN"} {
		if !strings.Contains(out, want) {
			t.Errorf("the cap warning lacks %q:\n%s", want, out)
		}
	}
	if !strings.Contains(out, "held for the next-hour digest") || !strings.Contains(out, "rule=102") {
		t.Errorf("the second held alert is not said:\n%s", out)
	}
	// The next hour: the digest takes the new budget; a new alert is held
	// again, and that is a new warning.
	clk.Advance(30 * time.Minute)
	m.syncLoop()
	m.Send(mkAlert(103, 12, "next hour", "g,", "/var/log/x", "line d", true))
	m.syncLoop()
	if n := strings.Count(logs.String(), "email_maxperhour reached"); n != 2 {
		t.Errorf("%d 'email_maxperhour reached' lines after the hour turned and the cap was spent again, want 2:\n%s", n, logs.String())
	}
}
