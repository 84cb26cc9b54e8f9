// Package engine wires the analysis stages together. Load compiles a
// configuration's ruleset (decoders, rules, CDB lists) into an immutable
// Ruleset; an Analyzer runs one line through pre-decoding, decoding and the
// rule tree, owning the per-session mutable state (accumulator, correlation
// memory, fired counters). The daemon, logtest and the ruleset test runner
// all call Analyzer.Analyze: there is one analysis path. Analyze is its two
// halves in a row: Decode (phases 1-2, the decoder state) fills a Slot and
// Match (phase 3, the correlation state) finishes it; internal/pipeline
// runs the halves on two goroutines, each in input order, the regex budget
// and the event time travelling in the Slot.
//
// An Analyzer is not safe for concurrent use, except that Decode and Match
// may run on two goroutines at once (each called in input order, Swap only
// when no slot is in between); the daemon gives it to one goroutine. Time
// comes from the injected clock.
//
// Each event gets one regex budget (Options.RegexBudget, default
// osregex.DefaultBudget = 50 ms) that every backtracking match of its
// decoders and rules draws from: a hostile line costs at most about one
// budget however many rules have slow patterns. Matches that timed out or
// were skipped once the budget was spent count as no match and are listed
// in Result.Cuts, labelled with their rule id or decoder name, for the
// caller to count and log. The budget's clock (Options.Monotonic) is
// injectable and separate from the event clock.
//
// Each ruleset is analysed as the release of the original engine it was
// written for: config.Engine (<engine> in <ruleset>/<rules>, or the
// LoadOptions override the --engine flag sets; default the newest release
// of the dialect's product) is resolved once by FeaturesOf (version.go,
// the one table of release-dependent behaviours) into switches for the
// stages: Ruleset.Features.
//
// ShadowedPack (used by `gossec check`) runs the MySQL pack's own sample
// lines through a loaded ruleset and reports local rules (ids
// 100000-119999) that take them away from the pack rule written for them
// without carrying that rule's groups, which routing by group relies on.
//
// Imports: every stage package (predecode, decoders, rules, litscan, cdb, alert,
// config, xmlconf) and osregex (the per-event budget).
package engine
