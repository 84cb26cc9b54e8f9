package email

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gossec/gossec/internal/alert"
	"github.com/gossec/gossec/internal/blackhole"
	"github.com/gossec/gossec/internal/logsink"
)

// Outages of every kind (issue 8, finding 7): while the server refuses,
// hangs or answers 4xx/5xx, every mail-level alert goes to the spool and
// none is dropped; the backoff counts from the end of an attempt; the
// queue drains while an attempt hangs; after recovery every alert arrives
// once, in mails of at most MaxGroup alerts. Failures and drops are
// logged, rate limited (finding 8).

// logBuf collects log lines from any goroutine.
type logBuf = logsink.Sink

// freeAddr is a loopback address nobody listens on (for now).
func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

func waitUntil(t *testing.T, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s", timeout, what)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// syncConsumer waits until Run's consumer has handled everything sent
// before it, without waiting for the sender (which may hang).
func (m *Mailer) syncConsumer() {
	ch := make(chan struct{})
	m.queue <- item{sync: ch}
	<-ch
}

// spooledAlerts sums the alerts of the mails in the spool and reports the
// largest mail.
func (m *Mailer) spooledAlerts() (total, biggest int) {
	m.spool.mu.Lock()
	defer m.spool.mu.Unlock()
	for _, e := range m.spool.entries {
		total += e.msg.Alerts
		biggest = max(biggest, e.msg.Alerts)
	}
	return total, biggest
}

var outageLineRe = regexp.MustCompile(`(?m)^outage-(\d+)$`)

// outageAlert is alert i, recognisable by its log line.
func outageAlert(i int) *alert.Alert {
	return mkAlert(100+i%7, 10, "outage", "g,", "/var/log/x", "outage-"+strconv.Itoa(i), true)
}

// mailedAlerts counts per alert number the mails that carry it, and the
// most alerts one mail carried.
func mailedAlerts(s *testServer) (seen map[int]int, mails, biggest int) {
	seen = map[int]int{}
	msgs := s.all()
	for _, r := range msgs {
		biggest = max(biggest, strings.Count(r.body, "--END OF NOTIFICATION"))
		for _, sub := range outageLineRe.FindAllStringSubmatch(r.body, -1) {
			n, _ := strconv.Atoi(sub[1])
			seen[n]++
		}
	}
	return seen, len(msgs), biggest
}

func outageConfig(addr string, clk *fakeClock, home string, log *logBuf) Config {
	_, port, _ := net.SplitHostPort(addr)
	p, _ := strconv.Atoi(port)
	return Config{
		To:         []string{"soc@example.com"},
		From:       "gossec@example.com",
		SMTPServer: "127.0.0.1",
		HeloServer: "gossec.test",
		Port:       p,
		Security:   Plain,
		MaxPerHour: 9999,
		Grouping:   true,
		GroupDelay: 10 * time.Second,
		MaxGroup:   25,
		Timeout:    30 * time.Second, // a black hole holds the attempt for the whole test phase
		Home:       home,
		Clock:      clk,
		Logger:     slog.New(slog.NewTextHandler(log, nil)),
	}
}

// TestOutageKindsNoLoss: 3,000 mail-level alerts during a black hole (500
// for the other kinds, which take the same path), then recovery on the
// same port.
func TestOutageKindsNoLoss(t *testing.T) {
	type outage struct {
		n     int // alerts during the outage
		start func(t *testing.T, addr string) (recover func() *testServer)
		hangs bool // the first attempt hangs until the outage ends
	}
	code := func(set func(s *testServer)) func(t *testing.T, addr string) func() *testServer {
		return func(t *testing.T, addr string) func() *testServer {
			s := newTestServerOn(t, addr, false)
			set(s)
			return func() *testServer {
				s.reject.Store(false)
				s.rcptErr.Store(0)
				s.dataErr.Store(0)
				return s
			}
		}
	}
	for _, tc := range []struct {
		name string
		o    outage
	}{
		{"refused", outage{n: 500, start: func(t *testing.T, addr string) func() *testServer {
			return func() *testServer { return newTestServerOn(t, addr, false) }
		}}},
		{"black-hole", outage{n: 3000, hangs: true, start: func(t *testing.T, addr string) func() *testServer {
			b := blackhole.Listen(t, addr)
			t.Cleanup(func() {
				if got := b.Accepted(); got > 1 {
					t.Errorf("%d connections to the black hole: retries ran back to back", got)
				}
			})
			return func() *testServer {
				if b.Accepted() != 1 {
					t.Errorf("%d connections to the black hole while the first attempt hung, want 1", b.Accepted())
				}
				b.Close()
				return nil // refused now; the server comes later
			}
		}}},
		{"4xx-mail", outage{n: 500, start: code(func(s *testServer) { s.reject.Store(true) })}},
		{"4xx-rcpt", outage{n: 500, start: code(func(s *testServer) { s.rcptErr.Store(452) })}},
		{"5xx-rcpt", outage{n: 500, start: code(func(s *testServer) { s.rcptErr.Store(550) })}},
		{"5xx-data", outage{n: 500, start: code(func(s *testServer) { s.dataErr.Store(554) })}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			n := tc.o.n
			addr := freeAddr(t)
			recoverServer := tc.o.start(t, addr)
			clk := newFakeClock(t0)
			logs := &logBuf{}
			cfg := outageConfig(addr, clk, t.TempDir(), logs)
			m := newMailer(t, cfg, &testServer{})
			runMailer(t, m)

			// Alerts come in bursts no larger than the queue, as from an
			// analyzer: each burst must drain into the spool even while
			// the first delivery attempt hangs.
			for i := 0; i < n; {
				for end := min(i+500, n); i < end; i++ {
					if !m.Send(outageAlert(i)) {
						t.Fatalf("alert %d dropped", i)
					}
				}
				m.syncConsumer()
			}
			clk.Advance(cfg.GroupDelay) // the last, partial group
			m.syncConsumer()
			total, biggest := m.spooledAlerts()
			st := m.Stats()
			if total != n || st.Dropped != 0 || st.SpoolLost != 0 {
				t.Fatalf("during the outage: %d of %d alerts spooled, stats %+v", total, n, st)
			}
			if biggest > cfg.MaxGroup {
				t.Errorf("a spooled mail holds %d alerts, more than MaxGroup %d", biggest, cfg.MaxGroup)
			}
			if tc.o.hangs {
				if st.Failures != 0 {
					t.Errorf("%d failures while the attempt hangs", st.Failures)
				}
				srv := recoverServer()
				if srv != nil {
					t.Fatal("black hole recovers in two steps")
				}
				recoverServer = func() *testServer { return newTestServerOn(t, addr, false) }
			}
			// Two more failed attempts, each after the backoff.
			waitUntil(t, 10*time.Second, "the first failure", func() bool { return m.Stats().Failures >= 1 })
			m.syncLoop() // the sender waits for its retry
			clk.Advance(minBackoff)
			waitUntil(t, 10*time.Second, "the second failure", func() bool { return m.Stats().Failures >= 2 })
			m.syncLoop()
			clk.Advance(2 * minBackoff)
			waitUntil(t, 10*time.Second, "the third failure", func() bool { return m.Stats().Failures >= 3 })
			m.syncLoop()
			if f := m.Stats().Failures; f != 3 {
				t.Fatalf("%d failed attempts, want 3 (one per backoff)", f)
			}

			s := recoverServer()
			m.syncLoop()
			clk.Advance(4 * minBackoff)
			var seen map[int]int
			var mails, most int
			waitUntil(t, 60*time.Second, "every alert by mail", func() bool {
				seen, mails, most = mailedAlerts(s)
				return len(seen) >= n
			})
			m.syncLoop()
			seen, mails, most = mailedAlerts(s)
			for i := range n {
				if seen[i] != 1 {
					t.Fatalf("alert %d arrived %d times", i, seen[i])
				}
			}
			if most > cfg.MaxGroup {
				t.Errorf("a mail carried %d alerts, more than MaxGroup %d", most, cfg.MaxGroup)
			}
			st = m.Stats()
			if st.Pending != 0 || st.SpoolLost != 0 || st.Dropped != 0 || st.Mails != uint64(mails) {
				t.Errorf("after recovery: %+v (%d mails received)", st, mails)
			}
			t.Logf("%d alerts in %d mails, %d failed attempts", n, mails, st.Failures)

			// gossec.log: the first failure, one summary of the other
			// two (written when delivery recovered), one recovery line.
			out := `output="email ` + addr + `"`
			if got := logs.Lines("mail delivery failed", out); len(got) != 2 ||
				strings.Contains(got[0], "repeated") || !strings.Contains(got[1], "(repeated)") ||
				!strings.Contains(got[1], "times=2") {
				t.Errorf("failure lines:\n%s\nall:\n%s", strings.Join(got, "\n"), logs)
			}
			if got := logs.Lines("mail delivery recovered", out, "failures=3"); len(got) != 1 {
				t.Errorf("recovery lines: %q\nall:\n%s", got, logs)
			}
		})
	}
}

