package auditlog

import (
	"errors"
	"fmt"
	"unsafe"
)

// Format names the source format of a record.
type Format uint8

// The recognised source formats.
const (
	FormatUnknown Format = iota
	MySQLXMLNew          // MySQL Enterprise Audit, audit_log_format=NEW
	MySQLXMLOld          // MySQL Enterprise Audit, audit_log_format=OLD
	MySQLJSON            // MySQL Enterprise Audit, audit_log_format=JSON
	PerconaXMLNew        // Percona audit_log_format=NEW
	PerconaXMLOld        // Percona audit_log_format=OLD
	PerconaJSON          // Percona audit_log_format=JSON
	PerconaCSV           // Percona audit_log_format=CSV
	MariaDBAudit         // MariaDB server_audit plugin
	AuditLogin           // audit_login plugin
	NumFormats
)

var formatNames = [NumFormats]string{
	"unknown", "mysql-enterprise-xml-new", "mysql-enterprise-xml-old",
	"mysql-enterprise-json", "percona-xml-new", "percona-xml-old",
	"percona-json", "percona-csv", "mariadb-server-audit", "audit-login",
}

// String returns the name written into the event's "format" field.
func (f Format) String() string {
	if f < NumFormats {
		return formatNames[f]
	}
	return "unknown"
}

// Sentinel errors wrapped by *ParseError.
var (
	ErrMalformed    = errors.New("malformed record")
	ErrUnrecognised = errors.New("unrecognised input")
	ErrInterrupted  = errors.New("record interrupted by the start of another")
	ErrTooLarge     = errors.New("record too large")
	ErrTruncated    = errors.New("record cut off by a reset (rotation or truncation)")
)

// ParseError reports input that produced no record.
type ParseError struct {
	Offset  int64  // file offset of the first byte of the bad input
	Format  Format // the format it looked like, if known
	Reason  string // detail, may be empty
	Snippet string // the first bytes of the bad input
	Err     error  // one of the sentinel errors
}

func (e *ParseError) Error() string {
	what := "input"
	if e.Format != FormatUnknown {
		what = e.Format.String() + " record"
	}
	msg := fmt.Sprintf("auditlog: offset %d: %s: %v", e.Offset, what, e.Err)
	if e.Reason != "" {
		msg += ": " + e.Reason
	}
	return msg + fmt.Sprintf(": %q", e.Snippet)
}

func (e *ParseError) Unwrap() error { return e.Err }

// Options configures a Reader.
type Options struct {
	// MaxRecordSize caps an unfinished record; past it the record is
	// reported as ErrTooLarge and skipped. 0 means 1 MiB.
	MaxRecordSize int
	// OnError, if set, receives every *ParseError (they are counted
	// either way). It is called synchronously from PushLine/Write/Reset.
	OnError func(*ParseError)
}

// Record is one normalised audit record.
type Record struct {
	Text   string // the JSON event
	Format Format
	Start  int64 // file offset of the record's first byte
	End    int64 // file offset after the line that completed it
}

// Counters are the reader's running totals.
type Counters struct {
	Records      uint64             // records emitted
	ByFormat     [NumFormats]uint64 // records emitted per source format
	Errors       uint64             // ParseErrors reported
	SkippedBytes uint64             // bytes skipped while resynchronising
}

type scanKind uint8

const (
	kindNone scanKind = iota
	kindXML
	kindJSON
	kindCSV
)

// Reader assembles and normalises audit records. The zero value is not
// usable; call NewReader.
type Reader struct {
	opt Options
	cnt Counters

	// the unfinished record
	kind      scanKind
	pend      []byte
	pendStart int64
	scan      int    // next byte of pend to scan
	depth     int    // JSON nesting depth
	inStr     bool   // JSON: inside a string
	esc       bool   // JSON: after a backslash
	inQuote   bool   // CSV: inside a quoted field
	tagClosed bool   // XML: the start tag's '>' has been seen
	skipTo    string // XML: inside CDATA or a comment, up to this closer

	skipping bool // resynchronising: input is dropped until a record start

	partial []byte // Write: the unterminated last line
	off     int64  // Write: file offset of partial[0]

	b    builder
	enc  []byte
	xbuf []byte // an XML record with forbidden characters replaced
	out  []Record
}

