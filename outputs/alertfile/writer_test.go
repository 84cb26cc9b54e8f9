package alertfile

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gossec/gossec/internal/alert"
	"github.com/gossec/gossec/internal/event"
)

type fakeClock struct{ t time.Time }

func (c *fakeClock) now() time.Time { return c.t }

func at(s string) time.Time {
	t, err := time.Parse(time.DateTime, s)
	if err != nil {
		panic(err)
	}
	return t
}

func newAlert(t time.Time, loc, line string) *alert.Alert {
	return &alert.Alert{
		Time:    t,
		Manager: "manager",
		Rule:    &alert.Rule{ID: 5715, Level: 3, Description: "sshd: authentication success.", Groups: "syslog,sshd,authentication_success,"},
		Event:   &event.Event{Location: loc, FullLog: line, Hostname: "web1", AgentID: "000"},
	}
}

func open(t *testing.T, cfg Config) *Writer {
	t.Helper()
	w, err := Open(cfg)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { w.Close() })
	return w
}

// flush writes out what w holds in memory, before a test reads the files.
func flush(t *testing.T, w *Writer) {
	t.Helper()
	if err := w.Flush(); err != nil {
		t.Fatalf("Flush: %v", err)
	}
}

func read(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestIDsFollowAlertsLogSize(t *testing.T) {
	dir := t.TempDir()
	clk := &fakeClock{at("2026-11-21 10:00:00")}
	w := open(t, Config{Dir: dir, AlertsLog: true, AlertsJSON: true, Clock: clk.now})
	var want bytes.Buffer
	var lastID string
	for i := range 3 {
		a := newAlert(clk.t, "/var/log/auth.log", "Nov 21 10:00:00 web1 sshd[1]: Accepted password for u"+strconv.Itoa(i))
		if err := w.WriteAlert(a); err != nil {
			t.Fatal(err)
		}
		wantID := strconv.FormatInt(clk.t.Unix(), 10) + "." + strconv.Itoa(want.Len())
		if a.ID != wantID {
			t.Errorf("alert %d: id %q, want %q", i, a.ID, wantID)
		}
		want.Write(alert.AppendLog(nil, a))
		lastID = a.ID
		clk.t = clk.t.Add(time.Second)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if got := read(t, filepath.Join(dir, "alerts", "alerts.log")); got != want.String() {
		t.Errorf("alerts.log:\n%s\nwant:\n%s", got, want.String())
	}
	lines := strings.Split(strings.TrimSuffix(read(t, filepath.Join(dir, "alerts", "alerts.json")), "\n"), "\n")
	if len(lines) != 3 {
		t.Fatalf("alerts.json has %d lines, want 3", len(lines))
	}
	var obj struct{ ID string }
	if err := json.Unmarshal([]byte(lines[2]), &obj); err != nil {
		t.Fatal(err)
	}
	if obj.ID != lastID {
		t.Errorf("json id %q, want %q", obj.ID, lastID)
	}
}

func TestFormatsOnOff(t *testing.T) {
	tests := []struct {
		name       string
		log, json  bool
		wantOffset func(logSize, jsonSize int) int
	}{
		{"both", true, true, func(l, _ int) int { return l }},
		{"log only", true, false, func(l, _ int) int { return l }},
		{"json only", false, true, func(_, j int) int { return j }},
		{"none", false, false, func(_, _ int) int { return 0 }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			clk := &fakeClock{at("2026-11-21 10:00:00")}
			w := open(t, Config{Dir: dir, AlertsLog: tc.log, AlertsJSON: tc.json, Clock: clk.now})
			first := newAlert(clk.t, "/var/log/auth.log", "first line")
			second := newAlert(clk.t, "/var/log/auth.log", "second line")
			if err := w.WriteAlert(first); err != nil {
				t.Fatal(err)
			}
			flush(t, w)
			logSize, jsonSize := fileSize(t, dir, "alerts.log"), fileSize(t, dir, "alerts.json")
			if err := w.WriteAlert(second); err != nil {
				t.Fatal(err)
			}
			want := strconv.FormatInt(clk.t.Unix(), 10) + "." + strconv.Itoa(tc.wantOffset(logSize, jsonSize))
			if second.ID != want {
				t.Errorf("second id %q, want %q", second.ID, want)
			}
			for name, on := range map[string]bool{"alerts.log": tc.log, "alerts.json": tc.json} {
				_, err := os.Stat(filepath.Join(dir, "alerts", name))
				if exists := err == nil; exists != on {
					t.Errorf("%s exists=%v, want %v", name, exists, on)
				}
			}
		})
	}
}

func fileSize(t *testing.T, dir, name string) int {
	st, err := os.Stat(filepath.Join(dir, "alerts", name))
	if errors.Is(err, os.ErrNotExist) {
		return -1
	}
	if err != nil {
		t.Fatal(err)
	}
	return int(st.Size())
}

func sameFile(t *testing.T, a, b string) bool {
	t.Helper()
	sa, err := os.Stat(a)
	if err != nil {
		t.Fatal(err)
	}
	sb, err := os.Stat(b)
	if err != nil {
		t.Fatal(err)
	}
	return os.SameFile(sa, sb)
}

func TestRotationAcrossMidnight(t *testing.T) {
	tests := []struct {
		name             string
		before, after    string
		oldDated, newDir string
		newName          string
	}{
		{"day", "2026-11-21 23:59:59", "2026-11-22 00:00:01", "2026/Nov/ossec-alerts-21.log", "2026/Nov", "ossec-alerts-22.log"},
		{"year", "2026-12-31 23:59:59", "2027-01-01 00:00:00", "2026/Dec/ossec-alerts-31.log", "2027/Jan", "ossec-alerts-01.log"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			alerts := filepath.Join(dir, "alerts")
			clk := &fakeClock{at(tc.before)}
			w := open(t, Config{Dir: dir, AlertsLog: true, AlertsJSON: true, Clock: clk.now})
			a1 := newAlert(clk.t, "/var/log/auth.log", "before midnight")
			if err := w.WriteAlert(a1); err != nil {
				t.Fatal(err)
			}
			old := filepath.Join(alerts, tc.oldDated)
			if !sameFile(t, old, filepath.Join(alerts, "alerts.log")) {
				t.Fatal("alerts.log is not a hard link to the dated file before midnight")
			}
			clk.t = at(tc.after)
			a2 := newAlert(clk.t, "/var/log/auth.log", "after midnight")
			if err := w.WriteAlert(a2); err != nil {
				t.Fatal(err)
			}
			if !strings.HasSuffix(a2.ID, ".0") {
				t.Errorf("first alert of the day has id %q, want offset 0", a2.ID)
			}
			newPath := filepath.Join(alerts, tc.newDir, tc.newName)
			if !sameFile(t, newPath, filepath.Join(alerts, "alerts.log")) {
				t.Error("alerts.log does not follow the new day")
			}
			flush(t, w)
			if got := read(t, old); !strings.Contains(got, "before midnight") || strings.Contains(got, "after midnight") {
				t.Errorf("old dated file:\n%s", got)
			}
			if got := read(t, filepath.Join(alerts, "alerts.log")); !strings.Contains(got, "after midnight") || strings.Contains(got, "before midnight") {
				t.Errorf("new alerts.log:\n%s", got)
			}
			jsonNew := strings.TrimSuffix(newPath, ".log") + ".json"
			if !sameFile(t, jsonNew, filepath.Join(alerts, "alerts.json")) {
				t.Error("alerts.json does not follow the new day")
			}
		})
	}
}

