// Package decoders is phase 2 of the analysis engine: it loads OSSEC/Wazuh
// decoder files and decodes pre-decoded events with them.
//
// It owns the decoder XML vocabulary (Wazuh's elements and attributes plus
// OSSEC's *_pcre2 element dialect), the two top-level decoder lists (with and
// without program_name) and their child lists with the same-name "get_next"
// chains, the offset rules (after_parent / after_prematch / after_regex), the
// mapping of captures to static and dynamic fields, the accumulator and the
// built-in plugin decoders (JSON_Decoder, OSSECAlert_Decoder, PF_Decoder,
// SonicWall_Decoder, SymantecWS_Decoder). Engine quirks documented in
// docs/wazuh-engine.md §2 are reproduced on purpose.
//
// Decoding is the ordered scan analysisd performs, made fast without
// changing its result: the top-level lists are narrowed by program name and
// by the first byte of the log, and every prematch and regex has a
// prefilter (the bytes an anchored match starts with, the literals any
// match contains) tested before the expression runs. The literals of all
// prefilters are found by one scan of the log per event (internal/litscan),
// which the engine shares with the rule stage through the event.
// Filters only reject logs their expression cannot match; decode(...,
// false) keeps the plain scan for the differential tests.
//
// DecodeIn runs the backtracking (regexp2) patterns under the event's
// regex budget: a cut prematch or program_name is no match, a cut regex
// stops its chain, and the cut is labelled with the decoder's own name.
// Load warns (file:line:col, not an error) about backtracking patterns
// with catastrophic shapes.
//
// LoadOptions carries the switches that differ between releases of the
// original engines (set by internal/engine from its version table): OSSEC's
// compacted PCRE2 captures (only the groups that took part reach <order>),
// caseless *_pcre2 elements, one data field for data and extra_data and
// <fts> names matched by substring; Wazuh 4.14.1's JSON "user" key that
// fills an unset dstuser.
//
// A Set is immutable after Load and safe for concurrent use; per-session
// mutable data (accumulator, plugin type changes, scratch buffers) lives in a
// State, which must not be shared between goroutines.
//
// Imports: standard library, internal/event, internal/litscan,
// internal/osregex, internal/xmlconf and github.com/tidwall/gjson.
package decoders
