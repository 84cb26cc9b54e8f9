package itest

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Issue 8, findings 9 and 10: a SIGHUP must not disturb what did not
// change (open syslog connections, tailers), must say what it changed and
// apply output changes; a corrupt positions file must not stop the service
// invisibly.

// rlConfig is a ruleset from etc/, a TCP syslog intake and one tailed
// file; extra is added inside <ossec_config>.
func rlConfig(tcpPort int, extra string) string {
	return fmt.Sprintf(`<ossec_config>
  <ruleset>
    <decoder_dir>etc/decoders</decoder_dir>
    <rule_dir>etc/rules</rule_dir>
  </ruleset>
  <remote>
    <connection>syslog</connection>
    <port>%d</port>
    <protocol>tcp</protocol>
    <allowed-ips>127.0.0.1</allowed-ips>
  </remote>
  <localfile>
    <location>logsrc/auth.log</location>
    <log_format>syslog</log_format>
    <only-future-events>no</only-future-events>
  </localfile>
%s</ossec_config>
`, tcpPort, extra)
}

// rlFailed is a failed-login line whose source address carries a unique
// marker n (a new source each time, so no frequency rule fires).
func rlFailed(user string, n int) (line, marker string) {
	marker = fmt.Sprintf("from 10.%d.%d.%d port", n/65536%256, n/256%256, n%256)
	return fmt.Sprintf("Nov 21 09:13:44 db1 sshd[2230]: Failed password for %s %s 22 ssh2", user, marker), marker
}

// rlAlerted returns the markers (of want) that have an alert.
func rlAlerted(h *home, want []string) map[string]bool {
	seen := map[string]bool{}
	for _, a := range h.alerts() {
		fl := fullLog(a)
		for _, m := range want {
			if strings.Contains(fl, m+" ") {
				seen[m] = true
			}
		}
	}
	return seen
}

// rlWait polls cond for up to timeout and reports whether it held; unlike
// waitFor it does not fail, so a test can count what is missing.
func rlWait(timeout time.Duration, cond func() bool) bool {
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(50 * time.Millisecond)
	}
	return true
}

