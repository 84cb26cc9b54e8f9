package remote

import (
	"log/slog"
	"sync"
	"time"
)

// rateLog is a warning that a flood could repeat thousands of times a
// second (connections refused, idle closes, oversize messages). The first
// occurrence is logged at once, so an operator sees the condition start;
// later ones are counted and summarised at most once per logPeriod, with
// the details of the latest occurrence. The exact numbers are in Stats.
type rateLog struct {
	log *slog.Logger
	msg string

	mu      sync.Mutex
	last    time.Time // when a line was last written; zero before the first
	pending uint64    // occurrences since that line
	attrs   []any     // details of the latest pending occurrence
}

func newRateLog(l *slog.Logger, msg string) *rateLog { return &rateLog{log: l, msg: msg} }

// note records one occurrence at now; attrs are slog key/value pairs.
func (r *rateLog) note(now time.Time, attrs ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.last.IsZero() {
		r.last = now
		r.log.Warn(r.msg, attrs...)
		return
	}
	r.pending++
	r.attrs = attrs
	r.flushLocked(now, false)
}

// flush writes the summary of the pending occurrences when a period has
// passed since the last line, or at once with force (shutdown).
func (r *rateLog) flush(now time.Time, force bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.flushLocked(now, force)
}

func (r *rateLog) flushLocked(now time.Time, force bool) {
	if r.pending == 0 || (!force && now.Sub(r.last) < logPeriod) {
		return
	}
	r.log.Warn(r.msg, "count", r.pending, "since", r.last.UTC().Format(time.RFC3339), slog.Group("latest", r.attrs...))
	r.last, r.pending, r.attrs = now, 0, nil
}
