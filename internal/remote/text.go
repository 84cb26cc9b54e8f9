package remote

import (
	"bytes"
	"time"

	"github.com/leodido/go-syslog/v4"
	"github.com/leodido/go-syslog/v4/rfc5424"
)

// converter turns one framed message into the text analysisd gets. It
// holds a 5424 parser and a buffer, so each reader goroutine owns one.
type converter struct {
	p5424 syslog.Machine
	buf   []byte
	now   func() time.Time
}

func newConverter(now func() time.Time) *converter {
	return &converter{p5424: rfc5424.NewMachine(), now: now}
}

// convert returns the text for frame sent from sender, whether it was
// malformed, whether it was cut at a NUL byte, and false when there is
// nothing to deliver (an empty message). Other bytes, an LF or CR inside
// the message included, are passed on: one frame is one event, as in
// remoted, and the renderers escape control bytes (alert.AppendOneLine).
func (c *converter) convert(frame []byte, sender string) (text string, malformed, nulCut, ok bool) {
	frame = trimEOL(frame)
	// remoted hands analysisd a C string: nothing after a NUL exists.
	if i := bytes.IndexByte(frame, 0); i >= 0 {
		frame, nulCut = frame[:i], true
	}
	text, malformed = c.body(frame, sender)
	return text, malformed, nulCut, text != ""
}

// body strips the PRI as remoted does and rewrites valid RFC 5424.
func (c *converter) body(frame []byte, sender string) (string, bool) {
	if len(frame) == 0 || frame[0] != '<' {
		return string(frame), false
	}
	end := bytes.IndexByte(frame[1:], '>')
	if end < 0 {
		// remoted passes it whole.
		return string(frame), true
	}
	body := frame[end+2:]
	if !validPRI(frame[1 : end+1]) {
		return string(body), true
	}
	if !bytes.HasPrefix(body, []byte("1 ")) {
		return string(body), false
	}
	if out, ok := c.from5424(frame, body, sender); ok {
		return out, false
	}
	return string(body), true
}

func trimEOL(b []byte) []byte {
	b = bytes.TrimSuffix(b, []byte("\n"))
	return bytes.TrimSuffix(b, []byte("\r"))
}

// validPRI accepts 1 to 3 digits, no leading zero, at most 191.
func validPRI(p []byte) bool {
	if len(p) == 0 || len(p) > 3 || (len(p) > 1 && p[0] == '0') {
		return false
	}
	n := 0
	for _, ch := range p {
		if ch < '0' || ch > '9' {
			return false
		}
		n = n*10 + int(ch-'0')
	}
	return n <= 191
}

// from5424 validates the whole frame as RFC 5424 and rewrites it (see the
// package comment). body is the frame after "<PRI>".
func (c *converter) from5424(frame, body []byte, sender string) (string, bool) {
	if _, err := c.p5424.Parse(frame); err != nil {
		return "", false
	}
	// The header fields before SD never contain spaces, so the raw tokens
	// can be cut directly; the parser already vouched for their syntax.
	rest := body[2:]
	var f [5][]byte // TIMESTAMP HOSTNAME APP-NAME PROCID MSGID
	for i := range f {
		j := bytes.IndexByte(rest, ' ')
		if j < 0 {
			return "", false
		}
		f[i], rest = rest[:j], rest[j+1:]
	}
	n := sdLen(rest)
	if n == 0 {
		return "", false
	}
	sd, msg := rest[:n], rest[n:]
	msg = bytes.TrimPrefix(msg, []byte(" "))
	msg = bytes.TrimPrefix(msg, []byte("\xef\xbb\xbf"))

	b := c.appendTime(c.buf[:0], f[0])
	b = append(b, ' ')
	if isNil(f[1]) {
		b = append(b, sender...)
	} else {
		b = append(b, f[1]...)
	}
	b = append(b, ' ')
	if !isNil(f[2]) {
		b = append(b, f[2]...)
		if !isNil(f[3]) {
			b = append(b, '[')
			b = append(b, f[3]...)
			b = append(b, ']')
		}
		b = append(b, ": "...)
	}
	if !isNil(f[4]) {
		b = append(append(b, f[4]...), ' ')
	}
	if !isNil(sd) {
		b = appendSD(b, sd)
	}
	b = append(b, msg...)
	c.buf = b
	return string(bytes.TrimSuffix(b, []byte(" "))), true
}

func isNil(f []byte) bool { return len(f) == 1 && f[0] == '-' }

// sdLen is the length of the STRUCTURED-DATA at the start of b: "-" or a
// run of "[...]" elements whose quoted values may hold escaped '"', '\'
// and ']'. It returns 0 when b does not start with valid SD.
func sdLen(b []byte) int {
	if len(b) > 0 && b[0] == '-' {
		return 1
	}
	i := 0
	for i < len(b) && b[i] == '[' {
		n := elementLen(b[i:])
		if n == 0 {
			return 0
		}
		i += n
	}
	return i
}

// elementLen is the length of the SD-ELEMENT "[...]" at the start of b,
// or 0 when it is not closed.
func elementLen(b []byte) int {
	quoted := false
	for i := 1; i < len(b); i++ {
		switch {
		case b[i] == '\\' && quoted:
			i++
		case b[i] == '"':
			quoted = !quoted
		case b[i] == ']' && !quoted:
			return i + 1
		}
	}
	return 0
}

// appendSD appends the SD elements of sd (valid, not "-") with a space
// after each, leaving out the IANA-registered transport elements
// (timeQuality, origin, meta): they describe the relay, not the event,
// and logger(1) adds timeQuality to every message.
func appendSD(b, sd []byte) []byte {
	for len(sd) > 0 {
		n := elementLen(sd)
		el := sd[:n]
		sd = sd[n:]
		id := el[1:]
		if j := bytes.IndexAny(id, " ]"); j >= 0 {
			id = id[:j]
		}
		switch string(id) {
		case "timeQuality", "origin", "meta":
			continue
		}
		b = append(append(b, el...), ' ')
	}
	return b
}

// appendTime writes the 5424 TIMESTAMP in a form the pre-decoder knows:
// "2006-01-02T15:04:05-07:00", with ".mmm" or ".uuuuuu" when the sender
// sent a fraction. "-" means the receive time.
func (c *converter) appendTime(b, ts []byte) []byte {
	if isNil(ts) {
		return c.now().AppendFormat(b, "2006-01-02T15:04:05-07:00")
	}
	// ts is "YYYY-MM-DDThh:mm:ss[.frac](Z|+hh:mm|-hh:mm)", checked by the parser.
	b = append(b, ts[:19]...)
	rest := ts[19:]
	if len(rest) > 0 && rest[0] == '.' {
		end := 1
		for end < len(rest) && rest[end] >= '0' && rest[end] <= '9' {
			end++
		}
		frac := rest[1:end]
		width := 3
		if len(frac) > 3 {
			width = 6
		}
		b = append(b, '.')
		for i := range width {
			if i < len(frac) {
				b = append(b, frac[i])
			} else {
				b = append(b, '0')
			}
		}
		rest = rest[end:]
	}
	if len(rest) == 1 && (rest[0] == 'Z' || rest[0] == 'z') {
		return append(b, "+00:00"...)
	}
	return append(b, rest...)
}
