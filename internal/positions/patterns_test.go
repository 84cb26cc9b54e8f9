package positions

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestFollowedRoundTrip: pattern marks survive Flush and Open, the first
// mark wins, and a mark alone makes the store dirty.
func TestFollowedRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "positions.json")
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t1 := time.Date(2026, 12, 7, 1, 0, 0, 0, time.UTC)
	s.MarkFollowed("/var/log/app.log", t1)
	s.MarkFollowed("/var/log/app.log", t1.Add(time.Hour)) // already marked
	s.MarkFollowed("/var/log/%Y/x.log", t1)
	if err := s.Flush(); err != nil {
		t.Fatal(err)
	}
	back, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		pattern string
		ok      bool
	}{
		{"/var/log/app.log", true},
		{"/var/log/%Y/x.log", true},
		{"/var/log/other.log", false},
	} {
		since, ok := back.Followed(tc.pattern)
		if ok != tc.ok || ok && !since.Equal(t1) {
			t.Errorf("Followed(%q) = %v, %v; want %v, %v", tc.pattern, since, ok, t1, tc.ok)
		}
	}
}

// TestNoPatternsKeepsFormat: a store without marks writes no "patterns"
// member, so its file is what older versions wrote and read.
func TestNoPatternsKeepsFormat(t *testing.T) {
	path := filepath.Join(t.TempDir(), "positions.json")
	s, _ := Open(path)
	s.Set(FileID{Dev: 1, Ino: 2}, entry("/var/log/a.log", 5))
	if err := s.Flush(); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(data), "patterns") {
		t.Errorf("file has a patterns member:\n%s", data)
	}
}

func TestDelete(t *testing.T) {
	id := FileID{Dev: 1, Ino: 2}
	for _, tc := range []struct {
		name     string
		present  bool
		drop     bool
		want     bool
		wantLeft int
	}{
		{"absent", false, true, false, 0},
		{"refused", true, false, false, 1},
		{"dropped", true, true, true, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "positions.json")
			s, _ := Open(path)
			if tc.present {
				s.Set(id, entry("/var/log/a.log", 7))
				if err := s.Flush(); err != nil {
					t.Fatal(err)
				}
			}
			got := s.Delete(id, func(e Entry) bool { return tc.drop && e.Offset == 7 })
			if got != tc.want || s.Len() != tc.wantLeft {
				t.Fatalf("Delete = %v, Len = %d; want %v, %d", got, s.Len(), tc.want, tc.wantLeft)
			}
			if err := s.Flush(); err != nil {
				t.Fatal(err)
			}
			back, _ := Open(path)
			if back.Len() != tc.wantLeft {
				t.Errorf("after Flush and Open: Len = %d, want %d", back.Len(), tc.wantLeft)
			}
		})
	}
}