// scriptedTransport fails every attempt after holding it for hold on the
// fake clock (a server that hangs until the timeout), and records when
// each attempt started.
type scriptedTransport struct {
	clk    *fakeClock
	hold   time.Duration
	mu     sync.Mutex
	starts []time.Time
}

func (s *scriptedTransport) send(context.Context, *outMsg) error {
	s.mu.Lock()
	s.starts = append(s.starts, s.clk.Now())
	s.mu.Unlock()
	s.clk.Advance(s.hold)
	return errors.New("smtp: i/o timeout")
}

func (s *scriptedTransport) attempts() []time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []time.Duration
	for _, t := range s.starts {
		out = append(out, t.Sub(t0))
	}
	return out
}

// TestBackoffFromEndOfAttempt: attempts that each hang for 30 s are
// spaced by the backoff after their end (5 s, 10 s, 20 s, ...), not
// started back to back.
func TestBackoffFromEndOfAttempt(t *testing.T) {
	clk := newFakeClock(t0)
	cfg := outageConfig(freeAddr(t), clk, "", &logBuf{})
	cfg.Grouping = false
	m := newMailer(t, cfg, &testServer{})
	tr := &scriptedTransport{clk: clk, hold: 30 * time.Second}
	m.tr = tr
	runMailer(t, m)
	m.Send(outageAlert(1))
	m.syncLoop()
	want := []time.Duration{0}
	// Attempt k ends at start+30s and the next starts backoff later.
	next := 30 * time.Second
	for _, b := range []time.Duration{5, 10, 20, 40} {
		b *= time.Second
		next += b
		// One second before it is due, nothing happens.
		clk.Advance(next - time.Second - clk.Now().Sub(t0))
		m.syncLoop()
		if got := tr.attempts(); len(got) != len(want) {
			t.Fatalf("attempts at %v, want %v (retry before the backoff after the end of the last)", got, want)
		}
		clk.Advance(time.Second)
		m.syncLoop()
		want = append(want, next)
		next += 30 * time.Second
		if got := tr.attempts(); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("attempts at %v, want %v", got, want)
		}
	}
}

