package syslog

import (
	"strconv"
	"strings"
	"unicode/utf8"
	"unsafe"

	"github.com/gossec/gossec/internal/alert"
)

// bytesString views b as a string without copying; the caller must not
// change b while the string is in use.
func bytesString(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(&b[0], len(b))
}

// escaper is an escaping: plain marks the ASCII bytes copied as they are
// (copied in runs, the fast path); unit writes the escaped form of the
// unit (one UTF-8 sequence or one invalid byte) at s[0:] to dst and
// returns the unit's size.
type escaper struct {
	plain *[256]bool
	unit  func(dst []byte, s string) ([]byte, int)
}

// plainSet marks the ASCII bytes from lo to hi but those in except.
func plainSet(lo, hi byte, except string) *[256]bool {
	var t [256]bool
	for c := int(lo); c <= int(hi); c++ {
		t[c] = true
	}
	for i := 0; i < len(except); i++ {
		t[except[i]] = false
	}
	return &t
}

// withTab adds TAB to a plain set: printed as is by the line escaping.
func withTab(t *[256]bool) *[256]bool {
	t['\t'] = true
	return t
}

var (
	escLine      = escaper{withTab(plainSet(' ', '~', "")), lineUnit}
	escSplunk    = escaper{withTab(plainSet(' ', '~', `"`)), splunkUnit}
	escDouble    = escaper{&[256]bool{}, doubleUnit}
	escCEFExt    = escaper{plainSet(' ', '~', `\=`), cefExtUnit}
	escCEFHeader = escaper{plainSet(' ', '~', `\|`), cefHeaderUnit}
	escJSON      = escaper{plainSet(' ', '~', `\"`), jsonUnit}
)

// slowPath turns the run copy off, for the differential test.
var slowPath = false

// unit returns the size of the UTF-8 sequence at s[0:] and whether it is
// valid.
func unit(s string) (int, bool) {
	if s[0] < utf8.RuneSelf {
		return 1, true
	}
	r, n := utf8.DecodeRuneInString(s)
	return n, r != utf8.RuneError || n > 1
}

// rawUnit copies bytes as they are (csyslogd's %s).
func rawUnit(dst []byte, s string) ([]byte, int) {
	n, _ := unit(s)
	return append(dst, s[:n]...), n
}

// lineUnit is csyslogd's %s with the control bytes escaped as alerts.log
// escapes them (alert.AppendOneLine: \n, \r, \xHH; TAB kept), so event
// data cannot end the message early or split a frame on any transport.
// Printable text and every byte >= 0x80 are copied as they are.
func lineUnit(dst []byte, s string) ([]byte, int) {
	if c := s[0]; c < ' ' || c == 0x7f {
		return alert.AppendOneLine(dst, s[:1]), 1
	}
	return rawUnit(dst, s)
}

// splunkUnit drops double quotes, which would end a quoted value early,
// and escapes control bytes as lineUnit does.
func splunkUnit(dst []byte, s string) ([]byte, int) {
	if s[0] == '"' {
		return dst, 1
	}
	return lineUnit(dst, s)
}

// doubleUnit doubles a byte: for the backslashes that end a quoted value,
// which would otherwise escape its closing quote.
func doubleUnit(dst []byte, s string) ([]byte, int) {
	return append(dst, s[0], s[0]), 1
}

// cefExtUnit escapes an extension value per the CEF specification.
func cefExtUnit(dst []byte, s string) ([]byte, int) {
	switch c := s[0]; c {
	case '\\', '=':
		return append(dst, '\\', c), 1
	case '\n':
		return append(dst, '\\', 'n'), 1
	case '\r':
		return append(dst, '\\', 'r'), 1
	}
	return cefText(dst, s)
}

// cefHeaderUnit escapes a header field: CR and LF are not allowed there.
func cefHeaderUnit(dst []byte, s string) ([]byte, int) {
	switch c := s[0]; c {
	case '\\', '|':
		return append(dst, '\\', c), 1
	}
	return cefText(dst, s)
}

// cefText keeps CEF valid UTF-8 text: control bytes become spaces and
// invalid sequences U+FFFD.
func cefText(dst []byte, s string) ([]byte, int) {
	c := s[0]
	if c < ' ' || c == 0x7f {
		return append(dst, ' '), 1
	}
	n, ok := unit(s)
	if !ok {
		return append(dst, "\ufffd"...), n
	}
	return append(dst, s[:n]...), n
}

const hexDigits = "0123456789abcdef"

