package itest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

const rotateConfig = `<ossec_config>
  <localfile>
    <location>logsrc/app.log</location>
    <log_format>syslog</log_format>
    <only-future-events>no</only-future-events>
  </localfile>
</ossec_config>
`

// uniqueLine is a numbered sshd failure whose source address differs for
// every line, so that the brute-force frequency rule never fires and each
// line gives exactly one alert (250102).
func uniqueLine(n int64) string {
	return fmt.Sprintf("Nov 21 09:13:44 db1 sshd[2230]: Failed password for u%08d from 10.%d.%d.%d port 22 ssh2\n",
		n, n>>16&255, n>>8&255, n&255)
}

var lineNumRe = regexp.MustCompile(`for u(\d{8}) from`)

// lineNumber finds the number lineNumRe would in a log line, with a
// string search instead of the regexp (which the race detector slows
// down by an order of magnitude, on 100k+ alerts).
func lineNumber(s string) (int64, bool) {
	for {
		i := strings.Index(s, "for u")
		if i < 0 {
			return 0, false
		}
		s = s[i+len("for u"):]
		if len(s) >= 13 && s[8:13] == " from" {
			if n, err := strconv.ParseUint(s[:8], 10, 64); err == nil {
				return int64(n), true
			}
		}
	}
}

// alertTracker follows alerts.json and counts, per line number, the alerts
// whose full_log carries it.
type alertTracker struct {
	lt     *chunkTail
	seen   map[int64]int
	contig int64 // every line 1..contig has alerted
	total  int   // alerts with a line number
	lines  int   // lines read
	rules  map[string]int
	at     map[int64]time.Time // when a line's alert was first seen
}

func newAlertTracker(h *home) *alertTracker {
	return &alertTracker{lt: &chunkTail{path: h.path("logs/alerts/alerts.json")}, seen: map[int64]int{},
		rules: map[string]int{}}
}

// trackedAlert is the part of an alert the tracker reads.
type trackedAlert struct {
	FullLog string `json:"full_log"`
	Rule    struct {
		ID string `json:"id"`
	} `json:"rule"`
}

var (
	alertHead    = []byte(`{"timestamp":"`)
	alertRuleID  = []byte(`,"id":"`)
	alertFullLog = []byte(`,"full_log":"`)
	alertLoc     = []byte(`,"location":"`)
)

// quickAlert reads the rule id and full_log of one line of alerts.json
// written in gossec's own layout (timestamp first, location last) without
// a JSON decoder: under -race, decoding each of the 100k+ alerts of the
// crash tests cost minutes, while the byte searches below run in
// uninstrumented assembly. It accepts only a whole alert: one opening
// {"timestamp" (a torn line that a crash left, merged with the next
// run's first alert, has two), closed by the location value and "}" (a
// torn line cannot end there unless it is complete), and values without
// escapes; anything else returns ok false and is decoded the slow way.
func quickAlert(raw []byte) (rule, fullLog string, ok bool) {
	if !bytes.HasPrefix(raw, alertHead) || bytes.Count(raw, alertHead) != 1 || bytes.IndexByte(raw, '\\') >= 0 {
		return "", "", false
	}
	loc := bytes.LastIndex(raw, alertLoc)
	if loc < 0 || !bytes.HasSuffix(raw, []byte(`"}`)) || bytes.IndexByte(raw[loc+len(alertLoc):], '"') != len(raw)-loc-len(alertLoc)-2 {
		return "", "", false
	}
	value := func(key []byte) (string, bool) {
		i := bytes.Index(raw, key)
		if i < 0 {
			return "", false
		}
		v := raw[i+len(key):]
		j := bytes.IndexByte(v, '"')
		if j < 0 {
			return "", false
		}
		return string(v[:j]), true
	}
	rule, ok1 := value(alertRuleID) // the first "id" is the rule's
	fullLog, ok2 := value(alertFullLog)
	return rule, fullLog, ok1 && ok2
}

