package daemon

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/gossec/gossec/internal/alert"
	"github.com/gossec/gossec/internal/config"
	"github.com/gossec/gossec/internal/engine"
	"github.com/gossec/gossec/internal/positions"
)

// fakeSink records what reaches the alert files and fails on demand.
type fakeSink struct {
	mu                     sync.Mutex
	alertErr, archErr      error
	flushErr               error
	limit                  int            // > 0: alert writes fail with ENOSPC once this many alerts are in
	alerts, archives       map[string]int // full_log -> times written
	alertTries, flushTries int
}

func newFakeSink() *fakeSink {
	return &fakeSink{alerts: map[string]int{}, archives: map[string]int{}}
}

func (s *fakeSink) set(f func(*fakeSink)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f(s)
}

func (s *fakeSink) WriteAlert(a *alert.Alert) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.alertTries++
	a.ID = "1.0"
	if s.alertErr != nil {
		return s.alertErr
	}
	if s.limit > 0 && len(s.alerts) >= s.limit {
		return syscall.ENOSPC
	}
	s.alerts[a.Event.FullLog]++
	return nil
}

func (s *fakeSink) WriteArchive(a *alert.Alert) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.archErr != nil {
		return s.archErr
	}
	s.archives[a.Event.FullLog]++
	return nil
}

func (s *fakeSink) Flush() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.flushTries++
	return s.flushErr
}

func (s *fakeSink) written(line string) (alerts, archives int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.alerts[line], s.archives[line]
}

// fakeSender stands for syslog and email.
type fakeSender struct {
	mu   sync.Mutex
	sent map[string]int
	ids  []string
}

func (f *fakeSender) send(a *alert.Alert) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.sent[a.Event.FullLog]++
	f.ids = append(f.ids, a.ID)
}

func (f *fakeSender) count(line string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.sent[line]
}

var (
	rsOnce sync.Once
	rsTest *engine.Ruleset
	rsErrs []error
)

func testRuleset(t *testing.T) *engine.Ruleset {
	t.Helper()
	rsOnce.Do(func() { rsTest, rsErrs = engine.Load(nil, engine.LoadOptions{}) })
	if len(rsErrs) > 0 {
		t.Fatalf("loading the default ruleset: %v", rsErrs)
	}
	return rsTest
}

var testFile = positions.FileID{Dev: 7, Ino: 42}

// testLine is an sshd failure that the default ruleset alerts on (5716).
func testLine(n int) string {
	return fmt.Sprintf("Nov 21 09:13:44 db1 sshd[2230]: Failed password for u%08d from 10.0.0.1 port 1 ssh2", n)
}

func testItem(n int) item {
	return item{location: "/var/log/auth.log", text: testLine(n), pos: &filePos{id: testFile,
		entry: positions.Entry{Path: "/var/log/auth.log", Offset: int64(100 * n), Updated: time.Now()}}}
}

type deliveryFixture struct {
	an      *analyzer
	sink    *fakeSink
	sender  *fakeSender
	stats   *Stats
	posPath string
}

func newDeliveryFixture(t *testing.T, logAll bool) *deliveryFixture {
	t.Helper()
	posPath := filepath.Join(t.TempDir(), "queue", "positions.json")
	if err := os.MkdirAll(filepath.Dir(posPath), 0o750); err != nil {
		t.Fatal(err)
	}
	pos, err := positions.Open(posPath)
	if err != nil {
		t.Fatal(err)
	}
	cfg := config.Default()
	cfg.Global.LogAll = logAll
	f := &deliveryFixture{sink: newFakeSink(), sender: &fakeSender{sent: map[string]int{}}, stats: &Stats{}, posPath: posPath}
	clock := func() time.Time { return time.Date(2026, 11, 21, 9, 13, 44, 0, time.UTC) }
	f.an = newAnalyzer(testRuleset(t), cfg, clock, f.sink, pos, f.stats, slog.New(slog.NewTextHandler(io.Discard, nil)))
	f.an.outs = f.sender
	return f
}

