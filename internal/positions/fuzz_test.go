package positions

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzOpen: any file content either loads or fails as ErrCorrupt, and what
// loads survives a flush and reload unchanged.
func FuzzOpen(f *testing.F) {
	f.Add([]byte(`{"version":1,"files":[{"dev":1,"ino":2,"path":"/a","offset":3,"fingerprint":{"len":1,"sha256":"ab"},"updated":"2026-11-21T09:00:00Z"}]}`))
	f.Add([]byte(`{"version":1,"files":null}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 1<<14 {
			return
		}
		dir := t.TempDir()
		path := filepath.Join(dir, "p.json")
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		s, err := Open(path)
		if err != nil {
			return
		}
		want := s.Snapshot()
		s.Set(FileID{Dev: 1<<64 - 1, Ino: 0}, Entry{}) // force a write
		s.Prune(func(id FileID, _ Entry) bool { return id.Dev != 1<<64-1 })
		if err := s.Flush(); err != nil {
			t.Fatal(err)
		}
		back, err := Open(path)
		if err != nil {
			t.Fatalf("reload of a flushed store: %v", err)
		}
		got := back.Snapshot()
		if len(got) != len(want) {
			t.Fatalf("reload has %d entries, want %d", len(got), len(want))
		}
		for id, e := range want {
			g := got[id]
			if g.Path != e.Path || g.Offset != e.Offset || g.Fingerprint != e.Fingerprint || !g.Updated.Equal(e.Updated) {
				t.Fatalf("entry %v = %+v after reload, want %+v", id, g, e)
			}
		}
	})
}
