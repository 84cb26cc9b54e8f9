package alertfile

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
)

// faults injects errors into the files whose name ends with suffix (every
// file when suffix is empty).
type faults struct {
	mu     sync.Mutex
	suffix string
	// writeErr fails writes; with partial, half the record is written
	// first, as a filesystem that runs out of space in the middle does.
	writeErr error
	partial  bool
	// syncErr fails fsyncs; with drop, the bytes written since the last
	// good fsync vanish from the file, as pages the kernel could not write
	// back do.
	syncErr  error
	drop     bool
	truncErr error
	syncs    int
	// capacity, when set, is the size a file cannot grow past: a write
	// fills it up to there and fails with ENOSPC, as a full disk does.
	capacity int64
}

func (fs *faults) set(f func(*faults)) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	f(fs)
}

func (fs *faults) open(path string) (file, error) {
	f, err := openOSFile(path)
	if err != nil {
		return nil, err
	}
	if fs.suffix != "" && !strings.HasSuffix(path, fs.suffix) {
		return f, nil
	}
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	return &faultFile{file: f, fs: fs, synced: st.Size()}, nil
}

type faultFile struct {
	file
	fs     *faults
	synced int64
}

func (f *faultFile) Write(b []byte) (int, error) {
	f.fs.mu.Lock()
	err, partial, capacity := f.fs.writeErr, f.fs.partial, f.fs.capacity
	f.fs.mu.Unlock()
	if err == nil && capacity > 0 {
		st, serr := f.file.Stat()
		if serr != nil {
			return 0, serr
		}
		if room := capacity - st.Size(); int64(len(b)) > room {
			n, _ := f.file.Write(b[:max(0, room)])
			return n, syscall.ENOSPC
		}
	}
	if err == nil {
		return f.file.Write(b)
	}
	if partial {
		n, _ := f.file.Write(b[:len(b)/2])
		return n, err
	}
	return 0, err
}

func (f *faultFile) Sync() error {
	f.fs.mu.Lock()
	err, drop := f.fs.syncErr, f.fs.drop
	f.fs.syncs++
	f.fs.mu.Unlock()
	if err != nil {
		if drop {
			f.file.Truncate(f.synced)
		}
		return err
	}
	st, serr := f.file.Stat()
	if serr != nil {
		return serr
	}
	f.synced = st.Size()
	return f.file.Sync()
}

func (f *faultFile) Truncate(n int64) error {
	f.fs.mu.Lock()
	err := f.fs.truncErr
	f.fs.mu.Unlock()
	if err != nil {
		return err
	}
	return f.file.Truncate(n)
}

// records checks that every alerts.json line is one JSON object and every
// alerts.log block one alert, and returns the full_log of each.
func records(t *testing.T, dir string) (jsonLogs, logBlocks []string) {
	t.Helper()
	data, _ := os.ReadFile(filepath.Join(dir, "alerts", "alerts.json"))
	if len(data) > 0 && data[len(data)-1] != '\n' {
		t.Errorf("alerts.json ends in a torn record: %q", data[max(0, len(data)-40):])
	}
	for line := range bytes.SplitSeq(bytes.TrimSuffix(data, []byte("\n")), []byte("\n")) {
		if len(line) == 0 {
			continue
		}
		var m struct {
			FullLog string `json:"full_log"`
		}
		if err := json.Unmarshal(line, &m); err != nil {
			t.Errorf("alerts.json line %q: %v", line, err)
			continue
		}
		jsonLogs = append(jsonLogs, m.FullLog)
	}
	logData, _ := os.ReadFile(filepath.Join(dir, "alerts", "alerts.log"))
	if len(logData) > 0 && !bytes.HasSuffix(logData, []byte("\n\n")) {
		t.Errorf("alerts.log ends in a torn block: %q", logData[max(0, len(logData)-40):])
	}
	for block := range strings.SplitSeq(strings.TrimSuffix(string(logData), "\n\n"), "\n\n") {
		if block == "" {
			continue
		}
		if !strings.HasPrefix(block, "** Alert ") {
			t.Errorf("alerts.log block %q is not an alert", block)
			continue
		}
		lines := strings.Split(block, "\n")
		logBlocks = append(logBlocks, lines[len(lines)-1])
	}
	return jsonLogs, logBlocks
}