// TestSpoolFull: beyond email_spool_size the newest mails are dropped,
// counted and logged (once, then a summary); the oldest are delivered
// after recovery.
func TestSpoolFull(t *testing.T) {
	addr := freeAddr(t)
	s := newTestServerOn(t, addr, false)
	s.reject.Store(true)
	clk := newFakeClock(t0)
	logs := &logBuf{}
	cfg := outageConfig(addr, clk, t.TempDir(), logs)
	cfg.Grouping = false
	cfg.SpoolSize = 5
	m := newMailer(t, cfg, s)
	runMailer(t, m)
	for i := range 12 {
		m.Send(outageAlert(i))
	}
	m.syncLoop()
	st := m.Stats()
	if st.Pending != 5 || st.SpoolLost != 7 || st.Dropped != 0 {
		t.Fatalf("stats %+v, want 5 pending and 7 lost", st)
	}
	full := logs.Lines("mail spool full, newest mail dropped", "email_spool_size=5")
	if len(full) != 1 {
		t.Fatalf("spool-full lines %q, want 1 until the summary", full)
	}
	clk.Advance(time.Minute) // the summary interval
	m.syncLoop()
	waitUntil(t, 5*time.Second, "the spool-full summary", func() bool {
		return len(logs.Lines("mail spool full, newest mail dropped (repeated)", "times=6", "in=1m0s")) == 1
	})
	s.reject.Store(false)
	clk.Advance(maxBackoff)
	waitUntil(t, 10*time.Second, "5 mails", func() bool { return len(s.all()) == 5 })
	seen, _, _ := mailedAlerts(s)
	for i := range 5 {
		if seen[i] != 1 {
			t.Errorf("alert %d (one of the oldest) arrived %d times", i, seen[i])
		}
	}
}

