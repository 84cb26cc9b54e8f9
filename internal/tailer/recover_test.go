package tailer_test

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/gossec/gossec/internal/positions"
	"github.com/gossec/gossec/internal/tailer"
)

// reopenStore reads the positions file again, as a restarted process does:
// only what was flushed survives.
func reopenStore(t *testing.T, path string) *positions.Store {
	t.Helper()
	st, err := positions.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// commitLine records l as processed and flushes, as the daemon does.
func commitLine(t *testing.T, st *positions.Store, l tailer.Line) {
	t.Helper()
	st.Set(l.ID, l.Entry(time.Now()))
	if err := st.Flush(); err != nil {
		t.Fatal(err)
	}
}

// TestRestartAfterRotationWhileDown: the followed file was renamed (the
// pattern names only app.log) and replaced while we were stopped, before
// its last lines were committed. The restart finds it by identity next to
// the new app.log, reads it from the stored offset to its end (including
// a late write after the rename) before the new file, under the path it
// was followed as; other patterns' rotated files are left alone. Once its
// end is committed and it stayed quiet, its entry is dropped.
func TestRestartAfterRotationWhileDown(t *testing.T) {
	for _, tc := range []struct {
		name       string
		rotated    string
		onlyFuture bool
	}{
		{"numbered", "app.log.1", true},
		{"dateext", "app.log-20261207", true},
		{"zero", "app.log.0", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			eachMode(t, func(t *testing.T, m mode) {
				dir, path := tempLog(t, "app.log", "")
				posFile := filepath.Join(dir, "positions.json")
				cfg := m.config(path)
				cfg.OnlyFutureEvents = tc.onlyFuture
				cfg.Positions = reopenStore(t, posFile)
				h := start(t, cfg)
				h.waitStats("file followed", func(s tailer.Stats) bool { return len(s.Files) == 1 })
				appendFile(t, path, "l1\nl2\nl3\n")
				ls := h.waitLines(3)
				commitLine(t, cfg.Positions, ls[0]) // l2 and l3 not processed yet
				h.stop()

				// Another <localfile>'s rotated file with its entry: not ours.
				other := filepath.Join(dir, "other.log.1")
				appendFile(t, other, "not ours\n")
				fi, _ := os.Stat(other)
				cfg.Positions.Set(statID(t, fi), positions.Entry{Path: filepath.Join(dir, "other.log")})
				if err := cfg.Positions.Flush(); err != nil {
					t.Fatal(err)
				}

				rotated := filepath.Join(dir, tc.rotated)
				if err := os.Rename(path, rotated); err != nil {
					t.Fatal(err)
				}
				appendFile(t, rotated, "l4\n") // written after the rename
				appendFile(t, path, "n1\n")
				// The new file looks older: order must not rest on it.
				old := time.Now().Add(-time.Hour)
				os.Chtimes(path, old, old)

				cfg.Positions = reopenStore(t, posFile)
				h = start(t, cfg)
				ls = h.waitLines(4)
				wantTexts(t, ls, "l2", "l3", "l4", "n1")
				h.quiet(4, 50*time.Millisecond)
				for _, l := range ls {
					if l.Path != path {
						t.Errorf("line %q has path %q, want %q (the path followed)", l.Text, l.Path, path)
					}
				}
				if ls[0].Start != 3 {
					t.Errorf("l2 starts at %d, want 3 (the stored offset)", ls[0].Start)
				}

				commitLine(t, cfg.Positions, ls[2]) // the rotated file's end
				commitLine(t, cfg.Positions, ls[3])
				h.waitStats("rotated file's entry dropped", func(tailer.Stats) bool {
					_, ok := cfg.Positions.Get(ls[2].ID)
					return !ok
				})
				if _, ok := cfg.Positions.Get(ls[3].ID); !ok {
					t.Error("the live file's entry was dropped")
				}
			})
		})
	}
}

