package itest

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// diskConfig follows logsrc/auth.log, archives every event to
// archives.json and forwards every alert to a TCP syslog receiver on
// loopback.
func diskConfig(port int) string {
	return fmt.Sprintf(`<ossec_config>
  <global>
    <logall_json>yes</logall_json>
  </global>
  <localfile>
    <location>logsrc/auth.log</location>
    <log_format>syslog</log_format>
    <only-future-events>no</only-future-events>
  </localfile>
  <syslog_output>
    <server>127.0.0.1</server>
    <port>%d</port>
    <protocol>tcp</protocol>
    <format>json</format>
    <queue_size>65536</queue_size>
  </syslog_output>
</ossec_config>
`, port)
}

// diskMount mounts a tmpfs of the given size at dir, unmounted in cleanup.
// It skips the test when not root or when the mount is refused.
func diskMount(t *testing.T, dir, size string) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("needs root to mount a small tmpfs as HOME/logs (run the itest package as root)")
	}
	if err := os.MkdirAll(dir, 0o750); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size="+size, "tmpfs", dir).CombinedOutput(); err != nil {
		t.Skipf("cannot mount tmpfs on %s (needs CAP_SYS_ADMIN): %v: %s", dir, err, out)
	}
	t.Cleanup(func() {
		if out, err := exec.Command("umount", dir).CombinedOutput(); err != nil {
			t.Errorf("umount %s: %v: %s", dir, err, out)
		}
	})
}

// diskFree is the space left on the filesystem of path, in bytes.
func diskFree(t *testing.T, path string) int64 {
	t.Helper()
	var st syscall.Statfs_t
	if err := syscall.Statfs(path, &st); err != nil {
		t.Fatal(err)
	}
	return int64(st.Bavail) * st.Bsize
}

// diskFill writes a filler file until only about leave bytes remain free.
func diskFill(t *testing.T, path string, leave int64) {
	t.Helper()
	n := diskFree(t, filepath.Dir(path)) - leave
	if n <= 0 {
		return
	}
	if err := os.WriteFile(path, make([]byte, n), 0o600); err != nil {
		t.Fatalf("filling %s: %v", path, err)
	}
}

// diskReceiver is a TCP syslog receiver counting, per line number, the
// alerts it got (newline framing).
type diskReceiver struct {
	ln   net.Listener
	mu   sync.Mutex
	seen map[int64]int
	msgs int
}

func diskListen(t *testing.T) (*diskReceiver, int) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	r := &diskReceiver{ln: ln, seen: map[int64]int{}}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go r.serve(c)
		}
	}()
	return r, ln.Addr().(*net.TCPAddr).Port
}

func (r *diskReceiver) serve(c net.Conn) {
	defer c.Close()
	sc := bufio.NewScanner(c)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		m := lineNumRe.FindSubmatch(sc.Bytes())
		r.mu.Lock()
		r.msgs++
		if m != nil {
			n, _ := strconv.ParseInt(string(m[1]), 10, 64)
			r.seen[n]++
		}
		r.mu.Unlock()
	}
}

func (r *diskReceiver) snapshot() map[int64]int {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make(map[int64]int, len(r.seen))
	for k, v := range r.seen {
		out[k] = v
	}
	return out
}

// diskJSONLines counts, per line number, the records of a JSON-lines file
// of the home that carry it, and the lines that are not one JSON object (a
// torn tail included).
func diskJSONLines(h *home, rel string) (seen map[int64]int, bad int) {
	seen = map[int64]int{}
	data, _ := os.ReadFile(h.path(rel))
	for line := range bytes.SplitSeq(data, []byte("\n")) {
		if len(line) == 0 {
			continue
		}
		var m map[string]any
		if json.Unmarshal(line, &m) != nil {
			bad++
			continue
		}
		if mm := lineNumRe.FindStringSubmatch(fullLog(m)); mm != nil {
			n, _ := strconv.ParseInt(mm[1], 10, 64)
			seen[n]++
		}
	}
	if len(data) > 0 && data[len(data)-1] != '\n' {
		bad++ // a torn tail counts even though it is not a line yet
	}
	return seen, bad
}

