package logformat

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/gossec/gossec/internal/auditlog"
)

// Event is one event produced from one or more lines.
type Event struct {
	Text string // the event text handed to the analyser
	End  int64  // file offset after the last line this event consumed
}

// Framer turns lines into events for one log format and one file.
type Framer interface {
	// Push takes one complete line (without "\n") and the file offset
	// after it; it returns the events the line completed. The returned
	// slice is reused by the next call.
	Push(line string, end int64, now time.Time) []Event
	// Flush returns the pending group if its idle timeout has passed by
	// now; call it when Deadline is reached and no line came.
	Flush(now time.Time) []Event
	// Deadline reports when the pending group times out, if there is one.
	Deadline() (time.Time, bool)
	// Reset returns everything pending, whatever its age, and forgets the
	// file's state: call it before reading a rotated or truncated file.
	Reset(now time.Time) []Event
	// Stats returns the running totals.
	Stats() Stats
}

// Stats are a framer's running totals.
type Stats struct {
	Lines     uint64 // lines pushed
	Events    uint64 // events returned
	Dropped   uint64 // lines or records that produced no event
	Truncated uint64 // events cut to Options.MaxEventSize
	// NULCut counts lines cut at their first NUL byte: the text before it
	// was framed, the rest discarded (see the package comment).
	NULCut uint64
	// Audit holds the record reader's totals (mysql_audit only).
	Audit auditlog.Counters
}

// Label is one <label key="...">value</label> of a localfile.
type Label struct{ Key, Value string }

// Options carries a localfile's parameters besides the format name.
type Options struct {
	// Labels are added to json and mysql_audit events, in order.
	Labels []Label
	// Regex, Match, Replace and Timeout are <multiline_regex>'s text and
	// attributes (multi-line-regex only). Match is start (default), end or
	// all; Replace is no-replace (default), none, wspace or tab; Timeout
	// defaults to 5s and must lie in 1s..120s.
	Regex   string
	Match   string
	Replace string
	// Timeout is also the idle time after which multi-line:N emits an
	// incomplete group (default 5s).
	Timeout time.Duration
	// MaxEventSize caps grouped events (default 65536, Wazuh's OS_MAXSTR).
	MaxEventSize int
	// OnError, if set, receives an error for every line or record dropped:
	// a *DropError, or a *auditlog.ParseError for mysql_audit.
	OnError func(error)
	// OnNUL, if set, is told of every line cut at a NUL byte.
	OnNUL func(*NULError)
}

// Why lines are dropped.
var (
	ErrNotJSONObject = errors.New("line is not a JSON object")
	ErrNULByte       = errors.New("line contains a NUL byte")
	ErrNoMySQLPrefix = errors.New("line has no MySQL timestamp prefix")
)

// DropError reports a line that produced no event.
type DropError struct {
	End     int64  // file offset after the line
	Format  string // the log format
	Snippet string // the line's first bytes
	Err     error
}

func (e *DropError) Error() string {
	return fmt.Sprintf("log format %s: line ending at offset %d dropped: %v: %q", e.Format, e.End, e.Err, e.Snippet)
}

func (e *DropError) Unwrap() error { return e.Err }

// NULError reports a line cut at its first NUL byte. It is not a drop:
// the text before the NUL went on to the framer.
type NULError struct {
	End     int64  // file offset after the line
	Format  string // the log format
	At      int    // the NUL's position in the line = the bytes kept
	Snippet string // the line's first bytes, NUL and what followed included
}

func (e *NULError) Error() string {
	return fmt.Sprintf("log format %s: line ending at offset %d cut at the NUL byte at column %d, the rest not analysed: %q",
		e.Format, e.End, e.At, e.Snippet)
}

func (e *NULError) Unwrap() error { return ErrNULByte }

// Defaults taken from Wazuh.
const (
	DefaultTimeout      = 5 * time.Second   // MULTI_LINE_REGEX_TIMEOUT
	MaxRegexTimeout     = 120 * time.Second // MULTI_LINE_REGEX_MAX_TIMEOUT
	DefaultMaxEventSize = 65536             // OS_MAXSTR
)

