package logformat

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/gossec/gossec/internal/auditlog"
)

var t0 = time.Date(2026, 11, 21, 10, 0, 0, 0, time.UTC)

// feeder pushes lines and tracks their end offsets.
type feeder struct {
	f    Framer
	end  int64
	ends []int64
	errs []error
	nuls []*NULError
}

func newFeeder(t *testing.T, format string, opt Options) *feeder {
	t.Helper()
	fd := &feeder{}
	opt.OnError = func(err error) { fd.errs = append(fd.errs, err) }
	opt.OnNUL = func(e *NULError) { fd.nuls = append(fd.nuls, e) }
	f, err := New(format, opt)
	if err != nil {
		t.Fatalf("New(%q): %v", format, err)
	}
	fd.f = f
	return fd
}

// push feeds lines at time now and returns the event texts and ends.
func (fd *feeder) push(now time.Time, lines ...string) []Event {
	var out []Event
	for _, l := range lines {
		fd.end += int64(len(l)) + 1
		fd.ends = append(fd.ends, fd.end)
		out = append(out, fd.f.Push(l, fd.end, now)...)
	}
	return out
}

func texts(evs []Event) []string {
	var s []string
	for _, e := range evs {
		s = append(s, e.Text)
	}
	return s
}

func eq(t *testing.T, got []Event, want ...string) {
	t.Helper()
	g := texts(got)
	if strings.Join(g, "\x00") != strings.Join(want, "\x00") || len(g) != len(want) {
		t.Fatalf("events\n got %q\nwant %q", g, want)
	}
}

func TestSyslog(t *testing.T) {
	for _, name := range []string{"syslog", "apache", "squid", "iis"} {
		fd := newFeeder(t, name, Options{})
		evs := fd.push(t0, "Nov 21 10:00:00 host sshd[1]: hello", "", "a\x00b", "last")
		eq(t, evs, "Nov 21 10:00:00 host sshd[1]: hello", "", "a", "last")
		if evs[3].End != fd.ends[3] || evs[0].End != fd.ends[0] {
			t.Errorf("ends %v vs %v", evs, fd.ends)
		}
		if s := fd.f.Stats(); s.Lines != 4 || s.Events != 4 || s.Dropped != 0 || s.NULCut != 1 {
			t.Errorf("stats %+v", s)
		}
		if len(fd.errs) != 0 || len(fd.nuls) != 1 || !errors.Is(fd.nuls[0], ErrNULByte) {
			t.Errorf("errors %v, NUL reports %v", fd.errs, fd.nuls)
		}
		if _, ok := fd.f.Deadline(); ok {
			t.Error("syslog has a deadline")
		}
	}
}

