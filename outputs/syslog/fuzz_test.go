package syslog

import (
	"bytes"
	"testing"
	"unicode/utf8"

	"github.com/gossec/gossec/internal/event"
)

// FuzzFormat feeds hostile alert fields to every format and checks what
// receivers rely on: the size bound, strict CEF, valid JSON, one frame per
// message and no line break inside it whatever the bytes.
func FuzzFormat(f *testing.F) {
	for _, s := range samples {
		f.Add(s.desc, s.loc, s.log, s.statics[event.DstUser], s.statics[event.SrcIP], uint8(s.level), false)
	}
	f.Add("d", "l", string(bytes.Repeat([]byte("\\=|\n\xff"), 500)), "u\\", "=", uint8(20), true)
	f.Fuzz(func(t *testing.T, desc, loc, log, user, srcip string, level uint8, small bool) {
		a := findSample("sshd-failed").alert()
		a.Rule.Description, a.Rule.Level = desc, int(level)
		a.Event.Location, a.Event.FullLog = loc, log
		a.Event.Set(event.DstUser, user)
		a.Event.Set(event.SrcIP, srcip)
		for _, fm := range []Format{FormatDefault, FormatSplunk, FormatJSON, FormatJSONFull, FormatCEF} {
			for _, h := range []Header{RFC3164, RFC5424} {
				c := testConfig(fm, h)
				c.CEFFields = small
				if small {
					c.MaxSize = MinMaxSize
				}
				msg, _ := newTestFormatter(t, c).appendMessage(nil, a)
				if len(msg) > c.MaxSize {
					t.Fatalf("%v: %d bytes > %d", fm, len(msg), c.MaxSize)
				}
				checkPayload(t, fm, h, string(msg))
				if fm != FormatDefault && fm != FormatSplunk && !utf8.Valid(msg) {
					t.Fatalf("%v: invalid UTF-8", fm)
				}
				checkFrames(t, msg)
				// No byte of the alert starts a line, whatever the
				// transport: no raw line break or NUL in any format, no
				// control byte at all in the plain ones.
				if bytes.ContainsAny(msg, "\n\r\x00") || (fm == FormatDefault || fm == FormatSplunk) && !controlFree(msg) {
					t.Fatalf("%v: control byte in %q", fm, msg)
				}
			}
		}
	})
}

func checkFrames(t *testing.T, msg []byte) {
	for _, fr := range []Framing{NewlineFraming, OctetCounting} {
		stream := appendFrame(appendFrame(nil, msg, fr), msg, fr)
		frames, err := splitFrames(stream, fr)
		if err != nil || len(frames) != 2 || len(frames[0]) != len(msg) {
			t.Fatalf("framing %d: %d frames (%v)", fr, len(frames), err)
		}
	}
}