// New returns a Framer for a <log_format> value. The error names the
// format or the option that is wrong.
func New(format string, opt Options) (Framer, error) {
	if opt.MaxEventSize <= 0 {
		opt.MaxEventSize = DefaultMaxEventSize
	}
	if err := checkLabels(opt.Labels); err != nil {
		return nil, err
	}
	switch {
	case format == "syslog" || format == "apache" || format == "squid" || format == "iis":
		return &syslogFramer{base: newBase(format, opt)}, nil
	case format == "json":
		return &jsonFramer{base: newBase(format, opt)}, nil
	case format == "mysql_log":
		return &mysqlFramer{base: newBase(format, opt)}, nil
	case format == "multi-line-regex":
		return newRegexFramer(opt)
	case strings.HasPrefix(format, "multi-line"):
		return newMultiLine(format, opt)
	case format == "mysql_audit":
		return newAuditFramer(opt), nil
	}
	return nil, fmt.Errorf("log_format %q is not supported (want syslog, json, mysql_log, multi-line:N, multi-line-regex or mysql_audit)", format)
}

func checkLabels(ls []Label) error {
	for _, l := range ls {
		if l.Key == "" || strings.HasPrefix(l.Key, ".") || strings.HasSuffix(l.Key, ".") || strings.Contains(l.Key, "..") {
			return fmt.Errorf("label key %q is not a field name", l.Key)
		}
	}
	return nil
}

// parseLineCount reads N from "multi-line:N" (blanks allowed around N).
func parseLineCount(format string) (int, error) {
	rest, ok := strings.CutPrefix(format, "multi-line:")
	if !ok {
		return 0, fmt.Errorf("log_format %q: want multi-line:N", format)
	}
	n, err := strconv.Atoi(strings.TrimSpace(rest))
	if err != nil || n < 1 {
		return 0, fmt.Errorf("log_format %q: line count %q is not a positive integer", format, strings.TrimSpace(rest))
	}
	return n, nil
}

// base holds what every framer shares.
type base struct {
	format string
	opt    Options
	stats  Stats
	out    []Event
}

func newBase(format string, opt Options) base { return base{format: format, opt: opt} }

func (b *base) start() { b.out = b.out[:0]; b.stats.Lines++ }

func (b *base) emit(text string, end int64) {
	b.out = append(b.out, Event{Text: text, End: end})
	b.stats.Events++
}

// snippetMax bounds the line text quoted in errors.
const snippetMax = 80

func (b *base) drop(line string, end int64, err error) {
	b.stats.Dropped++
	if b.opt.OnError != nil {
		b.opt.OnError(&DropError{End: end, Format: b.format, Snippet: line[:min(len(line), snippetMax)], Err: err})
	}
}

// cutNUL returns line up to its first NUL byte, counting and reporting
// the cut. The C logcollector and analysisd hold a line in a C string, so
// what follows a NUL never exists for the rules; keeping the text before
// it (instead of dropping the line) means a NUL planted in a line cannot
// hide the event the line carries.
func (b *base) cutNUL(line string, end int64) string {
	i := strings.IndexByte(line, 0)
	if i < 0 {
		return line
	}
	b.stats.NULCut++
	if b.opt.OnNUL != nil {
		// Quote past the NUL, so the log shows what was not analysed.
		b.opt.OnNUL(&NULError{End: end, Format: b.format, At: i, Snippet: line[:min(len(line), max(snippetMax, i+snippetMax/2))]})
	}
	return line[:i]
}

func (b *base) Stats() Stats { return b.stats }

// noPending implements Flush, Deadline and Reset for framers that never
// hold lines back.
type noPending struct{}

func (noPending) Flush(time.Time) []Event     { return nil }
func (noPending) Deadline() (time.Time, bool) { return time.Time{}, false }
func (noPending) Reset(time.Time) []Event     { return nil }

// syslogFramer: one line, one event; a line with a NUL byte is the text
// before it.
type syslogFramer struct {
	base
	noPending
}

func (f *syslogFramer) Push(line string, end int64, _ time.Time) []Event {
	f.start()
	f.emit(f.cutNUL(line, end), end)
	return f.out
}
