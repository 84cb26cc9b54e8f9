package predecode

import "strings"

// syslogOffset tests the header formats that are followed by a hostname and
// program name, in analysisd's order. It returns where the timestamp text
// ends and where the text after the stamp starts (off), or off -1. Only
// separator positions are tested, never the digits or letters.
func (p *parser) syslogOffset() (tsEnd, off int) {
	n := p.loglen()
	v := p.v
	switch {
	case n > 17 && v(3) == ' ' && v(6) == ' ' && v(9) == ':' && v(12) == ':' && v(15) == ' ':
		return 15, 16 // Dec 29 10:00:01
	case n > 24 && v(4) == '-' && v(7) == '-' && v(10) == ' ' && v(13) == ':' && v(16) == ':' && v(19) == ',':
		// 2015-04-16 21:51:02,805 (proftpd); OSSEC stops on the space.
		return 23, p.pick(24, 23)
	}
	if n > 33 && v(4) == '-' && v(7) == '-' && v(10) == 'T' && v(13) == ':' && v(16) == ':' {
		if v(22) == ':' && v(25) == ' ' {
			return 25, 26 // 2007-06-14T15:48:55-04:00
		}
		if p.dialect == OSSEC {
			if end := p.ossecFraction(); end >= 0 {
				return end, end
			}
		} else if end := p.wazuhFraction(); end >= 0 {
			return end, end + 1
		}
	}
	switch {
	case n > 21 && isDigit(v(0)) && v(4) == ' ' && v(8) == ' ' && v(11) == ' ' &&
		v(14) == ':' && v(17) == ':' && v(20) == ' ':
		return 20, 21 // 2015 Dec 29 10:00:01
	case p.dialect == Wazuh && !p.opt.NoMacULS && n > 33 && isDigit(v(0)) && v(4) == '-' && v(7) == '-' && v(10) == ' ' &&
		v(13) == ':' && v(16) == ':' && v(19) == '.' && (v(26) == '+' || v(26) == '-') && v(31) == ' ':
		return 31, 32 // 2021-04-21 10:16:09.404756-0700 (macOS ULS)
	case p.dialect == OSSEC && n > 20 && isDigit(v(0)) && v(4) == ':' && v(7) == ':' && v(10) == '-' &&
		v(13) == ':' && v(16) == ':':
		return 19, 20 // 2019:11:06-00:08:03 (Sophos UTM); byte 19 is not tested
	}
	return -1, -1
}

// wazuhFraction returns the length of a Wazuh ISO stamp with a fraction,
// or -1.
func (p *parser) wazuhFraction() int {
	v := p.v
	switch {
	case v(19) != '.':
		return -1
	case v(26) == ':':
		return 29 // 2022-12-19T15:02:53.288+00:00
	case v(29) == ':':
		return 32 // 2009-05-22T09:36:46.214994-07:00
	}
	// Any other fractional stamp: analysisd assumes 31 bytes whatever the
	// real length, so e.g. "…09.404756Z" is cut inside the hostname.
	return 31
}

// ossecFraction returns the length of an OSSEC ISO stamp with a fraction:
// the first ':' at 24..29 is taken as the one of the zone offset, which
// has two digits after it. Without one the line has no header at all.
func (p *parser) ossecFraction() int {
	if p.v(19) != '.' && p.v(19) != ',' {
		return -1
	}
	for i := 24; i <= 29; i++ {
		if p.v(i) == ':' {
			return i + 3
		}
	}
	return -1
}

// isXferlog: "Mon Apr 17 18:27:14 2006 1 64.160.42.130".
func (p *parser) isXferlog() bool {
	v := p.v
	return p.loglen() > 28 && v(3) == ' ' && v(7) == ' ' && v(10) == ' ' && v(13) == ':' &&
		v(16) == ':' && v(19) == ' ' && v(24) == ' ' && v(26) == ' '
}

