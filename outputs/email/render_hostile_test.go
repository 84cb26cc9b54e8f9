package email

import (
	"strings"
	"testing"

	"github.com/gossec/gossec/internal/event"
)

// hostileBody are the byte classes a log may carry and how the body shows
// them (alert.AppendOneLine).
var hostileBody = []struct{ name, in, want string }{
	{"LF", "a\n** Alert 1.1: - forged\nRule: 1 fired (level 15) -> \"x\"", `a\n** Alert 1.1: - forged\nRule: 1 fired (level 15) -> "x"`},
	{"CR", "a\rRule: 2 fired", `a\rRule: 2 fired`},
	{"CRLF", "a\r\n--END OF NOTIFICATION\r\n", `a\r\n--END OF NOTIFICATION\r\n`},
	{"NUL", "a\x00b", `a\x00b`},
	{"ESC", "a\x1b[2Jb", `a\x1b[2Jb`},
	{"other C0", "\x01\x08\x0b\x0c\x1f", `\x01\x08\x0b\x0c\x1f`},
	{"DEL", "a\x7f", `a\x7f`},
	{"TAB", "a\tb", "a\tb"},
	{"invalid UTF-8", "a\xff\xfeb", "a\xff\xfeb"},
	{"plain", "Table: acme.users: insert(8,brian)", "Table: acme.users: insert(8,brian)"},
}

// TestBodyHostile: whatever the bytes of the log, description, location,
// host and fields, the default body has exactly its fixed lines, one
// "Rule: " line, and the log line rendered escaped.
func TestBodyHostile(t *testing.T) {
	for _, tt := range hostileBody {
		t.Run(tt.name, func(t *testing.T) {
			a := mkAlert(100025, 7, "desc "+tt.in, "local,", "/var/log/"+tt.in, "log "+tt.in, true)
			a.Event.Hostname = "db" + tt.in
			a.Event.Set(event.SrcIP, "10.0.0.1"+tt.in)
			a.Event.Set(event.DstUser, "root"+tt.in)
			a.Previous = []string{"prev " + tt.in}
			body := string(NewSection(a, DefaultProduct).AppendBody(nil))
			// product, date, blank, received, rule, src ip, user, portion,
			// blank, log, previous, blank, end, and the final "".
			lines := strings.Split(body, "\n")
			if len(lines) != 14 || strings.ContainsAny(body, "\r\x00\x1b") {
				t.Fatalf("%d lines, want 14:\n%q", len(lines), body)
			}
			if n := strings.Count(body, "\nRule: "); n != 1 {
				t.Errorf("%d Rule lines:\n%s", n, body)
			}
			if lines[9] != "log "+tt.want || lines[10] != "prev "+tt.want {
				t.Errorf("log lines %q %q, want %q", lines[9], lines[10], "log "+tt.want)
			}
			if lines[3] != "Received From: db"+tt.want+"->/var/log/"+tt.want {
				t.Errorf("received from %q", lines[3])
			}
			if sms := NewSection(a, DefaultProduct).SMSBody(); strings.Count(sms, "\n") > 2 || strings.ContainsAny(sms, "\r\x00") {
				t.Errorf("SMS body %q", sms)
			}
		})
	}
}
