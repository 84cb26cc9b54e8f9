package logformat

import (
	"time"

	"github.com/gossec/gossec/internal/auditlog"
)

// auditFramer implements log_format mysql_audit: records assembled and
// normalised by auditlog, labels added as for json. Every audit format has
// an explicit record end, so nothing is ever emitted on a timeout: an
// unfinished record waits for its end (its lines are not covered by any
// emitted End, so a restart re-reads them).
type auditFramer struct {
	base
	r   *auditlog.Reader
	lab labeler
}

func newAuditFramer(opt Options) *auditFramer {
	f := &auditFramer{base: newBase("mysql_audit", opt)}
	f.r = auditlog.NewReader(auditlog.Options{OnError: f.onError})
	return f
}

func (f *auditFramer) onError(e *auditlog.ParseError) {
	f.stats.Dropped++
	if f.opt.OnError != nil {
		f.opt.OnError(e)
	}
}

func (f *auditFramer) Push(line string, end int64, _ time.Time) []Event {
	f.start()
	for _, rec := range f.r.PushLine(line, end) {
		f.add(rec)
	}
	return f.out
}

func (f *auditFramer) add(rec auditlog.Record) {
	text := rec.Text
	if len(f.opt.Labels) > 0 {
		text = string(f.lab.apply([]byte(rec.Text), f.opt.Labels))
	}
	f.emit(text, rec.End)
}

func (f *auditFramer) Flush(time.Time) []Event     { f.out = f.out[:0]; return f.out }
func (f *auditFramer) Deadline() (time.Time, bool) { return time.Time{}, false }

// Reset reports an unfinished record as cut off and starts afresh.
func (f *auditFramer) Reset(time.Time) []Event {
	f.out = f.out[:0]
	f.r.Reset()
	return f.out
}

func (f *auditFramer) Stats() Stats {
	s := f.stats
	s.Audit = f.r.Counters()
	return s
}
