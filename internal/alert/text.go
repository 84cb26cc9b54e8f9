package alert

// The line-oriented renderings (alerts.log, archives.log, mail bodies,
// the plain syslog formats) print event data between fixed labels, one
// item per line. A control byte in that data would let a log line start
// lines of its own and forge an alert header, a mail line or a syslog
// frame, so event data goes through AppendOneLine, which writes every such
// byte as a visible escape instead:
//
//	LF  -> \n        CR -> \r
//	other C0 controls but TAB, and DEL -> \xHH (two lowercase hex digits:
//	NUL -> \x00, ESC -> \x1b, DEL -> \x7f)
//
// Everything else is copied byte for byte: printable ASCII, TAB (it
// cannot start a line and real logs are full of it), valid UTF-8 and
// invalid bytes alike, so ordinary logs render exactly as OSSEC and Wazuh
// print them. The escape is for readers, not a reversible encoding: a
// backslash in the data is not doubled, because doubling would change
// every Windows path and regex in ordinary logs. The exact text stays in
// alerts.json, whose JSON escaping is lossless.

// needsEscape marks the bytes AppendOneLine escapes.
var needsEscape = func() (t [256]bool) {
	for c := range 0x20 {
		t[c] = c != '\t'
	}
	t[0x7f] = true
	return t
}()

const hexDigits = "0123456789abcdef"

// AppendOneLine appends s to b with its control bytes escaped, so that
// nothing in s can start a new line (see above).
func AppendOneLine(b []byte, s string) []byte {
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !needsEscape[c] {
			continue
		}
		b = append(b, s[start:i]...)
		start = i + 1
		switch c {
		case '\n':
			b = append(b, '\\', 'n')
		case '\r':
			b = append(b, '\\', 'r')
		default:
			b = append(b, '\\', 'x', hexDigits[c>>4], hexDigits[c&0xf])
		}
	}
	return append(b, s[start:]...)
}

// OneLine returns s with its control bytes escaped as AppendOneLine
// does; s itself when there is nothing to escape.
func OneLine(s string) string {
	if !HasControl(s) {
		return s
	}
	return string(AppendOneLine(make([]byte, 0, len(s)+8), s))
}

// HasControl reports whether s holds a byte that AppendOneLine escapes.
func HasControl(s string) bool {
	for i := 0; i < len(s); i++ {
		if needsEscape[s[i]] {
			return true
		}
	}
	return false
}
