// Package cli implements gossec's subcommands (logtest, test, check). Each
// command is a function that takes its arguments and standard streams and
// returns a named exit code, so tests can drive it without a process.
//
// Imports: internal/engine, internal/config, internal/daemon,
// internal/logformat, internal/logtest, internal/rulesettest,
// internal/mysqltrig, internal/alert, internal/xmlconf, rules.
package cli
