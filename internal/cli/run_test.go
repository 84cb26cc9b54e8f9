package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gossec/gossec/internal/daemon"
)

// TestServiceLoggerStartupToStderr: with stderr not a terminal (systemd),
// warnings and errors reach it while the service starts (loud), only
// gossec.log once it runs; gossec.log has everything.
func TestServiceLoggerStartupToStderr(t *testing.T) {
	home := t.TempDir()
	var stderr bytes.Buffer
	log, loud, closeLog, err := serviceLogger(home, &stderr, false)
	if err != nil {
		t.Fatal(err)
	}
	defer closeLog()
	log.Info("starting info")
	log.With("k", "v").Warn("starting warn")
	loud.Store(false)
	log.Error("running error")
	loud.Store(true)
	log.Error("fatal error")
	file, err := os.ReadFile(filepath.Join(home, "logs", "gossec.log"))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		where, text, msg string
		want             bool
	}{
		{"stderr", stderr.String(), "starting info", false},
		{"stderr", stderr.String(), "starting warn", true},
		{"stderr", stderr.String(), "k=v", true},
		{"stderr", stderr.String(), "running error", false},
		{"stderr", stderr.String(), "fatal error", true},
		{"gossec.log", string(file), "starting info", true},
		{"gossec.log", string(file), "running error", true},
		{"gossec.log", string(file), "fatal error", true},
	} {
		if got := strings.Contains(c.text, c.msg); got != c.want {
			t.Errorf("%s has %q: %v, want %v:\n%s", c.where, c.msg, got, c.want, c.text)
		}
	}
}

// TestServiceLoggerJournal: under systemd (journal) warnings and errors
// reach stderr while the service runs too, with the start summary, reload
// and stop lines, but not the other info lines.
func TestServiceLoggerJournal(t *testing.T) {
	tests := []struct {
		name    string
		journal bool
		want    map[string]bool
	}{
		{"journal", true, map[string]bool{
			"starting warn": true, daemon.MsgRunning: true, "running warn": true,
			"other info": false, daemon.MsgReloaded: true, daemon.MsgStopped: true}},
		{"redirected by hand", false, map[string]bool{
			"starting warn": true, daemon.MsgRunning: false, "running warn": false,
			"other info": false, daemon.MsgReloaded: false, daemon.MsgStopped: false}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var stderr bytes.Buffer
			log, loud, closeLog, err := serviceLogger(t.TempDir(), &stderr, tc.journal)
			if err != nil {
				t.Fatal(err)
			}
			defer closeLog()
			log.Warn("starting warn")
			if !tc.journal {
				loud.Store(false) // what READY=1 does off systemd
			}
			log.Info(daemon.MsgRunning, "inputs", 2)
			log.Warn("running warn")
			log.Info("other info")
			log.Info(daemon.MsgReloaded)
			log.Info(daemon.MsgStopped)
			for msg, want := range tc.want {
				if got := strings.Contains(stderr.String(), msg); got != want {
					t.Errorf("stderr has %q: %v, want %v:\n%s", msg, got, want, stderr.String())
				}
			}
		})
	}
}

func TestUnderSystemd(t *testing.T) {
	for _, tc := range []struct {
		env  map[string]string
		want bool
	}{
		{map[string]string{}, false},
		{map[string]string{"JOURNAL_STREAM": "8:12345"}, true},
		{map[string]string{"INVOCATION_ID": "abc"}, true},
	} {
		if got := underSystemd(func(k string) string { return tc.env[k] }); got != tc.want {
			t.Errorf("underSystemd(%v) = %v", tc.env, got)
		}
	}
}

// TestServiceLoggerFullDisk: a line gossec.log cannot take (its disk is
// full; /dev/full answers every write with ENOSPC) goes to stderr, even
// while the service runs quietly; lines the file takes do not.
func TestServiceLoggerFullDisk(t *testing.T) {
	if _, err := os.Stat("/dev/full"); err != nil {
		t.Skip("no /dev/full")
	}
	home := t.TempDir()
	os.MkdirAll(filepath.Join(home, "logs"), 0o750)
	if err := os.Symlink("/dev/full", filepath.Join(home, "logs", "gossec.log")); err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	log, loud, closeLog, err := serviceLogger(home, &stderr, false)
	if err != nil {
		t.Fatal(err)
	}
	defer closeLog()
	loud.Store(false) // running: normally nothing reaches stderr
	log.Info("an info line")
	log.Error("writing alert files failed; retrying", "error", "no space left on device")
	for _, msg := range []string{"an info line", "writing alert files failed"} {
		if !strings.Contains(stderr.String(), msg) {
			t.Errorf("stderr lacks %q:\n%s", msg, stderr.String())
		}
	}
}

// TestIsTerminal: the null device and files are not terminals (a replay
// to /dev/null must print JSON, not the table).
func TestIsTerminal(t *testing.T) {
	null, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer null.Close()
	file, err := os.Create(filepath.Join(t.TempDir(), "out"))
	if err != nil {
		t.Fatal(err)
	}
	defer file.Close()
	var buf bytes.Buffer
	for name, w := range map[string]any{"/dev/null": null, "a file": file, "a buffer": &buf} {
		if isTerminal(w.(interface{ Write([]byte) (int, error) })) {
			t.Errorf("%s taken for a terminal", name)
		}
	}
}
