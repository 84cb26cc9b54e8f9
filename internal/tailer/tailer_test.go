package tailer_test

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/gossec/gossec/internal/positions"
	"github.com/gossec/gossec/internal/tailer"
)

func TestAppend(t *testing.T) {
	eachMode(t, func(t *testing.T, m mode) {
		_, path := tempLog(t, "app.log", "one\ntwo\r\n")
		h := start(t, m.config(path))
		h.waitLines(2)
		appendFile(t, path, "thr")
		appendFile(t, path, "ee\n\nfour")
		ls := h.waitLines(4)
		appendFile(t, path, "\n")
		ls = h.waitLines(5)
		wantTexts(t, ls, "one", "two\r", "three", "", "four")
		ends := []int64{4, 9, 15, 16, 21}
		for i, l := range ls {
			if l.End != ends[i] || l.Path != path || l.Pattern != path || l.Truncated {
				t.Errorf("line %d = %+v, want End %d in %s", i, l, ends[i], path)
			}
			if i > 0 && l.Start != ls[i-1].End {
				t.Errorf("line %d starts at %d, previous ended at %d", i, l.Start, ls[i-1].End)
			}
		}
		h.quiet(5, 50*time.Millisecond)
		if s := h.tl.Stats(); s.Lines != 5 || len(s.Files) != 1 || s.Files[0].Offset != 21 {
			t.Errorf("stats = %+v", s)
		}
	})
}

func TestBinaryPassesThrough(t *testing.T) {
	eachMode(t, func(t *testing.T, m mode) {
		raw := "a\x00b\xff\xfe\n\x00\x00\n\xc3(\xe2\x82\n"
		_, path := tempLog(t, "bin.log", raw)
		h := start(t, m.config(path))
		wantTexts(t, h.waitLines(3), "a\x00b\xff\xfe", "\x00\x00", "\xc3(\xe2\x82")
	})
}

func TestLongLineCut(t *testing.T) {
	eachMode(t, func(t *testing.T, m mode) {
		long := "0123456789abcdefXXXXXXXXXXXXXXXXXXXXXXXX" // 40 bytes
		_, path := tempLog(t, "long.log", "short\n"+long[:20])
		cfg := m.config(path)
		cfg.MaxLine = 16
		h := start(t, cfg)
		h.waitLines(1)
		appendFile(t, path, long[20:]+"\nexactly-16-byte\nend\n")
		ls := h.waitLines(4)
		wantTexts(t, ls, "short", long[:16], "exactly-16-byte", "end")
		if !ls[1].Truncated || ls[1].Start != 6 || ls[1].End != 47 {
			t.Errorf("cut line = %+v, want Truncated, 6..47", ls[1])
		}
		if ls[2].Truncated {
			t.Errorf("a line of exactly MaxLine bytes was marked truncated")
		}
		s := h.tl.Stats()
		if s.Truncated != 1 || s.SkippedBytes != 24 {
			t.Errorf("stats Truncated=%d SkippedBytes=%d, want 1 and 24", s.Truncated, s.SkippedBytes)
		}
	})
}

func TestCreatedAfterStart(t *testing.T) {
	eachMode(t, func(t *testing.T, m mode) {
		dir := t.TempDir()
		h := start(t, m.config(filepath.Join(dir, "*.log")))
		appendFile(t, filepath.Join(dir, "new.log"), "hello\n")
		wantTexts(t, h.waitLines(1), "hello")
	})
}

func TestDirectoryCreatedAfterStart(t *testing.T) {
	m := modes[1] // the parent is not watched: the poll finds the directory
	dir := filepath.Join(t.TempDir(), "later")
	h := start(t, m.config(filepath.Join(dir, "app.log")))
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	appendFile(t, filepath.Join(dir, "app.log"), "x\n")
	wantTexts(t, h.waitLines(1), "x")
}