// diskFileCheck reads alerts.json and alerts.log: the number of alerts
// per line number in alerts.json, the alerts.json lines that are not one
// JSON object, and the alerts.log blocks that do not start as an alert.
func diskFileCheck(h *home) (seen map[int64]int, badJSON, badLog int) {
	seen, badJSON = diskJSONLines(h, "logs/alerts/alerts.json")
	logData, _ := os.ReadFile(h.path("logs/alerts/alerts.log"))
	for block := range strings.SplitSeq(string(logData), "\n\n") {
		if block != "" && !strings.HasPrefix(block, "** Alert ") {
			badLog++
		}
	}
	return seen, badJSON, badLog
}

// diskCount is how many of the line numbers 1..total are missing from
// seen, and how many extra copies it holds.
func diskCount(seen map[int64]int, total int64) (lost, repeated int, first []int64) {
	for i := int64(1); i <= total; i++ {
		switch c := seen[i]; {
		case c == 0:
			lost++
			if len(first) < 10 {
				first = append(first, i)
			}
		case c > 1:
			repeated += c - 1
		}
	}
	return lost, repeated, first
}

// diskLines appends lines first..last to path at about rate lines per
// second.
func diskLines(t *testing.T, path string, first, last int64, rate int) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	const tick = 10 * time.Millisecond
	per := int64(max(1, rate/int(time.Second/tick)))
	for i := first; i <= last; {
		var b []byte
		for j := int64(0); j < per && i <= last; j++ {
			b = append(b, numberedLine(i)...)
			i++
		}
		if _, err := f.Write(b); err != nil {
			t.Fatal(err)
		}
		time.Sleep(tick)
	}
}

