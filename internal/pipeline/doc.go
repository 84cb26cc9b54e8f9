// Package pipeline runs the analysis of a stream of lines on four
// goroutines, so that a second core is used without changing a verdict:
//
//	caller (Push): reads and frames the lines (the caller's own work),
//	               pre-decodes them and makes their literal scan
//	               (engine.Analyzer.Prepare, Prescan: no session state)
//	decode stage:  decoding (engine.Analyzer.DecodePrepared), the one
//	               owner of the decoder state, in input order
//	match stage:   the rule tree (engine.Analyzer.Match), the one owner of
//	               the correlation state, in input order, and the alert
//	               (engine.Analyzer.Alert: ids in input order)
//	sink stage:    Config.Sink renders and writes, in input order
//
// Decoding is the largest part of the work, so what of it needs no
// session state (pre-decoding, the literal scan the decoders' and rules'
// prefilters share) is done by the caller, and the rest has a goroutine
// to itself.
//
// Events travel in batches of reusable slots (engine.Slot) through
// bounded channels: one channel operation per batch, not per event, and
// no allocation per event beyond what the sequential path allocates (the
// alert). A slot is decoded again only after the sink has returned its
// batch, so the sink may read the event and the alert freely. The
// correlation memory keeps copies of the events it stores
// (event.CloneInto; strings are immutable), never the slot itself.
//
// The event time (the injected clock) is taken by Prepare in input order,
// and the per-event regex budget travels in the slot from the decoders to
// the rules, so each event is analysed exactly as Analyzer.Analyze would.
//
// Imports: internal/engine (the two halves of the analysis) and
// internal/alert (the alert handed to the sink).
package pipeline
