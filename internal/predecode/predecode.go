package predecode

import "strings"

// Header is the result of pre-decoding one line. All strings are substrings
// of the line.
type Header struct {
	// Timestamp is the header stamp as wazuh-logtest prints it
	// (predecoder.timestamp), "" when none. ossec-analysisd keeps no
	// timestamp; for OSSEC it is the text of the stamp its tests accepted.
	Timestamp      string
	Hostname       string // syslog hostname (ASL [Host h] too); "" when none
	HasHostname    bool   // true even when the name is empty ("Dec 29 10:00:01  prog: msg")
	ProgramName    string
	HasProgramName bool   // true even when the name is empty ("host : msg")
	Log            string // the message after the header (whole line when no header)
}

// TrimAtNUL returns s up to its first NUL byte. analysisd handles every line
// as a C string, so nothing after a NUL exists for it: full_log, log and all
// header fields end there. Parse applies this itself; callers should apply
// it to the full_log they keep so both views agree.
func TrimAtNUL(s string) string {
	if i := strings.IndexByte(s, 0); i >= 0 {
		return s[:i]
	}
	return s
}

// Dialect selects whose OS_CleanMSG Parse reproduces.
type Dialect uint8

const (
	// Wazuh is wazuh-analysisd 4.9.2, the default.
	Wazuh Dialect = iota
	// OSSEC is ossec-analysisd (OSSEC 3.x/4.x), used for rulesets
	// configured with OSSEC's <rules> section: ISO stamps with a fraction
	// need a ':' at 24..29 (no fixed-length fallback), "2019:11:06-00:08:03"
	// is a header and the macOS ULS stamp is not, proftpd and fractional
	// ISO stamps leave the log on the space after them, program names need
	// ": " or "]: " (or "] "), an [ID …] block ends at "] ", and xferlog
	// keeps the space before its log.
	OSSEC
)

// none marks an absent field position.
const none = -1

// maxCuts bounds the NUL bytes OS_CleanMSG writes after the timestamp: at
// most one of hostname, program name and an AIX bracket, or the three ASL
// closing brackets. (Wazuh also ends the timestamp with a NUL; that cut
// comes before every other field, so tsEnd records it instead.)
const maxCuts = 3

// parser holds the state of one Parse call. It lives on the stack.
//
// OS_CleanMSG works on a private copy of the line and terminates fields by
// overwriting separators with NUL. A field is therefore the text from its
// start up to the first such "cut" at or after it, which is not always the
// separator the field was parsed with (an ASL log without [Message] ends at
// the [Sender]'s ']'). Recording the cuts and resolving fields at the end
// reproduces that exactly.
type parser struct {
	s       string // the line, already trimmed at the first NUL
	umlaut  bool   // the header is tested on the "Mär" → "Mar" view
	dialect Dialect
	opt     Options

	cuts  [maxCuts]int
	ncuts int

	ts, tsEnd       int // timestamp s[ts:tsEnd]; ts is none when there is none
	host, prog, log int // field starts, or none
}

// Parse pre-decodes one line the way wazuh-analysisd does. It does not
// allocate.
func Parse(line string) Header { return ParseDialect(line, Wazuh) }

// ParseDialect pre-decodes one line the way dialect d's analysisd does. It
// does not allocate.
func ParseDialect(line string, d Dialect) Header {
	return ParseWith(line, Options{Dialect: d})
}

// Options select the pre-decoding of one release of the original engines;
// the zero value is Wazuh 4.x before 4.12.
type Options struct {
	Dialect Dialect
	// NoMacULS: the macOS unified-log stamp is no header (Wazuh before
	// 4.3.0 did not know it; OSSEC never does).
	NoMacULS bool
	// SuricataLong: the suricata stamp needs a log longer than 28 bytes,
	// not 26 (Wazuh >= 4.12.0).
	SuricataLong bool
}

