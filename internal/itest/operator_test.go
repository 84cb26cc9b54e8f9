package itest

// Operator-facing behaviour of the real binary (issue 12): install.sh
// staying inside a scratch prefix, missing and unreadable log files,
// what a foreground or systemd-started `gossec run` says on stderr.

import (
	"bytes"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// opStubs puts fake versions of the commands that change the machine
// (users, groups, ownership, systemd) first in PATH; each records its call
// in the returned log file instead.
func opStubs(t *testing.T) (path, calls string) {
	t.Helper()
	dir := t.TempDir()
	calls = filepath.Join(dir, "calls.log")
	for _, c := range []string{"useradd", "usermod", "groupadd", "chown", "systemctl"} {
		script := "#!/bin/sh\necho \"" + c + " $*\" >> '" + calls + "'\n"
		if err := os.WriteFile(filepath.Join(dir, c), []byte(script), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return dir + string(os.PathListSeparator) + os.Getenv("PATH"), calls
}

func opSystemdRuns() bool {
	comm, _ := os.ReadFile("/proc/1/comm")
	if strings.TrimSpace(string(comm)) == "systemd" {
		return true
	}
	_, err := os.Stat("/run/systemd/system")
	return err == nil
}

// TestOpInstallScratchPrefix: install.sh with a scratch --prefix and
// without --system writes nothing outside the prefix (no unit in
// /etc/systemd/system, no user, no group, no chown, no systemctl), even as
// root; it says what it did not do, and that systemd is absent when it is.
// --system is refused without root, a system folder as prefix always.
func TestOpInstallScratchPrefix(t *testing.T) {
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("no bash")
	}
	path, calls := opStubs(t)
	unit := "/etc/systemd/system/gossec.service"
	_, err := os.Stat(unit)
	unitBefore := err == nil
	passwd, _ := os.ReadFile("/etc/passwd")
	group, _ := os.ReadFile("/etc/group")

	prefix := filepath.Join(t.TempDir(), "scratch")
	cmd := exec.Command("../../install.sh", "--prefix", prefix)
	cmd.Env = append(os.Environ(), "PATH="+path)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("install.sh: %v\n%s", err, out)
	}
	if _, err := os.Stat(unit); err == nil && !unitBefore {
		os.Remove(unit)
		t.Errorf("install.sh --prefix wrote %s", unit)
	}
	if b, _ := os.ReadFile(calls); len(b) > 0 {
		t.Errorf("install.sh --prefix changed the machine:\n%s", b)
	}
	if p, _ := os.ReadFile("/etc/passwd"); !bytes.Equal(p, passwd) {
		t.Error("install.sh --prefix changed /etc/passwd")
	}
	if g, _ := os.ReadFile("/etc/group"); !bytes.Equal(g, group) {
		t.Error("install.sh --prefix changed /etc/group")
	}
	text := string(out)
	// Progress: the build is announced and its end said ("still building"
	// lines come every 10s of a slow build).
	for _, want := range []string{"building gossec", "built in", "Not done:", "--system", filepath.Join(prefix, "etc", "gossec.service")} {
		if !strings.Contains(text, want) {
			t.Errorf("install.sh output lacks %q:\n%s", want, text)
		}
	}
	if !opSystemdRuns() && !strings.Contains(text, "systemd is not running") {
		t.Errorf("systemd does not run here, and install.sh does not say so:\n%s", text)
	}
	if _, err := os.Stat(filepath.Join(prefix, "etc", "gossec.service")); err != nil {
		t.Errorf("the unit for the prefix is not left in it: %v", err)
	}

	refuse := func(name string, args []string, cred *syscall.Credential) {
		t.Run(name, func(t *testing.T) {
			cmd := exec.Command("../../install.sh", args...)
			cmd.Env = append(os.Environ(), "PATH="+path)
			if cred != nil {
				cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
			}
			out, err := cmd.CombinedOutput()
			if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 2 {
				t.Errorf("install.sh %v: %v, want exit 2\n%s", args, err, out)
			}
			if b, _ := os.ReadFile(calls); len(b) > 0 {
				t.Errorf("install.sh %v changed the machine:\n%s", args, b)
			}
		})
	}
	// /tmp rather than /usr: should the refusal ever break, the damage
	// stays in /tmp.
	refuse("system folder as prefix", []string{"--prefix", "/tmp"}, nil)
	if os.Getuid() == 0 {
		if nobody, err := user.Lookup("nobody"); err == nil {
			uid, _ := strconv.Atoi(nobody.Uid)
			gid, _ := strconv.Atoi(nobody.Gid)
			refuse("--system without root", []string{"--system", "--prefix", filepath.Join(os.TempDir(), "gossec-op-never")},
				&syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)})
		}
	}
}

