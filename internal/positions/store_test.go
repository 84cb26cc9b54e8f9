package positions

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

func entry(path string, off int64) Entry {
	return Entry{
		Path: path, Offset: off,
		Fingerprint: Fingerprint{Len: 12, SHA256: strings.Repeat("ab", 32)},
		Updated:     time.Date(2026, 11, 21, 9, 0, 0, 0, time.UTC),
	}
}

func TestMissingFileIsEmpty(t *testing.T) {
	s, err := Open(filepath.Join(t.TempDir(), "positions.json"))
	if err != nil {
		t.Fatal(err)
	}
	if s.Len() != 0 {
		t.Fatalf("Len = %d, want 0", s.Len())
	}
}

func TestRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "positions.json")
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	want := map[FileID]Entry{
		{Dev: 2049, Ino: 17}:      entry("/var/log/a.log", 100),
		{Dev: 2049, Ino: 1 << 40}: entry("/var/log/b.log", 0),
		{Dev: 1, Ino: 3}:          entry("/var/log/ü \"q\".log", 1<<40),
	}
	for id, e := range want {
		s.Set(id, e)
	}
	if err := s.Flush(); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if mode := fi.Mode().Perm(); mode != 0o600 {
		t.Errorf("mode = %v, want 0600", mode)
	}
	back, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	got := back.Snapshot()
	if len(got) != len(want) {
		t.Fatalf("got %d entries, want %d", len(got), len(want))
	}
	for id, e := range want {
		g, ok := back.Get(id)
		if !ok || g.Path != e.Path || g.Offset != e.Offset || g.Fingerprint != e.Fingerprint || !g.Updated.Equal(e.Updated) {
			t.Errorf("Get(%v) = %+v, %v; want %+v", id, g, ok, e)
		}
	}
}

func TestCorrupt(t *testing.T) {
	for name, data := range map[string]string{
		"garbage":     "{not json",
		"truncated":   `{"version":1,"files":[{"dev":1`,
		"version":     `{"version":7,"files":[]}`,
		"negative":    `{"version":1,"files":[{"dev":1,"ino":2,"offset":-5}]}`,
		"wrong types": `{"version":1,"files":[{"dev":"x"}]}`,
	} {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "positions.json")
			if err := os.WriteFile(path, []byte(data), 0o600); err != nil {
				t.Fatal(err)
			}
			_, err := Open(path)
			if !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), path) {
				t.Fatalf("Open error = %v, want ErrCorrupt naming %s", err, path)
			}
			s, err := OpenWith(path, Options{IgnoreCorrupt: true})
			if err != nil || s.Len() != 0 {
				t.Fatalf("OpenWith(IgnoreCorrupt) = %v entries, %v; want empty store", s, err)
			}
			kept, err := os.ReadFile(path + ".corrupt")
			if err != nil || string(kept) != data {
				t.Fatalf("corrupt file not set aside: %q, %v", kept, err)
			}
			if err := s.Flush(); err != nil {
				t.Fatal(err)
			}
			if _, err := Open(path); err != nil {
				t.Fatalf("after Flush the file must be valid: %v", err)
			}
		})
	}
}

func TestPrune(t *testing.T) {
	s, _ := Open(filepath.Join(t.TempDir(), "p.json"))
	for i := uint64(1); i <= 10; i++ {
		s.Set(FileID{Dev: 1, Ino: i}, entry("f", int64(i)))
	}
	n := s.Prune(func(id FileID, e Entry) bool { return id.Ino%2 == 0 && e.Offset > 4 })
	if n != 7 || s.Len() != 3 {
		t.Fatalf("Prune removed %d, left %d; want 7 and 3", n, s.Len())
	}
	for _, ino := range []uint64{6, 8, 10} {
		if _, ok := s.Get(FileID{Dev: 1, Ino: ino}); !ok {
			t.Errorf("entry %d pruned, want kept", ino)
		}
	}
}

// TestFlushFailureKeepsOldFile simulates a crash between writing the new
// file and renaming it: the old file must be intact and no temp file left.
func TestFlushFailureKeepsOldFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "positions.json")
	s, _ := Open(path)
	s.Set(FileID{Dev: 1, Ino: 1}, entry("old", 1))
	if err := s.Flush(); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(path)
	fault := errors.New("injected crash")
	s.rename = func(string, string) error { return fault }
	s.Set(FileID{Dev: 1, Ino: 1}, entry("new", 2))
	if err := s.Flush(); !errors.Is(err, fault) || !strings.Contains(err.Error(), path) {
		t.Fatalf("Flush error = %v, want the injected fault naming %s", err, path)
	}
	after, _ := os.ReadFile(path)
	if string(after) != string(before) {
		t.Fatalf("old file changed by a failed flush:\n%s\nwant\n%s", after, before)
	}
	ents, _ := os.ReadDir(dir)
	if len(ents) != 1 {
		t.Fatalf("directory holds %d files after a failed flush, want 1 (no temp left)", len(ents))
	}
	// The failed change is still pending and lands on the next flush.
	s.rename = os.Rename
	if err := s.Flush(); err != nil {
		t.Fatal(err)
	}
	back, _ := Open(path)
	if e, _ := back.Get(FileID{Dev: 1, Ino: 1}); e.Path != "new" {
		t.Fatalf("after recovery Path = %q, want new", e.Path)
	}
}

