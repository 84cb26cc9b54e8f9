package tailer_test

import (
	"bytes"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/gossec/gossec/internal/tailer"
)

// logBuf is a concurrency-safe log sink for assertions on what was said.
type logBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuf) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuf) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestAbsentThenAppears: a pattern that matches no file at start is one
// WARN with the reason, and the file appearing later one INFO; scans in
// between say nothing more.
func TestAbsentThenAppears(t *testing.T) {
	tests := []struct {
		name    string
		pattern func(dir string) string
		create  func(t *testing.T, dir string) // makes the file appear
		reason  string
	}{
		{"missing file", func(d string) string { return filepath.Join(d, "app.log") },
			func(t *testing.T, d string) { appendFile(t, filepath.Join(d, "app.log"), "x\n") }, "no such file or directory"},
		{"missing folder", func(d string) string { return filepath.Join(d, "sub", "app.log") },
			func(t *testing.T, d string) {
				if err := os.Mkdir(filepath.Join(d, "sub"), 0o755); err != nil {
					t.Fatal(err)
				}
				appendFile(t, filepath.Join(d, "sub", "app.log"), "x\n")
			}, "no such file or directory"},
		{"glob matching nothing", func(d string) string { return filepath.Join(d, "*.log") },
			func(t *testing.T, d string) { appendFile(t, filepath.Join(d, "b.log"), "x\n") }, "no file matches"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := modes[1] // polling: many scans happen while the file is absent
			dir := t.TempDir()
			var logs logBuf
			cfg := m.config(tc.pattern(dir))
			cfg.Logger = slog.New(slog.NewTextHandler(&logs, nil))
			h := start(t, cfg)
			h.waitFor("a warning", func([]tailer.Line) bool { return strings.Contains(logs.String(), "no file to follow yet") })
			tc.create(t, dir)
			h.waitLines(1)
			h.stop()
			out := logs.String()
			if n := strings.Count(out, "level=WARN"); n != 1 {
				t.Errorf("%d warnings, want 1:\n%s", n, out)
			}
			if !strings.Contains(out, tc.reason) {
				t.Errorf("the warning does not give the reason %q:\n%s", tc.reason, out)
			}
			if n := strings.Count(out, "file appeared"); n != 1 {
				t.Errorf("%d 'file appeared' lines, want 1:\n%s", n, out)
			}
		})
	}
}
