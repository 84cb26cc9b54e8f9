// Package cli implements gossec's subcommands (logtest, test, check). Each
// command is a function that takes its arguments and standard streams and
// returns a named exit code, so tests can drive it without a process.
//
// `run` logs to HOME/logs/gossec.log (and to stderr on a terminal). When
// stderr is not a terminal (systemd), warnings and errors still go to it
// until the service runs, and a fatal error always does, so a start that
// fails says why in the journal. `run -t` also reads the positions file:
// unreadable is an error; corrupt is a warning saying what the service
// will do (exit 0).
//
// `check` also warns (exit 0) about local rules that take the MySQL pack's
// own sample lines away from the pack's rules (engine.ShadowedPack).
//
// Imports: internal/engine, internal/config, internal/daemon,
// internal/logformat, internal/logtest, internal/rulesettest,
// internal/mysqltrig, internal/alert, internal/xmlconf, rules.
package cli