func TestJSON(t *testing.T) {
	tests := []struct {
		name   string
		labels []Label
		line   string
		want   string // "" = dropped
	}{
		{"compacted", nil, ` { "a" : 1, "b" : [ 1, 2 ], "c": "x y" } `, `{"a":1,"b":[1,2],"c":"x y"}`},
		{"trailing text ignored", nil, `{"a":1} and more`, `{"a":1}`},
		{"escapes kept", nil, `{"s":"a\"b\\c\u00e9"}`, `{"s":"a\"b\\c\u00e9"}`},
		{"array", nil, `[1,2]`, ""},
		{"scalar", nil, `"x"`, ""},
		{"invalid", nil, `{"a":}`, ""},
		{"unterminated", nil, `{"a":1`, ""},
		{"empty", nil, ``, ""},
		{"label appended", []Label{{"mysql_audit_log", "percona"}}, `{"a":1}`, `{"a":1,"mysql_audit_log":"percona"}`},
		{"label into empty object", []Label{{"k", "v"}}, `{}`, `{"k":"v"}`},
		{"existing member wins", []Label{{"A", "new"}}, `{"a":"old"}`, `{"a":"old"}`},
		{"dotted creates objects", []Label{{"x.y.z", "v"}}, `{"a":1}`, `{"a":1,"x":{"y":{"z":"v"}}}`},
		{"dotted descends", []Label{{"x.y", "v"}}, `{"x":{"w":1},"b":2}`, `{"x":{"w":1,"y":"v"},"b":2}`},
		{"dotted through empty", []Label{{"x.y", "v"}}, `{"x":{}}`, `{"x":{"y":"v"}}`},
		{"dotted through scalar", []Label{{"x.y", "v"}}, `{"x":3}`, `{"x":3}`},
		{"array value", []Label{{"l", `[1, "two"]`}}, `{"a":1}`, `{"a":1,"l":[1,"two"]}`},
		{"bad array value", []Label{{"n.l", `[1,]`}, {"m", "[x]"}}, `{"a":1}`, `{"a":1,"n":{}}`},
		{"not an array value", []Label{{"l", `[1,`}}, `{}`, `{"l":"[1,"}`},
		{"value escaped", []Label{{"q", "say \"hi\"\n"}}, `{}`, `{"q":"say \"hi\"\n"}`},
		{"several in order", []Label{{"b", "1"}, {"a", "2"}, {"b", "3"}}, `{"z":0}`, `{"z":0,"b":"1","a":"2"}`},
		{"key with escape", []Label{{"k", "v"}}, `{"\u006b":1}`, `{"\u006b":1}`},
		{"nested strings with braces", []Label{{"k", "v"}}, `{"s":"}{\"","o":{"t":"]"}}`, `{"s":"}{\"","o":{"t":"]"},"k":"v"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fd := newFeeder(t, "json", Options{Labels: tt.labels})
			evs := fd.push(t0, tt.line)
			if tt.want == "" {
				eq(t, evs)
				if len(fd.errs) != 1 || !errors.Is(fd.errs[0], ErrNotJSONObject) {
					t.Errorf("errors %v", fd.errs)
				}
				return
			}
			eq(t, evs, tt.want)
		})
	}
}

func TestMySQLLog(t *testing.T) {
	fd := newFeeder(t, "mysql_log", Options{})
	evs := fd.push(t0,
		"\t\t      orphan continuation before any timestamp",
		"070823 21:01:30 [Note] mysqld: ready for connections.",
		"070823 21:01:30   \t  spaces then text",
		"\t\t      32 Connect     root@localhost on ",
		"\t\t      short", // 11 bytes: still a continuation
		"\t\t     x",      // five spaces: dropped
		"2019-03-05T10:11:12.123456Z 0 [Note] Access denied for user 'bob'@'10.0.0.5' (using password: YES)",
		"2019-03-05T10:11:12.123456+01:00 5 [Warning] IP address could not be resolved",
		"\t\t      after ISO",
		"180709  0:43:24 [Note] space-padded hour",
		"2026-11-21  8:42:34 13 [Warning] MariaDB 10.1+ shape",
		"2011-01-07 16:38:30 Table: acme.users: insert(7,xavier,zZDDIZ0NOlPzw) by admin@localhost",
		"070823 21:01:3",     // 14 bytes: too short
		"070823 21:xx:yy ok", // minutes and seconds are not checked
		"",
	)
	eq(t, evs,
		"MySQL log: 070823 21:01:30 [Note] mysqld: ready for connections.",
		"MySQL log: 070823 21:01:30 spaces then text",
		"MySQL log: 070823 21:01:30 32 Connect     root@localhost on ",
		"MySQL log: 070823 21:01:30 short",
		"MySQL log: 2019-03-05T10:11:12.123456Z 0 [Note] Access denied for user 'bob'@'10.0.0.5' (using password: YES)",
		"MySQL log: 2019-03-05T10:11:12.123456+01:00 5 [Warning] IP address could not be resolved",
		"MySQL log: 2019-03-05T10:11:12.123456+01:00 after ISO",
		"MySQL log: 070823 21:xx:yy ok",
	)
	if s := fd.f.Stats(); s.Lines != 15 || s.Events != 8 || s.Dropped != 7 {
		t.Errorf("stats %+v", s)
	}
	if evs[0].End != fd.ends[1] || evs[7].End != fd.ends[13] {
		t.Errorf("ends wrong: %d %d", evs[0].End, evs[7].End)
	}
}

func TestMultiLineN(t *testing.T) {
	fd := newFeeder(t, "multi-line: 3", Options{})
	evs := fd.push(t0, "a", "b", "c", "", "e", "f", "g")
	eq(t, evs, "a b c", "e f")
	if evs[0].End != fd.ends[2] || evs[1].End != fd.ends[5] {
		t.Errorf("ends %d %d", evs[0].End, evs[1].End)
	}
	d, ok := fd.f.Deadline()
	if !ok || !d.Equal(t0.Add(DefaultTimeout)) {
		t.Fatalf("deadline %v %v", d, ok)
	}
	eq(t, fd.f.Flush(d.Add(-time.Nanosecond)))
	ev := fd.f.Flush(d)
	eq(t, ev, "g")
	if ev[0].End != fd.ends[6] {
		t.Errorf("flushed end %d", ev[0].End)
	}
	if _, ok := fd.f.Deadline(); ok {
		t.Error("deadline after flush")
	}
	fd.push(t0, "x\x00y", "h")
	eq(t, fd.f.Reset(t0), "x h")
	if s := fd.f.Stats(); s.Dropped != 0 || s.Events != 4 || s.NULCut != 1 {
		t.Errorf("stats %+v", s)
	}
}

func TestMultiLineTruncation(t *testing.T) {
	fd := newFeeder(t, "multi-line:2", Options{MaxEventSize: 8})
	eq(t, fd.push(t0, "12345", "67890"), "12345 67")
	if fd.f.Stats().Truncated != 1 {
		t.Error("truncation not counted")
	}
}

func TestMultiLineRegex(t *testing.T) {
	stack := []string{"2026-11-21 10:00:00 ERROR boom", "  at a()", "  at b()", "2026-11-21 10:00:01 INFO ok", "tail"}
	tests := []struct {
		name, regex, match, replace string
		lines                       []string
		want                        []string // events during the pushes, then "|" and what Reset returns
	}{
		{"start no-replace", `^\d{4}-`, "", "", stack,
			[]string{"2026-11-21 10:00:00 ERROR boom\n  at a()\n  at b()", "|", "2026-11-21 10:00:01 INFO ok\ntail"}},
		{"start wspace keeps trailing space", `^\d{4}-`, "start", "wspace", stack,
			[]string{"2026-11-21 10:00:00 ERROR boom   at a()   at b() ", "|", "2026-11-21 10:00:01 INFO ok tail "}},
		{"start none", `^\d{4}-`, "START", "none", stack,
			[]string{"2026-11-21 10:00:00 ERROR boom  at a()  at b()", "|", "2026-11-21 10:00:01 INFO ok" + "tail"}},
		{"start tab", `^\d{4}-`, "start", "tab", stack[:4],
			[]string{"2026-11-21 10:00:00 ERROR boom\t  at a()\t  at b()\t", "|", "2026-11-21 10:00:01 INFO ok\t"}},
		{"start sees the newline", `ok\n$`, "start", "", []string{"x", "y ok", "z"},
			[]string{"x", "|", "y ok\nz"}},
		{"leading lines before a start", `^BEGIN`, "start", "", []string{"junk1", "junk2", "BEGIN 1", "more", "BEGIN 2"},
			[]string{"junk1\njunk2", "BEGIN 1\nmore", "|", "BEGIN 2"}},
		{"end no-replace", `;$`, "end", "", []string{"SELECT", "1;", "x;", "open"},
			[]string{"SELECT\n1;", "x;", "|", "open"}},
		{"end sees the replaced line", `; $`, "end", "wspace", []string{"a", "b;", "c"},
			[]string{"a b; ", "|", "c "}},
		{"all", `^\{.*\}\s*$`, "all", "none", []string{"{", `"a": 1`, "}", "{}"},
			[]string{`{"a": 1}`, "{}", "|"}},
		{"crlf", `^S`, "", "none", []string{"S1\r", "x\r", "S2\r"},
			[]string{"S1x", "|", "S2"}},
		{"crlf no-replace", `^S`, "", "", []string{"S1\r", "x\r", "S2\r"},
			[]string{"S1\r\nx", "|", "S2"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fd := newFeeder(t, "multi-line-regex", Options{Regex: tt.regex, Match: tt.match, Replace: tt.replace})
			got := texts(fd.push(t0, tt.lines...))
			got = append(got, "|")
			got = append(got, texts(fd.f.Reset(t0))...)
			if strings.Join(got, "\x00") != strings.Join(tt.want, "\x00") {
				t.Fatalf("\n got %q\nwant %q", got, tt.want)
			}
		})
	}
}

func TestMultiLineRegexEndsAndTimeout(t *testing.T) {
	fd := newFeeder(t, "multi-line-regex", Options{Regex: `^S`, Timeout: 2 * time.Second})
	evs := fd.push(t0, "S1", "a", "S2")
	if len(evs) != 1 || evs[0].End != fd.ends[1] {
		t.Fatalf("start mode: event %v should end after line 2 (%d)", evs, fd.ends[1])
	}
	// S2 is pending; a line after the timeout starts fresh
	late := fd.push(t0.Add(3*time.Second), "b")
	eq(t, late, "S2")
	if late[0].End != fd.ends[2] {
		t.Errorf("timed-out event end %d, want %d", late[0].End, fd.ends[2])
	}
	d, ok := fd.f.Deadline()
	if !ok || !d.Equal(t0.Add(5*time.Second)) {
		t.Fatalf("deadline %v", d)
	}
	eq(t, fd.f.Flush(d.Add(-time.Millisecond)))
	eq(t, fd.f.Flush(d), "b")
	if s := fd.f.Stats(); s.Events != 3 || s.Lines != 4 {
		t.Errorf("stats %+v", s)
	}
}

func TestNewErrors(t *testing.T) {
	tests := []struct {
		format string
		opt    Options
		want   string
	}{
		{"eventchannel", Options{}, `log_format "eventchannel" is not supported`},
		{"multi-line:0", Options{}, `line count "0"`},
		{"multi-line:x", Options{}, `line count "x"`},
		{"multi-line", Options{}, `want multi-line:N`},
		{"multi-line-regex", Options{}, "needs a <multiline_regex>"},
		{"multi-line-regex", Options{Regex: "(", Match: "start"}, `multiline_regex "("`},
		{"multi-line-regex", Options{Regex: "x", Match: "middle"}, `match "middle"`},
		{"multi-line-regex", Options{Regex: "x", Replace: "comma"}, `replace "comma"`},
		{"multi-line-regex", Options{Regex: "x", Timeout: 121 * time.Second}, "timeout 2m1s"},
		{"json", Options{Labels: []Label{{"a..b", "v"}}}, `label key "a..b"`},
	}
	for _, tt := range tests {
		_, err := New(tt.format, tt.opt)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("New(%q, %+v) = %v, want error containing %q", tt.format, tt.opt, err, tt.want)
		}
	}
}

func TestMySQLAudit(t *testing.T) {
	fd := newFeeder(t, "mysql_audit", Options{Labels: []Label{{"mysql_audit_log", "percona"}}})
	evs := fd.push(t0,
		`<AUDIT>`,
		`<AUDIT_RECORD`,
		`  NAME="Connect"`,
		`  RECORD="2_2026-11-20T11:00:00"`,
		`  STATUS="1045"`,
		`/>`,
		`not a record`,
		`{"audit_record":{"name":"Query","status":0,"command_class":"drop_table"}}`,
	)
	want := []string{
		`{"audit_record":{"name":"Connect","record":"2_2026-11-20T11:00:00","status":1045},"format":"percona-xml-old","mysql_audit_log":"percona"}`,
		`{"audit_record":{"name":"Query","command_class":"drop_table","status":0},"format":"percona-json","mysql_audit_log":"percona"}`,
	}
	eq(t, evs, want...)
	if evs[0].End != fd.ends[5] || evs[1].End != fd.ends[7] {
		t.Errorf("ends %d %d", evs[0].End, evs[1].End)
	}
	var pe *auditlog.ParseError
	if len(fd.errs) != 1 || !errors.As(fd.errs[0], &pe) || pe.Offset != fd.ends[5] {
		t.Errorf("errors %v", fd.errs)
	}
	fd.push(t0, "<AUDIT_RECORD>")
	eq(t, fd.f.Flush(t0.Add(time.Hour)))
	fd.f.Reset(t0)
	s := fd.f.Stats()
	if s.Events != 2 || s.Dropped != 2 || s.Audit.Records != 2 || s.Audit.Errors != 2 {
		t.Errorf("stats %+v", s)
	}
}

// TestNULCut: in every line-based format a NUL byte ends the line as a C
// string would; the text before it is framed (never the whole line
// dropped), the cut counted and reported with the line's end offset.
func TestNULCut(t *testing.T) {
	for _, tt := range []struct {
		format string
		opt    Options
		lines  []string
		want   []string
		cuts   uint64
		drops  uint64
	}{
		{"syslog", Options{}, []string{"a\x00b\x00c end"}, []string{"a"}, 1, 0},
		{"syslog", Options{}, []string{"\x00hidden", "next"}, []string{"", "next"}, 1, 0},
		{"json", Options{}, []string{`{"a":"b"}` + "\x00junk"}, []string{`{"a":"b"}`}, 1, 0},
		// The object does not end before the NUL: not JSON, as for cJSON.
		{"json", Options{}, []string{`{"a":"b` + "\x00" + `c"}`}, nil, 1, 1},
		{"mysql_log", Options{}, []string{"070823 21:01:30 root login\x00 hidden"}, []string{"MySQL log: 070823 21:01:30 root login"}, 1, 0},
		{"mysql_log", Options{}, []string{"0708\x0023 21:01:30 x"}, nil, 1, 1},
		{"multi-line:2", Options{}, []string{"one\x00 hidden", "two"}, []string{"one two"}, 1, 0},
		{"multi-line-regex", Options{Regex: `^\d`}, []string{"1 a\x00x", "  b", "2 c"}, []string{"1 a\n  b"}, 1, 0},
	} {
		t.Run(tt.format, func(t *testing.T) {
			fd := newFeeder(t, tt.format, tt.opt)
			eq(t, fd.push(t0, tt.lines...), tt.want...)
			s := fd.f.Stats()
			if s.NULCut != tt.cuts || s.Dropped != tt.drops || uint64(len(fd.nuls)) != tt.cuts {
				t.Errorf("stats %+v, %d NUL reports, want %d cuts %d drops", s, len(fd.nuls), tt.cuts, tt.drops)
			}
			for _, e := range fd.nuls {
				if e.End != fd.ends[0] || e.Format != tt.format || !strings.Contains(e.Snippet, "\x00") {
					t.Errorf("report %+v", e)
				}
			}
		})
	}
}
