package itest

import (
	"fmt"
	"math/rand/v2"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

const tailConfig = `<ossec_config>
  <localfile>
    <location>logsrc/auth.log</location>
    <log_format>syslog</log_format>
    <only-future-events>no</only-future-events>
  </localfile>
</ossec_config>
`

// writer appends numbered sshd failure lines to a file at about rate lines
// per second until stopped.
type writer struct {
	path string
	n    atomic.Int64
	stop chan struct{}
	done sync.WaitGroup
}

func numberedLine(i int64) string {
	return fmt.Sprintf("Nov 21 09:13:44 db1 sshd[2230]: Failed password for u%08d from 10.0.0.1 port 1 ssh2\n", i)
}

func startWriter(t testing.TB, path string, rate int) *writer {
	w := &writer{path: path, stop: make(chan struct{})}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	w.done.Add(1)
	go func() {
		defer w.done.Done()
		defer f.Close()
		const tick = 10 * time.Millisecond
		perTick := rate / int(time.Second/tick)
		tk := time.NewTicker(tick)
		defer tk.Stop()
		for {
			select {
			case <-w.stop:
				return
			case <-tk.C:
			}
			var b []byte
			for range perTick {
				b = append(b, numberedLine(w.n.Add(1))...)
			}
			f.Write(b)
		}
	}()
	return w
}

func (w *writer) close() int64 {
	close(w.stop)
	w.done.Wait()
	return w.n.Load()
}

// TestCrashRestartLosesNothing kills gossec with SIGKILL many times while
// a writer appends 5k lines/s: every line must reach alerts.json at least
// once, repeats are bounded by the commit window, and a clean stop/start
// repeats nothing.
func TestCrashRestartLosesNothing(t *testing.T) {
	cycles := 50
	if testing.Short() {
		cycles = 8
	}
	h := newHome(t, tailConfig)
	os.MkdirAll(h.path("logsrc"), 0o755)
	w := startWriter(t, h.path("logsrc/auth.log"), 5000)
	// alerts.json is followed incrementally, by a goroutine during the
	// crash cycles too: re-reading it whole on every poll of the catch-up
	// made this test quadratic in its 100k+ alerts.
	tr := newAlertTracker(h)
	stopPoll, polled := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(polled)
		for {
			tr.poll()
			select {
			case <-stopPoll:
				return
			case <-time.After(50 * time.Millisecond):
			}
		}
	}()
	begin := time.Now()
	for i := 0; i < cycles; i++ {
		d := h.start()
		time.Sleep(time.Duration(300+rand.IntN(400)) * time.Millisecond)
		d.kill()
	}
	written := w.close()
	crashed := time.Since(begin)
	close(stopPoll)
	<-polled // tr is the test goroutine's from here on

	d := h.start()
	deadline := time.Now().Add(60 * time.Second)
	for tr.poll(); tr.contig < written && time.Now().Before(deadline); tr.poll() {
		time.Sleep(50 * time.Millisecond) // polling a file another process writes
	}
	d.stop(t)
	tr.poll()
	caught := time.Since(begin) - crashed
	var lost, repeated int64
	for i := int64(1); i <= written; i++ {
		switch c := tr.seen[i]; {
		case c == 0:
			lost++
		case c > 1:
			repeated += int64(c - 1)
		}
	}
	if lost > 0 {
		var first []int64
		for i := int64(1); i <= written && len(first) < 10; i++ {
			if tr.seen[i] == 0 {
				first = append(first, i)
			}
		}
		t.Fatalf("%d of %d lines never alerted (first: %v); %d alerts in all; stderr:\n%s; log:\n%s", lost, written, first, tr.total, d.stderr.String(), h.read("logs/gossec.log"))
	}
	// At most the uncommitted window repeats after each crash: the commit
	// interval (250 ms) at 5k lines/s plus the queues, with slack for a
	// loaded machine where a short-lived run may commit nothing.
	if limit := int64(cycles) * 10000; repeated > limit {
		t.Errorf("%d repeated alerts after %d crashes, more than the in-flight window allows (%d)", repeated, cycles, limit)
	}
	t.Logf("%d lines, %d crashes in %v (then %v to catch up), %d repeated alerts",
		written, cycles, crashed.Round(time.Millisecond), caught.Round(time.Millisecond), repeated)

	// A clean stop/start repeats nothing. One new line after the restart
	// marks the end: the tailer reads the file in order from its saved
	// position, so anything it re-read would alert before this line does
	// (a fixed sleep proved less on a loaded machine, and waited longer).
	before := tr.total
	d = h.start()
	f, err := os.OpenFile(h.path("logsrc/auth.log"), os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString(numberedLine(written + 1))
	f.Close()
	tr.waitSeen(t, written+1, 30*time.Second)
	d.stop(t)
	tr.poll()
	if n := tr.total - before; n != 1 {
		t.Errorf("a clean stop/start repeated %d alerts", n-1)
	}
}