func numbered(n int) []string {
	var out []string
	for i := range n {
		out = append(out, "line "+strconv.Itoa(i))
	}
	return out
}

// TestFailedWriteLeavesWholeRecords: a write refused part way (ENOSPC) is
// cut back in both alert files, whether Flush or a full buffer wrote it;
// a record is in both files or in neither, and once space is back every
// record is there once, with the id it was given (the offset it has in
// alerts.log). A record refused when the buffer is full is retried with
// the id the failed attempt had.
func TestFailedWriteLeavesWholeRecords(t *testing.T) {
	enospc := syscall.ENOSPC
	tests := []struct {
		name    string
		suffix  string // which file fails
		fault   func(*faults)
		cutFail bool
	}{
		{"json refuses at once", ".json", func(f *faults) { f.writeErr = enospc }, false},
		{"json refuses half way", ".json", func(f *faults) { f.writeErr, f.partial = enospc, true }, false},
		{"log refuses half way", ".log", func(f *faults) { f.writeErr, f.partial = enospc, true }, false},
		{"both refuse half way, cut fails", "", func(f *faults) {
			f.writeErr, f.partial, f.truncErr = enospc, true, syscall.EIO
		}, true},
	}
	for _, tc := range tests {
		for _, full := range []bool{false, true} {
			name := tc.name + "/at flush"
			if full {
				name = tc.name + "/buffer full"
			}
			t.Run(name, func(t *testing.T) {
				dir := t.TempDir()
				clk := &fakeClock{at("2026-11-21 10:00:00")}
				fs := &faults{suffix: tc.suffix}
				w := open(t, Config{Dir: dir, AlertsLog: true, AlertsJSON: true, Clock: clk.now, openFile: fs.open})
				pad := ""
				if full {
					pad = strings.Repeat("x", 3000) // a few records fill maxPending
				}
				var want []string
				ids := map[string]string{}
				write := func(line string) (string, error) {
					a := newAlert(clk.t, "/var/log/auth.log", line)
					err := w.WriteAlert(a)
					if err == nil {
						want = append(want, line)
						ids[line] = a.ID
					}
					return a.ID, err
				}
				for i := range 2 {
					if _, err := write("line " + strconv.Itoa(i) + pad); err != nil {
						t.Fatal(err)
					}
				}
				flush(t, w)
				fs.set(tc.fault)
				var failed, failedID string
				if full {
					for i := 2; failed == ""; i++ {
						if i > 2*maxPending/len(pad) {
							t.Fatal("no write failed with the buffer full and the disk full")
						}
						line := "line " + strconv.Itoa(i) + pad
						id, err := write(line)
						if err != nil {
							if !errors.Is(err, syscall.ENOSPC) {
								t.Fatalf("write on a full disk: %v, want ENOSPC", err)
							}
							failed, failedID = line, id
						}
					}
					if _, err := write(failed); err == nil {
						t.Fatal("second write on a full disk succeeded")
					}
				} else {
					if _, err := write("line 2"); err != nil {
						t.Fatalf("buffered write: %v", err)
					}
				}
				// With the cut failing, Flush may report the failed restore (EIO).
				if err := w.Flush(); err == nil || !tc.cutFail && !errors.Is(err, syscall.ENOSPC) {
					t.Fatalf("Flush on a full disk: %v, want ENOSPC", err)
				}
				if !tc.cutFail {
					js, logs := records(t, dir)
					if strings.Join(js, "|") != strings.Join(logs, "|") {
						t.Errorf("after a failed Flush alerts.json holds %d records, alerts.log %d", len(js), len(logs))
					}
				}
				if err := w.Flush(); err == nil {
					t.Fatal("second Flush on a full disk succeeded")
				}
				fs.set(func(f *faults) { f.writeErr, f.partial, f.truncErr = nil, false, nil })
				if full {
					id, err := write(failed)
					if err != nil {
						t.Fatalf("write once space is back: %v", err)
					}
					if id != failedID {
						t.Errorf("retry got id %q, the failed write had %q", id, failedID)
					}
				}
				if _, err := write("last line"); err != nil {
					t.Fatal(err)
				}
				flush(t, w)
				js, logs := records(t, dir)
				if strings.Join(js, "|") != strings.Join(want, "|") {
					t.Errorf("alerts.json holds %d records, want %d", len(js), len(want))
				}
				if strings.Join(logs, "|") != strings.Join(want, "|") {
					t.Errorf("alerts.log holds %d records, want %d", len(logs), len(want))
				}
				alog := read(t, filepath.Join(dir, "alerts", "alerts.log"))
				for line, id := range ids {
					off, _ := strconv.Atoi(id[strings.IndexByte(id, '.')+1:])
					if !strings.HasPrefix(alog[off:], "** Alert "+id+":") || !strings.Contains(alog[off:min(len(alog), off+len(line)+400)], line) {
						t.Errorf("id %q of %.10q is not the offset of its record in alerts.log", id, line)
					}
				}
			})
		}
	}
}

