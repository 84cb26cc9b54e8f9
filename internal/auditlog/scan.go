package auditlog

import (
	"bytes"
	"strings"
)

type scanState uint8

const (
	scanMore   scanState = iota // the record is still open
	scanDone                    // the record ends at the returned offset
	scanBroken                  // another record starts at the returned offset
)

// scanPend continues scanning the pending record from r.scan.
func (r *Reader) scanPend() (int, scanState) {
	switch r.kind {
	case kindJSON:
		return r.scanJSON()
	case kindCSV:
		return r.scanCSV()
	case kindXML:
		return r.scanXML()
	}
	return 0, scanMore
}

// scanJSON finds the brace that closes the object, skipping strings.
func (r *Reader) scanJSON() (int, scanState) {
	p := r.pend
	for i := r.scan; i < len(p); i++ {
		c := p[i]
		if r.inStr {
			switch {
			case r.esc:
				r.esc = false
			case c == '\\':
				r.esc = true
			case c == '"':
				r.inStr = false
			}
			continue
		}
		switch c {
		case '"':
			r.inStr = true
		case '{', '[':
			r.depth++
		case '}', ']':
			r.depth--
			if r.depth <= 0 {
				r.scan = i + 1
				return i + 1, scanDone
			}
		}
	}
	r.scan = len(p)
	return 0, scanMore
}

// scanCSV finds the newline outside quotes that ends a Percona CSV record
// (Percona doubles quotes inside fields and leaves newlines raw).
func (r *Reader) scanCSV() (int, scanState) {
	p := r.pend
	for i := r.scan; i < len(p); i++ {
		switch p[i] {
		case '"':
			r.inQuote = !r.inQuote
		case '\n':
			if !r.inQuote {
				r.scan = i
				return i, scanDone
			}
		}
	}
	r.scan = len(p)
	return 0, scanMore
}

const (
	recordTag = "<AUDIT_RECORD"
	recordEnd = "</AUDIT_RECORD"
)

// scanXML finds the end of an <AUDIT_RECORD>: the "/>" of an attribute
// record or the "</AUDIT_RECORD>" of an element record. The plugins escape
// '<' and '>' inside values, so a '<' inside the start tag, or another
// start tag before the end tag, means the record was cut short.
func (r *Reader) scanXML() (int, scanState) {
	p := r.pend
	if !r.tagClosed {
		i := r.scan
		if i < len(recordTag) {
			i = len(recordTag)
		}
		for ; i < len(p); i++ {
			switch p[i] {
			case '<':
				return i, scanBroken
			case '>':
				if p[i-1] == '/' {
					r.scan = i + 1
					return i + 1, scanDone
				}
				r.tagClosed = true
				r.scan = i + 1
				return r.scanXMLBody()
			}
		}
		r.scan = len(p)
		return 0, scanMore
	}
	return r.scanXMLBody()
}

func (r *Reader) scanXMLBody() (int, scanState) {
	p := r.pend
	for {
		from := r.scan
		if r.skipTo != "" {
			// inside a CDATA section or a comment: markers there are text
			k := bytes.Index(p[from:], []byte(r.skipTo))
			if k < 0 {
				if n := len(p) - len(r.skipTo) + 1; n > from {
					r.scan = n
				}
				return 0, scanMore
			}
			r.scan, r.skipTo = from+k+len(r.skipTo), ""
			continue
		}
		rest := p[from:]
		j := bytes.Index(rest, []byte(recordEnd))
		k := indexRecordTag(rest)
		c, opener, closer := indexOpaque(rest)
		if c >= 0 && (j < 0 || c < j) && (k < 0 || c < k) {
			r.scan, r.skipTo = from+c+len(opener), closer
			continue
		}
		if k >= 0 && (j < 0 || k < j) {
			return from + k, scanBroken
		}
		if j < 0 {
			// keep the last bytes: a marker may be split across appends
			if n := len(p) - len(recordEnd); n > from {
				r.scan = n
			}
			return 0, scanMore
		}
		m := bytes.IndexByte(rest[j:], '>')
		if m < 0 {
			r.scan = from + j
			return 0, scanMore
		}
		r.scan = from + j + m + 1
		return r.scan, scanDone
	}
}