// durable is the offset of testFile in the positions file on disk (-1:
// none).
func (f *deliveryFixture) durable(t *testing.T) int64 {
	t.Helper()
	st, err := positions.Open(f.posPath)
	if err != nil {
		t.Fatal(err)
	}
	e, ok := st.Get(testFile)
	if !ok {
		return -1
	}
	return e.Offset
}

// TestFailedWriteIsNotCommitted: the position of a line whose alert could
// not be written is not committed; retries back off; once the file works
// the alert is written once and the position moves on; the outputs got
// the alert exactly once, at the first attempt.
func TestFailedWriteIsNotCommitted(t *testing.T) {
	f := newDeliveryFixture(t, false)
	a := f.an
	for n := 1; n <= 2; n++ {
		a.process(testItem(n))
	}
	if err := a.commit(); err != nil {
		t.Fatal(err)
	}
	if got := f.durable(t); got != 200 {
		t.Fatalf("committed offset %d, want 200", got)
	}
	f.sink.set(func(s *fakeSink) { s.alertErr = syscall.ENOSPC })
	a.process(testItem(3))
	if !a.blocked() {
		t.Fatal("a failed alert write did not block the analyzer")
	}
	if got := f.sender.count(testLine(3)); got != 1 {
		t.Errorf("the outputs got the alert of a failed file write %d times, want 1", got)
	}
	if err := a.commit(); err != nil {
		t.Fatal(err)
	}
	if got := f.durable(t); got != 200 {
		t.Errorf("after a failed write the committed offset is %d, want 200 (line 3 not written)", got)
	}
	var delays []time.Duration
	for range 8 {
		delays = append(delays, a.retryDelay())
		a.retry()
		if !a.blocked() {
			t.Fatal("retry unblocked while the file still fails")
		}
	}
	want := []time.Duration{100, 200, 400, 800, 1600, 3200, 5000, 5000}
	for i := range want {
		if delays[i] != want[i]*time.Millisecond {
			t.Errorf("retry delays %v, want %v ms", delays, want)
			break
		}
	}
	f.sink.set(func(s *fakeSink) { s.alertErr = nil })
	a.retry()
	if a.blocked() {
		t.Fatal("still blocked once the file works")
	}
	if a.retryDelay() != retryMin {
		t.Errorf("delay after recovery %v, want %v", a.retryDelay(), retryMin)
	}
	a.process(testItem(4))
	if err := a.commit(); err != nil {
		t.Fatal(err)
	}
	if got := f.durable(t); got != 400 {
		t.Errorf("after recovery the committed offset is %d, want 400", got)
	}
	for n := 1; n <= 4; n++ {
		if al, _ := f.sink.written(testLine(n)); al != 1 {
			t.Errorf("line %d written %d times to the alert files, want 1", n, al)
		}
		if got := f.sender.count(testLine(n)); got != 1 {
			t.Errorf("line %d sent %d times to the outputs, want 1", n, got)
		}
	}
	if got := f.stats.OutputErrors.Load(); got != 9 {
		t.Errorf("output_errors = %d, want 9 (1 write + 8 retries)", got)
	}
	if got := f.stats.OutputStalls.Load(); got != 1 {
		t.Errorf("output_stalls = %d, want 1", got)
	}
	if got := f.stats.AlertsByLevel[5].Load(); got != 4 {
		t.Errorf("level 5 alerts counted %d, want 4", got)
	}
}

// TestArchiveFailureRetriesOnlyArchive: when the alert is written but the
// archive is not, the retry writes the archive only.
func TestArchiveFailureRetriesOnlyArchive(t *testing.T) {
	f := newDeliveryFixture(t, true)
	f.sink.set(func(s *fakeSink) { s.archErr = syscall.ENOSPC })
	f.an.process(testItem(1))
	f.an.retry()
	f.an.retry()
	if !f.an.blocked() {
		t.Fatal("a failed archive write did not block")
	}
	f.sink.set(func(s *fakeSink) { s.archErr = nil })
	f.an.retry()
	if f.an.blocked() {
		t.Fatal("still blocked")
	}
	if al, ar := f.sink.written(testLine(1)); al != 1 || ar != 1 {
		t.Errorf("alert written %d times, archive %d times; want 1 and 1", al, ar)
	}
	if got := f.sender.count(testLine(1)); got != 1 {
		t.Errorf("sent %d times, want 1", got)
	}
	if err := f.an.commit(); err != nil {
		t.Fatal(err)
	}
	if got := f.durable(t); got != 100 {
		t.Errorf("committed offset %d, want 100", got)
	}
}