func TestGlobExclude(t *testing.T) {
	eachMode(t, func(t *testing.T, m mode) {
		dir := t.TempDir()
		for name, data := range map[string]string{
			"a.log": "a\n", "b.log": "b\n", "c.txt": "c\n", "skip.log": "skip\n", "old.log.1": "old\n",
		} {
			appendFile(t, filepath.Join(dir, name), data)
		}
		if err := os.Mkdir(filepath.Join(dir, "d.log"), 0o755); err != nil {
			t.Fatal(err)
		}
		cfg := m.config(filepath.Join(dir, "*.log"))
		cfg.Exclude = []string{"skip.*", filepath.Join(dir, "b*")}
		h := start(t, cfg)
		h.waitLines(1)
		h.quiet(1, 100*time.Millisecond)
		wantTexts(t, h.snapshot(), "a")
	})
}

func TestBadPatterns(t *testing.T) {
	for _, cfg := range []tailer.Config{
		{},
		{Patterns: []string{"/var/log/[.log"}},
		{Patterns: []string{"/var/log/%Q.log"}},
		{Patterns: []string{"/var/log/x%"}},
		{Patterns: []string{"/var/log/*.log"}, Exclude: []string{"["}},
	} {
		if _, err := tailer.New(cfg); err == nil {
			t.Errorf("New(%+v) succeeded", cfg)
		}
	}
}

func TestStrftimePattern(t *testing.T) {
	eachMode(t, func(t *testing.T, m mode) {
		dir := t.TempDir()
		day1 := filepath.Join(dir, "app-2026-11-21.log")
		day2 := filepath.Join(dir, "app-2026-11-22.log")
		appendFile(t, day1, "d1 a\n")
		appendFile(t, day2, "d2 early\n")
		now := time.Date(2026, 11, 21, 23, 59, 0, 0, time.UTC)
		clock := make(chan time.Time, 1)
		clock <- now
		cfg := m.config(filepath.Join(dir, "app-%Y-%m-%d.log"))
		cfg.PollInterval = 15 * time.Millisecond // the day changes only on a scan
		cfg.Clock = func() time.Time { t := <-clock; clock <- t; return t }
		h := start(t, cfg)
		h.waitLines(1)
		appendFile(t, day1, "d1 b\n")
		h.waitLines(2)
		h.quiet(2, 50*time.Millisecond)
		<-clock
		clock <- now.Add(2 * time.Minute)
		ls := h.waitLines(3)
		wantTexts(t, ls, "d1 a", "d1 b", "d2 early")
		h.waitStats("day-1 file forgotten", func(s tailer.Stats) bool { return s.Gone == 1 })
	})
}

func TestOnlyFutureEvents(t *testing.T) {
	eachMode(t, func(t *testing.T, m mode) {
		dir, path := tempLog(t, "app.log", "old 1\nold 2\npart")
		cfg := m.config(filepath.Join(dir, "*.log"))
		cfg.OnlyFutureEvents = true
		h := start(t, cfg)
		h.waitStats("file followed", func(s tailer.Stats) bool { return len(s.Files) == 1 })
		appendFile(t, path, "ial\nnew\n")
		appendFile(t, filepath.Join(dir, "later.log"), "later 1\n")
		ls := h.waitLines(3)
		got := map[string]bool{}
		for _, l := range ls {
			got[l.Text] = true
		}
		for _, w := range []string{"partial", "new", "later 1"} {
			if !got[w] {
				t.Errorf("missing %q in %q", w, texts(ls))
			}
		}
		h.quiet(3, 50*time.Millisecond)
	})
}