// TestCreatedAfterStartIsNotPreExisting: with only future events, a file
// created after the first start and a file that existed then are both
// recorded before they are read. A restart with nothing committed (a
// crash) reads the new file from 0 and the old one from where the first
// start began, not from its new end, and never replays its old content.
func TestCreatedAfterStartIsNotPreExisting(t *testing.T) {
	eachMode(t, func(t *testing.T, m mode) {
		dir, path := tempLog(t, "app.log", "old 1\nold 2\n")
		posFile := filepath.Join(dir, "positions.json")
		cfg := m.config(filepath.Join(dir, "*.log"))
		cfg.OnlyFutureEvents = true
		cfg.Positions = reopenStore(t, posFile)
		h := start(t, cfg)
		h.waitStats("file followed", func(s tailer.Stats) bool { return len(s.Files) == 1 })
		later := filepath.Join(dir, "later.log")
		appendFile(t, path, "new 1\n")
		appendFile(t, later, "later 1\n")
		h.waitLines(2)
		h.stop() // nothing committed

		appendFile(t, path, "new 2\n")
		appendFile(t, later, "later 2\n")
		cfg.Positions = reopenStore(t, posFile)
		h = start(t, cfg)
		ls := h.waitLines(4)
		h.quiet(4, 50*time.Millisecond)
		got := map[string]bool{}
		for _, l := range ls {
			got[l.Text] = true
		}
		for _, w := range []string{"new 1", "new 2", "later 1", "later 2"} {
			if !got[w] {
				t.Errorf("missing %q in %q", w, texts(ls))
			}
		}
	})
}

// TestNewFileAfterRestartStartsAtZero: once a pattern has been followed,
// a file that appeared while we were stopped (no stored position) is read
// from 0 even with only future events: it was created after the start.
// A pattern never followed with this store still skips old content.
func TestNewFileAfterRestartStartsAtZero(t *testing.T) {
	dir, path := tempLog(t, "app.log", "old\n")
	posFile := filepath.Join(dir, "positions.json")
	cfg := modes[1].config(path)
	cfg.OnlyFutureEvents = true
	cfg.Positions = reopenStore(t, posFile)
	h := start(t, cfg)
	h.waitStats("file followed", func(s tailer.Stats) bool { return len(s.Files) == 1 })
	h.quiet(0, 50*time.Millisecond)
	h.stop()

	os.Remove(path)
	appendFile(t, path, "while down 1\nwhile down 2\n")
	otherPath := filepath.Join(dir, "other.log")
	appendFile(t, otherPath, "other old\n")
	cfg.Patterns = []string{path, otherPath}
	cfg.Positions = reopenStore(t, posFile)
	h = start(t, cfg)
	wantTexts(t, h.waitLines(2), "while down 1", "while down 2")
	h.quiet(2, 50*time.Millisecond)
}

// TestVanishedEntryDropped: at start, the entry of a file of ours that is
// in its directory under no name any more is forgotten; entries of other
// patterns, and of directories that cannot be listed, are kept.
func TestVanishedEntryDropped(t *testing.T) {
	dir, path := tempLog(t, "app.log", "x\n")
	st := reopenStore(t, filepath.Join(dir, "positions.json"))
	gone := tailer.FileID{Dev: 1, Ino: 1 << 40}
	otherPattern := tailer.FileID{Dev: 1, Ino: 1<<40 + 1}
	unlisted := tailer.FileID{Dev: 1, Ino: 1<<40 + 2}
	st.Set(gone, positions.Entry{Path: path, Offset: 5})
	st.Set(otherPattern, positions.Entry{Path: filepath.Join(dir, "other.log"), Offset: 5})
	st.Set(unlisted, positions.Entry{Path: filepath.Join(dir, "missing-dir", "app.log"), Offset: 5})
	cfg := modes[1].config(path, filepath.Join(dir, "missing-dir", "app.log"))
	cfg.Positions = st
	h := start(t, cfg)
	wantTexts(t, h.waitLines(1), "x")
	for _, tc := range []struct {
		name string
		id   tailer.FileID
		want bool
	}{{"gone", gone, false}, {"other pattern", otherPattern, true}, {"unlisted dir", unlisted, true}} {
		if _, ok := st.Get(tc.id); ok != tc.want {
			t.Errorf("%s: entry kept = %v, want %v", tc.name, ok, tc.want)
		}
	}
}

// TestRotatedIdentityReused: a file next to the pattern that has the
// identity of a stored file but not its first bytes is another file that
// reuses the inode: it is not read, and the stale entry is forgotten.
func TestRotatedIdentityReused(t *testing.T) {
	dir, path := tempLog(t, "app.log", "live\n")
	reused := filepath.Join(dir, "app.log.1")
	appendFile(t, reused, "not the stored file\n")
	fi, _ := os.Stat(reused)
	id := statID(t, fi)
	st := reopenStore(t, filepath.Join(dir, "positions.json"))
	st.Set(id, positions.Entry{Path: path, Offset: 4, Fingerprint: positions.Fingerprint{Len: 4, SHA256: "00"}})
	cfg := modes[1].config(path)
	cfg.Positions = st
	h := start(t, cfg)
	wantTexts(t, h.waitLines(1), "live")
	h.quiet(1, 50*time.Millisecond)
	if _, ok := st.Get(id); ok {
		t.Error("the stale entry is kept")
	}
}
