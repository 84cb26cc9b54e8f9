package daemon

import (
	"log/slog"
	"sync"
	"time"
)

// rateLog reports a failure that repeats (a full disk retried every few
// hundred milliseconds) without flooding the log, which may well sit on
// the same full disk: the first failure is logged at once, then at most
// one summary per interval while it lasts (how many failures, for how
// long, the last error), and one line when it ends.
//
//	rl := newRateLog(log, clock, "writing alert files", time.Minute)
//	if err := write(); err != nil {
//		rl.fail(err, "file", path) // logged now, then once a minute
//	} else {
//		rl.ok() // "writing alert files recovered" if it was failing
//	}
//
// It is safe for concurrent use.
type rateLog struct {
	log   *slog.Logger
	clock func() time.Time
	what  string
	every time.Duration

	mu         sync.Mutex
	failing    bool
	since      time.Time // first failure of the current outage
	lastLog    time.Time
	failures   int64 // in the current outage
	suppressed int64 // since the last line logged
}

// newRateLog reports failures of what (e.g. "writing alert files") at most
// once per every (a minute when zero).
func newRateLog(log *slog.Logger, clock func() time.Time, what string, every time.Duration) *rateLog {
	if every <= 0 {
		every = time.Minute
	}
	if clock == nil {
		clock = time.Now
	}
	return &rateLog{log: log, clock: clock, what: what, every: every}
}

// fail records one failure; attrs are added to the lines logged.
func (r *rateLog) fail(err error, attrs ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	now := r.clock()
	r.failures++
	if !r.failing {
		r.failing, r.since, r.lastLog, r.suppressed = true, now, now, 0
		r.log.Error(r.what+" failed; retrying", append([]any{"error", err}, attrs...)...)
		return
	}
	r.suppressed++
	if now.Sub(r.lastLog) < r.every {
		return
	}
	r.log.Error(r.what+" still failing", append([]any{"failures", r.suppressed, "since",
		r.since.Format(time.RFC3339), "for", now.Sub(r.since).Round(time.Second).String(), "error", err}, attrs...)...)
	r.lastLog, r.suppressed = now, 0
}

// ok records a success; it logs once when it ends a run of failures.
func (r *rateLog) ok(attrs ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if !r.failing {
		return
	}
	now := r.clock()
	r.log.Info(r.what+" recovered", append([]any{"failures", r.failures,
		"after", now.Sub(r.since).Round(time.Millisecond).String()}, attrs...)...)
	r.failing, r.failures, r.suppressed = false, 0, 0
}