func TestEmptyDayIsRemoved(t *testing.T) {
	dir := t.TempDir()
	clk := &fakeClock{at("2026-11-21 12:00:00")}
	w := open(t, Config{Dir: dir, AlertsLog: true, Clock: clk.now})
	empty := filepath.Join(dir, "alerts", "2026", "Nov", "ossec-alerts-21.log")
	if _, err := os.Stat(empty); err != nil {
		t.Fatalf("dated file not created at open: %v", err)
	}
	clk.t = at("2026-11-22 00:00:05")
	if err := w.WriteAlert(newAlert(clk.t, "x", "y")); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(empty); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("empty dated file of the old day still there: %v", err)
	}
}

func TestReopenContinuesOffsets(t *testing.T) {
	dir := t.TempDir()
	clk := &fakeClock{at("2026-11-21 10:00:00")}
	cfg := Config{Dir: dir, AlertsLog: true, AlertsJSON: true, LogAll: true, Clock: clk.now}
	w, err := Open(cfg)
	if err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if err := w.WriteAlert(newAlert(clk.t, "/var/log/auth.log", "before restart")); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if err := w.WriteAlert(newAlert(clk.t, "a", "b")); err == nil {
		t.Error("write after Close succeeded")
	}
	size := fileSize(t, dir, "alerts.log")
	w2 := open(t, cfg)
	a := newAlert(clk.t, "/var/log/auth.log", "after restart")
	if err := w2.WriteAlert(a); err != nil {
		t.Fatal(err)
	}
	if want := "." + strconv.Itoa(size); !strings.HasSuffix(a.ID, want) {
		t.Errorf("id after restart %q, want suffix %q", a.ID, want)
	}
	flush(t, w2)
	if got := strings.Count(read(t, filepath.Join(dir, "alerts", "alerts.log")), "** Alert "); got != 3 {
		t.Errorf("alerts.log holds %d alerts, want 3", got)
	}
}

