// Package event defines the Event value that flows from pre-decoding through
// decoding and rule matching to alert rendering.
//
// An Event holds the raw line, the pre-decoded header, the decoder that
// matched, the OSSEC static fields and the dynamic fields. Field values are
// substrings of the line wherever possible, so decoding does not copy. Events
// are reused through Reset; anything that must outlive one analysis call
// (correlation memory) takes a Clone.
//
// Imports: standard library only.
package event