func rlHUP(t *testing.T, d *daemon) {
	t.Helper()
	if err := d.cmd.Process.Signal(syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
}

// rlReloads is the number of reload attempts the state file counts.
func rlReloads(h *home) int64 { return h.state("reloads") + h.state("reload_failures") }

// rlConnOpen reports whether the server side of c is still open: a read
// that times out means open, EOF or a reset means closed.
func rlConnOpen(c net.Conn) bool {
	c.SetReadDeadline(time.Now().Add(100 * time.Millisecond))
	var b [1]byte
	_, err := c.Read(b[:])
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// TestReloadKeepsUnchangedInputs: five SIGHUPs (two with a broken rules
// file) while a TCP syslog connection stays open and a file is tailed:
// every message sent on the same connection is analysed, the connection is
// never closed, and the tailer keeps its state (its per-file line count is
// not reset) and its position (no line analysed twice).
func TestReloadKeepsUnchangedInputs(t *testing.T) {
	port := freePort(t)
	h := newHome(t, rlConfig(port, ""))
	copyDefaults(t, h)
	h.write("etc/rules/local_rules.xml", localRules(""))
	h.write("logsrc/auth.log", "")
	d := h.start()
	defer d.stop(t)
	h.waitLog(20*time.Second, "remote syslog listening", "port="+strconv.Itoa(port))
	h.waitLog(20*time.Second, "gossec running")

	conn, err := net.Dial("tcp", "127.0.0.1:"+strconv.Itoa(port))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	f, err := os.OpenFile(h.path("logsrc/auth.log"), os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()

	var tcpMarks, fileMarks []string
	writeErrs := 0
	n := 0
	send := func() {
		n++
		line, m := rlFailed("alice", n)
		if _, err := fmt.Fprintf(conn, "<38>%s\n", line); err != nil {
			writeErrs++
		}
		tcpMarks = append(tcpMarks, m)
		n++
		line, m = rlFailed("alice", n)
		fmt.Fprintln(f, line)
		fileMarks = append(fileMarks, m)
	}
	all := func() []string { return append(append([]string(nil), tcpMarks...), fileMarks...) }
	send()
	waitFor(t, 20*time.Second, "the first alerts", func() bool { return len(rlAlerted(h, all())) == 2 })

	for i := 1; i <= 5; i++ {
		if i%2 == 0 {
			h.write("etc/rules/local_rules.xml", localRules(brokenRules))
		} else {
			h.write("etc/rules/local_rules.xml", localRules(newRule))
		}
		rlHUP(t, d)
		send() // in flight while the reload runs
		if !rlWait(20*time.Second, func() bool { return rlReloads(h) == int64(i) }) {
			t.Fatalf("reload %d not counted in the state file", i)
		}
		send()
	}
	rlWait(15*time.Second, func() bool { return len(rlAlerted(h, all())) == len(all()) })
	seen := rlAlerted(h, all())
	lostTCP, lostFile := 0, 0
	for _, m := range tcpMarks {
		if !seen[m] {
			lostTCP++
		}
	}
	for _, m := range fileMarks {
		if !seen[m] {
			lostFile++
		}
	}
	open := rlConnOpen(conn)
	// Every file line analysed exactly once: the tailer kept its position.
	dups := 0
	count := map[string]int{}
	for _, a := range h.alerts() {
		for _, m := range fileMarks {
			if strings.Contains(fullLog(a), m+" ") {
				count[m]++
			}
		}
	}
	for _, c := range count {
		dups += c - 1
	}
	var linesRead int64 = -2
	rlWait(10*time.Second, func() bool {
		linesRead = h.state("file_lines_read:" + h.path("logsrc/auth.log"))
		return linesRead == int64(len(fileMarks))
	})
	t.Logf("figures: %d/%d TCP messages lost, %d/%d file lines lost, %d duplicated, %d write errors, connection open after 5 reloads: %v, file_lines_read %d of %d",
		lostTCP, len(tcpMarks), lostFile, len(fileMarks), dups, writeErrs, open, linesRead, len(fileMarks))
	if lostTCP > 0 || writeErrs > 0 {
		t.Errorf("%d of %d messages sent on one TCP connection across 5 reloads were not analysed (%d write errors)", lostTCP, len(tcpMarks), writeErrs)
	}
	if !open {
		t.Error("the TCP syslog connection was closed by a reload that did not change <remote>")
	}
	if lostFile > 0 || dups > 0 {
		t.Errorf("tailed file: %d lines lost, %d analysed twice across reloads", lostFile, dups)
	}
	if linesRead != int64(len(fileMarks)) {
		t.Errorf("file_lines_read for the tailed file is %d, want %d (the tailer was restarted by a reload)", linesRead, len(fileMarks))
	}
	if got := h.state("reload_failures"); got != 2 {
		t.Errorf("reload_failures = %d, want 2", got)
	}
}

// TestReloadReportsVanishedRuleFile: local_rules.xml deleted, SIGHUP: the
// reload says, at WARN, which file is gone and how many rules left with it.
func TestReloadReportsVanishedRuleFile(t *testing.T) {
	port := freePort(t)
	h := newHome(t, rlConfig(port, ""))
	copyDefaults(t, h)
	h.write("etc/rules/local_rules.xml", localRules(newRule))
	h.write("logsrc/auth.log", "")
	d := h.start()
	defer d.stop(t)
	h.waitLog(20*time.Second, "gossec running")
	if err := os.Remove(h.path("etc/rules/local_rules.xml")); err != nil {
		t.Fatal(err)
	}
	rlHUP(t, d)
	waitFor(t, 20*time.Second, "the reload", func() bool { return rlReloads(h) == 1 })
	file := h.path("etc/rules/local_rules.xml")
	var warn string
	found := rlWait(10*time.Second, func() bool {
		for line := range strings.SplitSeq(h.read("logs/gossec.log"), "\n") {
			if strings.Contains(line, "level=WARN") && strings.Contains(line, file) && strings.Contains(line, "rules removed") {
				warn = line
				return true
			}
		}
		return false
	})
	t.Logf("figure: WARN naming the vanished rule file: %v (%s)", found, warn)
	if !found {
		t.Fatalf("no WARN naming %s and its rules removed; gossec.log:\n%s", file, h.read("logs/gossec.log"))
	}
	if !strings.Contains(warn, "rules_removed=3") {
		t.Errorf("the WARN does not count the 3 rules of the file: %s", warn)
	}
}

// rlReceiver is a UDP syslog receiver.
type rlReceiver struct {
	pc   net.PacketConn
	msgs chan string
}

func rlListen(t *testing.T) *rlReceiver {
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	r := &rlReceiver{pc: pc, msgs: make(chan string, 100)}
	go func() {
		buf := make([]byte, 65536)
		for {
			n, _, err := pc.ReadFrom(buf)
			if err != nil {
				close(r.msgs)
				return
			}
			r.msgs <- string(buf[:n])
		}
	}()
	t.Cleanup(func() { pc.Close() })
	return r
}

func (r *rlReceiver) port() int { return r.pc.LocalAddr().(*net.UDPAddr).Port }

// got returns the messages received so far that contain sub, waiting up
// to wait for the first one.
func (r *rlReceiver) collect(wait time.Duration) []string {
	var out []string
	timer := time.After(wait)
	for {
		select {
		case m, ok := <-r.msgs:
			if !ok {
				return out
			}
			out = append(out, m)
		case <-timer:
			return out
		}
	}
}

func rlCount(msgs []string, sub string) int {
	n := 0
	for _, m := range msgs {
		if strings.Contains(m, sub) {
			n++
		}
	}
	return n
}

func rlSyslogOutput(port, level int) string {
	return fmt.Sprintf(`  <syslog_output>
    <server>127.0.0.1</server>
    <port>%d</port>
    <level>%d</level>
  </syslog_output>
`, port, level)
}

// TestReloadAppliesSyslogOutput: <syslog_output> moved to another port
// with a higher level, SIGHUP: alerts go to the new destination with the
// new level; the old one receives nothing more.
func TestReloadAppliesSyslogOutput(t *testing.T) {
	oldRx, newRx := rlListen(t), rlListen(t)
	port := freePort(t)
	h := newHome(t, rlConfig(port, rlSyslogOutput(oldRx.port(), 8)))
	copyDefaults(t, h)
	h.write("etc/rules/local_rules.xml", localRules(newRule))
	h.write("logsrc/auth.log", "")
	d := h.start()
	defer d.stop(t)
	h.waitLog(20*time.Second, "gossec running")
	f, err := os.OpenFile(h.path("logsrc/auth.log"), os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	line, m1 := rlFailed("alice", 1) // rule 100010, level 8
	fmt.Fprintln(f, line)
	waitFor(t, 20*time.Second, "the old destination gets alice #1", func() bool {
		return rlCount(oldRx.collect(100*time.Millisecond), m1) == 1
	})

	h.write("etc/ossec.conf", rlConfig(port, rlSyslogOutput(newRx.port(), 9)))
	rlHUP(t, d)
	waitFor(t, 20*time.Second, "the reload", func() bool { return h.state("reloads") == 1 })
	line, m2 := rlFailed("alice", 2) // level 8: below the new level 9
	fmt.Fprintln(f, line)
	line, m3 := rlFailed("carol", 3) // rule 100012, level 9
	fmt.Fprintln(f, line)
	waitFor(t, 20*time.Second, "both alerts written", func() bool {
		return len(rlAlerted(h, []string{m2, m3})) == 2
	})
	var newGot []string
	rlWait(10*time.Second, func() bool {
		newGot = append(newGot, newRx.collect(100*time.Millisecond)...)
		return rlCount(newGot, m3) > 0
	})
	oldGot := oldRx.collect(300 * time.Millisecond)
	t.Logf("figures: new destination got carol(level 9) %d, alice(level 8) %d; old destination got %d after the reload",
		rlCount(newGot, m3), rlCount(newGot, m2), rlCount(oldGot, m2)+rlCount(oldGot, m3))
	if rlCount(newGot, m3) != 1 {
		t.Errorf("the new destination got %d copies of the level-9 alert, want 1", rlCount(newGot, m3))
	}
	if rlCount(newGot, m2) != 0 {
		t.Errorf("the new destination got the level-8 alert below its level 9")
	}
	if n := rlCount(oldGot, m2) + rlCount(oldGot, m3); n != 0 {
		t.Errorf("the old destination still got %d alerts after the reload", n)
	}
}

// rlRunT runs `gossec run -t` and returns its exit code and output.
func rlRunT(h *home) (int, string, string) {
	cmd := exec.Command(gossecBin, "run", "-t", "--home", h.dir, "-c", h.conf)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	}
	return code, out.String(), errb.String()
}

// rlCorrupt cuts the positions file in half and returns what remains.
func rlCorrupt(t *testing.T, h *home) string {
	p := h.path("queue/gossec/positions.json")
	b, err := os.ReadFile(p)
	if err != nil || len(b) < 10 {
		t.Fatalf("positions file: %v (%d bytes)", err, len(b))
	}
	half := b[:len(b)/2]
	if err := os.WriteFile(p, half, 0o600); err != nil {
		t.Fatal(err)
	}
	return string(half)
}

// TestCorruptPositionsVisible: positions.json cut in half. `run -t` says
// so; `run` says on stderr what it did (the corrupt copy kept, what happens
// to the files it can no longer place) and keeps monitoring; a second
// corruption keeps the first copy.
func TestCorruptPositionsVisible(t *testing.T) {
	h := newHome(t, `<ossec_config>
  <localfile>
    <location>logsrc/auth.log</location>
    <log_format>syslog</log_format>
  </localfile>
</ossec_config>
`)
	h.write("logsrc/auth.log", "")
	d := h.start()
	h.waitLog(20*time.Second, "gossec running")
	f, err := os.OpenFile(h.path("logsrc/auth.log"), os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var marks []string
	write := func() {
		line, m := rlFailed("root", len(marks)+1)
		fmt.Fprintln(f, line)
		marks = append(marks, m)
	}
	write()
	waitFor(t, 20*time.Second, "the first alert", func() bool { return len(rlAlerted(h, marks)) == 1 })
	waitFor(t, 5*time.Second, "positions committed", func() bool {
		return strings.Contains(h.read("queue/gossec/positions.json"), "auth.log")
	})
	d.stop(t)

	first := rlCorrupt(t, h)
	code, out, errOut := rlRunT(h)
	t.Logf("figure: run -t exit %d, stdout %q, stderr %q", code, out, errOut)
	if !strings.Contains(out+errOut, "positions") || !strings.Contains(out+errOut, "corrupt") {
		t.Errorf("run -t does not report the corrupt positions file")
	}
	if code != 0 {
		t.Errorf("run -t exit %d, want 0 (the service starts anyway)", code)
	}

	d = h.start()
	started := rlWait(20*time.Second, func() bool { return strings.Count(h.read("logs/gossec.log"), "gossec running") == 2 })
	write()
	monitoring := rlWait(20*time.Second, func() bool { return len(rlAlerted(h, marks)) == 2 })
	var exited bool
	if started && monitoring {
		d.stop(t)
	} else {
		d.cmd.Process.Kill()
		d.cmd.Wait()
		exited = true
	}
	stderr := d.stderr.String()
	kept := h.read("queue/gossec/positions.json.corrupt")
	t.Logf("figures: started %v, new line alerted %v, stderr %d bytes: %q, corrupt copy kept %v", started, monitoring, len(stderr), stderr, kept == first)
	if !monitoring || exited {
		t.Fatalf("gossec did not keep monitoring with a corrupt positions file; stderr %q; gossec.log:\n%s", stderr, h.read("logs/gossec.log"))
	}
	if !strings.Contains(stderr, "positions") || !strings.Contains(stderr, ".corrupt") {
		t.Errorf("stderr does not say the corrupt positions file was set aside: %q", stderr)
	}
	if !strings.Contains(stderr, "only-future-events") {
		t.Errorf("stderr does not say which read policy applies to the files without a position: %q", stderr)
	}
	if kept != first {
		t.Errorf("the corrupt copy was not kept as it was")
	}

	// A second corruption keeps the first copy.
	second := rlCorrupt(t, h)
	d = h.start()
	waitFor(t, 20*time.Second, "the third start", func() bool { return strings.Count(h.read("logs/gossec.log"), "gossec running") == 3 })
	d.stop(t)
	copies, _ := filepath.Glob(h.path("queue/gossec/positions.json.corrupt*"))
	var contents []string
	for _, c := range copies {
		contents = append(contents, h.read(strings.TrimPrefix(c, h.dir+"/")))
	}
	t.Logf("figure: corrupt copies after two corruptions: %v", copies)
	if len(copies) != 2 || !(contents[0] == first && contents[1] == second || contents[0] == second && contents[1] == first) {
		t.Errorf("after two corruptions the copies are %v, want both kept", copies)
	}
}

// TestFatalStartErrorOnStderr: HOME/queue is a file, so the queue folder
// cannot be created: gossec exits non-zero and says why on stderr (not only
// in gossec.log, which systemd does not show).
func TestFatalStartErrorOnStderr(t *testing.T) {
	h := newHome(t, `<ossec_config>
  <localfile>
    <location>logsrc/auth.log</location>
  </localfile>
</ossec_config>
`)
	h.write("queue", "not a folder")
	h.write("logsrc/auth.log", "")
	d := h.start()
	done := make(chan error, 1)
	go func() { done <- d.cmd.Wait() }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		d.cmd.Process.Kill()
		<-done
		t.Fatal("gossec kept running with HOME/queue a file")
	}
	stderr := d.stderr.String()
	t.Logf("figure: exit %d, stderr %q", d.cmd.ProcessState.ExitCode(), stderr)
	if d.cmd.ProcessState.ExitCode() == 0 {
		t.Error("exit 0")
	}
	if !strings.Contains(stderr, "queue") {
		t.Errorf("stderr does not name the failure: %q; gossec.log:\n%s", stderr, h.read("logs/gossec.log"))
	}
}
