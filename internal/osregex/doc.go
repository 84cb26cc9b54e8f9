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
// Engine versions. CompileWith takes Options{Engine: ...} naming the C
// engine whose semantics a pattern follows (Compile is the zero Options,
// Wazuh4); only OS_Regex and OS_Match differ, PCRE2 is the same for all:
//   - Wazuh4 (Wazuh 4.2 and later, the default): OS_Regex's returned
//     pointer starts at the subject, so an alternative that returns before
//     consuming a byte (an empty alternative as in "abc|", "\.*",
//     "(\.*)$") matches with the pointer at offset 0: Find's end is 1 (0
//     for an empty subject).
//   - Wazuh3 (Wazuh 3.x, 4.0 and 4.1, and the classic OS_Regex of OSSEC
//     before 3.3): the pointer starts as NULL, and such an alternative does
//     not match at all.
//   - OSSEC (OSSEC 3.3 and later): OS_Regex and OS_Match are rewritten
//     into PCRE2 patterns as OSSEC does (ossec.go): anchored literals are
//     compared as strings, everything else is a caseless, leftmost
//     regexp with lazy class quantifiers except the last one of an
//     alternative; OS_Regex groups may nest and hold '|', only the groups
//     that took part are returned, end is the end of the match, a subject
//     that is not valid UTF-8 matches only the string comparisons, an
//     empty OS_Regex does not compile and OS_Match has no leading '!'.
//     PCRE2's resource limits (match, depth and heap limits, which make
//     the C engine give up on some long subjects) are not reproduced.
//
// In every engine an OS_Regex group followed by another element closes
// before the byte that element takes, also on the subject's last byte
// ("severity=\"(\.+)\"" captures high from severity="high"); only a
// group ending the pattern takes the run's last byte.
//
// These semantics are checked against the original C code: oracle_test.go
// builds the matchers of Wazuh 4.14.7, Wazuh 3.13.6 and OSSEC from the
// oracle kit in ../shared/oracle (with cc; it skips without) and compares
// match, end and captures for every expression of the shared rulesets on
// every shared test log line, and FuzzOracle does the same for random
// input.
//
// Subjects and patterns are treated as C strings: everything from the first
// NUL byte on is ignored, as the C engine never sees it.
//
// Owns: internal/osregex. Imports: standard library and
// github.com/dlclark/regexp2 only.
package osregex
