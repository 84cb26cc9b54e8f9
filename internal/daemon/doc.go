// Package daemon runs gossec as a service: it reads the configuration,
// compiles the ruleset, starts one goroutine per input (<localfile>
// tailers and framers, <remote> syslog servers, commands), and one analyzer
// goroutine that owns the correlation state, writes the alert files and
// commits file positions once the alerts of a line are durable.
// SIGTERM/SIGINT stop the inputs, drain in-flight events, flush and exit.
//
// SIGHUP reloads (reload.go). Everything is loaded and checked first; when
// anything fails, every error is logged and nothing changes. Otherwise a
// reload touches only what changed: inputs are matched to the new
// <localfile>/<remote> sections by their settings (not their place in the
// file), so an unchanged syslog listener keeps its TCP connections and an
// unchanged tailer its state; removed or changed inputs are stopped, every
// event they sent is analysed and its position committed before a new
// input for the same files starts. Outputs are matched the same way
// (outputs.apply): a replaced <syslog_output> gets no new alert and stops
// once it has delivered its queue (bounded by retireDrain, 30s; what is left
// then is counted in syslog_dropped and logged); a changed mail
// configuration stops the mailer, which spools what it holds, and a new one
// sends it. The reload logs rules added and removed per file (a rule file
// no longer loaded is a WARN naming it), the decoder count, the inputs
// started and stopped, the output changes, and the <global> alert-file
// settings it did not apply (they need a restart).
//
// A corrupt positions file does not stop the service: it is kept aside
// (positions.Options.IgnoreCorrupt; older copies are kept too) and the
// service starts with no saved position, logging for each <localfile>
// whether its files start at their end (only-future-events) or beginning.
//
// Regex matches cut by the per-event regex budget (engine) are counted in
// total (regex_timeouts, regex_skipped, regex_budget_events) and per rule
// or decoder (regex_timeouts:rule:ID, regex_timeouts:decoder:NAME in
// gossec.state; gossec_regex_cut_total{kind,name} in /metrics), and logged
// through internal/ratelog: the first cut of a rule or decoder at once,
// with the pattern, then a "(repeated)" summary a minute while its cuts
// go on.
//
// The alert files hold records in memory: they are written when the
// queue runs empty (alertfile.Writer.Push), at 16 KiB, and at each commit,
// so a busy daemon writes many records per write(2).
//
// Delivery: an event's file position is committed only after every sink
// has it: its alert and archive written to the alert files and fsynced
// (commit, every CommitInterval), and handed to the outputs (syslog,
// email), which get each alert once, at the first attempt, even when the
// files fail. When an alert file cannot be written (a full disk, EIO) or a
// commit fails (fsync, positions.json), the analyzer keeps the event, stops
// taking new ones (the inputs wait on the bounded queue: back-pressure, no
// memory growth) and retries with backoff from 100ms doubling to 5s,
// logging the first failure, then a "(repeated)" summary a minute, then
// one "... recovered" line (failures=, after=; a ratelog.Outage); it resumes by itself. SIGTERM during such an outage still
// stops at once: the events not delivered are dropped uncommitted, so the
// lines of files are read again at the next start (events from the network
// or commands are lost and counted, stop_lost; so are, uncounted, the
// alerts the alert files held in memory, at most 16 KiB of records per
// file, whose lines are read again too). A failed commit still commits
// the positions of the lines whose records are all on disk
// (alertfile.Writer.Durable), so a restart repeats only what is not. A
// stop during an outage exits 0; a positions.json failure at the stop
// is still an error. A reload waits for the outage to end. Counters: output_errors (failed attempts), output_stalls
// (outages), stop_abandoned, stop_lost.
//
// Counters (stats.go) go to HOME/var/run/gossec.state and, with --metrics
// ADDR, to http://ADDR/metrics in the Prometheus text format (version
// 0.0.4): every counter is gossec_NAME_total of type counter, levels that go
// down (mail_pending) are gauges without the suffix, and label values (file
// paths, rule and decoder names) are written with the format's own three
// escapes as UTF-8, so that `promtool check metrics` passes them
// (internal/itest/metrics_promtool_test.go).
//
// Goroutines: Run owns all of them and returns only after every one has
// stopped. Inputs live across reloads, each with its own context; they all
// send to one bounded queue that the analyzer goroutine (loop) reads, and
// the analyzer keeps reading while it waits for an input to stop. With
// more than one CPU the loop takes the events queued behind the one it
// takes (up to 64) and a decoder goroutine decodes them while the loop runs
// the rules and delivers the ones before (lookahead.go): delivery, the
// order and the positions are the loop's, as without it.
//
// Load marks ruleset errors (RulesetError) apart from configuration
// errors, so the commands exit with one code per kind; Run returns
// ErrRulesetLoad or ErrLoad. CheckInputFiles (for `run -t` and `check`)
// looks for each <localfile>'s files as the tailer would and judges
// whether an account (Reader: the service user or the current one) can
// read them, by opening them for the current user and by the permission
// bits of every folder on the way for another. The start summary
// (MsgRunning: inputs, decoders, rules, outputs), MsgReloaded and
// MsgStopped are the lifecycle lines the command line also shows on
// stderr under systemd.
//
// Imports: internal/engine, internal/config, internal/tailer,
// internal/positions, internal/logformat, internal/remote,
// outputs/alertfile, internal/alert, internal/xmlconf, internal/osregex,
// outputs/email, outputs/syslog, internal/ratelog.
package daemon
