package alert

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/gossec/gossec/internal/event"
)

// hostileInputs are the byte classes a log line may carry, each with its
// escaped rendering.
var hostileInputs = []struct{ name, in, want string }{
	{"plain", "Failed password for root", "Failed password for root"},
	{"LF", "a\n** Alert 1.1: - forged", `a\n** Alert 1.1: - forged`},
	{"CR", "a\rRule: 1", `a\rRule: 1`},
	{"CRLF", "a\r\nb", `a\r\nb`},
	{"NUL", "a\x00b", `a\x00b`},
	{"ESC", "\x1b[31mred\x1b[0m", `\x1b[31mred\x1b[0m`},
	{"other C0", "\x01\x07\x08\x0b\x0c\x1f", `\x01\x07\x08\x0b\x0c\x1f`},
	{"DEL", "a\x7fb", `a\x7fb`},
	{"TAB kept", "a\tb", "a\tb"},
	{"valid UTF-8 kept", "ünïcödé ✓ \u2028", "ünïcödé ✓ \u2028"},
	{"invalid UTF-8 kept", "bad\xff\xfe\xc3", "bad\xff\xfe\xc3"},
	{"backslash kept", `C:\Windows\n`, `C:\Windows\n`},
	{"empty", "", ""},
}

func TestAppendOneLine(t *testing.T) {
	for _, tt := range hostileInputs {
		t.Run(tt.name, func(t *testing.T) {
			if got := string(AppendOneLine([]byte("x"), tt.in)); got != "x"+tt.want {
				t.Errorf("AppendOneLine(%q) = %q, want %q", tt.in, got, "x"+tt.want)
			}
			if got := OneLine(tt.in); got != tt.want {
				t.Errorf("OneLine(%q) = %q, want %q", tt.in, got, tt.want)
			}
			if HasControl(tt.in) != (tt.in != tt.want) {
				t.Errorf("HasControl(%q) = %v", tt.in, HasControl(tt.in))
			}
		})
	}
}

// hostileAlert puts s into every event-derived item of the alerts.log
// block.
func hostileAlert(s string) *Alert {
	a := sshdAlert()
	a.Rule.Description = "desc " + s
	a.Event.FullLog = "log " + s
	a.Event.Hostname = "host" + s
	a.Event.Location = "/var/log/" + s
	a.Event.Set(event.SrcIP, "1.2.3.4"+s)
	a.Event.Set(event.DstUser, "root"+s)
	a.Event.AddDynamic("field"+s, "value "+s)
	a.Previous = []string{"previous " + s}
	return a
}

// TestAppendLogHostile: whatever the bytes, the block has the same lines
// as for plain text (13 here, the blank separator included), one "**
// Alert" header, and every CR/LF of the data shows as an escape; the
// alerts.json object keeps the exact text.
func TestAppendLogHostile(t *testing.T) {
	const wantLines = 11 // header, date, rule, src ip, src port, user, full_log, field, previous, blank, end
	for _, tt := range hostileInputs {
		t.Run(tt.name, func(t *testing.T) {
			a := hostileAlert(tt.in)
			got := string(AppendLog(nil, a))
			lines := strings.FieldsFunc(got, func(r rune) bool { return r == '\n' || r == '\r' })
			if n := strings.Count(got, "\n") + 1; n != wantLines || strings.Contains(got, "\r") {
				t.Errorf("%d lines (%d non-empty), want %d:\n%s", n, len(lines), wantLines, got)
			}
			if n := strings.Count("\n"+got, "\n** Alert"); n != 1 {
				t.Errorf("%d alert headers:\n%s", n, got)
			}
			if !strings.Contains(got, "\nlog "+tt.want+"\n") || !strings.Contains(got, "\nprevious "+tt.want+"\n") {
				t.Errorf("full_log or previous not rendered as %q:\n%s", tt.want, got)
			}
			var doc struct {
				FullLog string `json:"full_log"`
			}
			if err := json.Unmarshal(AppendJSON(nil, a), &doc); err != nil {
				t.Fatalf("alerts.json: %v", err)
			}
			if want := "log " + tt.in; utf8.ValidString(want) && doc.FullLog != want {
				t.Errorf("alerts.json full_log %q, want %q", doc.FullLog, want)
			}
		})
	}
}

// FuzzAppendLog: no byte of event data starts a line of the alerts.log
// block; plain text is rendered unchanged.
func FuzzAppendLog(f *testing.F) {
	for _, tt := range hostileInputs {
		f.Add(tt.in)
	}
	plain := string(AppendLog(nil, hostileAlert("")))
	f.Fuzz(func(t *testing.T, s string) {
		got := string(AppendLog(nil, hostileAlert(s)))
		lines := strings.Split(got, "\n")
		if len(lines) != strings.Count(plain, "\n")+1 {
			t.Fatalf("event data %q changed the block's lines:\n%q", s, got)
		}
		for _, l := range lines {
			if strings.ContainsFunc(l, func(r rune) bool { return r < 0x20 && r != '\t' || r == 0x7f }) {
				t.Fatalf("control byte left in line %q", l)
			}
		}
		if !HasControl(s) && lines[6] != "log "+s {
			t.Fatalf("plain text %q not copied: %q", s, lines[6])
		}
	})
}

func BenchmarkAppendOneLine(b *testing.B) {
	for _, bc := range []struct{ name, s string }{
		{"plain", "Nov 21 09:13:44 db1 sshd[2230]: Failed password for root from 203.0.113.9 port 41022 ssh2"},
		{"hostile", "Nov 21 09:13:44 db1 app: a\n** Alert 1.1: - forged\r\nRule: 1 (level 15) \x1b[0m"},
	} {
		b.Run(bc.name, func(b *testing.B) {
			buf := make([]byte, 0, 256)
			b.ReportAllocs()
			for b.Loop() {
				buf = AppendOneLine(buf[:0], bc.s)
			}
		})
	}
}
