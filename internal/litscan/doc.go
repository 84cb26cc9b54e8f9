// Package litscan finds, in one pass over a log, which of the literals the
// decoders' and rules' expressions require occur in it, so that expressions
// whose literals are missing are rejected without running.
//
// It owns the literal analysis of OS_Match, OS_Regex and PCRE2 patterns
// (PatternReqs: literals every match contains, in disjunctive normal form),
// the Table that interns them and compiles them into a case-insensitive
// Aho-Corasick automaton, and the Filters that test a scan's result. One
// Table serves a whole compiled ruleset: the decoder set and the rule tree
// both intern into it before it is frozen, and each event is scanned once.
// Callers cache the scan of an event themselves (event.LitScan).
//
// Imports: standard library and internal/osregex only.
package litscan
