package tailer_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fsnotify/fsnotify"
	"github.com/gossec/gossec/internal/tailer"
)

// waitTimeout bounds every wait on the file system.
const waitTimeout = 10 * time.Second

// mode is how a test drives the tailer: fsnotify with a slow poll (so that
// the events are what makes it fast), or polling only.
type mode struct {
	name     string
	noNotify bool
	poll     time.Duration
}

var modes = []mode{
	{name: "notify", poll: 2 * time.Second},
	{name: "poll", noNotify: true, poll: 15 * time.Millisecond},
}

// eachMode runs fn once per mode.
func eachMode(t *testing.T, fn func(t *testing.T, m mode)) {
	for _, m := range modes {
		t.Run(m.name, func(t *testing.T) {
			if !m.noNotify {
				w, err := fsnotify.NewWatcher()
				if err != nil {
					t.Skipf("fsnotify unavailable: %v", err)
				}
				w.Close()
			}
			fn(t, m)
		})
	}
}

func (m mode) config(patterns ...string) tailer.Config {
	return tailer.Config{
		Patterns:     patterns,
		PollInterval: m.poll,
		NoNotify:     m.noNotify,
		RotateGrace:  100 * time.Millisecond,
	}
}

// harness runs a Tailer and collects what it emits.
type harness struct {
	t      *testing.T
	tl     *tailer.Tailer
	cancel context.CancelFunc
	done   chan error
	once   sync.Once

	mu      sync.Mutex
	lines   []tailer.Line
	changed chan struct{} // signalled on every new line
	onLine  func(tailer.Line)
}

func start(t *testing.T, cfg tailer.Config) *harness {
	t.Helper()
	tl, err := tailer.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return run(t, tl, nil)
}

// run starts tl; onLine, if set, sees every line before it is collected.
func run(t *testing.T, tl *tailer.Tailer, onLine func(tailer.Line)) *harness {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	h := &harness{t: t, tl: tl, cancel: cancel, done: make(chan error, 1),
		changed: make(chan struct{}, 1), onLine: onLine}
	out := make(chan tailer.Line, 16)
	go func() { h.done <- tl.Run(ctx, out) }()
	go h.collect(ctx, out)
	t.Cleanup(h.stop)
	return h
}

func (h *harness) collect(ctx context.Context, out <-chan tailer.Line) {
	for {
		select {
		case l := <-out:
			if h.onLine != nil {
				h.onLine(l)
			}
			h.mu.Lock()
			h.lines = append(h.lines, l)
			h.mu.Unlock()
			select {
			case h.changed <- struct{}{}:
			default:
			}
		case <-ctx.Done():
			return
		}
	}
}

// stop cancels Run and waits for it; safe to call twice.
func (h *harness) stop() {
	h.once.Do(func() {
		h.cancel()
		select {
		case err := <-h.done:
			if err != nil {
				h.t.Errorf("Run: %v", err)
			}
		case <-time.After(waitTimeout):
			h.t.Error("Run did not return after cancel")
		}
	})
}

func (h *harness) snapshot() []tailer.Line {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]tailer.Line(nil), h.lines...)
}

// waitFor waits until cond holds for the lines collected so far.
func (h *harness) waitFor(what string, cond func([]tailer.Line) bool) []tailer.Line {
	h.t.Helper()
	deadline := time.After(waitTimeout)
	for {
		ls := h.snapshot()
		if cond(ls) {
			return ls
		}
		select {
		case <-h.changed:
		case <-time.After(20 * time.Millisecond): // for conditions on Stats
		case <-deadline:
			h.t.Fatalf("timeout waiting for %s; got %d lines: %q", what, len(ls), texts(ls))
		}
	}
}

// waitLines waits for exactly n lines (and a little more for extras).
func (h *harness) waitLines(n int) []tailer.Line {
	h.t.Helper()
	return h.waitFor(fmt.Sprintf("%d lines", n), func(ls []tailer.Line) bool { return len(ls) >= n })
}

// waitStats waits until cond holds for the tailer's stats.
func (h *harness) waitStats(what string, cond func(tailer.Stats) bool) tailer.Stats {
	h.t.Helper()
	deadline := time.Now().Add(waitTimeout)
	for {
		s := h.tl.Stats()
		if cond(s) {
			return s
		}
		if time.Now().After(deadline) {
			h.t.Fatalf("timeout waiting for %s; stats %+v", what, s)
		}
		time.Sleep(5 * time.Millisecond) // polling real file-system progress
	}
}

// quiet asserts that no further line arrives for a while: used after the
// expected lines, to catch replays and duplicates.
func (h *harness) quiet(n int, d time.Duration) {
	h.t.Helper()
	time.Sleep(d) // nothing to wait on: we check that nothing happens
	if ls := h.snapshot(); len(ls) != n {
		h.t.Fatalf("got %d lines, want %d: %q", len(ls), n, texts(ls))
	}
}

func texts(ls []tailer.Line) []string {
	s := make([]string, len(ls))
	for i, l := range ls {
		s[i] = l.Text
	}
	return s
}

func wantTexts(t *testing.T, ls []tailer.Line, want ...string) {
	t.Helper()
	got := texts(ls)
	if strings.Join(got, "\x00") != strings.Join(want, "\x00") {
		t.Fatalf("lines = %q, want %q", got, want)
	}
}

func appendFile(t *testing.T, path, data string) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteString(data); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

func tempLog(t *testing.T, name, data string) (dir, path string) {
	t.Helper()
	dir = t.TempDir()
	path = filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir, path
}
