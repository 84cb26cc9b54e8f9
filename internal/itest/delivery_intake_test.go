package itest

import (
	"bufio"
	"bytes"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// Issue 8, finding 5: the TCP syslog intake had no connection cap, no
// idle timeout and a 64 KiB read buffer per connection. These tests flood
// the real daemon with connections that each send a 60 KB line without
// its newline, under a file-descriptor limit of 512, and check that its
// memory stays bounded, the surplus connections are refused and counted,
// the tailer still follows a file rotated meanwhile, and the intake
// serves again once the flood is gone.

// intakeNofile is the RLIMIT_NOFILE the daemon runs under: low enough
// that the flood would exhaust it without a connection cap.
const intakeNofile = 512

// intakeFloodLine is the 60 KB line each flooding connection sends
// without its newline.
const intakeFloodLine = 60 * 1000

func intakeConfig(port int, extra string) string {
	return fmt.Sprintf(`<ossec_config>
  <localfile>
    <location>logsrc/app.log</location>
    <log_format>syslog</log_format>
    <only-future-events>no</only-future-events>
  </localfile>
  <remote>
    <connection>syslog</connection>
    <port>%d</port>
    <protocol>tcp</protocol>
    <allowed-ips>127.0.0.1</allowed-ips>
%s  </remote>
</ossec_config>
`, port, extra)
}

// intakeStart starts `gossec run` with RLIMIT_NOFILE set to nofile (soft
// and hard, so that the Go runtime cannot raise it) and waits until the
// intake listens.
func intakeStart(t *testing.T, h *home, port, nofile int) *daemon {
	t.Helper()
	h.write("logsrc/app.log", "")
	d := &daemon{cmd: exec.Command("sh", "-c", `ulimit -n "$0" && exec "$@"`, strconv.Itoa(nofile),
		gossecBin, "run", "--home", h.dir, "-c", h.conf)}
	d.cmd.Stderr = &d.stderr
	if err := d.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	h.waitLog(10*time.Second, "remote syslog listening", "port="+strconv.Itoa(port))
	return d
}

// intakeRSS is the daemon's resident set in KiB (/proc/PID/status VmRSS).
func intakeRSS(t *testing.T, d *daemon) int64 {
	t.Helper()
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", d.cmd.Process.Pid))
	if err != nil {
		t.Fatalf("reading the daemon's RSS: %v", err)
	}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			n, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			if err != nil {
				t.Fatalf("VmRSS %q: %v", v, err)
			}
			return n
		}
	}
	t.Fatal("no VmRSS in /proc/PID/status")
	return 0
}

// intakeFDs counts the daemon's open descriptors (/proc/PID/fd).
func intakeFDs(t *testing.T, d *daemon) int {
	t.Helper()
	ents, err := os.ReadDir(fmt.Sprintf("/proc/%d/fd", d.cmd.Process.Pid))
	if err != nil {
		t.Fatalf("listing the daemon's descriptors: %v", err)
	}
	return len(ents)
}

// intakeSampler records the daemon's peak RSS until stopped.
type intakeSampler struct {
	stop chan struct{}
	done chan int64
}

func intakeSample(t *testing.T, d *daemon) *intakeSampler {
	s := &intakeSampler{stop: make(chan struct{}), done: make(chan int64, 1)}
	pid := d.cmd.Process.Pid
	go func() {
		var peak int64
		tick := time.NewTicker(20 * time.Millisecond)
		defer tick.Stop()
		for {
			b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
			if err == nil {
				for line := range strings.SplitSeq(string(b), "\n") {
					if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
						n, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
						peak = max(peak, n)
					}
				}
			}
			select {
			case <-s.stop:
				s.done <- peak
				return
			case <-tick.C:
			}
		}
	}()
	return s
}

func (s *intakeSampler) peak() int64 {
	close(s.stop)
	return <-s.done
}

