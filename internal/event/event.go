package event

import (
	"strings"
	"time"
)

// Static names one of the fixed OSSEC fields of an event.
type Static uint8

// The static fields, in the order alerts.json prints them under "data".
const (
	Protocol Static = iota
	Action
	SrcIP
	SrcPort
	SrcUser
	DstIP
	DstPort
	DstUser
	ID
	Status
	URL
	Data
	ExtraData
	SystemName
	NumStatic
)

var staticNames = [NumStatic]string{
	"protocol", "action", "srcip", "srcport", "srcuser", "dstip", "dstport",
	"dstuser", "id", "status", "url", "data", "extra_data", "system_name",
}

// String returns the field's name as alerts.json prints it.
func (s Static) String() string {
	if s < NumStatic {
		return staticNames[s]
	}
	return "unknown"
}

// OrderField maps a decoder <order> item to a static field. "user" is an
// alias of dstuser. Matching is exact (case-sensitive), as in analysisd;
// any other name is a dynamic field.
func OrderField(name string) (Static, bool) {
	if name == "user" {
		return DstUser, true
	}
	for i, n := range staticNames {
		if n == name {
			return Static(i), true
		}
	}
	return 0, false
}

// Field is one dynamic (decoder-named) field.
type Field struct {
	Name  string
	Value string
}

// DecoderInfo is the part of a compiled decoder that later stages read.
// It is immutable after load and shared by every event it decodes.
type DecoderInfo struct {
	Name       string   // visible name (the parent's unless use_own_name)
	Parent     string   // JSON decoder.parent; empty for a top-level decoder
	Type       string   // event category: syslog, firewall, ids, web-log, squid, windows, host-information, ossec
	FTS        []string // first-time-seen key parts, lowercased (name, user, srcuser, srcip, dstip, id, location, data, system_name or a dynamic field)
	FTSComment string
	Accumulate bool
}

// Event is one log line being analysed.
type Event struct {
	// Input.
	Location string // "stdin", a file path, or an agent location
	AgentID  string // "000" for local events
	FullLog  string // the whole line as received
	Log      string // the message after the pre-decoded header

	// Pre-decoding (phase 1).
	Timestamp      string // header timestamp text, empty when none
	Hostname       string // syslog host, agent name or manager short name (rules' <hostname>)
	ProgramName    string
	HasProgramName bool // an empty program name is still a program name

	// Decoding (phase 2).
	Decoder   *DecoderInfo // nil when no decoder matched
	static    [NumStatic]string
	staticSet uint16
	Dynamic   []Field

	// Time is the processing time of the event (injected clock).
	Time time.Time

	// Set by the rule stage.
	PreviousLog string // check_diff: the previous log of the same rule

	// Lits caches the literal scan of Log the decoders and the rules share.
	Lits LitScan
}

// LitScan caches the result of one literal scan (internal/litscan) of an
// event: the decoders and the rules filter their expressions with the
// same table, so the first stage that needs the scan runs it and the
// other reuses it. The cache names its subject, so a stage that rewrites
// Log (OSSECAlert_Decoder) makes it stale instead of wrong. It is held
// through a pointer, allocated on first use and kept by Reset, so that
// clones in the correlation memory stay small.
type LitScan struct {
	c *litCache
}

type litCache struct {
	table   uint64 // id of the table that scanned; 0 = nothing cached
	subject string // the text scanned
	bits    []uint64
}

// Lookup returns the cached scan when it was made by table on subject.
// Comparing subject costs one pointer compare in the common case: it is
// the very string that was scanned.
func (l *LitScan) Lookup(table uint64, subject string) ([]uint64, bool) {
	c := l.c
	if c == nil || c.table == 0 || c.table != table || c.subject != subject {
		return nil, false
	}
	return c.bits, true
}

// Buffer returns the storage of the last scan, for the next one to reuse.
func (l *LitScan) Buffer() []uint64 {
	if l.c == nil {
		return nil
	}
	return l.c.bits
}