// TestShutdownWhileHung: a stop while the server hangs returns at once
// and leaves every alert in the spool, the one being sent included.
func TestShutdownWhileHung(t *testing.T) {
	addr := freeAddr(t)
	hole := blackhole.Listen(t, addr)
	clk := newFakeClock(t0)
	home := t.TempDir()
	cfg := outageConfig(addr, clk, home, &logBuf{})
	m := newMailer(t, cfg, &testServer{})
	stop := runMailer(t, m)
	for i := range 100 {
		m.Send(outageAlert(i))
	}
	m.syncConsumer()
	waitUntil(t, 5*time.Second, "an attempt to hang", func() bool { return hole.Accepted() == 1 })
	start := time.Now()
	stop()
	if took := time.Since(start); took > 5*time.Second {
		t.Errorf("stop took %v while the server hung", took)
	}
	sp, err := openSpool(home+"/queue/mail", DefaultSpoolSize)
	if err != nil {
		t.Fatal(err)
	}
	total := 0
	for _, e := range sp.entries {
		total += e.msg.Alerts
		if e.msg.Alerts > cfg.MaxGroup {
			t.Errorf("a mail spooled at shutdown holds %d alerts, more than MaxGroup", e.msg.Alerts)
		}
	}
	if total != 100 {
		t.Errorf("%d of 100 alerts spooled after the stop", total)
	}
}

// TestShutdownKeepsMaxGroup: alerts still queued at shutdown are spooled
// in mails of at most MaxGroup alerts, or one per mail without grouping.
func TestShutdownKeepsMaxGroup(t *testing.T) {
	for _, tc := range []struct {
		grouping bool
		want     string
	}{
		{true, "[4 4 2]"},
		{false, "[1 1 1 1 1 1 1 1 1 1]"},
	} {
		t.Run(fmt.Sprint("grouping=", tc.grouping), func(t *testing.T) {
			clk := newFakeClock(t0)
			home := t.TempDir()
			cfg := outageConfig(freeAddr(t), clk, home, &logBuf{})
			cfg.MaxGroup = 4
			cfg.Grouping = tc.grouping
			m := newMailer(t, cfg, &testServer{})
			for i := range 10 { // Run not started: everything is still queued
				m.Send(outageAlert(i))
			}
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			if err := m.Run(ctx); err != nil {
				t.Fatal(err)
			}
			sp, err := openSpool(home+"/queue/mail", DefaultSpoolSize)
			if err != nil {
				t.Fatal(err)
			}
			var sizes []int
			for _, e := range sp.entries {
				sizes = append(sizes, e.msg.Alerts)
			}
			if fmt.Sprint(sizes) != tc.want {
				t.Errorf("mails spooled at shutdown hold %v alerts, want %s", sizes, tc.want)
			}
		})
	}
}

// hangingTransport is a black hole on the fake clock: each attempt hangs
// for hold of fake time, then fails; once deliver is set, attempts
// succeed at once and the bodies are kept.
type hangingTransport struct {
	clk      *fakeClock
	hold     time.Duration
	entered  chan struct{} // signalled when an attempt starts hanging
	mu       sync.Mutex
	starts   []time.Duration
	deadline time.Time
	inflight bool
	deliver  bool
	bodies   []string
}

func (h *hangingTransport) send(ctx context.Context, m *outMsg) error {
	h.mu.Lock()
	if h.deliver {
		h.bodies = append(h.bodies, m.Body)
		h.mu.Unlock()
		return nil
	}
	now := h.clk.Now()
	h.starts = append(h.starts, now.Sub(t0))
	h.deadline, h.inflight = now.Add(h.hold), true
	ch := h.clk.After(h.hold)
	h.mu.Unlock()
	select {
	case h.entered <- struct{}{}:
	default:
	}
	select {
	case <-ch:
	case <-ctx.Done():
	}
	h.mu.Lock()
	h.inflight = false
	h.mu.Unlock()
	return errors.New("smtp: read: i/o timeout")
}

