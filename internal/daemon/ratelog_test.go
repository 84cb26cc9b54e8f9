package daemon

import (
	"bytes"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"
)

func TestRateLog(t *testing.T) {
	var buf bytes.Buffer
	now := time.Date(2026, 11, 21, 9, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	rl := newRateLog(slog.New(slog.NewTextHandler(&buf, nil)), clock, "writing alert files", time.Minute)
	lines := func() []string {
		s := strings.TrimSuffix(buf.String(), "\n")
		if s == "" {
			return nil
		}
		return strings.Split(s, "\n")
	}
	errFull := errors.New("no space left on device")

	steps := []struct {
		name    string
		advance time.Duration
		fail    bool
		want    int    // lines logged so far
		contain string // in the last line
	}{
		{"first failure logged", 0, true, 1, "writing alert files failed; retrying"},
		{"repeat within the minute", 10 * time.Second, true, 1, ""},
		{"repeat within the minute", 20 * time.Second, true, 1, ""},
		{"summary after a minute", 31 * time.Second, true, 2, "failures=3"},
		{"quiet again", time.Second, true, 2, ""},
		{"recovery logged", time.Second, false, 3, `"writing alert files recovered" failures=5 after=1m3s`},
		{"success stays quiet", time.Second, false, 3, ""},
		{"new outage logged at once", time.Second, true, 4, "failed; retrying"},
	}
	for _, st := range steps {
		now = now.Add(st.advance)
		if st.fail {
			rl.fail(errFull, "file", "alerts.json")
		} else {
			rl.ok()
		}
		got := lines()
		if len(got) != st.want {
			t.Fatalf("%s: %d lines logged, want %d:\n%s", st.name, len(got), st.want, buf.String())
		}
		if st.contain != "" && !strings.Contains(got[len(got)-1], st.contain) {
			t.Errorf("%s: last line %q lacks %q", st.name, got[len(got)-1], st.contain)
		}
	}
	if !strings.Contains(lines()[1], "for=1m1s") || !strings.Contains(lines()[0], "file=alerts.json") {
		t.Errorf("summary or attrs missing: %q", lines()[:2])
	}
}
