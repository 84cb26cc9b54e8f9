// Package engine wires the analysis stages together. Load compiles a
// configuration's ruleset (decoders, rules, CDB lists) into an immutable
// Ruleset; an Analyzer runs one line through pre-decoding, decoding and the
// rule tree, owning the per-session mutable state (accumulator, correlation
// memory, fired counters). The daemon, logtest and the ruleset test runner
// all call Analyzer.Analyze: there is one analysis path.
//
// An Analyzer is not safe for concurrent use; the daemon gives it to one
// goroutine. Time comes from the injected clock.
//
// Imports: every stage package (predecode, decoders, rules, litscan, cdb, alert,
// config, xmlconf).
package engine
