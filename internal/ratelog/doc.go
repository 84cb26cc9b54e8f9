// Package ratelog logs the failures and drops of a component without
// flooding the log: the first occurrence of a kind of problem (a key) is
// logged at once, further occurrences within the interval (one minute in
// the daemon) are only counted, and at the end of each interval one
// summary line says how many there were ("<msg> (repeated)", times=N,
// in=1m0s: the time since the interval began) with the attributes of the
// last one. An interval without an
// occurrence ends the episode, so the next occurrence is logged at once
// again. Resolve ends an episode early (the problem went away) and writes
// its pending summary; Close does that for every key.
//
// An Outage is a failure that lasts until the operation works again (a
// full disk, a server down): its failures go through the Logger under
// their keys, and Recover ends it with one Info line (the caller's
// message, failures=N, after=: the time since the first failure) after
// the pending summaries. The count outlives a quiet interval: a retry
// backoff longer than the interval starts a new episode of the key, not
// a new outage. The daemon's alert writes and commits, outputs/email and
// outputs/syslog use it; internal/remote uses the Logger for its floods
// (refused senders, the connection cap, idle closes, oversize messages)
// and the daemon for regex matches cut by the budget.
//
// Every line carries the logger's own attributes first, so that it names
// the component (output="email smtp.example.com:25").
//
// The clock is injected (Clock; NowFunc adapts a func() time.Time), so
// tests can move time by hand. Imports: the standard library only.
package ratelog
