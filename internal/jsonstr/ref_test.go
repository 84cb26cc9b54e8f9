package jsonstr

import "unicode/utf8"

// refAppend is Append before the 256-entry table: the reference of the
// differential tests.
func refAppend(b []byte, s string) []byte {
	b = append(b, '"')
	// Runs of bytes that need no escaping are copied in one append: most
	// of a log line is such a run.
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if refPlain[c] {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			b = appendASCII(b, c)
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, "\ufffd"...)
			i++
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

var refPlain = func() (t [utf8.RuneSelf]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()
