// Package osregex implements the three expression dialects of OSSEC/Wazuh
// rule and decoder files: OS_Match, OS_Regex (ported to the byte, including
// its shortest-match scan, its four restart points, its capture positions
// and its end pointer) and PCRE2 (Go regexp where the pattern compiles,
// regexp2 with a match timeout for look-around), plus OS_WordMatch.
//
// Patterns are compiled once at load into immutable values that are safe for
// concurrent use. OS_Match and OS_Regex matching does not allocate; captures
// are written into a buffer the caller provides and reuses. PCRE2 Find
// allocates one index slice per call (Go's regexp API has no reusable
// variant); regexp2 allocates per match.
//
// Subjects and patterns are treated as C strings: everything from the first
// NUL byte on is ignored, as the C engine never sees it.
//
// Owns: internal/osregex. Imports: standard library and
// github.com/dlclark/regexp2 only.
package osregex
