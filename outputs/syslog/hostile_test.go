package syslog

import (
	"bytes"
	"strings"
	"testing"

	"github.com/gossec/gossec/internal/event"
)

// controlFree reports whether msg has no byte that could end a line or a
// frame, or act on a terminal: C0 controls but TAB, and DEL.
func controlFree(msg []byte) bool {
	return bytes.IndexFunc(msg, func(r rune) bool { return r < 0x20 && r != '\t' || r == 0x7f }) < 0
}

// TestHostileBytesOneMessage: for every format and header, control bytes
// in any alert field leave one frame per alert in each framing and no raw
// line break in the message (a datagram a receiver splits on LF stays one
// line), and the plain formats show them escaped.
func TestHostileBytesOneMessage(t *testing.T) {
	for _, tt := range []struct{ name, in, plain string }{
		{"LF", "a\n<13>Nov  1 00:00:00 h forged: x", `a\n<13>Nov  1 00:00:00 h forged: x`},
		{"CR", "a\rforged", `a\rforged`},
		{"CRLF", "a\r\nforged", `a\r\nforged`},
		{"NUL", "a\x00b", `a\x00b`},
		{"ESC", "a\x1b[31m", `a\x1b[31m`},
		{"other C0", "\x01\x0b\x0c\x1f", `\x01\x0b\x0c\x1f`},
		{"DEL", "a\x7fb", `a\x7fb`},
		{"invalid UTF-8", "a\xff\xfeb", "a\xff\xfeb"},
	} {
		a := findSample("sshd-failed").alert()
		a.Rule.Description = "d " + tt.in
		a.Event.Location = "/l/" + tt.in
		a.Event.FullLog = "log " + tt.in
		a.Event.Set(event.DstUser, "u"+tt.in)
		a.Event.Set(event.SrcIP, "1.2.3.4"+tt.in)
		for _, f := range []Format{FormatDefault, FormatSplunk, FormatJSON, FormatJSONFull, FormatCEF} {
			for _, h := range []Header{RFC3164, RFC5424} {
				msg, _ := newTestFormatter(t, testConfig(f, h)).appendMessage(nil, a)
				checkPayload(t, f, h, string(msg))
				checkFrames(t, msg)
				if bytes.ContainsAny(msg, "\n\r\x00") {
					t.Errorf("%s %v/%v: raw line break or NUL in %q", tt.name, f, h, msg)
				}
				if (f == FormatDefault || f == FormatSplunk) && !controlFree(msg) {
					t.Errorf("%s %v/%v: control byte left in %q", tt.name, f, h, msg)
				}
			}
		}
		for f, want := range map[Format]string{
			FormatDefault: "; log " + tt.plain,
			FormatSplunk:  `message="log ` + tt.plain + `"`,
		} {
			if msg := render(t, testConfig(f, RFC3164), a); !strings.HasSuffix(msg, want) {
				t.Errorf("%s %v: %q does not end with %q", tt.name, f, msg, want)
			}
		}
	}
}
