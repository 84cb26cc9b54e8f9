package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestServiceLoggerStartupToStderr: with stderr not a terminal (systemd),
// warnings and errors reach it while the service starts (loud), only
// gossec.log once it runs; gossec.log has everything.
func TestServiceLoggerStartupToStderr(t *testing.T) {
	home := t.TempDir()
	var stderr bytes.Buffer
	log, loud, closeLog, err := serviceLogger(home, &stderr)
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