// NewReader returns a Reader.
func NewReader(opt Options) *Reader {
	if opt.MaxRecordSize <= 0 {
		opt.MaxRecordSize = 1 << 20
	}
	return &Reader{opt: opt}
}

// Counters returns the running totals.
func (r *Reader) Counters() Counters { return r.cnt }

// Pending reports whether an unfinished record is held.
func (r *Reader) Pending() bool { return r.kind != kindNone }

// PushLine feeds one complete line, without its "\n", that ends at file
// offset end (the offset after the newline). It returns the records the
// line completed; the slice is reused by the next call.
func (r *Reader) PushLine(line string, end int64) []Record {
	r.out = r.out[:0]
	start := end - int64(len(line)) - 1
	if start < 0 {
		start = 0
	}
	r.line(line, start, end)
	return r.out
}

// Write feeds raw bytes, the continuation of everything fed before; offsets
// count from the first byte ever written (or from SetOffset). It returns the
// records completed; the slice is reused by the next call. An unterminated
// last line is kept until its newline arrives.
func (r *Reader) Write(p []byte) []Record {
	r.out = r.out[:0]
	for len(p) > 0 {
		i := indexByte(p, '\n')
		if i < 0 {
			r.partial = append(r.partial, p...)
			return r.out
		}
		r.partial = append(r.partial, p[:i]...)
		p = p[i+1:]
		start := r.off
		r.off += int64(len(r.partial)) + 1
		r.line(string(r.partial), start, r.off)
		r.partial = r.partial[:0]
	}
	return r.out
}

// SetOffset sets the file offset of the next byte given to Write.
func (r *Reader) SetOffset(off int64) { r.off = off - int64(len(r.partial)) }

// Reset forgets any unfinished record (reported as ErrTruncated) and any
// unterminated Write line. Call it when the file is rotated or truncated.
func (r *Reader) Reset() {
	if r.kind != kindNone {
		r.fail(ErrTruncated, "", r.pend)
	}
	r.partial = r.partial[:0]
	r.skipping = false
}

func indexByte(p []byte, c byte) int {
	for i, b := range p {
		if b == c {
			return i
		}
	}
	return -1
}

// line processes one line starting at file offset off.
func (r *Reader) line(s string, off, end int64) {
	if r.kind != kindNone && r.startsAnother(s) {
		r.fail(ErrInterrupted, "", r.pend)
	}
	if r.skipping {
		i := resumeAt(s)
		if i < 0 {
			r.cnt.SkippedBytes += uint64(len(s)) + 1
			return
		}
		r.cnt.SkippedBytes += uint64(i)
		s, off = s[i:], off+int64(i)
		r.skipping = false
	}
	r.consume(s, off, end)
	if r.kind != kindNone {
		r.pend = append(r.pend, '\n')
		r.advance(len(r.pend)-1, end)
	}
}

// consume handles the text s of one line, which starts at file offset off.
func (r *Reader) consume(s string, off, end int64) {
	for len(s) > 0 {
		if r.skipping {
			r.cnt.SkippedBytes += uint64(len(s))
			return
		}
		if r.kind == kindNone {
			var n int
			n = r.begin(s, off, end)
			s, off = s[n:], off+int64(n)
			continue
		}
		base := len(r.pend)
		r.pend = append(r.pend, s...)
		n := r.advance(base, end)
		if n < 0 {
			return
		}
		s, off = s[n:], off+int64(n)
	}
}

// advance scans the pending record after data was appended at pend[base:].
// When the record completes or breaks it returns how many of the appended
// bytes it used; while the record is still open it returns -1.
func (r *Reader) advance(base int, end int64) int {
	if len(r.pend) > r.opt.MaxRecordSize {
		r.fail(ErrTooLarge, fmt.Sprintf("no end after %d bytes", r.opt.MaxRecordSize), r.pend)
		r.skipping = true
		return -1
	}
	e, st := r.scanPend()
	switch st {
	case scanMore:
		return -1
	case scanBroken:
		if e < base {
			e = base
		}
		r.fail(ErrInterrupted, "", r.pend[:e])
		return e - base
	}
	r.finish(r.pend[:e], end)
	if e < base {
		e = base
	}
	return e - base
}

