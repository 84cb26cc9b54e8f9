package ratelog

import (
	"context"
	"log/slog"
	"maps"
	"slices"
	"sync"
	"time"
)

// Clock is the time source: Now, and a channel that fires after d.
type Clock interface {
	Now() time.Time
	After(d time.Duration) <-chan time.Time
}

// SystemClock is the system's time and timers.
type SystemClock struct{}

func (SystemClock) Now() time.Time                         { return time.Now() }
func (SystemClock) After(d time.Duration) <-chan time.Time { return time.After(d) }

// NowFunc is a Clock for a component whose clock is a function: Now
// calls it, After waits on the system timer.
type NowFunc func() time.Time

func (f NowFunc) Now() time.Time                       { return f() }
func (NowFunc) After(d time.Duration) <-chan time.Time { return time.After(d) }

// now is the logger's time; the zero time when it has no clock (a nil or
// zero Logger, which logs nothing).
func (l *Logger) now() time.Time {
	if l == nil || l.clock == nil {
		return time.Time{}
	}
	return l.clock.Now()
}

// DefaultInterval is how often a summary is written while a problem
// lasts.
const DefaultInterval = time.Minute

// Logger rate-limits log lines per key. It is safe for concurrent use; the
// zero value and a nil *Logger log nothing.
type Logger struct {
	log   *slog.Logger
	clock Clock
	every time.Duration
	attrs []any

	mu     sync.Mutex
	keys   map[string]*episode
	closed bool
	stop   chan struct{}
}

// episode is one key's run of occurrences.
type episode struct {
	level  slog.Level
	msg    string
	args   []any // of the last occurrence
	held   int   // occurrences since the last line written
	total  int   // occurrences in the episode
	window uint64
	since  time.Time // start of the current interval
}

// New returns a Logger writing to log (nil: nothing is logged) with a
// summary every interval (<= 0: DefaultInterval) on clock (nil: the
// system clock). attrs start every line.
func New(log *slog.Logger, interval time.Duration, clock Clock, attrs ...any) *Logger {
	if interval <= 0 {
		interval = DefaultInterval
	}
	if clock == nil {
		clock = SystemClock{}
	}
	return &Logger{log: log, clock: clock, every: interval, attrs: attrs,
		keys: map[string]*episode{}, stop: make(chan struct{})}
}

// Log reports one occurrence of key. The first of an episode is written at
// once with msg and args; later ones are counted into the next summary.
func (l *Logger) Log(level slog.Level, key, msg string, args ...any) {
	if l == nil || l.log == nil {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		l.write(level, msg, args)
		return
	}
	e := l.keys[key]
	if e != nil {
		e.level, e.msg, e.args = level, msg, args
		e.held++
		e.total++
		return
	}
	e = &episode{level: level, msg: msg, args: args, total: 1}
	l.keys[key] = e
	l.write(level, msg, args)
	l.arm(key, e)
}

// Again counts one more occurrence of key when its episode is open and
// reports whether it did; then the caller need not build Log's
// arguments, so a hot path that repeats a failure does not allocate. The
// summary carries the arguments of the last Log.
func (l *Logger) Again(key string) bool {
	if l == nil || l.log == nil {
		return true
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	e := l.keys[key]
	if l.closed || e == nil {
		return false
	}
	e.held++
	e.total++
	return true
}

// arm waits one interval, then writes key's summary or ends its episode.
func (l *Logger) arm(key string, e *episode) {
	e.window++
	e.since = l.clock.Now()
	w := e.window
	ch := l.clock.After(l.every)
	go func() {
		select {
		case <-ch:
		case <-l.stop:
			return
		}
		l.mu.Lock()
		defer l.mu.Unlock()
		if l.closed || l.keys[key] != e || e.window != w {
			return
		}
		if e.held == 0 {
			delete(l.keys, key) // a quiet interval: the episode is over
			return
		}
		l.summary(e)
		l.arm(key, e)
	}()
}

func (l *Logger) summary(e *episode) {
	in := l.clock.Now().Sub(e.since).Round(time.Second)
	args := append(append([]any(nil), e.args...), "times", e.held, "in", in.String())
	l.write(e.level, e.msg+" (repeated)", args)
	e.held = 0
}

func (l *Logger) write(level slog.Level, msg string, args []any) {
	all := make([]any, 0, len(l.attrs)+len(args))
	all = append(append(all, l.attrs...), args...)
	l.log.Log(context.Background(), level, msg, all...)
}

// Resolve ends key's episode: its pending summary is written now, and the
// next occurrence is logged at once. It returns the number of occurrences
// in the episode (0 when key had none).
func (l *Logger) Resolve(key string) int {
	if l == nil || l.log == nil {
		return 0
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	e := l.keys[key]
	if e == nil {
		return 0
	}
	if e.held > 0 {
		l.summary(e)
	}
	delete(l.keys, key)
	return e.total
}

// Close writes every pending summary and stops the timers; later
// occurrences are written one by one.
func (l *Logger) Close() {
	if l == nil || l.log == nil {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return
	}
	l.closed = true
	close(l.stop)
	for _, k := range slices.Sorted(maps.Keys(l.keys)) {
		if e := l.keys[k]; e.held > 0 {
			l.summary(e)
		}
	}
	clear(l.keys)
}
