package itest

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// gossecBin is the binary built once for the whole package.
var gossecBin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "gossec-itest-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	gossecBin = filepath.Join(dir, "gossec")
	build := exec.Command("go", "build", "-o", gossecBin, "github.com/gossec/gossec/cmd/gossec")
	build.Stderr = os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "building gossec:", err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// home is a temporary gossec home with a configuration.
type home struct {
	t    testing.TB
	dir  string
	conf string
}

func newHome(t testing.TB, config string) *home {
	t.Helper()
	dir := t.TempDir()
	h := &home{t: t, dir: dir, conf: filepath.Join(dir, "etc", "ossec.conf")}
	h.write("etc/ossec.conf", config)
	return h
}

func (h *home) path(rel string) string { return filepath.Join(h.dir, rel) }

func (h *home) write(rel, content string) {
	h.t.Helper()
	p := h.path(rel)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		h.t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		h.t.Fatal(err)
	}
}

// daemon is a running `gossec run`.
type daemon struct {
	cmd    *exec.Cmd
	stderr bytes.Buffer
	home   *home
	// starts is how many "gossec running" lines gossec.log held before
	// this process started: stop waits for one more.
	starts int
}

func (h *home) start() *daemon {
	h.t.Helper()
	d := &daemon{cmd: exec.Command(gossecBin, "run", "--home", h.dir, "-c", h.conf), home: h}
	d.starts = h.countLog("gossec running")
	d.cmd.Stderr = &d.stderr
	if err := d.cmd.Start(); err != nil {
		h.t.Fatal(err)
	}
	return d
}

// countLog counts the occurrences of s in gossec.log.
func (h *home) countLog(s string) int {
	b, _ := os.ReadFile(h.path("logs/gossec.log"))
	return bytes.Count(b, []byte(s))
}

// stop waits until the service runs, sends SIGTERM and waits for a
// clean exit. Waiting for the start first (when its home is known) makes the stop test the
// service's shutdown, not how far a loading process has come.
func (d *daemon) stop(t testing.TB) {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- d.cmd.Wait() }()
	wait := func(err error) {
		if err != nil {
			t.Fatalf("gossec exited with %v; stderr:\n%s", err, d.stderr.String())
		}
	}
	for limit := time.Now().Add(20 * time.Second); d.home != nil && d.home.countLog("gossec running") <= d.starts && time.Now().Before(limit); {
		select {
		case err := <-done:
			wait(err)
			return
		case <-time.After(20 * time.Millisecond):
		}
	}
	d.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-done:
		wait(err)
	case <-time.After(20 * time.Second):
		d.cmd.Process.Kill()
		t.Fatal("gossec did not stop within 20s of SIGTERM")
	}
}

// kill simulates a crash.
func (d *daemon) kill() {
	d.cmd.Process.Kill()
	d.cmd.Wait()
}

// alerts reads alerts.json.
func (h *home) alerts() []map[string]any {
	h.t.Helper()
	f, err := os.Open(h.path("logs/alerts/alerts.json"))
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		h.t.Fatal(err)
	}
	defer f.Close()
	var out []map[string]any
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			// A crash can leave a torn last line; it is not an alert.
			continue
		}
		out = append(out, m)
	}
	return out
}

// waitFor polls cond until it holds or the deadline passes.
func waitFor(t testing.TB, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s", timeout, what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func ruleID(a map[string]any) string {
	r, _ := a["rule"].(map[string]any)
	id, _ := r["id"].(string)
	return id
}

func fullLog(a map[string]any) string {
	s, _ := a["full_log"].(string)
	return s
}

func contains(s, sub string) bool { return strings.Contains(s, sub) }

func (h *home) read(rel string) string {
	b, _ := os.ReadFile(h.path(rel))
	return string(b)
}