// opHome is a home that another account can use: t.TempDir's parents are
// private to root.
func opHome(t *testing.T, config string) *home {
	t.Helper()
	dir, err := os.MkdirTemp("", "gossec-op-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	h := &home{t: t, dir: dir, conf: filepath.Join(dir, "etc", "ossec.conf")}
	h.write("etc/ossec.conf", config)
	return h
}

func opCount(s, sub string) int { return strings.Count(s, sub) }

// TestOpMissingThenAppears: a <localfile> missing at start is one WARN in
// gossec.log, its appearance one INFO, and its lines are analysed; `run -t`
// warned about it first (path, reason, account).
func TestOpMissingThenAppears(t *testing.T) {
	h := opHome(t, `<ossec_config>
  <localfile><location>logs/later.log</location><log_format>syslog</log_format></localfile>
</ossec_config>`)
	out, err := exec.Command(gossecBin, "run", "-t", "--home", h.dir, "-c", h.conf).CombinedOutput()
	if err != nil {
		t.Fatalf("run -t: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "logs/later.log: no such file or directory") || !strings.Contains(string(out), "checked as user") {
		t.Errorf("run -t does not warn about the missing file:\n%s", out)
	}
	d := h.start()
	h.waitLog(10*time.Second, "no file to follow yet")
	time.Sleep(1500 * time.Millisecond) // a few scans while it is missing: nothing more is said
	h.write("logs/later.log", "Nov 21 09:13:44 db1 sshd[2230]: Failed password for root from 203.0.113.9 port 41022 ssh2\n")
	h.waitLog(10*time.Second, "file appeared")
	waitFor(t, 10*time.Second, "the alert of the new file", func() bool { return len(h.alerts()) > 0 })
	d.stop(t)
	log := h.read("logs/gossec.log")
	if n := opCount(log, "no file to follow yet"); n != 1 {
		t.Errorf("%d 'no file to follow yet' lines, want 1:\n%s", n, log)
	}
	if n := opCount(log, "file appeared"); n != 1 {
		t.Errorf("%d 'file appeared' lines, want 1:\n%s", n, log)
	}
}

// TestOpUnreadableRateLimited: a log file the service's account cannot
// read is logged once, not at every scan (once a second), and its
// becoming readable is said once. The service runs as nobody (needs root
// to switch).
func TestOpUnreadableRateLimited(t *testing.T) {
	if os.Getuid() != 0 {
		t.Skip("needs root: runs gossec as nobody against a root-only file")
	}
	nobody, err := user.Lookup("nobody")
	if err != nil {
		t.Skip("no user nobody")
	}
	uid, _ := strconv.Atoi(nobody.Uid)
	gid, _ := strconv.Atoi(nobody.Gid)
	h := opHome(t, `<ossec_config>
  <localfile><location>logs/secret.log</location><log_format>syslog</log_format></localfile>
</ossec_config>`)
	h.write("logs/secret.log", "Nov 21 09:13:44 db1 sshd[2230]: Failed password for root from 203.0.113.9 port 41022 ssh2\n")
	if err := os.Chmod(h.path("logs/secret.log"), 0o600); err != nil {
		t.Fatal(err)
	}
	// The home is the service account's, as install.sh --system makes it.
	filepath.WalkDir(h.dir, func(p string, _ os.DirEntry, _ error) error {
		if p != h.path("logs/secret.log") {
			os.Chown(p, uid, gid)
		}
		return nil
	})
	// run -t as root judges the file for the account named by -user.
	out, _ := exec.Command(gossecBin, "run", "-t", "-user", "nobody", "--home", h.dir, "-c", h.conf).CombinedOutput()
	if !strings.Contains(string(out), "permission denied") || !strings.Contains(string(out), "checked as user nobody") {
		t.Errorf("run -t -user nobody does not warn about the unreadable file:\n%s", out)
	}
	// The package's binary is in a folder private to root: a copy nobody
	// can run.
	bin := h.path("gossec")
	b, err := os.ReadFile(gossecBin)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(bin, b, 0o755); err != nil {
		t.Fatal(err)
	}
	d := &daemon{cmd: exec.Command(bin, "run", "--home", h.dir, "-c", h.conf)}
	d.cmd.Stderr = &d.stderr
	d.cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}}
	if err := d.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	if w := h.waitLogOrStderr(d, "cannot follow file"); w != "" {
		t.Fatal(w)
	}
	time.Sleep(3 * time.Second) // three scans at least: each used to log again
	if err := os.Chmod(h.path("logs/secret.log"), 0o644); err != nil {
		t.Fatal(err)
	}
	h.waitLog(10*time.Second, "file readable again")
	waitFor(t, 10*time.Second, "the alert of the file once readable", func() bool { return len(h.alerts()) > 0 })
	d.stop(t)
	log := h.read("logs/gossec.log")
	// One line when it starts, at most one summary ("(repeated)", times=N)
	// when it ends or a minute has passed.
	first, all := opCount(log, `msg="cannot follow file"`), opCount(log, "cannot follow file")
	t.Logf("'cannot follow file' lines: %d (%d with the summary)", first, all)
	if first != 1 || all > 2 {
		t.Errorf("%d 'cannot follow file' lines and %d summaries in about 3s, want 1 and at most 1:\n%s", first, all-first, log)
	}
}

