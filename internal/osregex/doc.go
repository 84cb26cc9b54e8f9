// Package osregex implements the three expression dialects of OSSEC/Wazuh
// rule and decoder files: OS_Match, OS_Regex (ported to the byte, including
// its shortest-match scan, its four restart points, its capture positions
// and its end pointer) and PCRE2 (Go regexp where the pattern compiles,
// regexp2 with a match timeout for look-around), plus OS_WordMatch.
//
// Patterns are compiled once at load into immutable values that are safe for
// concurrent use. MatchString never allocates; captures are written into a
// buffer the caller provides and reuses. Only a PCRE2 Find or FindEnd that
// matches through a regexp engine allocates (Go's regexp API has no
// reusable index slice; regexp2 returns a Match).
//
// PCRE2 patterns on Go's regexp are analysed at compile time
// (prefilter.go): literal-only patterns are matched by string search
// alone (litmatch.go, multi.go), the others are guarded by necessary
// conditions (minimum length, anchored literal prefix, required literals)
// that reject most subjects without running the regexp. Patterns of
// literals, class runs and captures whose match is forced (no backtracking
// choice) are then matched in one pass without allocating (simple.go).
// OS_Regex and OS_Match use precomputed literal searchers (search.go) to
// skip ahead and to reject subjects that lack a literal every match must
// contain; OS_Regex also jumps over class runs (skipRun). Every fast path
// is checked against the plain path by differential tests.
//
// Backtracking patterns can take exponential time. A Budget (budget.go)
// bounds the backtracking time of one event across all its matches: each
// match's timeout is what is left (regexp2 reads it from the compiled
// pattern, so a few shorter-timeout compilations are made on first use),
// and once the budget is spent the remaining backtracking matches are
// skipped. Timed-out and skipped matches are recorded as cuts, which the
// *In methods report so that callers never mistake them for "no match".
// Linear patterns never read the budget's clock. Hazard flags
// catastrophic-backtracking shapes for load-time warnings.
//
// FindCompactIn returns only the PCRE2 groups that took part in a match,
// in order (OSSEC's capture copy); Find keeps unset groups as empty spans
// (Wazuh's).
//
// Subjects and patterns are treated as C strings: everything from the first
// NUL byte on is ignored, as the C engine never sees it.
//
// Owns: internal/osregex. Imports: standard library and
// github.com/dlclark/regexp2 only.
package osregex