// TestCommitFailureBlocksAndRetries: alert files that cannot be flushed,
// and a positions file that cannot be written, block intake and are
// retried; nothing pending is forgotten.
func TestCommitFailureBlocksAndRetries(t *testing.T) {
	t.Run("alert flush", func(t *testing.T) {
		f := newDeliveryFixture(t, false)
		f.an.process(testItem(1))
		f.sink.set(func(s *fakeSink) { s.flushErr = syscall.EIO })
		if err := f.an.commit(); !errors.Is(err, syscall.EIO) {
			t.Fatalf("commit: %v, want EIO", err)
		}
		if !f.an.blocked() || f.an.committing() {
			t.Fatal("a failed flush did not block")
		}
		f.an.retry()
		if got := f.durable(t); got != -1 {
			t.Errorf("offset %d committed although the alerts were not flushed", got)
		}
		if got := f.stats.OutputStalls.Load(); got != 1 {
			t.Errorf("output_stalls = %d after a failing commit retried, want 1", got)
		}
		f.sink.set(func(s *fakeSink) { s.flushErr = nil })
		f.an.retry()
		if f.an.blocked() {
			t.Fatal("still blocked once the flush works")
		}
		if got := f.durable(t); got != 100 {
			t.Errorf("committed offset %d, want 100", got)
		}
	})
	t.Run("positions file", func(t *testing.T) {
		f := newDeliveryFixture(t, false)
		f.an.process(testItem(1))
		dir := filepath.Dir(f.posPath)
		if err := os.RemoveAll(dir); err != nil {
			t.Fatal(err)
		}
		if err := f.an.commit(); err == nil {
			t.Fatal("commit with the positions directory gone succeeded")
		}
		if !f.an.blocked() {
			t.Fatal("a failed positions flush did not block")
		}
		f.an.retry()
		if !f.an.blocked() {
			t.Fatal("unblocked while the positions file still cannot be written")
		}
		if err := os.MkdirAll(dir, 0o750); err != nil {
			t.Fatal(err)
		}
		f.an.retry()
		if f.an.blocked() {
			t.Fatal("still blocked once the positions file can be written")
		}
		if got := f.durable(t); got != 100 {
			t.Errorf("committed offset %d, want 100", got)
		}
	})
}

// loopFixture runs daemon.analyze on a fed queue, with the retry timer in
// the test's hands.
type loopFixture struct {
	*deliveryFixture
	d      *daemon
	items  chan item
	stop   chan struct{}
	fed    chan int // line numbers taken by the queue
	delays chan time.Duration
	fire   chan time.Time
}

func newLoopFixture(t *testing.T, lines int) *loopFixture {
	t.Helper()
	f := &loopFixture{deliveryFixture: newDeliveryFixture(t, false), items: make(chan item, 2),
		stop: make(chan struct{}), fed: make(chan int, lines), delays: make(chan time.Duration, 100), fire: make(chan time.Time)}
	home := t.TempDir()
	if err := os.MkdirAll(filepath.Join(home, "var", "run"), 0o750); err != nil {
		t.Fatal(err)
	}
	f.d = &daemon{
		opt: Options{Home: home, CommitInterval: 5 * time.Millisecond, Clock: time.Now, Notify: func(string) {},
			Logger: slog.New(slog.NewTextHandler(io.Discard, nil))},
		log: slog.New(slog.NewTextHandler(io.Discard, nil)), an: f.an, pos: f.an.pos, stats: f.stats,
		after: func(d time.Duration) <-chan time.Time {
			f.delays <- d
			return f.fire
		},
	}
	// One input feeding numbered lines, stopped like the real ones.
	var once sync.Once
	in := &input{name: "test feeder", cancel: func() { once.Do(func() { close(f.stop) }) }, done: make(chan struct{})}
	f.d.items, f.d.inputs, f.d.cfg = f.items, []*input{in}, &config.Config{}
	// The loop decodes queued events ahead (lookahead), as the service
	// does with more than one CPU.
	f.d.la = newLookahead(f.an.an, lookaheadSize)
	t.Cleanup(f.d.la.stop)
	go func() {
		defer close(in.done)
		for n := 1; n <= lines; n++ {
			select {
			case f.items <- testItem(n):
				f.fed <- n
			case <-f.stop:
				return
			}
		}
		<-f.stop
	}()
	return f
}