func TestArchives(t *testing.T) {
	dir := t.TempDir()
	clk := &fakeClock{at("2026-11-21 08:07:06")}
	w := open(t, Config{Dir: dir, AlertsLog: true, LogAll: true, LogAllJSON: true, Clock: clk.now})

	plain := newAlert(clk.t, "/var/log/syslog", "Nov 21 08:07:06 web1 cron[2]: tick")
	plain.Rule = nil
	agent := newAlert(clk.t, "(db1) 10.0.0.7->/var/log/mysql/error.log", "mysqld: ready")
	agent.Event.AgentID = "001"
	keep := newAlert(clk.t, "ossec-keepalive", "keepalive")
	keep.Rule = nil
	fired := newAlert(clk.t, "/var/log/auth.log", "Accepted password")

	if err := w.WriteArchive(plain); err != nil {
		t.Fatal(err)
	}
	if err := w.WriteAlert(fired); err != nil {
		t.Fatal(err)
	}
	for _, a := range []*alert.Alert{fired, agent, keep} {
		if err := w.WriteArchive(a); err != nil {
			t.Fatal(err)
		}
	}
	wantLog := "2026 Nov 21 08:07:06 web1->/var/log/syslog Nov 21 08:07:06 web1 cron[2]: tick\n" +
		"2026 Nov 21 08:07:06 web1->/var/log/auth.log Accepted password\n" +
		"2026 Nov 21 08:07:06 (db1) 10.0.0.7->/var/log/mysql/error.log mysqld: ready\n"
	flush(t, w)
	if got := read(t, filepath.Join(dir, "archives", "archives.log")); got != wantLog {
		t.Errorf("archives.log:\n%q\nwant\n%q", got, wantLog)
	}
	if !sameFile(t, filepath.Join(dir, "archives", "archives.log"), filepath.Join(dir, "archives", "2026", "Nov", "ossec-archive-21.log")) {
		t.Error("archives.log is not linked to the dated archive")
	}
	lines := strings.Split(strings.TrimSuffix(read(t, filepath.Join(dir, "archives", "archives.json")), "\n"), "\n")
	if len(lines) != 4 {
		t.Fatalf("archives.json has %d lines, want 4", len(lines))
	}
	type rec struct {
		ID   string
		Rule *struct{ ID string }
	}
	var got [4]rec
	for i, l := range lines {
		if err := json.Unmarshal([]byte(l), &got[i]); err != nil {
			t.Fatalf("line %d: %v", i, err)
		}
	}
	sec := strconv.FormatInt(clk.t.Unix(), 10)
	if got[0].ID != sec+".0" || got[0].Rule != nil {
		t.Errorf("rule-less archive: %+v", got[0])
	}
	if got[1].ID != fired.ID || got[1].Rule == nil || got[1].Rule.ID != "5715" {
		t.Errorf("archive of the fired event: %+v, alert id %q", got[1], fired.ID)
	}
	if fired.ID == "" || plain.ID != "" {
		t.Errorf("WriteArchive changed ids: fired %q plain %q", fired.ID, plain.ID)
	}
}

func TestErrors(t *testing.T) {
	if _, err := Open(Config{}); err == nil {
		t.Error("Open with no dir succeeded")
	}
	file := filepath.Join(t.TempDir(), "f")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(Config{Dir: file, AlertsLog: true}); err == nil {
		t.Error("Open under a regular file succeeded")
	}
	w := open(t, Config{Dir: t.TempDir(), AlertsLog: true})
	a := newAlert(time.Time{}, "x", "y")
	a.Rule = nil
	if err := w.WriteAlert(a); !errors.Is(err, ErrNoRule) {
		t.Errorf("rule-less alert: %v", err)
	}
	a = newAlert(time.Time{}, "x", "y")
	if err := w.WriteAlert(a); err != nil || a.Time.IsZero() {
		t.Errorf("zero time not stamped: %v %v", err, a.Time)
	}
}