// TestFullDiskFillsUpToTheLastRecord: when the batch of waiting records
// does not fit, as many whole records as fit are written, the same ones
// in both files of the pair, so the disk is used up before the writer
// stops; once space is back every record is there once, in order.
func TestFullDiskFillsUpToTheLastRecord(t *testing.T) {
	for _, suffix := range []string{".json", ".log"} {
		t.Run(suffix, func(t *testing.T) {
			dir := t.TempDir()
			clk := &fakeClock{at("2026-11-21 10:00:00")}
			fs := &faults{suffix: suffix, capacity: 20 << 10}
			w := open(t, Config{Dir: dir, AlertsLog: true, AlertsJSON: true, Clock: clk.now, openFile: fs.open})
			// Records go in until one is refused: the writer wrote what it
			// held once past maxPending and found the disk full.
			var lines []string
			for i := 0; ; i++ {
				if i > 1000 {
					t.Fatal("no write refused past the capacity")
				}
				line := "line " + strconv.Itoa(i) + " " + strings.Repeat("z", 500)
				err := w.WriteAlert(newAlert(clk.t, "/var/log/auth.log", line))
				if err != nil {
					if !errors.Is(err, syscall.ENOSPC) {
						t.Fatalf("write past the capacity: %v, want ENOSPC", err)
					}
					break
				}
				lines = append(lines, line)
			}
			if err := w.Flush(); !errors.Is(err, syscall.ENOSPC) {
				t.Fatalf("Flush past the capacity: %v, want ENOSPC", err)
			}
			js, logs := records(t, dir)
			if got := w.Durable(); got != uint64(len(js)) {
				t.Errorf("Durable() = %d with %d records in both files", got, len(js))
			}
			if strings.Join(js, "|") != strings.Join(logs, "|") || strings.Join(js, "|") != strings.Join(lines[:len(js)], "|") {
				t.Fatalf("after the full disk alerts.json holds %d records, alerts.log %d: not the same first records", len(js), len(logs))
			}
			full := filepath.Join(dir, "alerts", "alerts"+suffix)
			st, err := os.Stat(full)
			if err != nil {
				t.Fatal(err)
			}
			if room := fs.capacity - st.Size(); room > 2<<10 {
				t.Errorf("%s stopped %d bytes short of its capacity: the records that fit were not written", full, room)
			}
			if len(js) == 0 {
				t.Error("no record written before the disk was full")
			}
			fs.set(func(f *faults) { f.capacity = 0 })
			flush(t, w)
			js, logs = records(t, dir)
			if strings.Join(js, "|") != strings.Join(lines, "|") || strings.Join(logs, "|") != strings.Join(lines, "|") {
				t.Errorf("once space is back alerts.json holds %d records, alerts.log %d, want the %d in order", len(js), len(logs), len(lines))
			}
		})
	}
}

