// Package daemon runs gossec as a service: it reads the configuration,
// compiles the ruleset, starts one goroutine per input (<localfile>
// tailers and framers, <remote> syslog servers, commands), and one analyzer
// goroutine that owns the correlation state, writes the alert files and
// commits file positions once the alerts of a line are durable. SIGHUP
// reloads the configuration and ruleset, keeping the old ones when anything
// fails to load; SIGTERM/SIGINT stop the inputs, drain in-flight events,
// flush and exit.
//
// Goroutines: Run owns all of them and returns only after every one has
// stopped. Inputs stop when their context is cancelled; the analyzer stops
// when every input has closed.
//
// Imports: internal/engine, internal/config, internal/tailer,
// internal/positions, internal/logformat, internal/remote,
// outputs/alertfile, internal/alert, internal/xmlconf.
package daemon