// TestFullDiskLosesNothing runs gossec with HOME/logs on a 2 MB tmpfs that
// fills up while lines arrive, restarts it during the outage, then frees
// the space: every line must reach alerts.json (at least once) and the
// syslog receiver, and alerts.json/alerts.log must hold only whole records.
func TestFullDiskLosesNothing(t *testing.T) {
	rcv, port := diskListen(t)
	h := newHome(t, diskConfig(port))
	logs := h.path("logs")
	diskMount(t, logs, "2m")
	os.MkdirAll(h.path("logsrc"), 0o755)
	filler := h.path("logs/filler")
	// Room for a couple of hundred events (alerts.log, alerts.json and
	// archives.json together take about 2.3 kB each), then the disk is full.
	diskFill(t, filler, 400<<10)

	const total = 3000
	d := diskStart(t, h)
	diskLines(t, h.path("logsrc/auth.log"), 1, total/2, 1000)
	waitFor(t, 30*time.Second, "the tmpfs to fill up", func() bool { return diskFree(t, logs) < 8<<10 })
	time.Sleep(500 * time.Millisecond) // let gossec run into ENOSPC a few times

	// A restart in the middle of the outage.
	d.stop(t)
	d = diskStart(t, h)
	diskLines(t, h.path("logsrc/auth.log"), total/2+1, total, 1000)
	time.Sleep(time.Second)

	inFile, _, _ := diskFileCheck(h)
	t.Logf("during the outage: %d of %d lines in alerts.json, %d free bytes", len(inFile), total, diskFree(t, logs))
	// Space comes back: the filler goes and the tmpfs grows (3,000 events
	// need about 7 MB).
	if err := os.Remove(filler); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("mount", "-o", "remount,size=64m", logs).CombinedOutput(); err != nil {
		t.Fatalf("growing the tmpfs: %v: %s", err, out)
	}
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		seen, _, _ := diskFileCheck(h)
		arch, _ := diskJSONLines(h, "logs/archives/archives.json")
		if len(seen) >= total && len(arch) >= total && len(rcv.snapshot()) >= total {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	stalls := h.state("output_stalls")
	d.stop(t)

	seen, badJSON, badLog := diskFileCheck(h)
	arch, badArch := diskJSONLines(h, "logs/archives/archives.json")
	lostFile, dupFile, firstLost := diskCount(seen, total)
	lostArch, dupArch, _ := diskCount(arch, total)
	lostSys, dupSys, _ := diskCount(rcv.snapshot(), total)
	t.Logf("%d lines: alerts.json lost %d (repeated %d), invalid JSON lines %d, torn alerts.log blocks %d; "+
		"archives.json lost %d (repeated %d), invalid %d; syslog lost %d (repeated %d); after the restart output_errors=%d output_stalls=%d",
		total, lostFile, dupFile, badJSON, badLog, lostArch, dupArch, badArch, lostSys, dupSys, h.state("output_errors"), stalls)
	if lostFile > 0 {
		t.Errorf("%d of %d lines never reached alerts.json (first: %v)", lostFile, total, firstLost)
	}
	if badJSON > 0 {
		t.Errorf("alerts.json has %d lines that are not a JSON object (torn or glued records)", badJSON)
	}
	if badLog > 0 {
		t.Errorf("alerts.log has %d torn blocks", badLog)
	}
	if lostArch > 0 || badArch > 0 {
		t.Errorf("archives.json: %d of %d lines missing, %d invalid lines", lostArch, total, badArch)
	}
	if lostSys > 0 {
		t.Errorf("the syslog receiver never got the alerts of %d of %d lines", lostSys, total)
	}
	// A restart in the outage may repeat what was in flight; a handful,
	// never the whole outage.
	if dupSys > 50 {
		t.Errorf("the syslog receiver got %d repeated alerts; the file sink's retries must not resend", dupSys)
	}
	if stalls < 1 {
		t.Errorf("output_stalls = %d after an outage, want at least 1", stalls)
	}
	for line := range strings.SplitSeq(h.read("logs/gossec.log"), "\n") {
		if strings.Contains(line, "alert files") || strings.Contains(line, "outage") {
			t.Log("gossec.log: ", line)
		}
	}
	// The failure itself may not reach gossec.log (it sits on the full
	// disk); the recovery does, once, with the number of failed attempts.
	if n := strings.Count(h.read("logs/gossec.log"), `msg="writing alert files recovered"`); n != 1 {
		t.Errorf("gossec.log has %d recovery lines, want 1:\n%s", n, h.read("logs/gossec.log"))
	}

	// A crash in the middle of a write leaves a torn record: the next start
	// cuts it off, so what follows starts on its own line.
	diskAppend(t, h.path("logs/alerts/alerts.json"), `{"timestamp":"2026-11-21T09:13:44.000+0000","rule":{"le`)
	diskAppend(t, h.path("logs/alerts/alerts.log"), "** Alert 1763716424.99: - syslog,sshd,\n2026 Nov 21 09:13:44 db1->")
	d = diskStart(t, h)
	const more = total + 100
	diskLines(t, h.path("logsrc/auth.log"), total+1, more, 1000)
	waitFor(t, 30*time.Second, "the lines after the torn records", func() bool {
		seen, _, _ := diskFileCheck(h)
		return len(seen) >= more
	})
	d.stop(t)
	seen, badJSON, badLog = diskFileCheck(h)
	lost, _, first := diskCount(seen, more)
	if lost > 0 || badJSON > 0 || badLog > 0 {
		t.Errorf("after a restart on torn records: %d lines lost (first %v), %d invalid alerts.json lines, %d torn alerts.log blocks", lost, first, badJSON, badLog)
	}
	if !strings.Contains(h.read("logs/gossec.log"), "torn record") {
		t.Error("the repair of a torn record was not logged")
	}
}

// diskStart starts gossec and kills it at cleanup if a failed wait left it
// running (before the tmpfs is unmounted: cleanups run last first).
func diskStart(t *testing.T, h *home) *daemon {
	t.Helper()
	d := h.start()
	t.Cleanup(func() {
		if d.cmd.ProcessState == nil {
			d.kill()
		}
	})
	return d
}

// diskAppend appends text to a file.
func diskAppend(t *testing.T, path, text string) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteString(text); err != nil {
		t.Fatal(err)
	}
}