// isSnort: "01/28-09:13:16.240702  [**]".
func (p *parser) isSnort() bool {
	v := p.v
	return p.loglen() > 24 && v(2) == '/' && v(5) == '-' && v(8) == ':' && v(11) == ':' &&
		v(14) == '.' && v(21) == ' '
}

// isSuricata: "01/28/1979-09:13:16.240702  [**]".
func (p *parser) isSuricata() bool {
	v := p.v
	minLen := 26
	if p.opt.SuricataLong {
		minLen = 28
	}
	return p.loglen() > minLen && v(2) == '/' && v(5) == '/' && v(10) == '-' && v(13) == ':' &&
		v(16) == ':' && v(19) == '.' && v(26) == ' '
}

// isApache: "[Fri Feb 11 18:06:35 2004] [warn]".
func (p *parser) isApache() bool {
	v := p.v
	return p.loglen() > 27 && v(0) == '[' && v(4) == ' ' && v(8) == ' ' && v(11) == ' ' &&
		v(14) == ':' && v(17) == ':' && v(20) == ' ' && v(25) == ']'
}

// isASL: macOS ASL "[Time 2006.12.28 15:53:55 UTC] [Facility auth] …".
func (p *parser) isASL() bool {
	v := p.v
	return p.loglen() > 26 && v(0) == '[' && v(1) == 'T' && v(5) == ' ' && v(10) == '.' &&
		v(13) == '.' && v(16) == ' ' && v(19) == ':'
}

// isSquid: "1140804070.368  11623 …" (epoch seconds, then the elapsed time
// right-aligned in a field ending at byte 21 or 22).
func (p *parser) isSquid() bool {
	v := p.v
	return p.loglen() > 32 && v(0) == '1' && isDigit(v(1)) && isDigit(v(2)) && isDigit(v(3)) &&
		v(10) == '.' && isDigit(v(13)) && v(14) == ' ' && (v(21) == ' ' || v(22) == ' ')
}

// squid: the log starts after the run of spaces at byte 14; the timestamp
// is everything before the last of those spaces.
func (p *parser) squid() {
	i := 14
	for at(p.s, i) == ' ' {
		i++
	}
	p.stamp(0, i-1, i)
}

// asl picks the ASL fields: [Sender x] is the program name, the first
// [Message …] the log and [Host h] the hostname; parsing stops after
// [Host]. No timestamp is reported. Each field ends at its ']', which
// analysisd overwrites, so a log taken from byte 25 (no [Message]) ends at
// the next field's ']'.
func (p *parser) asl() {
	s := p.s
	p.log = 25
	gotMessage := false
	for i := indexFrom(s, 25, '['); i >= 0; i = indexFrom(s, i, '[') {
		i++
		rest := s[i:]
		switch {
		case strings.HasPrefix(rest, "Sender ") && p.prog == none:
			i += len("Sender ")
			k := indexFrom(s, i, ']')
			if k < 0 {
				return
			}
			p.prog = i
			p.cut(k)
			i = k + 1
		case strings.HasPrefix(rest, "Message ") && !gotMessage:
			i += len("Message ")
			gotMessage = true
			p.log = i
			k := indexFrom(s, i, ']')
			if k < 0 {
				return
			}
			p.cut(k)
			i = k + 1
		case strings.HasPrefix(rest, "Host "):
			i += len("Host ")
			if k := indexFrom(s, i, ']'); k >= 0 {
				p.host = i
				p.cut(k)
			}
			return
		}
	}
}

// indexFrom returns the index of the first c in s at or after from, or -1.
func indexFrom(s string, from int, c byte) int {
	if from >= len(s) {
		return -1
	}
	if k := strings.IndexByte(s[from:], c); k >= 0 {
		return from + k
	}
	return -1
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }
func isLower(c byte) bool { return 'a' <= c && c <= 'z' }
func isAlnum(c byte) bool { return isDigit(c) || isLower(c) || ('A' <= c && c <= 'Z') }
