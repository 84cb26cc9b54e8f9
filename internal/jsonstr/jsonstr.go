package jsonstr

import "unicode/utf8"

const hexDigits = "0123456789abcdef"

// Append appends s to b as a quoted JSON string.
func Append(b []byte, s string) []byte {
	b = append(b, '"')
	b = AppendContent(b, s)
	return append(b, '"')
}

// AppendContent appends s escaped as the inside of a JSON string, without
// the quotes: a string made of parts is written part by part, without
// joining them first. Escaping depends on the bytes of s only (an invalid
// sequence cut by the end of s is escaped as it would be if an ASCII
// byte followed it).
func AppendContent(b []byte, s string) []byte {
	// Runs of bytes that need no escaping are copied in one append: most
	// of a log line is such a run. One table lookup per byte decides it.
	start := 0
	for i := 0; i < len(s); {
		for i+8 <= len(s) && !special8(load8(s[i:])) {
			i += 8
		}
		for i < len(s) && plain[s[i]] {
			i++
		}
		if i == len(s) {
			break
		}
		c := s[i]
		if c < utf8.RuneSelf {
			b = append(b, s[start:i]...)
			b = appendASCII(b, c)
			i++
			start = i
			continue
		}
		// Only an invalid byte decodes with size 1 from a byte >= 0x80.
		if _, size := utf8.DecodeRuneInString(s[i:]); size > 1 {
			i += size
			continue
		}
		b = append(b, s[start:i]...)
		b = append(b, "\ufffd"...)
		i++
		start = i
	}
	return append(b, s[start:]...)
}

// Eight bytes at a time: a word of plain printable ASCII is skipped with
// a few arithmetic operations instead of eight lookups.
const (
	ones  = 0x0101010101010101
	highs = 0x8080808080808080
)

// load8 reads the first eight bytes of s as a little-endian word (the
// compiler merges the reads into one load).
func load8(s string) uint64 {
	_ = s[7]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
}

// special8 reports whether a word holds a byte that is not plain: a
// control byte (< 0x20), a quote, a backslash or a byte >= 0x80. Each
// test is exact about whether some byte matches (not about which one).
func special8(w uint64) bool {
	const (
		quotes     = '"' * ones
		backslashs = '\\' * ones
	)
	control := (w - 0x20*ones) &^ w
	quote := ((w ^ quotes) - ones) &^ (w ^ quotes)
	backslash := ((w ^ backslashs) - ones) &^ (w ^ backslashs)
	return (control|quote|backslash|w)&highs != 0
}

// plain marks the bytes that are copied as they are without a look at
// their neighbours: printable ASCII but the quote and the backslash. Bytes
// from 0x80 start UTF-8 sequences, which are checked.
var plain = func() (t [256]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

func appendASCII(b []byte, c byte) []byte {
	switch c {
	case '"':
		return append(b, '\\', '"')
	case '\\':
		return append(b, '\\', '\\')
	case '\b':
		return append(b, '\\', 'b')
	case '\f':
		return append(b, '\\', 'f')
	case '\n':
		return append(b, '\\', 'n')
	case '\r':
		return append(b, '\\', 'r')
	case '\t':
		return append(b, '\\', 't')
	}
	if c < 0x20 {
		return append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
	}
	return append(b, c)
}