// diskStop sends SIGTERM and waits up to 20s for the exit, whatever its
// status (a stop while positions cannot be written exits with an error).
func diskStop(t *testing.T, d *daemon) error {
	t.Helper()
	d.cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan error, 1)
	go func() { done <- d.cmd.Wait() }()
	select {
	case err := <-done:
		return err
	case <-time.After(20 * time.Second):
		d.cmd.Process.Kill()
		t.Fatalf("gossec did not stop within 20s of SIGTERM; stderr:\n%s", d.stderr.String())
		return nil
	}
}

// TestFullQueueDiskLosesNothing: when positions.json cannot be written
// (HOME/queue/gossec on a full tmpfs), gossec stops taking lines, keeps
// retrying, survives a restart in the outage and, once space is back,
// commits every line: nothing lost, positions.json whole.
func TestFullQueueDiskLosesNothing(t *testing.T) {
	h := newHome(t, tailConfig)
	queue := h.path("queue/gossec")
	diskMount(t, queue, "64k")
	os.MkdirAll(h.path("logsrc"), 0o755)
	filler := filepath.Join(queue, "filler")
	diskFill(t, filler, 0)
	// tmpfs may leave a partial page: fill that too.
	if f, err := os.OpenFile(filler, os.O_WRONLY|os.O_APPEND, 0); err == nil {
		f.Write(make([]byte, 64<<10))
		f.Close()
	}

	const total = 1000
	src := h.path("logsrc/auth.log")
	d := diskStart(t, h)
	diskLines(t, src, 1, total/2, 1000)
	waitFor(t, 20*time.Second, "the first alerts", func() bool { return len(diskSeenLines(h)) > 0 })
	time.Sleep(time.Second) // several commits fail meanwhile
	stalls := h.state("output_stalls")
	during := len(diskSeenLines(h))
	if err := diskStop(t, d); err == nil {
		t.Log("gossec exited 0 although positions could not be saved")
	}
	d = diskStart(t, h)
	diskLines(t, src, total/2+1, total, 1000)
	time.Sleep(time.Second)
	t.Logf("during the outage: %d of %d lines in alerts.json", during, total)
	if err := os.Remove(filler); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 30*time.Second, "every line in alerts.json", func() bool { return len(diskSeenLines(h)) >= total })
	size := int64(len(h.read("logsrc/auth.log")))
	waitFor(t, 30*time.Second, "positions.json to reach the end of the file", func() bool {
		var doc struct {
			Files []struct {
				Offset int64 `json:"offset"`
			} `json:"files"`
		}
		if json.Unmarshal([]byte(h.read("queue/gossec/positions.json")), &doc) != nil || len(doc.Files) != 1 {
			return false
		}
		return doc.Files[0].Offset == size
	})
	d.stop(t)
	lost, repeated, first := diskCount(diskSeenLines(h), total)
	t.Logf("%d lines: lost %d, repeated %d (the restart re-read what was not committed); output_stalls=%d during the outage", total, lost, repeated, stalls)
	if lost > 0 {
		t.Errorf("%d of %d lines never reached alerts.json (first %v)", lost, total, first)
	}
	if stalls < 1 {
		t.Errorf("output_stalls = %d while positions.json could not be written, want at least 1", stalls)
	}
	// Intake stops at the first failed commit: a restart repeats about one
	// commit interval of lines, not the whole outage.
	if repeated > total/2 {
		t.Errorf("%d lines repeated: intake went on while positions could not be saved", repeated)
	}
}

// diskSeenLines counts, per line number, how many alerts in alerts.json
// carry it.
func diskSeenLines(h *home) map[int64]int {
	seen := map[int64]int{}
	for _, a := range h.alerts() {
		if m := lineNumRe.FindStringSubmatch(fullLog(a)); m != nil {
			n, _ := strconv.ParseInt(m[1], 10, 64)
			seen[n]++
		}
	}
	return seen
}
