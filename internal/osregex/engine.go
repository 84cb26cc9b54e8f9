package osregex

// Engine names the C engine whose expression semantics a compiled pattern
// reproduces. The engines differ in observable details of OS_Regex (see
// the constants), which decoders turn into different field values and
// offsets; the ruleset's engine version decides which one is right.
type Engine uint8

const (
	// Wazuh4 is Wazuh 4.2 and later (the default). Its OS_Regex starts
	// with the returned pointer at the subject's first byte, so an
	// alternative that consumes nothing (an empty alternative, a pattern
	// that is only optional classes, "(\.*)$" ending the pattern after a
	// restart-free prefix) matches and returns offset 0: decoders continue
	// after the subject's first byte.
	Wazuh4 Engine = iota
	// Wazuh3 is Wazuh 3.x and 4.0-4.1, and the classic OSSEC OS_Regex of
	// OSSEC before 3.3. Its returned pointer starts as NULL, so an
	// alternative that returns before consuming a byte does not match.
	Wazuh3
	// OSSEC is OSSEC 3.3 and later, which rewrites OS_Regex and OS_Match
	// into PCRE2 patterns (see doc.go and ossec.go).
	OSSEC
)

// String returns the engine's name as used in test oracles and messages.
func (e Engine) String() string {
	switch e {
	case Wazuh4:
		return "wazuh4"
	case Wazuh3:
		return "wazuh3"
	case OSSEC:
		return "ossec"
	}
	return "unknown"
}

// Options are compile options. The zero value is Wazuh 4 semantics, what
// Compile uses.
type Options struct {
	// Engine selects the C engine's semantics where they differ.
	Engine Engine
}