func BenchmarkWriteAlert(b *testing.B) {
	clk := &fakeClock{at("2026-11-21 10:00:00")}
	w, err := Open(Config{Dir: b.TempDir(), AlertsLog: true, AlertsJSON: true, Clock: clk.now})
	if err != nil {
		b.Fatal(err)
	}
	defer w.Close()
	a := newAlert(clk.t, "/var/log/auth.log", "Nov 21 10:00:00 web1 sshd[1]: Accepted password for root from 10.0.0.1 port 22 ssh2")
	b.ReportAllocs()
	for b.Loop() {
		if err := w.WriteAlert(a); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkWriteAlertCommit writes alerts with a Flush (write and fsync)
// every 1000, as the daemon's commit does: the cost per alert of the
// writes and the fsyncs.
func BenchmarkWriteAlertCommit(b *testing.B) {
	clk := &fakeClock{at("2026-11-21 10:00:00")}
	w, err := Open(Config{Dir: b.TempDir(), AlertsLog: true, AlertsJSON: true, Clock: clk.now})
	if err != nil {
		b.Fatal(err)
	}
	defer w.Close()
	a := newAlert(clk.t, "/var/log/auth.log", "Nov 21 10:00:00 web1 sshd[1]: Accepted password for root from 10.0.0.1 port 22 ssh2")
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		if err := w.WriteAlert(a); err != nil {
			b.Fatal(err)
		}
		if n++; n%1000 == 0 {
			if err := w.Flush(); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// TestHostileBytes: every event is one archives.log line and one alerts.log
// block whatever control bytes its log, host and location carry; the
// JSON files keep one object per line with the exact text.
func TestHostileBytes(t *testing.T) {
	for _, tt := range []struct{ name, in, want string }{
		{"LF", "a\n2026 Nov 21 08:07:06 forged->x forged", `a\n2026 Nov 21 08:07:06 forged->x forged`},
		{"CR", "a\rforged", `a\rforged`},
		{"CRLF", "a\r\n** Alert 1.1: - forged", `a\r\n** Alert 1.1: - forged`},
		{"NUL", "a\x00b", `a\x00b`},
		{"ESC", "a\x1b[2Jb", `a\x1b[2Jb`},
		{"other C0", "\x01\x0b\x0c\x1f", `\x01\x0b\x0c\x1f`},
		{"DEL", "a\x7f", `a\x7f`},
		{"TAB", "a\tb", "a\tb"},
		{"invalid UTF-8", "a\xff\xfeb", "a\xff\xfeb"},
		{"plain UTF-8", "ünïcödé", "ünïcödé"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			clk := &fakeClock{at("2026-11-21 08:07:06")}
			w := open(t, Config{Dir: dir, AlertsLog: true, AlertsJSON: true, LogAll: true, LogAllJSON: true, Clock: clk.now})
			a := newAlert(clk.t, "/var/log/"+tt.in, "log "+tt.in)
			a.Event.Hostname = "web" + tt.in
			if err := w.WriteAlert(a); err != nil {
				t.Fatal(err)
			}
			if err := w.WriteArchive(a); err != nil {
				t.Fatal(err)
			}
			flush(t, w)
			wantArchive := "2026 Nov 21 08:07:06 web" + tt.want + "->/var/log/" + tt.want + " log " + tt.want + "\n"
			if got := read(t, filepath.Join(dir, "archives", "archives.log")); got != wantArchive {
				t.Errorf("archives.log %q, want %q", got, wantArchive)
			}
			alog := read(t, filepath.Join(dir, "alerts", "alerts.log"))
			if n := strings.Count(alog, "\n"); n != 5 || strings.ContainsAny(alog, "\r\x00\x1b") || strings.Count("\n"+alog, "\n** Alert") != 1 {
				t.Errorf("alerts.log block has %d lines:\n%q", n, alog)
			}
			for _, f := range []string{"alerts/alerts.json", "archives/archives.json"} {
				if n := strings.Count(read(t, filepath.Join(dir, f)), "\n"); n != 1 {
					t.Errorf("%s has %d lines, want 1", f, n)
				}
			}
		})
	}
}

// TestPushWritesWithoutFlush: records wait in memory until Push or Flush
// writes them.
func TestPushWritesWithoutFlush(t *testing.T) {
	dir := t.TempDir()
	clk := &fakeClock{at("2026-11-21 10:00:00")}
	w := open(t, Config{Dir: dir, AlertsLog: true, AlertsJSON: true, LogAllJSON: true, Clock: clk.now})
	a := newAlert(clk.t, "/var/log/auth.log", "pushed line")
	if err := w.WriteAlert(a); err != nil {
		t.Fatal(err)
	}
	if err := w.WriteArchive(a); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"alerts/alerts.json", "alerts/alerts.log", "archives/archives.json"} {
		if got := read(t, filepath.Join(dir, f)); got != "" {
			t.Errorf("%s holds %q before Push, want it in memory", f, got)
		}
	}
	if err := w.Push(); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"alerts/alerts.json", "alerts/alerts.log", "archives/archives.json"} {
		if got := read(t, filepath.Join(dir, f)); !strings.Contains(got, "pushed line") {
			t.Errorf("%s holds %q after Push", f, got)
		}
	}
	if w.Durable() == w.Seq() {
		t.Error("Durable() reached Seq() without an fsync")
	}
}