// TestResume commits some lines, restarts, and expects exactly the rest.
func TestResume(t *testing.T) {
	eachMode(t, func(t *testing.T, m mode) {
		dir, path := tempLog(t, "app.log", "l1\nl2\nl3\n")
		posFile := filepath.Join(dir, "positions.json")
		store, err := positions.Open(posFile)
		if err != nil {
			t.Fatal(err)
		}
		cfg := m.config(path)
		cfg.Positions = store
		h := start(t, cfg)
		ls := h.waitLines(3)
		store.Set(ls[1].ID, ls[1].Entry(time.Now())) // l1 and l2 processed
		if err := store.Flush(); err != nil {
			t.Fatal(err)
		}
		h.stop()
		appendFile(t, path, "l4\n")

		store, err = positions.Open(posFile)
		if err != nil {
			t.Fatal(err)
		}
		cfg.Positions = store
		h = start(t, cfg)
		ls = h.waitLines(2)
		wantTexts(t, ls, "l3", "l4")
		if ls[0].Start != 6 {
			t.Errorf("resumed line starts at %d, want 6", ls[0].Start)
		}
		h.quiet(2, 50*time.Millisecond)
	})
}

// TestResumeOtherFile: a stored position whose fingerprint does not match
// (the inode was reused by another file) is ignored.
func TestResumeOtherFile(t *testing.T) {
	_, path := tempLog(t, "app.log", "new file 1\nnew file 2\n")
	store, _ := positions.Open(filepath.Join(t.TempDir(), "p.json"))
	fi, _ := os.Stat(path)
	id := statID(t, fi)
	store.Set(id, positions.Entry{Path: path, Offset: 11,
		Fingerprint: positions.Fingerprint{Len: 11, SHA256: "00"}})
	cfg := modes[1].config(path)
	cfg.Positions = store
	h := start(t, cfg)
	wantTexts(t, h.waitLines(2), "new file 1", "new file 2")
}

func TestTruncate(t *testing.T) {
	eachMode(t, func(t *testing.T, m mode) {
		_, path := tempLog(t, "app.log", "before 1\nbefore 2\n")
		h := start(t, m.config(path))
		h.waitLines(2)
		if err := os.Truncate(path, 0); err != nil {
			t.Fatal(err)
		}
		h.waitStats("truncation seen", func(s tailer.Stats) bool { return s.Truncations == 1 })
		appendFile(t, path, "after\n")
		ls := h.waitLines(3)
		wantTexts(t, ls, "before 1", "before 2", "after")
		if ls[2].Start != 0 {
			t.Errorf("line after truncation starts at %d, want 0", ls[2].Start)
		}
	})
}

