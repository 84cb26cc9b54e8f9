package predecode

import "strings"

// validChar is analysisd's hostname/program-name character set:
// [A-Za-z0-9_@./()-].
var validChar = func() (t [256]bool) {
	for c := 0; c < 256; c++ {
		b := byte(c)
		t[c] = isAlnum(b) || strings.IndexByte("_@./()-", b) >= 0
	}
	return t
}()

// scanValid returns the end of the run of valid characters starting at i.
func scanValid(s string, i int) int {
	for i < len(s) && validChar[s[i]] {
		i++
	}
	return i
}

// syslog handles the formats followed by hostname and program name; the
// timestamp is s[:tsEnd] and the text after the stamp starts at off.
func (p *parser) syslog(tsEnd, off int) {
	s := p.s
	p.ts, p.tsEnd = 0, tsEnd
	if at(s, off) == ' ' {
		off++ // one extra space after the stamp
	}
	p.log = off
	e := scanValid(s, off)
	var next int // where the log starts after the program name, or none
	switch {
	case at(s, e) == ':' && at(s, e+1) == ' ':
		// No hostname (Solaris): the word is the program name.
		p.prog = off
		p.cut(e)
		next = e + 2
	case at(s, e) != ' ':
		return // not a hostname: no hostname, no program name
	default:
		p.host = off
		p.cut(e)
		p.log = e + 1
		next = p.program(e + 1)
	}
	if next == none {
		return
	}
	p.log = next
	p.skipIDBlock(next)
}

// program parses the program name that starts at i, right after the
// hostname. It returns where the log starts after it, or none when the
// text is not a program name (the log then stays right after the hostname).
func (p *parser) program(i int) int {
	s := p.s
	e := scanValid(s, i)
	switch c := at(s, e); {
	case c == ':' && p.spaceOK(at(s, e+1)): // prog: msg
		p.prog = i
		p.cut(e)
		return skipSpace(s, e+1)
	case c == '[' && isDigit(at(s, e+1)):
		return p.programPID(i, e)
	case c == '|' && isLower(at(s, e+1)):
		return p.programAIX(e + 2)
	}
	return none
}

// programPID handles "prog[pid]:" (space optional for Wazuh only) and
// "prog[pid] "; the '[' is at e. Anything else is not a program name and analysisd restores
// the '[' it had overwritten.
func (p *parser) programPID(i, e int) int {
	s := p.s
	j := e + 2
	for isDigit(at(s, j)) {
		j++
	}
	if at(s, j) != ']' {
		return none
	}
	switch at(s, j+1) {
	case ':':
		if !p.spaceOK(at(s, j+2)) {
			return none
		}
		p.prog = i
		p.cut(e)
		return skipSpace(s, j+2)
	case ' ':
		p.prog = i
		p.cut(e)
		return j + 2
	}
	return none
}

// programAIX handles AIX "host facility|severity:level prog…": i is just
// after the '|' and its lowercase letter.
func (p *parser) programAIX(i int) int {
	s := p.s
	for isAlnum(at(s, i)) {
		i++ // rest of the facility
	}
	if at(s, i) != ':' {
		return none
	}
	i++
	for isAlnum(at(s, i)) {
		i++ // severity
	}
	if at(s, i) != ' ' {
		return none
	}
	i++
	p.prog = i
	e := scanValid(s, i)
	switch {
	case at(s, e) == ':' && at(s, e+1) == ' ':
		p.cut(e)
		return e + 2
	case at(s, e) == '[' && isDigit(at(s, e+1)):
		// The '[' is overwritten before the pid is checked and never
		// restored: on failure the log (still right after the hostname)
		// ends there too.
		p.cut(e)
		j := e + 2
		for isDigit(at(s, j)) {
			j++
		}
		if at(s, j) == ']' && at(s, j+1) == ':' && at(s, j+2) == ' ' {
			return j + 3
		}
		return none
	}
	// analysisd leaves the name unterminated here: the program name runs
	// to the end of the line.
	return e
}

// skipIDBlock skips a Solaris "[ID 123 facility.severity] " block at i:
// Wazuh skips the first ']' and whatever byte follows it, OSSEC the first
// "] " (the block stays in the log when there is none).
func (p *parser) skipIDBlock(i int) {
	s := p.s
	if !strings.HasPrefix(s[i:], "[ID ") {
		return
	}
	if p.dialect == OSSEC {
		if k := strings.Index(s[i+4:], "] "); k >= 0 {
			p.log = i + 4 + k + 2
		}
		return
	}
	if k := indexFrom(s, i+4, ']'); k >= 0 {
		// When ']' ends the line analysisd points past the terminator;
		// field() turns that into an empty log.
		p.log = k + 2
	}
}

// spaceOK reports whether c may follow the ':' that ends a program name:
// Wazuh accepts anything, OSSEC only a space.
func (p *parser) spaceOK(c byte) bool { return p.dialect == Wazuh || c == ' ' }

// skipSpace skips one optional space at i.
func skipSpace(s string, i int) int {
	if at(s, i) == ' ' {
		return i + 1
	}
	return i
}
