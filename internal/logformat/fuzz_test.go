package logformat

import (
	"strings"
	"testing"
	"time"

	"github.com/tidwall/gjson"
)

var fuzzFormats = []struct {
	format string
	opt    Options
}{
	{"syslog", Options{}},
	{"json", Options{Labels: []Label{{"a.b", "v"}, {"l", "[1]"}}}},
	{"mysql_log", Options{}},
	{"multi-line:3", Options{}},
	{"multi-line-regex", Options{Regex: `^\d`}},
	{"multi-line-regex", Options{Regex: `;$`, Match: "end", Replace: "wspace"}},
	{"multi-line-regex", Options{Regex: `\}$`, Match: "all", Replace: "none"}},
	{"mysql_audit", Options{Labels: []Label{{"mysql_audit_log", "percona"}}}},
}

// FuzzFramer splits arbitrary text into lines and feeds every format,
// with time advancing by a fuzzed step per line. It checks: no panics;
// each event's End is the end of a pushed line, no earlier than the
// previous event's; syslog and mysql_log account for every line as an
// event or a drop; a NUL cuts its line, counted, and never reaches an
// event (but for mysql_audit, whose reader takes lines as they are); json and mysql_audit events are valid JSON; and
// multi-line:N and no-replace multi-line-regex lose no bytes: rejoining
// their events gives back the input.
func FuzzFramer(f *testing.F) {
	f.Add("a\nb\nc\n", uint8(1))
	f.Add("070823 21:01:30 x\n\t\t      y\n{\"a\":1}\n[1]\n", uint8(9))
	f.Add("<AUDIT_RECORD NAME=\"Quit\" RECORD_ID=\"1_x\"/>\n{\"audit_record\":{\"name\":\"Quit\"}}\n", uint8(3))
	f.Add("1 start\ncont;\n}\n2 next\n", uint8(200))
	f.Add("a\x00b\x00c end\n{\"a\":1}\x00x\n070823 21:01:30 q\x00r\n\x00\n", uint8(2))
	f.Fuzz(func(t *testing.T, text string, step uint8) {
		if len(text) > 1<<14 {
			return
		}
		lines := strings.Split(text, "\n")
		for _, ff := range fuzzFormats {
			checkFramer(t, ff.format, ff.opt, lines, time.Duration(step)*100*time.Millisecond)
		}
	})
}

func checkFramer(t *testing.T, format string, opt Options, lines []string, step time.Duration) {
	fr, err := New(format, opt)
	if err != nil {
		t.Fatal(err)
	}
	ends := map[int64]bool{}
	var evs []Event
	var end int64
	now := t0
	for _, l := range lines {
		end += int64(len(l)) + 1
		ends[end] = true
		now = now.Add(step)
		evs = append(evs, fr.Push(l, end, now)...)
		if d, ok := fr.Deadline(); ok && step > 0 && !now.Add(step).Before(d) {
			evs = append(evs, fr.Flush(d)...)
		}
	}
	evs = append(evs, fr.Reset(now)...)
	var prev int64
	for _, e := range evs {
		if !ends[e.End] || e.End < prev {
			t.Fatalf("%s: event end %d is not a line end after %d", format, e.End, prev)
		}
		prev = e.End
		if (format == "json" || format == "mysql_audit") && !gjson.Valid(e.Text) {
			t.Fatalf("%s: invalid JSON %q", format, e.Text)
		}
	}
	st := fr.Stats()
	if st.Events != uint64(len(evs)) || st.Lines != uint64(len(lines)) {
		t.Fatalf("%s: stats %+v for %d events, %d lines", format, st, len(evs), len(lines))
	}
	// Every line with a NUL is cut and counted (never dropped for it),
	// and no event carries a NUL.
	if format != "mysql_audit" {
		var nul uint64
		for _, l := range lines {
			if strings.IndexByte(l, 0) >= 0 {
				nul++
			}
		}
		if st.NULCut != nul {
			t.Fatalf("%s: %d lines cut at a NUL, %d lines with one", format, st.NULCut, nul)
		}
		for _, e := range evs {
			if strings.IndexByte(e.Text, 0) >= 0 {
				t.Fatalf("%s: NUL in event %q", format, e.Text)
			}
		}
	}
	switch {
	case format == "syslog" || format == "mysql_log" || format == "json":
		if st.Events+st.Dropped != st.Lines {
			t.Fatalf("%s: %d events + %d dropped != %d lines", format, st.Events, st.Dropped, st.Lines)
		}
	case format == "multi-line:3" && cleanLines(lines):
		if got, want := join(evs, " "), strings.Join(lines, " "); got != want {
			t.Fatalf("%s: rejoined %q, want %q", format, got, want)
		}
	case format == "multi-line-regex" && opt.Replace == "" && cleanLines(lines):
		if got, want := join(evs, "\n"), strings.Join(lines, "\n"); got != want {
			t.Fatalf("%s: rejoined %q, want %q", format, got, want)
		}
	}
}

// cleanLines: no NUL, no CR, no empty line (whose join rules differ).
func cleanLines(lines []string) bool {
	for _, l := range lines {
		if l == "" || strings.ContainsAny(l, "\x00\r") {
			return false
		}
	}
	return true
}

func join(evs []Event, sep string) string {
	var parts []string
	for _, e := range evs {
		parts = append(parts, e.Text)
	}
	return strings.Join(parts, sep)
}