// delay is the next retry delay the loop asked for.
func (f *loopFixture) delay(t *testing.T) time.Duration {
	t.Helper()
	select {
	case d := <-f.delays:
		return d
	case <-time.After(10 * time.Second):
		t.Fatal("timed out waiting for the loop to arm a retry")
		return 0
	}
}

func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

// TestAnalyzeBackpressureAndResume: while the alert file fails, the loop
// takes no more events (the inputs wait) and retries on the backoff
// timer; once the file works it resumes by itself and delivers every line
// once.
func TestAnalyzeBackpressureAndResume(t *testing.T) {
	const lines = 20
	f := newLoopFixture(t, lines)
	f.sink.set(func(s *fakeSink) { s.alertErr = syscall.ENOSPC })
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error)
	go func() { done <- f.d.loop(ctx) }()

	if d := f.delay(t); d != retryMin {
		t.Errorf("first retry after %v, want %v", d, retryMin)
	}
	// The queue (2) fills and the feeder waits: 1 taken + 2 queued + at
	// most 1 in the feeder's hands; with the lookahead, the events queued
	// behind the first were taken with it (held, not delivered) and the
	// queue filled again: 2 more.
	time.Sleep(50 * time.Millisecond)
	limit := 4
	if f.d.la != nil {
		limit += cap(f.items)
	}
	if n := len(f.fed); n > limit {
		t.Errorf("%d lines taken while the alert file fails, want at most %d (back-pressure)", n, limit)
	}
	f.fire <- time.Now()
	if d := f.delay(t); d != 2*retryMin {
		t.Errorf("second retry after %v, want %v", d, 2*retryMin)
	}
	f.sink.set(func(s *fakeSink) { s.alertErr = nil })
	f.fire <- time.Now()
	waitUntil(t, "every line delivered", func() bool {
		f.sink.mu.Lock()
		defer f.sink.mu.Unlock()
		return len(f.sink.alerts) == lines
	})
	waitUntil(t, "the last position committed", func() bool { return f.durable(t) == 100*lines })
	cancel()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("loop did not return after cancel")
	}
	for n := 1; n <= lines; n++ {
		if al, _ := f.sink.written(testLine(n)); al != 1 {
			t.Errorf("line %d written %d times, want 1", n, al)
		}
		if got := f.sender.count(testLine(n)); got != 1 {
			t.Errorf("line %d sent %d times, want 1", n, got)
		}
	}
}

// TestAnalyzeStopDuringOutage: SIGTERM while the alert file fails ends
// the loop without waiting for the disk, and leaves the undelivered lines
// uncommitted so that the next start reads them again.
func TestAnalyzeStopDuringOutage(t *testing.T) {
	f := newLoopFixture(t, 20)
	f.sink.set(func(s *fakeSink) { s.limit = 3 })
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error)
	go func() { done <- f.d.loop(ctx) }()
	f.delay(t) // blocked on line 4
	waitUntil(t, "line 3 committed", func() bool { return f.durable(t) == 300 })
	committed := f.durable(t)
	cancel()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("loop did not return after cancel during an outage")
	}
	if err := f.an.commit(); err != nil {
		t.Fatal(err)
	}
	f.sink.mu.Lock()
	written := len(f.sink.alerts)
	f.sink.mu.Unlock()
	if got := f.durable(t); got != 300 || written != 3 || committed != 300 {
		t.Errorf("after the stop the committed offset is %d (%d before), %d lines written; want 300 and 3", got, committed, written)
	}
	if f.stats.AbandonedAtStop.Load() == 0 {
		t.Error("no event counted as abandoned at stop")
	}
	if f.stats.LostAtStop.Load() != 0 {
		t.Error("file events counted as lost")
	}
}
