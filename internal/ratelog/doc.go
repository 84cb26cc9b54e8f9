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
// Every line carries the logger's own attributes first, so that it names
// the component (output="email smtp.example.com:25").
//
// The clock is injected (Clock), so tests can move time by hand. Imports:
// the standard library only.
package ratelog
