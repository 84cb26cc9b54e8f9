// Package cli implements gossec's subcommands (logtest, test, check). Each
// command is a function that takes its arguments and standard streams and
// returns a named exit code, so tests can drive it without a process.
//
// `run` logs to HOME/logs/gossec.log (and to stderr on a terminal). Under
// systemd (JOURNAL_STREAM or INVOCATION_ID set) stderr, the journal, also
// gets every warning and error and the lifecycle lines (start summary,
// reload, stop). Otherwise, with stderr not a terminal, warnings and
// errors go to it until the service runs, and a fatal error always does,
// so a start that fails says why. `run -t` also reads the positions file:
// unreadable is an error; corrupt is a warning saying what the service
// will do (exit 0).
//
// `check` also warns (exit 0) about local rules that take the MySQL pack's
// own sample lines away from the pack's rules (engine.ShadowedPack).
//
// `check -c` and `run -t` load the configuration as the service does
// (daemon.Load) and exit with the code of the kind of error (3
// configuration, 4 ruleset), then warn about the <localfile> files the
// service's account cannot read now (-user; default gossec when root and
// it exists, else the current user).
//
// `replay` prints a table (or alerts.log blocks) and a summary when its
// output is a terminal, alerts.json lines otherwise (--format); without
// FILE arguments it replays the configuration's <localfile> files with
// their log_format. On a terminal stderr it draws a progress line.
//
// Imports: internal/engine, internal/config, internal/daemon,
// internal/logformat, internal/logtest, internal/rulesettest,
// internal/mysqltrig, internal/alert, internal/xmlconf, rules.
package cli