func TestFlushReadOnlyDir(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root ignores directory permissions")
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "positions.json")
	s, _ := Open(path)
	s.Set(FileID{Dev: 1, Ino: 1}, entry("a", 1))
	if err := s.Flush(); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(path)
	if err := os.Chmod(dir, 0o500); err != nil {
		t.Fatal(err)
	}
	defer os.Chmod(dir, 0o700)
	s.Set(FileID{Dev: 1, Ino: 1}, entry("b", 2))
	if err := s.Flush(); err == nil {
		t.Fatal("Flush into a read-only directory succeeded")
	}
	if after, _ := os.ReadFile(path); string(after) != string(before) {
		t.Fatal("old file changed by a failed flush")
	}
}

func TestFlushSkipsWhenClean(t *testing.T) {
	path := filepath.Join(t.TempDir(), "p.json")
	s, _ := Open(path)
	s.Set(FileID{Dev: 1, Ino: 1}, entry("a", 1))
	if err := s.Flush(); err != nil {
		t.Fatal(err)
	}
	calls := 0
	s.rename = func(o, n string) error { calls++; return os.Rename(o, n) }
	if err := s.Flush(); err != nil || calls != 0 {
		t.Fatalf("clean Flush wrote the file (%d renames, %v)", calls, err)
	}
	s.Set(FileID{Dev: 1, Ino: 1}, entry("a", 2))
	if err := s.Flush(); err != nil || calls != 1 {
		t.Fatalf("dirty Flush: %d renames, %v; want 1", calls, err)
	}
}

func TestConcurrent(t *testing.T) {
	path := filepath.Join(t.TempDir(), "p.json")
	s, _ := Open(path)
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 200 {
				id := FileID{Dev: uint64(w), Ino: uint64(i % 7)}
				s.Set(id, entry("f", int64(i)))
				s.Get(id)
				if i%50 == 0 {
					if err := s.Flush(); err != nil {
						t.Error(err)
					}
					s.Prune(func(FileID, Entry) bool { return true })
				}
			}
		}()
	}
	wg.Wait()
	if err := s.Flush(); err != nil {
		t.Fatal(err)
	}
	back, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	for w := range 4 {
		for i := range 7 {
			id := FileID{Dev: uint64(w), Ino: uint64(i)}
			want, _ := s.Get(id)
			if got, _ := back.Get(id); got.Offset != want.Offset {
				t.Errorf("%v: flushed offset %d, memory %d", id, got.Offset, want.Offset)
			}
		}
	}
}

func BenchmarkFlush(b *testing.B) {
	s, _ := Open(filepath.Join(b.TempDir(), "p.json"))
	for i := range 50 {
		s.Set(FileID{Dev: 1, Ino: uint64(i)}, entry("/var/log/app.log", int64(i)))
	}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		s.Set(FileID{Dev: 1, Ino: 1}, entry("/var/log/app.log", int64(i)))
		if err := s.Flush(); err != nil {
			b.Fatal(err)
		}
	}
}

// TestCorruptCopiesKept: each corruption is kept in a file of its own;
// an older copy is never overwritten, and SetAside names the new one.
func TestCorruptCopiesKept(t *testing.T) {
	path := filepath.Join(t.TempDir(), "positions.json")
	want := map[string]string{}
	for i, data := range []string{"{first", "{second", "{third"} {
		if err := os.WriteFile(path, []byte(data), 0o600); err != nil {
			t.Fatal(err)
		}
		s, err := OpenWith(path, Options{IgnoreCorrupt: true})
		if err != nil {
			t.Fatal(err)
		}
		kept, cause := s.SetAside()
		if kept == "" || !errors.Is(cause, ErrCorrupt) {
			t.Fatalf("corruption %d: SetAside() = %q, %v", i, kept, cause)
		}
		want[kept] = data
	}
	if len(want) != 3 {
		t.Fatalf("three corruptions kept under %d names: %v", len(want), want)
	}
	for p, data := range want {
		if got, err := os.ReadFile(p); err != nil || string(got) != data {
			t.Errorf("%s = %q, %v; want %q", p, got, err, data)
		}
	}
	s, err := OpenWith(path, Options{IgnoreCorrupt: true}) // no file now
	if err != nil {
		t.Fatal(err)
	}
	if kept, cause := s.SetAside(); kept != "" || cause != nil {
		t.Errorf("a missing file was reported set aside: %q, %v", kept, cause)
	}
}