// TestRewritten: the file is truncated and rewritten longer than our
// offset, possibly before we look: the changed first bytes tell.
func TestRewritten(t *testing.T) {
	eachMode(t, func(t *testing.T, m mode) {
		_, path := tempLog(t, "app.log", "first 1\n")
		h := start(t, m.config(path))
		h.waitLines(1)
		if err := os.WriteFile(path, []byte("SECOND 1\nSECOND 2\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		wantTexts(t, h.waitLines(3), "first 1", "SECOND 1", "SECOND 2")
		h.quiet(3, 50*time.Millisecond)
	})
}

func TestCopyTruncate(t *testing.T) {
	eachMode(t, func(t *testing.T, m mode) {
		dir, path := tempLog(t, "app.log", "")
		h := start(t, m.config(path))
		w, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0) // the application
		if err != nil {
			t.Fatal(err)
		}
		defer w.Close()
		w.WriteString("a1\na2\n")
		h.waitLines(2)
		data, _ := os.ReadFile(path) // logrotate copytruncate
		os.WriteFile(filepath.Join(dir, "app.log.1"), data, 0o644)
		os.Truncate(path, 0)
		w.WriteString("b1\nb2\nb3\n")
		wantTexts(t, h.waitLines(5), "a1", "a2", "b1", "b2", "b3")
		h.quiet(5, 50*time.Millisecond)
	})
}

func TestDeleteRecreate(t *testing.T) {
	eachMode(t, func(t *testing.T, m mode) {
		_, path := tempLog(t, "app.log", "first\n")
		h := start(t, m.config(path))
		h.waitLines(1)
		if err := os.Remove(path); err != nil {
			t.Fatal(err)
		}
		h.waitStats("deleted file forgotten", func(s tailer.Stats) bool { return s.Gone == 1 && len(s.Files) == 0 })
		appendFile(t, path, "second\n")
		wantTexts(t, h.waitLines(2), "first", "second")
		h.quiet(2, 50*time.Millisecond)
	})
}

// TestDeletedWhileUnread: lines written just before the deletion are still
// read from the open file.
func TestDeletedWhileUnread(t *testing.T) {
	eachMode(t, func(t *testing.T, m mode) {
		_, path := tempLog(t, "app.log", "first\n")
		h := start(t, m.config(path))
		h.waitLines(1)
		appendFile(t, path, "last words\n")
		os.Remove(path)
		wantTexts(t, h.waitLines(2), "first", "last words")
	})
}

// TestPartialLineOfRotatedFile: an unfinished last line of a file that was
// rotated away is emitted after the grace period, ending at the file size.
func TestPartialLineOfRotatedFile(t *testing.T) {
	eachMode(t, func(t *testing.T, m mode) {
		dir, path := tempLog(t, "app.log", "whole\nhalf")
		h := start(t, m.config(path))
		h.waitLines(1)
		os.Rename(path, filepath.Join(dir, "app.log.1"))
		appendFile(t, path, "new\n")
		ls := h.waitLines(3)
		wantTexts(t, ls, "whole", "half", "new")
		if ls[1].End != 10 || ls[1].Start != 6 {
			t.Errorf("partial line = %+v, want 6..10", ls[1])
		}
	})
}

// TestRenameCreateOrder: the rotated file is read to its end before the
// new file, even when the rotated name still matches the pattern.
func TestRenameCreateOrder(t *testing.T) {
	eachMode(t, func(t *testing.T, m mode) {
		dir, path := tempLog(t, "app.log", "1\n")
		h := start(t, m.config(filepath.Join(dir, "app.log*")))
		h.waitLines(1)
		appendFile(t, path, "2\n3\n")
		os.Rename(path, filepath.Join(dir, "app.log.1"))
		appendFile(t, path, "4\n")
		ls := h.waitLines(4)
		wantTexts(t, ls, "1", "2", "3", "4")
		h.quiet(4, 50*time.Millisecond)
		if ls[3].Path != path || ls[2].Path != path {
			t.Errorf("paths %q %q, want both %q (the path first followed)", ls[2].Path, ls[3].Path, path)
		}
		if s := h.tl.Stats(); s.Rotations != 1 || len(s.Files) != 2 {
			t.Errorf("stats %+v, want 1 rotation and 2 files", s)
		}
	})
}

// TestFoundTogetherOldestFirst: files found by one scan are read oldest
// first, so rotated generations come out in the order they were written.
func TestFoundTogetherOldestFirst(t *testing.T) {
	dir := t.TempDir()
	base := time.Now().Add(-time.Hour)
	for i, name := range []string{"app.log.2", "app.log.1", "app.log"} { // oldest first
		p := filepath.Join(dir, name)
		appendFile(t, p, name+" a\n"+name+" b\n")
		mt := base.Add(time.Duration(i) * time.Minute)
		if err := os.Chtimes(p, mt, mt); err != nil {
			t.Fatal(err)
		}
	}
	h := start(t, modes[1].config(filepath.Join(dir, "app.log*")))
	wantTexts(t, h.waitLines(6), "app.log.2 a", "app.log.2 b", "app.log.1 a", "app.log.1 b", "app.log a", "app.log b")
}

func TestRunTwice(t *testing.T) {
	_, path := tempLog(t, "a.log", "x\n")
	tl, err := tailer.New(modes[1].config(path))
	if err != nil {
		t.Fatal(err)
	}
	h := run(t, tl, nil)
	h.waitLines(1)
	if err := tl.Run(t.Context(), make(chan tailer.Line)); err == nil {
		t.Fatal("second concurrent Run succeeded")
	}
}