// TestFailedArchiveWriteLeavesWholeRecords: archives.log and
// archives.json are a pair too.
func TestFailedArchiveWriteLeavesWholeRecords(t *testing.T) {
	dir := t.TempDir()
	clk := &fakeClock{at("2026-11-21 10:00:00")}
	fs := &faults{suffix: ".json"}
	w := open(t, Config{Dir: dir, LogAll: true, LogAllJSON: true, Clock: clk.now, openFile: fs.open})
	arch := func(line string) error { return w.WriteArchive(newAlert(clk.t, "/var/log/x", line)) }
	if err := arch("a"); err != nil {
		t.Fatal(err)
	}
	flush(t, w)
	fs.set(func(f *faults) { f.writeErr, f.partial = syscall.ENOSPC, true })
	if err := arch("b"); err != nil {
		t.Fatal(err)
	}
	if err := w.Flush(); err == nil {
		t.Fatal("archive flush on a full disk succeeded")
	}
	if got, want := read(t, filepath.Join(dir, "archives", "archives.log")), "2026 Nov 21 10:00:00 web1->/var/log/x a\n"; got != want {
		t.Errorf("after the failed Flush archives.log = %q, want %q (its pair refused b)", got, want)
	}
	fs.set(func(f *faults) { f.writeErr = nil })
	flush(t, w)
	if got, want := read(t, filepath.Join(dir, "archives", "archives.log")), "2026 Nov 21 10:00:00 web1->/var/log/x a\n2026 Nov 21 10:00:00 web1->/var/log/x b\n"; got != want {
		t.Errorf("archives.log = %q, want %q", got, want)
	}
	js := strings.Split(strings.TrimSuffix(read(t, filepath.Join(dir, "archives", "archives.json")), "\n"), "\n")
	if len(js) != 2 {
		t.Fatalf("archives.json has %d lines, want 2: %q", len(js), js)
	}
	for _, l := range js {
		if !json.Valid([]byte(l)) {
			t.Errorf("archives.json line %q is not JSON", l)
		}
	}
}

