package ratelog

import (
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"
)

// TestOutage: the first failure is logged at once, the repeats once per
// interval as a count, the end of the outage once with the number of
// failures and its length, and the next outage at once again.
func TestOutage(t *testing.T) {
	l, clk, out := newTest()
	o := l.Outage("writing alert files recovered")
	errFull := errors.New("no space left on device")
	fail := func() {
		o.Fail(slog.LevelError, "write", "writing alert files failed; retrying", "error", errFull, "file", "alerts.json")
	}
	steps := []struct {
		name    string
		advance time.Duration
		do      func()
		lines   int    // logged so far
		last    string // the last line, when set
	}{
		{"first failure logged", 0, fail, 1,
			`level=ERROR msg="writing alert files failed; retrying" output="email mx:25" error="no space left on device" file=alerts.json`},
		{"repeat within the interval", 10 * time.Second, fail, 1, ""},
		{"repeat within the interval", 20 * time.Second, fail, 1, ""},
		{"summary at the end of the interval", 30 * time.Second, nil, 2,
			`level=ERROR msg="writing alert files failed; retrying (repeated)" output="email mx:25" error="no space left on device" file=alerts.json times=2 in=1m0s`},
		{"quiet again", time.Second, fail, 2, ""},
		{"recovery: pending summary, then one line", time.Second, func() { o.Recover("pending", 7) }, 4,
			`level=INFO msg="writing alert files recovered" output="email mx:25" failures=4 after=1m2s pending=7`},
		{"success stays quiet", time.Second, func() { o.Recover() }, 4, ""},
		{"new outage logged at once", time.Second, fail, 5,
			`level=ERROR msg="writing alert files failed; retrying" output="email mx:25" error="no space left on device" file=alerts.json`},
	}
	for _, st := range steps {
		if st.advance > 0 {
			advance(t, clk, st.advance, 1)
		}
		if st.do != nil {
			st.do()
		}
		got := waitLines(t, out, st.lines)
		if len(got) != st.lines {
			t.Fatalf("%s: %d lines logged, want %d:\n%s", st.name, len(got), st.lines, strings.Join(got, "\n"))
		}
		if st.last != "" && got[len(got)-1] != st.last {
			t.Errorf("%s: last line\n%s\nwant\n%s", st.name, got[len(got)-1], st.last)
		}
	}
	if got := out.Lines()[2]; !strings.Contains(got, "(repeated)") || !strings.Contains(got, "times=1 in=2s") {
		t.Errorf("Recover did not write the pending summary first: %q", got)
	}
	if !o.Failing() {
		t.Error("Failing is false during the new outage")
	}
}

// TestOutageOutlivesEpisode: a retry backoff longer than the interval
// ends the key's episode (the next failure is logged at once), not the
// outage: Recover counts every failure since the first.
func TestOutageOutlivesEpisode(t *testing.T) {
	l, clk, out := newTest()
	o := l.Outage("mail delivery recovered")
	o.Fail(slog.LevelWarn, "send", "mail delivery failed")
	advance(t, clk, time.Minute, 1) // a quiet interval ends the episode
	waitEpisodeEnd(t, l, "send")
	clk.Advance(4 * time.Minute)
	o.Fail(slog.LevelWarn, "send", "mail delivery failed")
	if n := o.Recover(); n != 2 {
		t.Errorf("Recover = %d, want 2", n)
	}
	want := []string{
		`level=WARN msg="mail delivery failed" output="email mx:25"`,
		`level=WARN msg="mail delivery failed" output="email mx:25"`,
		`level=INFO msg="mail delivery recovered" output="email mx:25" failures=2 after=5m0s`,
	}
	if got := out.Lines(); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestOutageKeys: an outage made of several kinds of failure (connect,
// write) writes the pending summary of each when it ends.
func TestOutageKeys(t *testing.T) {
	l, _, out := newTest()
	o := l.Outage("syslog delivery recovered")
	o.Fail(slog.LevelWarn, "dial", "syslog connect failed")
	o.Fail(slog.LevelWarn, "dial", "syslog connect failed")
	o.Fail(slog.LevelWarn, "write", "syslog write failed")
	o.Fail(slog.LevelWarn, "write", "syslog write failed")
	o.Fail(slog.LevelWarn, "write", "syslog write failed")
	if n := o.Recover("queued", 3); n != 5 {
		t.Errorf("Recover = %d, want 5", n)
	}
	want := []string{
		`level=WARN msg="syslog connect failed" output="email mx:25"`,
		`level=WARN msg="syslog write failed" output="email mx:25"`,
		`level=WARN msg="syslog connect failed (repeated)" output="email mx:25" times=1 in=0s`,
		`level=WARN msg="syslog write failed (repeated)" output="email mx:25" times=2 in=0s`,
		`level=INFO msg="syslog delivery recovered" output="email mx:25" failures=5 after=0s queued=3`,
	}
	if got := out.Lines(); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestOutageNilLogger(t *testing.T) {
	for _, l := range []*Logger{nil, {}, New(nil, 0, nil)} {
		o := l.Outage("recovered")
		o.Fail(slog.LevelError, "k", "failed")
		if !o.Failing() {
			t.Error("Failing is false after a failure")
		}
		if n := o.Recover(); n != 1 {
			t.Errorf("Recover = %d, want 1", n)
		}
	}
}