// jsonUnit writes JSON string content as cJSON does; invalid UTF-8 becomes
// U+FFFD so the document stays valid.
func jsonUnit(dst []byte, s string) ([]byte, int) {
	c := s[0]
	if c >= utf8.RuneSelf {
		n, ok := unit(s)
		if !ok {
			return append(dst, "\ufffd"...), n
		}
		return append(dst, s[:n]...), n
	}
	switch c {
	case '"', '\\':
		return append(dst, '\\', c), 1
	case '\b':
		return append(dst, '\\', 'b'), 1
	case '\f':
		return append(dst, '\\', 'f'), 1
	case '\n':
		return append(dst, '\\', 'n'), 1
	case '\r':
		return append(dst, '\\', 'r'), 1
	case '\t':
		return append(dst, '\\', 't'), 1
	}
	if c < ' ' {
		return append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf]), 1
	}
	return append(dst, c), 1
}

const trailer = "..."

// msgw appends to a message bounded by limit bytes. Once something does
// not fit, the message is full: the value being written is cut on a unit
// boundary and marked with "...", and later literals and values are
// skipped; closing tokens (close) are still written into the room their
// callers reserved, so the message keeps its structure.
type msgw struct {
	b     []byte
	limit int
	full  bool
}

// lit appends s whole, or marks the message full.
func (w *msgw) lit(s string) bool {
	if w.full {
		return false
	}
	if len(w.b)+len(s) > w.limit {
		w.full = true
		return false
	}
	w.b = append(w.b, s...)
	return true
}

func (w *msgw) int(n int) bool {
	var tmp [20]byte
	return w.lit(bytesString(strconv.AppendInt(tmp[:0], int64(n), 10)))
}

// close appends s unconditionally: its room was reserved.
func (w *msgw) close(s string) { w.b = append(w.b, s...) }

// val appends s escaped, keeping reserve bytes free for what must follow.
// If s does not fit, it is cut on a unit boundary and "..." appended.
func (w *msgw) val(s string, esc escaper, reserve int) {
	if w.full {
		return
	}
	v := valw{w: w, end: w.limit - reserve, safe: len(w.b)}
	for i := 0; i < len(s); {
		if !slowPath {
			j := i
			for j < len(s) && esc.plain[s[j]] {
				j++
			}
			if j > i {
				if !v.run(s[i:j]) {
					return
				}
				i = j
				continue
			}
		}
		var n int
		w.b, n = esc.unit(w.b, s[i:])
		i += n
		if !v.fits() {
			return
		}
	}
}

// valw tracks the cut point of one val call: safe is the last unit
// boundary that leaves room for the trailer.
type valw struct {
	w         *msgw
	end, safe int
}

// fits records a unit just appended, or cuts the value when it went past
// the end.
func (v *valw) fits() bool {
	w := v.w
	if len(w.b) > v.end {
		v.cut()
		return false
	}
	if len(w.b)+len(trailer) <= v.end {
		v.safe = len(w.b)
	}
	return true
}

// run appends a run of plain bytes, every one a unit boundary.
func (v *valw) run(r string) bool {
	w := v.w
	start := len(w.b)
	if start+len(r) <= v.end {
		w.b = append(w.b, r...)
		// Every position from start on is a boundary.
		if c := min(len(w.b), v.end-len(trailer)); c >= start {
			v.safe = c
		}
		return true
	}
	if c := v.end - len(trailer); c >= start {
		w.b = append(w.b, r[:c-start]...)
		v.safe = c
	}
	v.cut()
	return false
}

func (v *valw) cut() {
	w := v.w
	w.b = w.b[:v.safe]
	if v.safe+len(trailer) <= v.end {
		w.b = append(w.b, trailer...)
	}
	w.full = true
}

// quoted writes prefix, the value and suffix, the value possibly empty.
func (w *msgw) quoted(prefix, v, suffix string, esc escaper) bool {
	if !w.lit(prefix) {
		return false
	}
	w.val(v, esc, len(suffix))
	w.close(suffix)
	return true
}

// splunkQuoted is quoted for a splunk value, whose final backslashes are
// doubled.
func (w *msgw) splunkQuoted(prefix, v, suffix string) bool {
	if !w.lit(prefix) {
		return false
	}
	body := strings.TrimRight(v, `\`)
	w.val(body, escSplunk, len(suffix))
	w.val(v[len(body):], escDouble, len(suffix))
	w.close(suffix)
	return true
}

// field is quoted for a value that is set; an empty value writes nothing,
// as csyslogd skips NULL fields.
func (w *msgw) field(prefix, v, suffix string, esc escaper) bool {
	if v == "" {
		return false
	}
	return w.quoted(prefix, v, suffix, esc)
}

// jsonField writes a JSON string member, keeping extra bytes free.
func (w *msgw) jsonField(prefix, v string, extra int) bool {
	if v == "" || !w.lit(prefix) {
		return false
	}
	w.val(v, escJSON, 1+extra)
	w.close(`"`)
	return true
}

// port writes a port number when it is positive (csyslogd's field_add_int).
func (w *msgw) port(prefix string, n int, suffix string) {
	if n <= 0 || w.full {
		return
	}
	var tmp [48]byte
	b := append(tmp[:0], prefix...)
	b = strconv.AppendInt(b, int64(n), 10)
	b = append(b, suffix...)
	w.lit(bytesString(b))
}