// ParseWith pre-decodes one line the way the release o describes does. It
// does not allocate.
func ParseWith(line string, o Options) Header {
	d := o.Dialect
	p := parser{s: TrimAtNUL(line), dialect: d, opt: o, ts: none, host: none, prog: none}
	// A UTF-8 'ä' in bytes 1–2 ("Mär") is folded for the header tests only:
	// analysisd patches its test buffer while the offsets it finds are
	// applied to the unpatched copy.
	p.umlaut = len(p.s) >= 3 && p.s[1] == 0xC3 && p.s[2] == 0xA4
	p.run()
	return p.header()
}

// run tries the header formats in analysisd's order.
func (p *parser) run() {
	if tsEnd, off := p.syslogOffset(); off >= 0 {
		p.syslog(tsEnd, off)
		return
	}
	switch {
	case p.isXferlog():
		// OSSEC leaves the log on the separating space.
		p.stamp(0, 24, p.pick(25, 24))
	case p.isSnort():
		p.stamp(0, 21, 23)
	case p.isSuricata():
		p.stamp(0, 26, 28)
	case p.isApache():
		p.stamp(1, 25, 27)
	case p.isASL():
		p.asl()
	case p.isSquid():
		p.squid()
	default:
		p.log = 0
	}
}

// header resolves the recorded positions into strings.
func (p *parser) header() Header {
	var h Header
	if p.ts != none {
		h.Timestamp = p.s[p.ts:min(p.tsEnd, len(p.s))]
	}
	h.Hostname, h.HasHostname = p.field(p.host), p.host != none
	h.ProgramName, h.HasProgramName = p.field(p.prog), p.prog != none
	h.Log = p.field(p.log)
	return h
}

// field returns the C string that starts at pos in analysisd's modified
// copy: up to the first cut at or after pos, else to the end of the line.
// Positions past the end (analysisd reads beyond the terminator there) give
// an empty field.
func (p *parser) field(pos int) string {
	if pos < 0 || pos >= len(p.s) {
		return ""
	}
	end := len(p.s)
	for _, c := range p.cuts[:p.ncuts] {
		if c >= pos && c < end {
			end = c
		}
	}
	return p.s[pos:end]
}

// cut records a NUL written at pos.
func (p *parser) cut(pos int) {
	if p.ncuts < maxCuts {
		p.cuts[p.ncuts] = pos
		p.ncuts++
	}
}

// stamp records a timestamp s[from:to] and a log starting at logAt, for the
// formats without hostname parsing.
func (p *parser) stamp(from, to, logAt int) {
	p.ts, p.tsEnd = from, to
	p.log = logAt
}

// pick returns the value for the parser's dialect.
func (p *parser) pick(wazuh, ossec int) int {
	if p.dialect == OSSEC {
		return ossec
	}
	return wazuh
}

// v returns byte i of the header test view, 0 past its end (the C
// terminator). The "Mär" view is "Ma" followed by the line from byte 3.
func (p *parser) v(i int) byte {
	if p.umlaut {
		if i < 2 {
			return "Ma"[i]
		}
		i++
	}
	return at(p.s, i)
}

// at returns s[i], or 0 past the end of s.
func at(s string, i int) byte {
	if i < len(s) {
		return s[i]
	}
	return 0
}

// loglen is analysisd's length of the line including its terminator; the
// header tests compare it with their minimum length.
func (p *parser) loglen() int { return len(p.s) + 1 }

// RemoveControl deletes the bytes 0–31 and 127 from a message, as OSSEC's
// analysisd does before pre-decoding (remove_control_characters, added
// with the CVE-2020-8445 fix): the header, the full log and every later
// stage see the line without them. Bytes >= 128 stay. It allocates only
// when there is something to delete.
func RemoveControl(s string) string {
	i := 0
	for i < len(s) && !isControl(s[i]) {
		i++
	}
	if i == len(s) {
		return s
	}
	b := make([]byte, i, len(s))
	copy(b, s[:i])
	for ; i < len(s); i++ {
		if !isControl(s[i]) {
			b = append(b, s[i])
		}
	}
	return string(b)
}

func isControl(c byte) bool { return c < 32 || c == 127 }