// begin looks at the start of s (no record pending) and returns how many
// bytes it consumed: separators and XML root tokens are skipped, a record
// start switches to the pending state (consuming nothing), and a MariaDB
// line or unrecognised text consumes the rest of the line.
func (r *Reader) begin(s string, off, end int64) int {
	i := 0
	for i < len(s) && isSep(s[i]) {
		i++
	}
	if i > 0 {
		return i
	}
	switch c := s[0]; {
	case c == '<':
		if n, ok := xmlToken(s); ok {
			return n
		}
		if isRecordTag(s) {
			r.open(kindXML, off)
			return 0
		}
	case c == '{':
		r.open(kindJSON, off)
		return 0
	case c == '"':
		r.open(kindCSV, off)
		return 0
	case c >= '0' && c <= '9':
		r.mariadb(s, off, end)
		return len(s)
	}
	// garbage: report it up to a record start later in the line, if any
	if k := indexRecordTag([]byte(s[1:])); k >= 0 {
		r.failText(ErrUnrecognised, "", s[:k+1], off)
		return k + 1
	}
	r.failText(ErrUnrecognised, "", s, off)
	r.skipping = true
	return len(s)
}

// isSep reports bytes skipped between records: blanks and the punctuation
// of MySQL's JSON array.
func isSep(c byte) bool {
	return c == ' ' || c == '\t' || c == '\r' || c == ',' || c == '[' || c == ']'
}

func (r *Reader) open(k scanKind, off int64) {
	r.kind = k
	r.pend = r.pend[:0]
	r.pendStart = off
	r.scan = 0
	r.depth, r.inStr, r.esc, r.inQuote, r.tagClosed, r.skipTo = 0, false, false, false, false, ""
}

func (r *Reader) close() { r.kind = kindNone }

// finish parses a complete record and emits it or reports it.
func (r *Reader) finish(rec []byte, end int64) {
	k, start := r.kind, r.pendStart
	r.close()
	r.b.reset()
	var f Format
	var err error
	switch k {
	case kindXML:
		f, err = r.parseXML(rec)
	case kindJSON:
		f, err = r.parseJSON(rec)
	case kindCSV:
		f, err = r.parseCSV(rec)
	}
	r.emit(f, err, rec, start, end)
}

func (r *Reader) emit(f Format, err error, rec []byte, start, end int64) {
	if err != nil {
		var pe *ParseError
		if errors.As(err, &pe) {
			pe.Offset, pe.Snippet = start, snippet(rec)
			r.report(pe)
			return
		}
		r.report(&ParseError{Offset: start, Format: f, Err: ErrMalformed, Reason: err.Error(), Snippet: snippet(rec)})
		return
	}
	r.enc = r.b.encode(r.enc[:0], f)
	r.out = append(r.out, Record{Text: string(r.enc), Format: f, Start: start, End: end})
	r.cnt.Records++
	r.cnt.ByFormat[f]++
}

// fail reports the pending record (or the given part of it) and drops it.
func (r *Reader) fail(err error, reason string, rec []byte) {
	f := r.guessFormat(rec)
	r.report(&ParseError{Offset: r.pendStart, Format: f, Err: err, Reason: reason, Snippet: snippet(rec)})
	r.close()
}

func (r *Reader) failText(err error, reason, s string, off int64) {
	r.report(&ParseError{Offset: off, Err: err, Reason: reason, Snippet: snippet(unsafe.Slice(unsafe.StringData(s), len(s)))})
}

func (r *Reader) report(pe *ParseError) {
	r.cnt.Errors++
	if r.opt.OnError != nil {
		r.opt.OnError(pe)
	}
}

func (r *Reader) guessFormat(rec []byte) Format {
	switch r.kind {
	case kindCSV:
		return PerconaCSV
	case kindXML:
		if contains(rec, "RECORD_ID") {
			return MySQLXMLNew
		}
	}
	return FormatUnknown
}

func snippet(b []byte) string {
	const max = 80
	if len(b) > max {
		b = b[:max]
	}
	return string(b)
}