// chunkTail reads a growing file's complete lines in place: lineTail
// copies every chunk once more, which the race detector makes the
// dominant cost of reading 100 MB of alerts.
type chunkTail struct {
	path string
	f    *os.File
	buf  []byte
	n    int // buf[:n] is a line not yet complete
}

// each calls fn on every complete line appended since the last call; the
// line is valid only during the call.
func (c *chunkTail) each(fn func(line []byte)) {
	if c.f == nil {
		f, err := os.Open(c.path)
		if err != nil {
			return
		}
		c.f, c.buf = f, make([]byte, 1<<20)
	}
	for {
		if c.n == len(c.buf) {
			c.buf = append(c.buf, make([]byte, len(c.buf))...)
		}
		m, err := c.f.Read(c.buf[c.n:])
		data := c.buf[:c.n+m]
		for {
			i := bytes.IndexByte(data, '\n')
			if i < 0 {
				break
			}
			fn(data[:i])
			data = data[i+1:]
		}
		c.n = copy(c.buf, data)
		if m == 0 || err != nil {
			return
		}
	}
}

func (a *alertTracker) poll() {
	now := time.Now()
	a.lt.each(func(raw []byte) {
		rule, fullLog, ok := quickAlert(raw)
		a.lines++
		if !ok || a.lines%512 == 1 {
			// The slow way for what the quick reader refuses, and a
			// sample of what it accepts, to keep it honest.
			var m trackedAlert
			err := json.Unmarshal(raw, &m)
			if ok && (err != nil || m.Rule.ID != rule || m.FullLog != fullLog) {
				panic(fmt.Sprintf("quickAlert read rule %q full_log %q from %q; encoding/json: %q %q %v", rule, fullLog, raw, m.Rule.ID, m.FullLog, err))
			}
			if err != nil {
				return
			}
			rule, fullLog = m.Rule.ID, m.FullLog
		}
		n, ok := lineNumber(fullLog)
		if !ok {
			return
		}
		a.seen[n]++
		a.total++
		a.rules[rule]++
		if a.at != nil && a.seen[n] == 1 {
			a.at[n] = now
		}
	})
	for a.seen[a.contig+1] > 0 {
		a.contig++
	}
}

// waitSeen polls alerts.json until every line up to n has alerted.
func (a *alertTracker) waitSeen(t testing.TB, n int64, timeout time.Duration) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for a.poll(); a.contig < n; a.poll() {
		if time.Now().After(deadline) {
			t.Fatalf("line %d never alerted (all lines up to %d did; waited %v for %d)", a.contig+1, a.contig, timeout, n)
		}
		time.Sleep(2 * time.Millisecond) // polling a real file written by another process
	}
}

// rotation kinds of TestRotations.
const (
	rotRename    = iota // app.log -> app.log.N (no longer followed), new app.log
	rotCopyTrunc        // copy app.log aside, truncate it in place
	rotTruncate         // truncate in place, no copy
	rotKinds
)

// rotWriter is the application plus logrotate, writing to the daemon's
// followed file. It follows the discipline of internal/tailer's stress
// test, because neither the tailer nor any other follower can do better:
//   - before renaming the file away, one of its lines must have alerted:
//     a file created and renamed away before any scan of the tailer saw it
//     is never read (its lines live in a file no pattern names);
//   - before a truncation (with or without copy), every line written must
//     have alerted: lines truncated before they were read are gone from
//     the followed file, which is inherent to copytruncate.
type rotWriter struct {
	t      *testing.T
	h      *home
	rng    *rand.Rand
	f      *os.File
	seq    int64 // last line written
	first  int64 // first line of the current file
	counts [rotKinds]int
	track  *alertTracker
}

func (w *rotWriter) open() {
	f, err := os.OpenFile(w.h.path("logsrc/app.log"), os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		w.t.Fatal(err)
	}
	w.f, w.first = f, w.seq+1
}