// intakeFlood opens n connections to port, each sending a syslog line of
// about intakeFloodLine bytes without its newline, and leaves them open.
// Connections the daemon refuses are still returned (the kernel completes
// the handshake before the daemon sees them).
func intakeFlood(t *testing.T, port, n int) []net.Conn {
	t.Helper()
	payload := []byte("<13>Nov 21 09:13:44 flood app: " + strings.Repeat("A", intakeFloodLine-31))
	conns := make([]net.Conn, n)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var dialErrs int
	for w := range 8 {
		wg.Go(func() {
			for i := w; i < n; i += 8 {
				c, err := net.DialTimeout("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)), 5*time.Second)
				if err != nil {
					mu.Lock()
					dialErrs++
					mu.Unlock()
					continue
				}
				c.SetWriteDeadline(time.Now().Add(5 * time.Second))
				c.Write(payload) // a refused connection may be reset: that is fine
				conns[i] = c
			}
		})
	}
	wg.Wait()
	if dialErrs > 0 {
		t.Logf("%d of %d flood connections could not be dialled", dialErrs, n)
	}
	return conns
}

func intakeClose(conns []net.Conn) {
	for _, c := range conns {
		if c != nil {
			c.Close()
		}
	}
}

// intakeSend sends one newline-terminated message on a fresh connection.
func intakeSend(t *testing.T, port int, msg string) {
	t.Helper()
	c, err := net.DialTimeout("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)), 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := c.Write([]byte(msg + "\n")); err != nil {
		t.Fatal(err)
	}
}

// intakeAlerted reports whether an alert's full_log contains sub.
func intakeAlerted(h *home, sub string) bool {
	for _, a := range h.alerts() {
		if contains(fullLog(a), sub) {
			return true
		}
	}
	return false
}

// intakePerConn bounds what one served flooding connection may cost, in
// KiB: its partial line in a 64 KiB pooled buffer, the 4 KiB read buffer,
// its goroutine's stack and the socket's structures.
const intakePerConn = 80

// intakeSlack is the RSS growth in KiB allowed on top of the connections:
// the garbage collector lets the heap grow past the live data before it
// collects, and analysing the flood's lines allocates.
const intakeSlack = 10 << 10

// intakeFloodRun is the body of the flood tests: n connections against a
// daemon whose effective cap is wantCap; the file is rotated while they
// are open; RSS must stay below baseline + wantCap*intakePerConn +
// intakeSlack, and come back below baseline + afterBound KiB once they
// are closed and their partial lines analysed (the engine keeps recent
// events for its correlation rules, so a few MiB stay).
func intakeFloodRun(t *testing.T, extra string, nofile, n, wantCap int, afterBound int64) *home {
	peakBound := int64(wantCap)*intakePerConn + intakeSlack
	port := freePort(t)
	h := newHome(t, intakeConfig(port, extra))
	d := intakeStart(t, h, port, nofile)
	defer func() {
		if d != nil {
			d.kill()
		}
	}()

	app, err := os.OpenFile(h.path("logsrc/app.log"), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintln(app, "Nov 21 09:13:44 db1 sshd[2230]: Failed password for before1 from 10.0.0.1 port 1 ssh2")
	waitFor(t, 10*time.Second, "the file's first line to alert", func() bool { return intakeAlerted(h, "for before1 ") })
	base := intakeRSS(t, d)

	sampler := intakeSample(t, d)
	conns := intakeFlood(t, port, n)
	defer intakeClose(conns)
	// The daemon has seen every connection once each is either served or
	// refused.
	refusedWant := int64(n - wantCap)
	settled := true
	deadline := time.Now().Add(15 * time.Second)
	for h.state("remote_connections_refused") < refusedWant {
		if time.Now().After(deadline) {
			settled = false
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	fds := intakeFDs(t, d)
	// Rotate the followed file while the flood holds its connections: the
	// tailer must open the new file and its lines must alert.
	app.Close()
	if err := os.Rename(h.path("logsrc/app.log"), h.path("logsrc/app.log.1")); err != nil {
		t.Fatal(err)
	}
	h.write("logsrc/app.log", "Nov 21 09:13:44 db1 sshd[2230]: Failed password for rotated1 from 10.0.0.2 port 1 ssh2\n")
	rotatedOK := true
	deadline = time.Now().Add(15 * time.Second)
	for !intakeAlerted(h, "for rotated1 ") {
		if time.Now().After(deadline) {
			rotatedOK = false
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	peak := sampler.peak()

	intakeClose(conns)
	// The daemon analyses the partial lines of the closed connections
	// (and the two lines of the file), then gives the memory back (5 s
	// after the last long line was read): sample for 6 s at least, up to
	// 20 s while RSS is above the bound.
	closed := time.Now()
	waitFor(t, 20*time.Second, "the flood's partial lines to be analysed", func() bool {
		return h.state("events_received") >= int64(wantCap)+2
	})
	after := intakeRSS(t, d)
	for time.Since(closed) < 6*time.Second || (after-base > afterBound && time.Since(closed) < 20*time.Second) {
		time.Sleep(200 * time.Millisecond)
		after = intakeRSS(t, d)
	}
	t.Logf("%d connections x %d B unterminated line, RLIMIT_NOFILE %d: RSS base %d KiB, peak %d KiB (+%d), after close %d KiB (+%d); %d descriptors open during the flood; refused %d; rotated file followed during the flood: %v",
		n, intakeFloodLine, nofile, base, peak, peak-base, after, after-base, fds, h.state("remote_connections_refused"), rotatedOK)
	// The daemon's own files, sockets and runtime descriptors are a few
	// dozen; the rest are the served connections.
	if fds > wantCap+64 {
		t.Errorf("%d descriptors open during the flood, want at most the cap %d + 64", fds, wantCap)
	}

	if log := h.read("logs/gossec.log"); strings.Contains(log, "too many open files") {
		t.Errorf("the daemon ran out of file descriptors (%d log lines say so)", strings.Count(log, "too many open files"))
	}
	if !settled {
		t.Errorf("remote_connections_refused = %d after 15 s, want %d (%d connections, cap %d)",
			h.state("remote_connections_refused"), refusedWant, n, wantCap)
	}
	if !rotatedOK {
		t.Errorf("the line written to the rotated file never alerted while the intake was flooded")
	}
	if peak-base > peakBound {
		t.Errorf("RSS grew by %d KiB during the flood, want at most %d KiB", peak-base, peakBound)
	}
	if after-base > afterBound {
		t.Errorf("RSS is still %d KiB above the start 20 s after the flood closed, want at most %d KiB", after-base, afterBound)
	}

	// The intake serves a normal message on a fresh connection.
	intakeSend(t, port, "<34>Nov 21 09:13:44 db1 sshd[1]: Failed password for fresh1 from 5.6.7.8 port 22 ssh2")
	waitFor(t, 10*time.Second, "the fresh connection's alert", func() bool { return intakeAlerted(h, "for fresh1 ") })
	waitFor(t, 5*time.Second, "remote_connections_refused in the state file", func() bool {
		return h.state("remote_connections_refused") == refusedWant
	})
	h.waitLog(5*time.Second, "syslog connection refused", "max_connections")
	d.stop(t)
	d = nil
	return h
}

// TestIntakeFloodDefaultCap: 600 flooding connections against the default
// <max_connections> (200, within the budget of 256 descriptors the daemon
// allows itself under RLIMIT_NOFILE 512): 400 are refused; RSS stays
// within 200 partial lines' worth of buffers plus slack.
func TestIntakeFloodDefaultCap(t *testing.T) {
	intakeFloodRun(t, "", intakeNofile, 600, 200, 16<<10)
}

// TestIntakeFloodCapped: the same flood against <max_connections>50:
// 550 are refused and the memory bound shrinks with the cap.
func TestIntakeFloodCapped(t *testing.T) {
	intakeFloodRun(t, "    <max_connections>50</max_connections>\n", intakeNofile, 600, 50, 16<<10)
}

// TestIntakeFloodFdBudget: under RLIMIT_NOFILE 160 the default cap of 200
// would leave the daemon no descriptor for its files; it is lowered to 80
// (half the limit), logged, and the rotated file is still followed.
func TestIntakeFloodFdBudget(t *testing.T) {
	h := intakeFloodRun(t, "", 160, 600, 80, 16<<10)
	h.waitLog(time.Second, "max_connections lowered", "effective=80")
}

// TestIntakeIdleAndOversize: connections that stop sending in the middle
// of a line are closed after <idle_timeout>, their partial line analysed
// and the closes counted; a line longer than the maximum message is cut,
// analysed and counted.
func TestIntakeIdleAndOversize(t *testing.T) {
	port := freePort(t)
	h := newHome(t, intakeConfig(port, "    <idle_timeout>1s</idle_timeout>\n"))
	d := intakeStart(t, h, port, intakeNofile)
	defer func() {
		if d != nil {
			d.kill()
		}
	}()
	const idle = 5
	var conns []net.Conn
	for i := range idle {
		c, err := net.Dial("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
		if err != nil {
			t.Fatal(err)
		}
		conns = append(conns, c)
		fmt.Fprintf(c, "<34>Nov 21 09:13:44 db1 sshd[1]: Failed password for idle%d from 5.6.7.8 port 22 ssh2", i)
	}
	start := time.Now()
	for i, c := range conns {
		c.SetReadDeadline(time.Now().Add(10 * time.Second))
		var b [1]byte
		if _, err := c.Read(b[:]); err == nil {
			t.Errorf("connection %d: read a byte, want the daemon to close it", i)
		} else if ne, ok := err.(net.Error); ok && ne.Timeout() {
			t.Errorf("connection %d: still open after 10 s with <idle_timeout>1s", i)
		}
		c.Close()
	}
	t.Logf("%d idle connections closed after %v", idle, time.Since(start).Round(10*time.Millisecond))
	for i := range idle {
		waitFor(t, 10*time.Second, "the idle connection's partial line to alert", func() bool {
			return intakeAlerted(h, fmt.Sprintf("for idle%d ", i))
		})
	}
	waitFor(t, 5*time.Second, "remote_idle_closed = 5", func() bool { return h.state("remote_idle_closed") == idle })
	h.waitLog(5*time.Second, "syslog connection idle", "idle_timeout")

	// 100 000 bytes of message: cut at 65 536, the rest of the line
	// skipped, the next line on the same connection intact.
	c, err := net.Dial("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
	if err != nil {
		t.Fatal(err)
	}
	long := "<34>Nov 21 09:13:44 db1 sshd[1]: Failed password for long1 from 5.6.7.8 port 22 ssh2 " + strings.Repeat("x", 100000)
	fmt.Fprintf(c, "%s\n<34>Nov 21 09:13:44 db1 sshd[1]: Failed password for after1 from 5.6.7.8 port 22 ssh2\n", long)
	c.Close()
	waitFor(t, 10*time.Second, "the line after the oversize one to alert", func() bool { return intakeAlerted(h, "for after1 ") })
	waitFor(t, 5*time.Second, "remote_oversize = 1", func() bool { return h.state("remote_oversize") == 1 })
	for _, a := range h.alerts() {
		if fl := fullLog(a); contains(fl, "for long1 ") && len(fl) > 65536 {
			t.Errorf("oversize message delivered with %d bytes, want at most 65536", len(fl))
		}
	}
	d.stop(t)
	d = nil
}
