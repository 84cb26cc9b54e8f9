// Package rulesettest reads and runs OSSEC/Wazuh ruleset test files
// (ruleset/testing/tests/*.ini): sections of `log N pass|fail = LINE` keys
// with the expected `rule`, `alert` (level) and `decoder`.
//
// The reader reproduces what Wazuh's runtests.py gets from Python 2's
// ConfigParser with a key-merging dict, the way shared/compat/run-wazuh-compat
// reads the files: a key repeated in a section is one multi-line case fed to
// one session, a ';' preceded by whitespace starts an inline comment, indented
// lines continue a value, a repeated section continues the earlier one, `rem`
// lines and bogus lines are skipped and `""` is the empty value. The OSSEC
// dialect is the plain ConfigParser OSSEC's runtests.py uses: a repeated key
// replaces the earlier one, `%(name)s` is interpolated, and results are
// compared case-insensitively.
//
// The runner judges each case as wazuh-logtest -U does (a pass case passes
// only when the last line ends on the expected rule, level and decoder, all
// three non-empty; a fail case passes otherwise), through an engine-agnostic
// Session, and reports per-file counts, failures, rule/decoder coverage and
// JUnit XML.
//
// Imports: standard library and internal/logtest (Python repr quoting).
package rulesettest
