package ratelog

import (
	"log/slog"
	"sync"
	"time"
)

// Outage is a failure that lasts until the operation succeeds again (a
// full disk retried every few hundred milliseconds, an SMTP server that
// is down). Its failures are logged through the Logger under their keys
// (the first at once, then one summary per interval); Recover ends it
// with one line that says how many failures there were and for how long,
// so that an operator sees both ends of the outage.
//
//	o := rl.Outage("writing alert files recovered")
//	if err := write(); err != nil {
//		o.Fail(slog.LevelError, "write", "writing alert files failed; retrying", "error", err)
//	} else {
//		o.Recover() // logs only when it ends an outage
//	}
//
// The count and the start survive a quiet interval that ends a key's
// episode (a retry backoff longer than the interval): the outage lasts
// until Recover. It is safe for concurrent use.
type Outage struct {
	l   *Logger
	msg string

	mu       sync.Mutex
	keys     []string  // keys failed in this outage
	failures int       // in this outage
	since    time.Time // its first failure
}

// Outage returns a tracker whose recovery line is msg.
func (l *Logger) Outage(msg string) *Outage { return &Outage{l: l, msg: msg} }

// Fail records one failure and logs it under key (see Log).
func (o *Outage) Fail(level slog.Level, key, msg string, args ...any) {
	o.mark(key)
	o.l.Log(level, key, msg, args...)
}

func (o *Outage) mark(key string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.failures == 0 {
		o.since = o.l.now()
	}
	o.failures++
	for _, k := range o.keys {
		if k == key {
			return
		}
	}
	o.keys = append(o.keys, key)
}

// Failing reports whether an outage is open.
func (o *Outage) Failing() bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.failures > 0
}

// Recover ends the outage, if one is open: the pending summaries of its
// keys are written, then the recovery line at Info with failures (how
// many in the outage), after (since its first failure) and args. It
// returns the number of failures (0: there was no outage, nothing is
// logged).
func (o *Outage) Recover(args ...any) int {
	o.mu.Lock()
	defer o.mu.Unlock()
	n := o.failures
	if n == 0 {
		return 0
	}
	for _, k := range o.keys {
		o.l.Resolve(k)
	}
	o.failures, o.keys = 0, o.keys[:0]
	if o.l == nil || o.l.log == nil {
		return n
	}
	after := o.l.now().Sub(o.since).Round(time.Millisecond).String()
	o.l.mu.Lock()
	defer o.l.mu.Unlock()
	o.l.write(slog.LevelInfo, o.msg, append([]any{"failures", n, "after", after}, args...))
	return n
}
