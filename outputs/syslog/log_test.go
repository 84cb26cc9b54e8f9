package syslog

import (
	"log/slog"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gossec/gossec/internal/logsink"
	"github.com/gossec/gossec/internal/ratelog"
)

// logSink collects log lines from any goroutine.
type logSink = logsink.Sink

// TestFailuresLoggedOnceThenSummary: a TCP destination that refuses is
// retried every few milliseconds, but gossec.log gets the first failure,
// then one summary per interval, then one line when it recovers; every
// line names the output.
func TestFailuresLoggedOnceThenSummary(t *testing.T) {
	port := freePort(t)
	sink := &logSink{}
	c := fastConfig(FormatDefault, TCP, port)
	c.Logger = slog.New(slog.NewTextHandler(sink, nil))
	o := newOutput(t, c)
	// A short summary interval on the real clock stands for the minute.
	const interval = 150 * time.Millisecond
	o.rl = ratelog.New(c.Logger, interval, nil, "output", o.name)
	runOutput(t, o)
	o.Send(numbered(1))
	name := "syslog 127.0.0.1:" + strconv.Itoa(port) + "/tcp"
	waitFor(t, "a summary", func() bool { return len(sink.Lines("syslog connect failed (repeated)")) >= 2 })
	errs := o.Stats().Errors
	first := sink.Lines("syslog connect failed", `output="`+name+`"`)
	once := 0
	for _, l := range first {
		if !strings.Contains(l, "(repeated)") {
			once++
		}
	}
	if once != 1 {
		t.Errorf("%d first-failure lines, want 1:\n%s", once, strings.Join(first, "\n"))
	}
	if uint64(len(first)) >= errs {
		t.Errorf("%d log lines for %d failed dials: not rate limited", len(first), errs)
	}
	r := startReceiver(t, port, NewlineFraming, nil)
	r.expect(1, 5*time.Second)
	waitFor(t, "the recovery line", func() bool {
		return len(sink.Lines("syslog delivery recovered", `output="`+name+`"`)) == 1
	})
	t.Logf("%d failed dials, %d log lines", errs, len(sink.Lines()))
}

// TestDropsLogged: a queue overflow is logged at once, by output.
func TestDropsLogged(t *testing.T) {
	sink := &logSink{}
	c := fastConfig(FormatDefault, TCP, freePort(t))
	c.QueueSize = 2
	c.Logger = slog.New(slog.NewTextHandler(sink, nil))
	o := newOutput(t, c) // not running: nothing drains the queue
	for i := range 5 {
		o.Send(numbered(i))
	}
	got := sink.Lines("syslog queue full, oldest message dropped", "queue_size=2", "output=\"syslog 127.0.0.1:")
	if len(got) != 1 {
		t.Errorf("drop lines %q, want 1", got)
	}
	o.rl.Close()
	if got := sink.Lines("syslog queue full, oldest message dropped (repeated)", "times=2"); len(got) != 1 {
		t.Errorf("no summary of the drops at close: %q", sink.Lines())
	}
}
