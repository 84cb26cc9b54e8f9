package itest

import (
	"math/rand/v2"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// rotOldBase numbers the lines that exist before the first start: with
// only-future-events (the default) they must never alert.
const rotOldBase = 99000000

// rotConfig follows logsrc/app.log; onlyFuture is the element to add, ""
// for the default.
func rotConfig(onlyFuture string) string {
	return `<ossec_config>
  <localfile>
    <location>logsrc/app.log</location>
    <log_format>syslog</log_format>
` + onlyFuture + `  </localfile>
</ossec_config>
`
}

// rotAppender is an application writing numbered lines to logsrc/app.log
// at a steady rate, whose log is rotated by rename + create on request
// (as logrotate without copytruncate does): the rename and the new file
// happen between two writes, so every line is whole in one file.
type rotAppender struct {
	t    *testing.T
	h    *home
	f    *os.File
	n    atomic.Int64 // last line written
	slow atomic.Bool  // one line per tick instead of rate/100
	rot  chan chan struct{}
	stop chan struct{}
	done sync.WaitGroup
	gen  int // rotated files so far (app.log.1, app.log.2, ...)
}

func rotStartAppender(t *testing.T, h *home, rate int) *rotAppender {
	a := &rotAppender{t: t, h: h, rot: make(chan chan struct{}), stop: make(chan struct{})}
	a.slow.Store(true)
	a.open()
	const tick = 10 * time.Millisecond
	perTick := rate / int(time.Second/tick)
	a.done.Add(1)
	go func() {
		defer a.done.Done()
		defer func() { a.f.Close() }()
		tk := time.NewTicker(tick)
		defer tk.Stop()
		for {
			select {
			case <-a.stop:
				return
			case reply := <-a.rot:
				a.rotate()
				close(reply)
				continue
			case <-tk.C:
			}
			n := perTick
			if a.slow.Load() {
				n = 1
			}
			var b []byte
			for range n {
				b = append(b, uniqueLine(a.n.Add(1))...)
			}
			if _, err := a.f.Write(b); err != nil {
				t.Error(err)
				return
			}
		}
	}()
	return a
}

func (a *rotAppender) open() {
	f, err := os.OpenFile(a.h.path("logsrc/app.log"), os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		a.t.Fatal(err)
	}
	a.f = f
}

// rotate runs on the writer's goroutine: rename, close, create.
func (a *rotAppender) rotate() {
	a.gen++
	if err := os.Rename(a.h.path("logsrc/app.log"), a.h.path("logsrc/app.log."+strconv.Itoa(a.gen))); err != nil {
		a.t.Error(err)
	}
	a.f.Close()
	a.open()
}

// rotateNow asks for a rotation and returns once the new file exists.
func (a *rotAppender) rotateNow() {
	reply := make(chan struct{})
	a.rot <- reply
	<-reply
}

func (a *rotAppender) close() int64 {
	close(a.stop)
	a.done.Wait()
	return a.n.Load()
}

// rotWaitCommit waits for the state file, which the daemon writes after
// every commit (the caller removed it before the start).
func rotWaitCommit(t *testing.T, h *home) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		if _, err := os.Stat(h.path("var/run/gossec.state")); err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("no commit within 20s of a start; log:\n%s", h.read("logs/gossec.log"))
		}
		time.Sleep(5 * time.Millisecond) // polling a file another process writes
	}
}

// rotWaitAll polls alerts.json until every line from..to has alerted, or
// no new alert came for quietFor.
func rotWaitAll(tr *alertTracker, from, to int64, quietFor time.Duration) {
	last, lastChange := -1, time.Now()
	for {
		tr.poll()
		missing := false
		for i := from; i <= to; i++ {
			if tr.seen[i] == 0 {
				missing = true
				break
			}
		}
		if !missing {
			return
		}
		if n := len(tr.seen); n != last {
			last, lastChange = n, time.Now()
		} else if time.Since(lastChange) > quietFor {
			return
		}
		time.Sleep(20 * time.Millisecond) // polling a file another process writes
	}
}

// TestKillNearRotation kills gossec with SIGKILL 0-30 ms after a rename +
// create rotation, restarts it at once, 50 times, under a writer at 5,000
// lines/s: every line written after the first start must alert at least
// once (a rotated file not yet read to its end is found again next to the
// live one; a file created after the first start is never taken for a
// pre-existing one and skipped), and repeats stay within the commit window
// of each kill.
func TestKillNearRotation(t *testing.T) {
	for _, tc := range []struct {
		name       string
		onlyFuture string
		oldAlerts  bool // the lines present at the first start alert
		cycles     int
	}{
		{name: "default", onlyFuture: "", oldAlerts: false, cycles: 50},
		// The same mechanism minus only-future-events: fewer cycles keep
		// the package fast.
		{name: "only-future-events-no", onlyFuture: "    <only-future-events>no</only-future-events>\n", oldAlerts: true, cycles: 25},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cycles := tc.cycles
			if testing.Short() {
				cycles = 10
			}
			rotKillCycles(t, rotConfig(tc.onlyFuture), tc.oldAlerts, cycles)
		})
	}
}