// TestOpStderrUnderSystemd: started by systemd (INVOCATION_ID set, stderr
// not a terminal), `gossec run` writes the start summary (inputs, rules,
// outputs), the warnings of the running service and the stop line to
// stderr, i.e. the journal.
func TestOpStderrUnderSystemd(t *testing.T) {
	h := newHome(t, `<ossec_config>
  <global><alerts_log>yes</alerts_log><jsonout_output>yes</jsonout_output></global>
  <localfile><location>logs/missing.log</location><log_format>syslog</log_format></localfile>
</ossec_config>`)
	d := &daemon{cmd: exec.Command(gossecBin, "run", "--home", h.dir, "-c", h.conf)}
	d.cmd.Env = append(os.Environ(), "INVOCATION_ID=0123456789abcdef")
	var stderr opSyncBuf
	d.cmd.Stderr = &stderr
	if err := d.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 10*time.Second, "the missing-file warning on stderr", func() bool {
		return strings.Contains(stderr.String(), "no file to follow yet")
	})
	d.stop(t)
	text := stderr.String()
	for _, want := range []string{"gossec running", "inputs=1", "localfile logs/missing.log", "rules=", "alerts.json", "gossec stopped"} {
		if !strings.Contains(text, want) {
			t.Errorf("stderr lacks %q:\n%s", want, text)
		}
	}
}

// opSyncBuf is a buffer a child process writes while the test reads it.
type opSyncBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *opSyncBuf) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *opSyncBuf) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// waitLogOrStderr waits for a gossec.log line with sub; on timeout it
// returns what the daemon said on stderr and the log.
func (h *home) waitLogOrStderr(d *daemon, sub string) string {
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if strings.Contains(h.read("logs/gossec.log"), sub) {
			return ""
		}
		time.Sleep(50 * time.Millisecond)
	}
	d.kill()
	return "no " + sub + " in gossec.log:\n" + h.read("logs/gossec.log") + "\nstderr:\n" + d.stderr.String()
}
