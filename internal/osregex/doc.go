// Package osregex implements the three expression dialects of OSSEC/Wazuh
// rule and decoder files: OS_Match, OS_Regex (ported to the byte, including
// its shortest-match scan and its end pointer) and PCRE2 (Go regexp where the
// pattern compiles, regexp2 with a match timeout for look-around).
//
// Patterns are compiled once at load into immutable values that are safe for
// concurrent use; matching does not allocate. Captures are written into a
// buffer the caller provides.
//
// Imports: standard library and github.com/dlclark/regexp2 only.
package osregex