func rotKillCycles(t *testing.T, config string, oldAlerts bool, cycles int) {
	const rate = 5000
	h := newHome(t, config)
	var old []byte
	for i := int64(1); i <= 20; i++ {
		old = append(old, uniqueLine(rotOldBase+i)...)
	}
	h.write("logsrc/app.log", string(old))
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 8))

	d := h.start()
	defer func() { d.kill() }()
	tr := newAlertTracker(h)
	// One line per tick until the first alert: lines written before the
	// daemon's first scan are pre-existing content, which only-future-events
	// skips; every line from the first one alerted on must arrive.
	a := rotStartAppender(t, h, rate)
	var first int64
	deadline := time.Now().Add(30 * time.Second)
	for first == 0 {
		if time.Now().After(deadline) {
			a.close()
			t.Fatalf("no alert within 30s of the first start; log:\n%s", h.read("logs/gossec.log"))
		}
		time.Sleep(5 * time.Millisecond) // polling a file another process writes
		tr.poll()
		for n := range tr.seen {
			if n < rotOldBase && (first == 0 || n < first) {
				first = n
			}
		}
	}
	a.slow.Store(false)

	begin := time.Now()
	for range cycles {
		// After one commit of this run (whatever the machine's load), so
		// that each kill repeats one commit window, not a whole run.
		rotWaitCommit(t, h)
		time.Sleep(time.Duration(50+rng.IntN(200)) * time.Millisecond)
		a.rotateNow()
		time.Sleep(time.Duration(rng.IntN(31)) * time.Millisecond)
		d.kill()
		os.Remove(h.path("var/run/gossec.state"))
		d = h.start()
	}
	time.Sleep(200 * time.Millisecond)
	written := a.close()
	elapsed := time.Since(begin)
	drainBegin := time.Now()
	rotWaitAll(tr, first, written, 10*time.Second)
	d.stop(t)
	drain := time.Since(drainBegin)
	tr.poll()

	var lost, repeated, oldSeen int64
	var firstLost []int64
	for n := first; n <= written; n++ {
		switch c := tr.seen[n]; {
		case c == 0:
			lost++
			if len(firstLost) < 10 {
				firstLost = append(firstLost, n)
			}
		case c > 1:
			repeated += int64(c - 1)
		}
	}
	for n, c := range tr.seen {
		if n > rotOldBase {
			oldSeen += int64(c)
		}
	}
	t.Logf("%d lines (from %d), %d kills each 0-30 ms after a rotation, in %v (then %v to catch up): %d lost, %d repeated alerts, %d alerts of pre-existing lines",
		written-first+1, first, cycles, elapsed.Round(time.Millisecond), drain.Round(time.Millisecond), lost, repeated, oldSeen)
	if lost > 0 {
		t.Errorf("%d of %d lines never alerted (first: %v)", lost, written-first+1, firstLost)
	}
	if os.Getenv("ROT_DEBUG") != "" {
		rotDumpRepeats(t, tr, first, written)
		t.Logf("positions:\n%s\nlog:\n%s", h.read("queue/gossec/positions.json"), h.read("logs/gossec.log"))
	}
	// Each kill repeats at most what was processed and not yet committed:
	// what was written during the last commit interval (250 ms at 5k
	// lines/s) and the restart, with slack for a loaded machine where a
	// run may end before its first commit.
	if limit := int64(cycles) * 2500; repeated > limit {
		t.Errorf("%d repeated alerts after %d kills, more than the in-flight window allows (%d)", repeated, cycles, limit)
	}
	switch {
	case oldAlerts && oldSeen < 20:
		t.Errorf("%d alerts of the 20 lines present at the first start, want them all (only-future-events no)", oldSeen)
	case !oldAlerts && oldSeen > 0:
		t.Errorf("%d alerts of the 20 lines present at the first start: only-future-events must skip them", oldSeen)
	}
}

// rotDumpRepeats logs the runs of consecutive lines with the same repeat
// count, for debugging.
func rotDumpRepeats(t *testing.T, tr *alertTracker, from, to int64) {
	start, c := from, tr.seen[from]
	for n := from + 1; n <= to+1; n++ {
		if n <= to && tr.seen[n] == c {
			continue
		}
		if c != 1 {
			t.Logf("lines %d-%d: %d alerts each", start, n-1, c)
		}
		if n <= to {
			start, c = n, tr.seen[n]
		}
	}
}
