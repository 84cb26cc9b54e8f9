// Package daemon runs gossec as a service: it reads the configuration,
// compiles the ruleset, starts one goroutine per input (<localfile>
// tailers and framers, <remote> syslog servers, commands), and one analyzer
// goroutine that owns the correlation state, writes the alert files and
// commits file positions once the alerts of a line are durable. SIGHUP
// reloads the configuration and ruleset, keeping the old ones when anything
// fails to load; SIGTERM/SIGINT stop the inputs, drain in-flight events,
// flush and exit.
//
// Regex matches cut by the per-event regex budget (engine) are counted in
// total (regex_timeouts, regex_skipped, regex_budget_events) and per rule
// or decoder (regex_timeouts:rule:ID, regex_timeouts:decoder:NAME in
// gossec.state; gossec_regex_cut_total{kind,name} in /metrics), and logged
// at most once a minute per rule or decoder, with the pattern.
//
// Goroutines: Run owns all of them and returns only after every one has
// stopped. Inputs stop when their context is cancelled; the analyzer stops
// when every input has closed.
//
// Imports: internal/engine, internal/config, internal/tailer,
// internal/positions, internal/logformat, internal/remote,
// outputs/alertfile, internal/alert, internal/xmlconf.
package daemon