// hung reports whether an attempt hangs and will go on hanging at the
// clock's current time.
func (h *hangingTransport) hung() bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.inflight && h.clk.Now().Before(h.deadline)
}

// settle waits until the sender hangs in an attempt or idles with nothing
// due, so the test may move the clock again.
func settle(t *testing.T, m *Mailer, h *hangingTransport) {
	t.Helper()
	select {
	case <-h.entered:
	default:
	}
	w := make(chan struct{})
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if h.hung() {
			return
		}
		select {
		case m.senderSync <- w:
			select {
			case <-w: // idle, nothing due
			case <-h.entered: // it went on to an attempt, which hangs
			}
			return
		case <-time.After(time.Millisecond):
		}
	}
	t.Fatal("the sender neither hangs nor idles")
}

// TestTenMinuteBlackHole: 3,000 alerts over ten minutes (of fake time)
// while every attempt hangs for the 30 s timeout. The queue keeps
// draining, nothing is dropped, attempts are spaced by the backoff after
// their end (7 attempts, not 20 back to back), and after recovery every
// alert is mailed once in mails of at most MaxGroup alerts.
func TestTenMinuteBlackHole(t *testing.T) {
	const n, perSecond = 3000, 5
	clk := newFakeClock(t0)
	cfg := outageConfig(freeAddr(t), clk, "", &logBuf{})
	cfg.MaxGroup = DefaultMaxGroup
	cfg.Timeout = time.Hour // the fake transport's hold is the timeout
	m := newMailer(t, cfg, &testServer{})
	tr := &hangingTransport{clk: clk, hold: 30 * time.Second, entered: make(chan struct{}, 1)}
	m.tr = tr
	runMailer(t, m)
	for i := 0; i < n; {
		for range perSecond {
			if !m.Send(outageAlert(i)) {
				t.Fatalf("alert %d dropped at %v", i, clk.Now().Sub(t0))
			}
			i++
		}
		m.syncConsumer()
		clk.Advance(time.Second)
		settle(t, m, tr)
	}
	if el := clk.Now().Sub(t0); el != 10*time.Minute {
		t.Fatalf("outage lasted %v", el)
	}
	clk.Advance(cfg.GroupDelay) // the last group
	m.syncConsumer()
	settle(t, m, tr)
	if total, _ := m.spooledAlerts(); total != n || m.Stats().Dropped != 0 || m.Stats().SpoolLost != 0 {
		t.Fatalf("after the outage: %d of %d alerts spooled, %+v", total, n, m.Stats())
	}
	tr.mu.Lock()
	starts := slices.Clone(tr.starts)
	tr.mu.Unlock()
	// Each attempt starts the backoff (5 s doubling) after the previous
	// one ended (30 s after it started).
	want := []time.Duration{starts[0]}
	for b := minBackoff; ; b *= 2 {
		next := want[len(want)-1] + tr.hold + b
		if next > clk.Now().Sub(t0) {
			break
		}
		want = append(want, next)
	}
	if fmt.Sprint(starts) != fmt.Sprint(want) {
		t.Fatalf("attempts at %v, want %v", starts, want)
	}
	t.Logf("10 min black hole: %d alerts spooled in %d mails, attempts at %v", n, m.Stats().Pending, starts)

	tr.mu.Lock()
	tr.deliver = true
	tr.mu.Unlock()
	clk.Advance(tr.hold) // the hanging attempt times out
	settle(t, m, tr)
	clk.Advance(maxBackoff)
	waitUntil(t, 10*time.Second, "the spool to drain", func() bool { return m.Stats().Pending == 0 })
	tr.mu.Lock()
	bodies := slices.Clone(tr.bodies)
	tr.mu.Unlock()
	seen := map[int]int{}
	for _, b := range bodies {
		if c := strings.Count(b, "--END OF NOTIFICATION"); c > cfg.MaxGroup {
			t.Errorf("a mail carried %d alerts, more than MaxGroup %d", c, cfg.MaxGroup)
		}
		for _, sub := range outageLineRe.FindAllStringSubmatch(b, -1) {
			k, _ := strconv.Atoi(sub[1])
			seen[k]++
		}
	}
	for i := range n {
		if seen[i] != 1 {
			t.Fatalf("alert %d mailed %d times", i, seen[i])
		}
	}
}