// opaque lists the XML constructs whose content is not markup: a
// "</AUDIT_RECORD>" inside them does not end the record. The plugins
// write neither (they escape '<'), but other writers of the format may.
var opaque = [...][2]string{{"<![CDATA[", "]]>"}, {"<!--", "-->"}}

// indexOpaque finds the first CDATA section or comment opener in p.
func indexOpaque(p []byte) (int, string, string) {
	at, opener, closer := -1, "", ""
	for _, o := range opaque {
		if i := bytes.Index(p, []byte(o[0])); i >= 0 && (at < 0 || i < at) {
			at, opener, closer = i, o[0], o[1]
		}
	}
	return at, opener, closer
}

// indexRecordTag finds "<AUDIT_RECORD" followed by a delimiter (or the end).
func indexRecordTag(p []byte) int {
	off := 0
	for {
		i := bytes.Index(p[off:], []byte(recordTag))
		if i < 0 {
			return -1
		}
		i += off
		if e := i + len(recordTag); e >= len(p) || isTagDelim(p[e]) {
			return i
		}
		off = i + 1
	}
}

func isTagDelim(c byte) bool {
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '>' || c == '/'
}

// isRecordTag reports whether s starts with an <AUDIT_RECORD start tag.
func isRecordTag(s string) bool {
	return strings.HasPrefix(s, recordTag) && (len(s) == len(recordTag) || isTagDelim(s[len(recordTag)]))
}

// xmlToken recognises the XML framing around records and returns its length.
func xmlToken(s string) (int, bool) {
	for _, t := range [...]string{"<AUDIT>", "</AUDIT>"} {
		if strings.HasPrefix(s, t) {
			return len(t), true
		}
	}
	for _, d := range [...][2]string{{"<?", "?>"}, {"<!--", "-->"}} {
		if strings.HasPrefix(s, d[0]) {
			if i := strings.Index(s, d[1]); i >= 0 {
				return i + len(d[1]), true
			}
			return len(s), true // rest of a declaration split over lines
		}
	}
	return 0, false
}

// startsAnother reports whether a new line, arriving while a record is
// open, is evidently the start of another record, so the open one was cut
// short. XML is checked by scanXML itself, anywhere in the line.
func (r *Reader) startsAnother(s string) bool {
	switch r.kind {
	case kindJSON:
		// even inside a string: JSON strings hold no raw newline
		return len(s) > 0 && s[0] == '{'
	case kindCSV:
		return looksLikeCSVStart(s) || looksLikeMariaDB(s)
	}
	return false
}

// resumeAt returns where, in a line seen while resynchronising, a record or
// the XML framing starts, or -1.
func resumeAt(s string) int {
	t := strings.TrimLeft(s, " \t\r,[]")
	if t != "" && t[0] == '<' {
		if _, ok := xmlToken(t); ok {
			return len(s) - len(t)
		}
	}
	if s != "" && s[0] == '{' || looksLikeCSVStart(s) || looksLikeMariaDB(s) {
		return 0
	}
	return indexRecordTag([]byte(s))
}

// looksLikeCSVStart matches the head of a Percona CSV record:
// "Name","<seq>_YYYY-MM-DDTHH:MM:SS",...
func looksLikeCSVStart(s string) bool {
	if len(s) < 2 || s[0] != '"' {
		return false
	}
	i := strings.Index(s[1:], `","`)
	if i < 1 {
		return false
	}
	for _, c := range []byte(s[1 : 1+i]) {
		if !(c == ' ' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z') {
			return false
		}
	}
	rest := s[1+i+3:]
	u := strings.IndexByte(rest, '_')
	return u > 0 && allDigits(rest[:u])
}

// looksLikeMariaDB matches "YYYYMMDD HH:MM:SS,".
func looksLikeMariaDB(s string) bool {
	return len(s) > 18 && allDigits(s[:8]) && s[8] == ' ' && s[11] == ':' && s[14] == ':' &&
		allDigits(s[9:11]) && allDigits(s[12:14]) && allDigits(s[15:17]) && s[17] == ','
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func contains(b []byte, s string) bool { return bytes.Contains(b, []byte(s)) }
