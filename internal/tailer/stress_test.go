package tailer_test

import (
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gossec/gossec/internal/tailer"
)

// rotation kinds of the stress test.
const (
	renameKept   = iota // app.log -> app.log.N (still matched), keep the last 3
	renameAway          // app.log -> archive/app.N (no longer matched)
	deleteCreate        // unlink app.log, create a new one
	copyTruncate        // copy to archive, truncate in place
	kinds
)

// stressWriter is the application plus logrotate. It writes numbered lines,
// sometimes in two writes, and rotates the file 200 times.
//
// Documented rules it follows, because no tailer can do better:
//   - before renaming a file away or deleting it, the tailer must have
//     seen the file (one of its lines): a file created and removed between
//     two scans is never read;
//   - before renaming a file to a name that is still followed, likewise:
//     otherwise the file may be found after its successor (a directory
//     listing races with renames) and lines of the two files interleave;
//     none is lost or repeated, only the order between files suffers;
//   - before a copytruncate, the tailer must have read everything: lines
//     truncated unread are lost (they live in the copy, not followed).
type stressWriter struct {
	t      *testing.T
	dir    string
	path   string
	rng    *rand.Rand
	f      *os.File
	seq    int // last line written
	first  int // first line of the current file
	kept   []string
	seen   *atomic.Int64 // highest line emitted by the tailer
	counts [kinds]int
}

func (w *stressWriter) open() {
	f, err := os.OpenFile(w.path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		w.t.Fatal(err)
	}
	w.f, w.first = f, w.seq+1
}

func (w *stressWriter) writeLines(n int) {
	for range n {
		w.seq++
		line := fmt.Sprintf("%08d %s\n", w.seq, "payload-"+strconv.Itoa(w.rng.IntN(1e6)))
		if cut := w.rng.IntN(len(line)); w.rng.IntN(8) == 0 {
			w.write(line[:cut]) // a line in two writes
			line = line[cut:]
		}
		w.write(line)
	}
}

func (w *stressWriter) write(s string) {
	if _, err := io.WriteString(w.f, s); err != nil {
		w.t.Fatal(err)
	}
}

// waitSeen waits until the tailer has emitted line n.
func (w *stressWriter) waitSeen(n int) {
	deadline := time.Now().Add(waitTimeout)
	for w.seen.Load() < int64(n) {
		if time.Now().After(deadline) {
			w.t.Fatalf("tailer stuck: line %d written, %d seen", n, w.seen.Load())
		}
		time.Sleep(time.Millisecond) // polling the tailer's progress on real files
	}
}

func (w *stressWriter) rotate(i int) {
	kind := w.rng.IntN(kinds)
	w.counts[kind]++
	switch kind {
	case renameKept:
		w.waitSeen(w.first)
		kept := fmt.Sprintf("%s.%d", w.path, i)
		w.must(os.Rename(w.path, kept))
		w.kept = append(w.kept, kept)
		if len(w.kept) > 3 {
			w.must(os.Remove(w.kept[0]))
			w.kept = w.kept[1:]
		}
	case renameAway:
		w.waitSeen(w.first)
		w.must(os.Rename(w.path, filepath.Join(w.dir, "archive", strconv.Itoa(i))))
	case deleteCreate:
		w.waitSeen(w.first)
		w.must(os.Remove(w.path))
	case copyTruncate:
		w.waitSeen(w.seq)
		data, err := os.ReadFile(w.path)
		w.must(err)
		w.must(os.WriteFile(filepath.Join(w.dir, "archive", strconv.Itoa(i)), data, 0o644))
		w.must(w.f.Truncate(0))
		return // same file, same descriptor (O_APPEND writes at the new end)
	}
	w.must(w.f.Close())
	w.open()
}

func (w *stressWriter) must(err error) {
	if err != nil {
		w.t.Fatal(err)
	}
}

// TestStressRotations: 200 mixed rotations under a writer, every line
// numbered: none lost, none duplicated, and in order.
func TestStressRotations(t *testing.T) {
	if testing.Short() {
		t.Skip("stress test")
	}
	eachMode(t, func(t *testing.T, m mode) {
		dir := t.TempDir()
		if err := os.Mkdir(filepath.Join(dir, "archive"), 0o755); err != nil {
			t.Fatal(err)
		}
		var seen atomic.Int64
		var mu sync.Mutex
		var problems []string
		lastByFile := map[tailer.FileID]int{}
		count := map[int]int{}
		last := 0
		check := func(l tailer.Line) {
			n, err := strconv.Atoi(l.Text[:min(8, len(l.Text))])
			mu.Lock()
			defer mu.Unlock()
			count[n]++
			switch {
			case err != nil || len(l.Text) < 10:
				problems = append(problems, fmt.Sprintf("bad line %q", l.Text))
			case count[n] > 1:
				problems = append(problems, fmt.Sprintf("line %d duplicated", n))
			case lastByFile[l.ID] >= n:
				problems = append(problems, fmt.Sprintf("line %d out of order in its file", n))
			case n != last+1:
				problems = append(problems, fmt.Sprintf("line %d after %d (lines between lost or late)", n, last))
			}
			last = max(last, n)
			lastByFile[l.ID] = n
			if len(count) == last { // contiguous: every line up to last seen
				seen.Store(int64(last))
			}
		}
		cfg := m.config(filepath.Join(dir, "app.log*"))
		cfg.RotateGrace = 50 * time.Millisecond
		tl, err := tailer.New(cfg)
		if err != nil {
			t.Fatal(err)
		}
		h := run(t, tl, check)
		w := &stressWriter{t: t, dir: dir, path: filepath.Join(dir, "app.log"),
			rng: rand.New(rand.NewPCG(1, 2)), seen: &seen}
		w.open()
		w.writeLines(1)
		w.waitSeen(1) // the tailer runs
		begin := time.Now()
		for i := range 200 {
			w.writeLines(1 + w.rng.IntN(150))
			w.rotate(i)
		}
		w.writeLines(10)
		w.f.Close()
		w.waitSeen(w.seq)
		elapsed := time.Since(begin)
		h.quiet(w.seq, 100*time.Millisecond)
		mu.Lock()
		defer mu.Unlock()
		for i, p := range problems {
			if i == 10 {
				t.Errorf("... %d problems in all", len(problems))
				break
			}
			t.Error(p)
		}
		s := tl.Stats()
		t.Logf("%d lines, rotations %v (rename kept/away, delete, copytruncate) in %v; stats: rotations %d truncations %d gone %d errors %d",
			w.seq, w.counts, elapsed.Round(time.Millisecond), s.Rotations, s.Truncations, s.Gone, s.Errors)
		if s.Truncations != int64(w.counts[copyTruncate]) {
			t.Errorf("Truncations = %d, want %d", s.Truncations, w.counts[copyTruncate])
		}
	})
}