// Store caches bits as the scan of subject by table.
func (l *LitScan) Store(table uint64, subject string, bits []uint64) {
	if l.c == nil {
		l.c = new(litCache)
	}
	*l.c = litCache{table: table, subject: subject, bits: bits}
}

// reset forgets the cached scan, keeping its storage.
func (l *LitScan) reset() {
	if l.c != nil {
		*l.c = litCache{bits: l.c.bits}
	}
}

// Set assigns a static field (last assignment wins).
func (e *Event) Set(f Static, v string) {
	e.static[f] = v
	e.staticSet |= 1 << f
}

// Get returns a static field and whether it was set.
func (e *Event) Get(f Static) (string, bool) {
	return e.static[f], e.staticSet&(1<<f) != 0
}

// Unset clears a static field.
func (e *Event) Unset(f Static) {
	e.static[f] = ""
	e.staticSet &^= 1 << f
}

// User returns dstuser when set, else srcuser: the subject of the rules'
// <user> element.
func (e *Event) User() (string, bool) {
	if v, ok := e.Get(DstUser); ok {
		return v, true
	}
	return e.Get(SrcUser)
}

// MaxDynamic bounds the dynamic fields of one event (decoder_order_size).
const MaxDynamic = 256

// AddDynamic appends a dynamic field; duplicates are kept, as in analysisd.
func (e *Event) AddDynamic(name, value string) {
	if len(e.Dynamic) >= MaxDynamic {
		return
	}
	e.Dynamic = append(e.Dynamic, Field{Name: name, Value: value})
}

// Field returns the first dynamic field with the given name, compared
// case-insensitively (strings.EqualFold, Unicode folding included).
//
// Most names differ from the wanted one in their first or last byte, so
// those are compared inline first: when both bytes of a pair are ASCII
// and differ after ASCII case folding, the names cannot be fold-equal (an
// ASCII letter folds to a non-ASCII rune only as the Kelvin sign or long
// s, which are not ASCII bytes), and the call to EqualFold is skipped.
func (e *Event) Field(name string) (string, bool) {
	if name == "" {
		return e.fieldSlow(name)
	}
	first, last := name[0], name[len(name)-1]
	for i := range e.Dynamic {
		n := e.Dynamic[i].Name
		if n != "" && (asciiFoldDiffer(n[0], first) || asciiFoldDiffer(n[len(n)-1], last)) {
			continue
		}
		if strings.EqualFold(n, name) {
			return e.Dynamic[i].Value, true
		}
	}
	return "", false
}

// fieldSlow is the reference lookup Field must equal.
func (e *Event) fieldSlow(name string) (string, bool) {
	for i := range e.Dynamic {
		if strings.EqualFold(e.Dynamic[i].Name, name) {
			return e.Dynamic[i].Value, true
		}
	}
	return "", false
}

// asciiFoldDiffer reports whether a and b are both ASCII and differ
// after ASCII case folding.
func asciiFoldDiffer(a, b byte) bool {
	return a|b < 0x80 && asciiLower[a] != asciiLower[b]
}

// asciiLower maps the ASCII upper-case letters to lower case and every
// other byte to itself.
var asciiLower = func() (t [256]byte) {
	for i := range t {
		t[i] = byte(i)
		if 'A' <= i && i <= 'Z' {
			t[i] = byte(i) + 'a' - 'A'
		}
	}
	return t
}()

// Reset clears the event for reuse, keeping its buffers.
func (e *Event) Reset() {
	dyn, lits := e.Dynamic[:0], e.Lits
	lits.reset()
	*e = Event{Dynamic: dyn, Lits: lits}
}

// Clone returns a deep-enough copy that stays valid after e is reset:
// strings are immutable, so only the dynamic slice is copied.
func (e *Event) Clone() *Event {
	c := new(Event)
	e.CloneInto(c)
	return c
}

// CloneInto makes c a copy of e that shares no mutable state with it, so
// a caller can embed the copy in its own record (one allocation less).
func (e *Event) CloneInto(c *Event) {
	*c = *e
	c.Dynamic = append([]Field(nil), e.Dynamic...)
	c.Lits = LitScan{} // the cache stays with e, which reuses it
}