// burst writes n lines with as few writes as possible (high rate), but
// sometimes cuts a line in two writes so that the tailer sees a partial
// line.
func (w *rotWriter) burst(n int) {
	var b []byte
	for range n {
		w.seq++
		line := uniqueLine(w.seq)
		if w.rng.IntN(16) == 0 {
			cut := w.rng.IntN(len(line))
			w.write(append(b, line[:cut]...))
			b, line = b[:0], line[cut:]
		}
		b = append(b, line...)
	}
	w.write(b)
}

func (w *rotWriter) write(b []byte) {
	if _, err := w.f.Write(b); err != nil {
		w.t.Fatal(err)
	}
}

func (w *rotWriter) rotate(i int) {
	kind := w.rng.IntN(rotKinds)
	w.counts[kind]++
	switch kind {
	case rotRename:
		w.track.waitSeen(w.t, w.first, 30*time.Second)
		w.must(os.Rename(w.h.path("logsrc/app.log"), w.h.path("logsrc/app.log."+strconv.Itoa(i))))
		w.must(w.f.Close())
		w.open()
	case rotCopyTrunc:
		w.track.waitSeen(w.t, w.seq, 30*time.Second)
		data, err := os.ReadFile(w.h.path("logsrc/app.log"))
		w.must(err)
		w.must(os.WriteFile(w.h.path("logsrc/copy."+strconv.Itoa(i)), data, 0o644))
		w.must(w.f.Truncate(0)) // O_APPEND: the next write lands at the new end
		w.first = w.seq + 1
	case rotTruncate:
		w.track.waitSeen(w.t, w.seq, 30*time.Second)
		w.must(w.f.Truncate(0))
		w.first = w.seq + 1
	}
}

func (w *rotWriter) must(err error) {
	if err != nil {
		w.t.Helper()
		w.t.Fatal(err)
	}
}

// TestRotations: 200 mixed rotations (rename+create, copytruncate,
// truncate) under bursts of writes, through the real daemon: every numbered
// line alerts exactly once (none lost, none replayed from the start of a
// file).
func TestRotations(t *testing.T) {
	rotations := 200
	if testing.Short() {
		rotations = 40
	}
	h := newHome(t, rotateConfig)
	h.write("logsrc/.keep", "")
	d := h.start()
	defer func() {
		if d != nil {
			d.kill()
		}
	}()
	w := &rotWriter{t: t, h: h, rng: rand.New(rand.NewPCG(7, 11)), track: newAlertTracker(h)}
	w.open()
	begin := time.Now()
	for i := range rotations {
		w.burst(1 + w.rng.IntN(200))
		w.rotate(i)
	}
	w.burst(10)
	w.f.Close()
	w.track.waitSeen(t, w.seq, 30*time.Second)
	elapsed := time.Since(begin)
	// Replays would show up after the last line: give the daemon a few
	// scans and commit ticks to make them.
	time.Sleep(2500 * time.Millisecond)
	d.stop(t)
	d = nil
	w.track.poll()
	var dups, extra int
	for n, c := range w.track.seen {
		switch {
		case n < 1 || n > w.seq:
			extra++
		case c > 1:
			dups++
			if dups <= 10 {
				t.Errorf("line %d alerted %d times", n, c)
			}
		}
	}
	if dups > 0 || extra > 0 {
		t.Errorf("%d lines alerted more than once, %d unknown line numbers; log:\n%s", dups, extra, h.read("logs/gossec.log"))
	}
	if w.track.rules["250102"] != int(w.seq) {
		t.Errorf("alerts by rule: %v, want %d of 250102", w.track.rules, w.seq)
	}
	t.Logf("%d lines, %d rotations (rename, copytruncate, truncate = %v) in %v",
		w.seq, rotations, w.counts, elapsed.Round(time.Millisecond))
}