// TestFlushErrorRewrites: an fsync that fails may have lost the records
// written since the last good one; they are written again, so the next
// Flush that succeeds means they are all on disk.
func TestFlushErrorRewrites(t *testing.T) {
	dir := t.TempDir()
	clk := &fakeClock{at("2026-11-21 10:00:00")}
	fs := &faults{}
	w := open(t, Config{Dir: dir, AlertsLog: true, AlertsJSON: true, Clock: clk.now, openFile: fs.open})
	lines := numbered(6)
	for _, l := range lines[:3] {
		if err := w.WriteAlert(newAlert(clk.t, "/var/log/auth.log", l)); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	for _, l := range lines[3:5] {
		if err := w.WriteAlert(newAlert(clk.t, "/var/log/auth.log", l)); err != nil {
			t.Fatal(err)
		}
	}
	fs.set(func(f *faults) { f.syncErr, f.drop = syscall.EIO, true })
	if err := w.Flush(); !errors.Is(err, syscall.EIO) {
		t.Fatalf("Flush with a failing fsync: %v, want EIO", err)
	}
	if js, _ := records(t, dir); len(js) != 3 {
		t.Fatalf("the simulated page loss left %d records, want 3", len(js))
	}
	fs.set(func(f *faults) { f.syncErr = nil })
	// The next write restores the lost records before appending.
	if err := w.WriteAlert(newAlert(clk.t, "/var/log/auth.log", lines[5])); err != nil {
		t.Fatal(err)
	}
	if err := w.Flush(); err != nil {
		t.Fatalf("Flush once the disk works: %v", err)
	}
	js, logs := records(t, dir)
	if strings.Join(js, "|") != strings.Join(lines, "|") || strings.Join(logs, "|") != strings.Join(lines, "|") {
		t.Errorf("after recovery alerts.json holds %q and alerts.log %q, want %q", js, logs, lines)
	}
}

// TestUnsyncedIsBounded: while fsync fails, the records kept for rewriting
// stay under maxUnsynced: writes start failing instead.
func TestUnsyncedIsBounded(t *testing.T) {
	dir := t.TempDir()
	clk := &fakeClock{at("2026-11-21 10:00:00")}
	fs := &faults{syncErr: syscall.EIO}
	w := open(t, Config{Dir: dir, AlertsJSON: true, Clock: clk.now, openFile: fs.open})
	line := strings.Repeat("x", 4000)
	var err error
	var n int
	for n = 0; n < 2*maxUnsynced/len(line); n++ {
		if err = w.WriteAlert(newAlert(clk.t, "/var/log/auth.log", line)); err != nil {
			break
		}
	}
	if !errors.Is(err, syscall.EIO) {
		t.Fatalf("after %d writes with fsync failing: %v, want EIO", n, err)
	}
	if got := len(w.streams[alertsJSON].unsynced); got > maxUnsynced {
		t.Errorf("%d bytes kept for rewriting, more than %d", got, maxUnsynced)
	}
}

// TestOpenRepairsTornTail: a file left with a partial last record (a crash
// in the middle of a write) is cut back to its last whole record at open,
// so the next record does not get glued to it.
func TestOpenRepairsTornTail(t *testing.T) {
	big := strings.Repeat("y", repairWindow+10)
	tests := []struct {
		name     string
		kind     int
		content  string
		want     string
		wantCut  int64
		repaired bool
	}{
		{"json whole", alertsJSON, "{\"a\":1}\n", "{\"a\":1}\n", 0, false},
		{"json torn", alertsJSON, "{\"a\":1}\n{\"b\":", "{\"a\":1}\n", 5, true},
		{"json only torn", alertsJSON, "{\"b\":", "", 5, true},
		{"log torn", alertsLog, "** Alert 1: - g\nx\n\n** Alert 2: - g\nRule", "** Alert 1: - g\nx\n\n", 20, true},
		{"log torn after a line", alertsLog, "** Alert 1: - g\nx\n\n** Alert 2: - g\n", "** Alert 1: - g\nx\n\n", 16, true},
		{"archive torn", archivesLog, "2026 a\n2026 b", "2026 a\n", 6, true},
		{"no end in the window", alertsJSON, big, big + "\n", 0, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			clk := &fakeClock{at("2026-11-21 10:00:00")}
			path := newStream(dir, tc.kind).datedPath(dayOf(clk.t))
			if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, []byte(tc.content), 0o640); err != nil {
				t.Fatal(err)
			}
			cfg := Config{Dir: dir, Clock: clk.now}
			switch tc.kind {
			case alertsJSON:
				cfg.AlertsJSON = true
			case alertsLog:
				cfg.AlertsLog = true
			case archivesLog:
				cfg.LogAll = true
			}
			var gotCut int64 = -1
			cfg.OnRepair = func(p string, cut int64) {
				if p != path {
					t.Errorf("repair reported for %q, want %q", p, path)
				}
				gotCut = cut
			}
			w := open(t, cfg)
			if got := read(t, path); got != tc.want {
				t.Errorf("after open the file holds %q, want %q", trunc(got), trunc(tc.want))
			}
			if tc.repaired != (gotCut >= 0) || tc.repaired && gotCut != tc.wantCut {
				t.Errorf("OnRepair cut = %d, want repaired=%v cut=%d", gotCut, tc.repaired, tc.wantCut)
			}
			if got := w.streams[tc.kind].size; got != int64(len(tc.want)) {
				t.Errorf("size after open = %d, want %d", got, len(tc.want))
			}
		})
	}
}

func trunc(s string) string {
	if len(s) > 60 {
		return s[:30] + "..." + s[len(s)-30:]
	}
	return s
}
