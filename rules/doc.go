// Package rules loads OSSEC/Wazuh rule files into the rule tree of
// wazuh-analysisd and evaluates decoded events against it (phase 3),
// including the stateful parts: firedtimes, ignore timers, correlation
// (if_matched_sid / if_matched_group / if_matched_regex with frequency,
// timeframe and the same_*/different_* filters), check_diff, first time
// seen (if_fts) and the ignore store.
//
// Load builds an immutable Tree. All mutable per-session data lives in a
// State, so one Tree can serve several sessions (wazuh-logtest sessions,
// the daemon) concurrently, each with its own State. A State itself is not
// safe for concurrent use.
//
// Match evaluates the tree as OS_CheckIfRuleMatch does, through a fast
// path that gives the same result (index.go, logfilter.go): children are
// indexed by decoded_as, presence pre-checks and the literals the log
// expressions need reject rules before any expression runs. A Tracer gets
// the plain evaluation, since it must see every rule tried.
//
// MatchIn runs the backtracking (regexp2) patterns under the event's regex
// budget: an element whose match timed out or was skipped fails, negated
// or not, so the rule does not match, and the cut is labelled with the rule
// id for the caller to count. Load warns (file:line:col, not an error)
// about backtracking patterns with catastrophic shapes (osregex Hazard).
//
// LoadOptions carries the switches that differ between releases of the
// original engines (set by internal/engine from its version table):
// OSSEC's one data field, GET-only is_simple_http_request (after 4.2.0),
// same_location by host name, and its if_matched search (an event already
// counted at this level ends the search before the same_* filters, and a
// firing marks the completing and the newest event); Wazuh 4.14's <group>
// text without newlines.
//
// The behaviour follows docs/wazuh-engine.md §3, §6 and §9 including the
// quirks of the C implementation (see the comments marked "Quirk").
//
// Imports: standard library, internal/event, internal/litscan,
// internal/osregex, internal/xmlconf and internal/cdb.
package rules
