// Package daemon runs gossec as a service: it reads the configuration,
// compiles the ruleset, starts one goroutine per input (<localfile>
// tailers and framers, <remote> syslog servers, commands), and one analyzer
// goroutine that owns the correlation state, writes the alert files and
// commits file positions once the alerts of a line are durable. SIGHUP
// reloads the configuration and ruleset, keeping the old ones when anything
// fails to load; SIGTERM/SIGINT stop the inputs, drain in-flight events,
// flush and exit.
//
// Delivery: an event's file position is committed only after every sink
// has it: its alert and archive written to the alert files and fsynced
// (commit, every CommitInterval), and handed to the outputs (syslog,
// email), which get each alert once, at the first attempt, even when the
// files fail. When an alert file cannot be written (a full disk, EIO) or a
// commit fails (fsync, positions.json), the analyzer keeps the event, stops
// taking new ones (the inputs wait on the bounded queue: back-pressure, no
// memory growth) and retries with backoff from 100ms doubling to 5s,
// logging the first failure, then a summary a minute (ratelog.go), then
// the recovery; it resumes by itself. SIGTERM during such an outage still
// stops at once: the events not delivered are dropped uncommitted, so the
// lines of files are read again at the next start (events from the network
// or commands are lost and counted, stop_lost). A reload waits for the
// outage to end. Counters: output_errors (failed attempts), output_stalls
// (outages), stop_abandoned, stop_lost.
//
// Goroutines: Run owns all of them and returns only after every one has
// stopped. Inputs stop when their context is cancelled; the analyzer stops
// when every input has closed.
//
// Imports: internal/engine, internal/config, internal/tailer,
// internal/positions, internal/logformat, internal/remote,
// outputs/alertfile, internal/alert, internal/xmlconf.
package daemon
