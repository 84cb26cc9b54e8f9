package osregex

import "strings"

// OS_Regex. The matcher below is a port, element by element, of the OSSEC
// scanner: it is not a backtracking regex engine and must not be "fixed".
// Its shortest-match behaviour, the four restart points, the capture
// positions and the returned end pointer are all observable in decoder
// output, so they are reproduced exactly.
//
// A compiled alternative keeps the C engine's own encoding so the port can
// follow it pointer for pointer:
//   - '\' followed by a class code (classDigit ... classLess),
//   - '(' for both opening and closing parentheses,
//   - any other byte: a literal, already lowercased (ASCII).
// Reading past the end of the encoded pattern or of the subject yields 0,
// the C terminator.

// Class codes, as assigned by the C compiler to the byte after '\'.
const (
	classDigit    = 1  // \d
	classWord     = 2  // \w
	classSpace    = 3  // \s
	classPunct    = 4  // \p
	classLParen   = 5  // \(
	classRParen   = 6  // \)
	classBackslsh = 7  // \\
	classNonDigit = 8  // \D
	classNonWord  = 9  // \W
	classNonSpace = 10 // \S
	classAny      = 11 // \.
	classTab      = 12 // \t
	classDollar   = 13 // \$
	classPipe     = 14 // \|
	classLess     = 15 // \<
	numClasses    = 16
)

// Alternative flags.
const (
	beginSet  = 1 << iota // alternative started with '^'
	endSet                // alternative ended with '$'
	nullStart             // Wazuh 3: the returned pointer starts as NULL
)

// noPos stands for a NULL pointer. -1 cannot be used: the engine can
// legitimately point one byte before the subject ("str - 1").
const noPos = -1 << 30

// classTable[c][b] reports whether byte b belongs to class c.
var classTable [numClasses][256]bool

// lowerTable is the engine's charmap: ASCII upper case to lower case, every
// other byte unchanged.
var lowerTable [256]byte

func init() {
	for b := 0; b < 256; b++ {
		c := byte(b)
		lowerTable[b] = c
		if 'A' <= c && c <= 'Z' {
			lowerTable[b] = c + 'a' - 'A'
		}
		digit := '0' <= c && c <= '9'
		word := digit || ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z') ||
			c == '-' || c == '@' || c == '_'
		space := c == ' '
		punct := isPunct(c)
		classTable[classDigit][b] = digit
		classTable[classWord][b] = word
		classTable[classSpace][b] = space
		classTable[classPunct][b] = punct
		classTable[classLParen][b] = c == '('
		classTable[classRParen][b] = c == ')'
		classTable[classBackslsh][b] = c == '\\'
		classTable[classNonDigit][b] = !digit
		classTable[classNonWord][b] = !word
		classTable[classNonSpace][b] = !space
		classTable[classAny][b] = true
		classTable[classTab][b] = c == '\t'
		classTable[classDollar][b] = c == '$'
		classTable[classPipe][b] = c == '|'
		classTable[classLess][b] = c == '<'
	}
}

// isPunct is \p: 25 punctuation characters (not / \ ^ _ ` ~ @).
func isPunct(c byte) bool {
	switch c {
	case '!', '"', '#', '$', '%', '&', '\'', '(', ')', '*', '+', ',', '-', '.',
		':', ';', '<', '=', '>', '?', '[', ']', '{', '|', '}':
		return true
	}
	return false
}

// escapeCode maps the character after '\' to its class code (0: invalid).
func escapeCode(c byte) byte {
	switch c {
	case 'd':
		return classDigit
	case 'w':
		return classWord
	case 's':
		return classSpace
	case 'p':
		return classPunct
	case '(':
		return classLParen
	case ')':
		return classRParen
	case '\\':
		return classBackslsh
	case 'D':
		return classNonDigit
	case 'W':
		return classNonWord
	case 'S':
		return classNonSpace
	case '.':
		return classAny
	case 't':
		return classTab
	case '$':
		return classDollar
	case '|':
		return classPipe
	case '<':
		return classLess
	}
	return 0
}

// rxAlt is one '|' alternative.
type rxAlt struct {
	pat   []byte
	flags uint8
	// parenAt[i] is the index of the parenthesis at pat[i] in the order
	// they appear (open, close, open, close...), or -1. nil when the
	// alternative has no parentheses.
	parenAt []int16
	nparens int
	// lit is the literal run the alternative starts with ("" when it
	// starts with a class or a parenthesis); used to skip ahead with
	// litS, its precomputed searcher.
	lit  string
	litS litSearch
	// req, when hasReq, is the longest literal run inside the alternative
	// (other than lit): every match holds it, so a subject without it is
	// rejected before the scan.
	req    litSearch
	hasReq bool
}

type osRegex struct {
	alts []rxAlt
	// nparens counts the parentheses of all alternatives. The C engine
	// only keeps capture state (and its end-of-subject group handling)
	// when the whole expression has at least one.
	nparens int
}

func compileOSRegex(pattern string, eng Engine) (*osRegex, error) {
	// The C compiler works on a C string.
	src := cString(pattern)
	if len(src) > MaxPatternLen {
		return nil, &Error{Kind: OSRegex, Code: ErrTooLong, Pattern: pattern}
	}
	enc := make([]byte, 0, len(src))
	depth := 0
	lastOpen := 0    // index in src of the innermost '(' (for messages)
	var splits []int // positions of '|' in enc
	for i := 0; i < len(src); i++ {
		c := src[i]
		if c == '\\' {
			var next byte
			if i+1 < len(src) {
				next = src[i+1]
			}
			code := escapeCode(next)
			if code == 0 {
				frag := src[i:min(i+2, len(src))]
				return nil, &Error{Kind: OSRegex, Code: ErrInvalidEscape, Pattern: pattern, Fragment: frag}
			}
			enc = append(enc, '\\', code)
			i++
			continue
		}
		outerOpen := lastOpen
		switch c {
		case '(':
			depth++
			lastOpen = i
		case ')':
			depth--
			c = '('
		}
		if depth != 0 && depth != 1 {
			frag := src[:i+1]
			if depth > 1 {
				frag = src[outerOpen : i+1]
			}
			return nil, &Error{Kind: OSRegex, Code: ErrParenthesis, Pattern: pattern, Fragment: frag}
		}
		c = lowerTable[c]
		if c == '|' {
			if depth != 0 {
				return nil, &Error{Kind: OSRegex, Code: ErrAltInGroup, Pattern: pattern, Fragment: src[lastOpen : i+1]}
			}
			splits = append(splits, len(enc))
		}
		enc = append(enc, c)
	}
	if depth != 0 {
		return nil, &Error{Kind: OSRegex, Code: ErrParenthesis, Pattern: pattern, Fragment: src[lastOpen:]}
	}
	re := &osRegex{alts: make([]rxAlt, 0, len(splits)+1)}
	start := 0
	for _, end := range append(splits, len(enc)) {
		re.alts = append(re.alts, newAlt(enc[start:end]))
		if eng == Wazuh3 {
			re.alts[len(re.alts)-1].flags |= nullStart
		}
		re.nparens += re.alts[len(re.alts)-1].nparens
		start = end + 1
	}
	return re, nil
}

// newAlt strips '^' and '$' from one encoded alternative and precomputes
// what matching needs. The '$' test looks at the encoded byte, so an
// escaped "\$" (a class code) never counts.
func newAlt(raw []byte) rxAlt {
	var a rxAlt
	if len(raw) > 0 && raw[0] == '^' {
		a.flags |= beginSet
		raw = raw[1:]
	}
	if len(raw) > 0 && raw[len(raw)-1] == '$' {
		a.flags |= endSet
		raw = raw[:len(raw)-1]
	}
	a.pat = append([]byte(nil), raw...)
	for i := 0; i < len(a.pat); i++ {
		if a.pat[i] == '\\' {
			i++
			continue
		}
		if a.pat[i] == '(' {
			if a.parenAt == nil {
				a.parenAt = make([]int16, len(a.pat))
				for j := range a.parenAt {
					a.parenAt[j] = -1
				}
			}
			a.parenAt[i] = int16(a.nparens)
			a.nparens++
		}
	}
	n := 0
	for n < len(a.pat) && a.pat[n] != '\\' && a.pat[n] != '(' {
		n++
	}
	a.lit = string(a.pat[:n])
	a.litS = newLitSearch(a.lit, true)
	if run := longestRun(a.pat[n:]); len(run) > len(a.lit) {
		a.req, a.hasReq = newLitSearch(run, true), true
	}
	return a
}

// longestRun returns the longest run of literal bytes in an encoded
// alternative that every match holds. Runs end at classes and
// parentheses; each is matched by consecutive subject bytes: the scan
// skips no literal byte, and the character that ends a quantified class
// run is the one that matches the literal after it. The one exception is
// a single byte ending the alternative: when a plain class before it fails
// after a quantified run, the C test for "pattern end" looks three bytes
// ahead and so steps over that byte. Such runs are not used.
func longestRun(pat []byte) string {
	best, start := "", 0
	for i := 0; i <= len(pat); i++ {
		if i < len(pat) && pat[i] != '\\' && pat[i] != '(' {
			continue
		}
		if i-start > len(best) && (i < len(pat) || i-start > 1) {
			best = string(pat[start:i])
		}
		switch {
		case i == len(pat):
		case pat[i] == '(':
			start = i + 1
		default:
			// '\' and its class code, then an optional quantifier.
			i += 2
			if i < len(pat) && isQuant(pat[i]) {
				i++
			}
			start = i
			i--
		}
	}
	return best
}

// cString cuts s at its first NUL, as the C engine would see it.
func cString(s string) string {
	if i := strings.IndexByte(s, 0); i >= 0 {
		return s[:i]
	}
	return s
}

func (r *osRegex) match(s string) bool {
	return r.matchWith(s, true)
}

func (r *osRegex) matchWith(s string, fast bool) bool {
	s = cString(s)
	for i := range r.alts {
		if _, ok := r.alts[i].exec(s, nil, false, fast); ok {
			return true
		}
	}
	return false
}

func (r *osRegex) findEnd(s string) (int, bool) {
	s = cString(s)
	if ret, ok := r.findEndRaw(s); ok {
		return endFromPointer(ret, len(s)), true
	}
	return 0, false
}

// findEndRaw is findEnd returning the engine's pointer (see findRaw).
func (r *osRegex) findEndRaw(s string) (int, bool) {
	s = cString(s)
	for i := range r.alts {
		if ret, ok := r.alts[i].exec(s, nil, false, true); ok {
			return ret, true
		}
	}
	return noPos, false
}

func (r *osRegex) find(s string, caps []int) ([]int, int, bool) {
	return r.findWith(s, caps, true)
}

// findWith is find with the literal-prefix skip switchable, so tests can
// compare both paths.
func (r *osRegex) findWith(s string, caps []int, fast bool) ([]int, int, bool) {
	caps, ret, ok := r.findRaw(s, caps, fast)
	if !ok {
		return caps, 0, false
	}
	return caps, endFromPointer(ret, len(cString(s))), true
}

// findRaw is findWith returning the engine's pointer itself (see
// endFromPointer), which the oracle tests compare with the C value.
func (r *osRegex) findRaw(s string, caps []int, fast bool) ([]int, int, bool) {
	s = cString(s)
	caps = caps[:0]
	for i := range r.alts {
		a := &r.alts[i]
		var prts []int
		if a.nparens > 0 {
			caps = growInts(caps, a.nparens)
			prts = caps
			for j := range prts {
				prts[j] = noPos
			}
		}
		ret, ok := a.exec(s, prts, r.nparens > 0, fast)
		if !ok {
			continue
		}
		return pairCaptures(caps[:0], prts), ret, true
	}
	return caps[:0], noPos, false
}

// growInts returns b resliced to length n, reallocating only when its
// capacity is too small.
func growInts(b []int, n int) []int {
	if cap(b) < n {
		return make([]int, n)
	}
	return b[:n]
}

// pairCaptures turns the recorded parenthesis positions into capture spans
// in place: like the C code it stops at the first group whose start or end
// was never recorded. A group whose end lies before its start (the C code
// would mis-size the copy) is reported empty.
func pairCaptures(dst, prts []int) []int {
	for j := 0; j+1 < len(prts); j += 2 {
		st, en := prts[j], prts[j+1]
		if st == noPos || en == noPos {
			break
		}
		if en < st {
			en = st
		}
		dst = append(dst, st, en)
	}
	return dst
}

// endFromPointer converts the engine's returned pointer into the offset a
// decoder continues from (pointer + 1), clamped to the subject.
func endFromPointer(ret, n int) int {
	if ret == noPos {
		return 0
	}
	e := ret + 1
	if e < 0 {
		return 0
	}
	if e > n {
		return n
	}
	return e
}

// pc reads the encoded pattern like a C string.
func (a *rxAlt) pc(i int) byte {
	if i < len(a.pat) {
		return a.pat[i]
	}
	return 0
}

// mark records the subject position of the parenthesis at pattern index pt.
func (a *rxAlt) mark(prts []int, pt, pos int) {
	if prts != nil && pt < len(a.parenAt) && a.parenAt[pt] >= 0 {
		prts[a.parenAt[pt]] = pos
	}
}

func isQuant(c byte) bool { return c == '+' || c == '*' }

// exec runs one alternative over s (already cut at NUL). prts, when not
// nil, receives the subject position of every parenthesis of this
// alternative. capMode selects the C engine's capture mode (the expression
// has groups and substrings were requested), which changes how the end of
// the pattern is recognised once the subject is exhausted. It returns
// the engine's pointer (see endFromPointer) and whether the alternative
// matched. fast enables the literal-prefix skip, which never changes the
// result.
func (a *rxAlt) exec(s string, prts []int, capMode, fast bool) (int, bool) {
	n := len(s)
	sc := func(i int) byte {
		if i >= 0 && i < n {
			return s[i]
		}
		return 0
	}
	endOK := func(st int) bool { return a.flags&endSet == 0 || sc(st) == 0 }

	// The pointer the engine returns. Wazuh 4.2 and later start it at
	// the subject, so an alternative that returns before consuming a byte
	// matches at offset 0; Wazuh 3 starts it as NULL, which the caller
	// reads as "no match". It is reset to NULL whenever the alternative
	// starts over, in every version.
	rcode := 0
	if a.flags&nullStart != 0 {
		rcode = noPos
	}
	matched := false // C: _regex_matched
	st := 0
	stErr := noPos
	pt := 0
	var ptErr, ptErrStr [4]int
	for i := range ptErr {
		ptErr[i] = noPos
		ptErrStr[i] = noPos
	}

	if fast {
		if a.lit != "" && a.flags&beginSet != 0 && !hasPrefixFold(s, a.lit) {
			return noPos, false
		}
		if a.hasReq && a.req.index(s) < 0 {
			return noPos, false
		}
	}

	// The C do/while runs the body once per subject byte; an empty subject
	// never enters it.
	for ; st < n; st++ {
		if fast && pt == 0 && a.lit != "" && a.flags&beginSet == 0 {
			k := a.litS.index(s[st:])
			if k < 0 {
				st = n
				break
			}
			st += k
		}

		switch a.pc(pt) {
		case 0:
			if endOK(st) {
				return rcode, rcode != noPos
			}
		case '(':
			a.mark(prts, pt, st)
			pt++
			if a.pc(pt) == 0 && endOK(st) {
				return rcode, rcode != noPos
			}
		}

		if a.pc(pt) == '\\' {
			if classTable[a.pc(pt+1)][s[st]] {
				next := pt + 2
				if !isQuant(a.pc(next)) {
					// Plain class: one character.
					pt = next
					if stErr == noPos {
						stErr = st
					}
					rcode = st
					continue
				}
				if a.pc(next) == '*' {
					matched = true
				}
				if matched {
					next++
					okHere := -1
					if a.pc(next) == '(' {
						next++
					}
					switch c := a.pc(next); {
					case c == 0:
						okHere = 1
						if fast {
							st = runEnd(s, st, a.pc(pt+1))
						}
					case c == '\\':
						if classTable[a.pc(next+1)][s[st]] {
							if !isQuant(a.pc(next + 2)) {
								okHere = 2
							} else {
								okHere = 0
							}
						}
					case c == lowerTable[s[st]]:
						matched = false
						okHere = 1
					}
					if okHere >= 0 {
						if prts != nil && a.pc(next-1) == '(' {
							// The group closes after this byte
							// only when it ends the pattern (the
							// run goes on consuming); when the
							// next element takes this byte, the
							// group closes before it, even on
							// the subject's last byte.
							pos := st
							if matched && okHere == 1 {
								pos = st + 1
							}
							a.mark(prts, next-1, pos)
						}
						if a.pc(next) == 0 {
							// Quantified class at the very end: keep
							// consuming, r_code stays at the run's start.
							continue
						}
						next += okHere
						for i := range ptErr {
							if ptErr[i] == noPos {
								ptErr[i] = pt
								ptErrStr[i] = st
								break
							}
						}
						pt = next
					} else if fast {
						st = a.skipRun(s, st, a.pc(pt+1), next)
					}
				} else {
					next++
					if prts != nil && a.pc(next) == '(' {
						pos := st
						if sc(st+1) == 0 {
							pos = st + 1
						}
						a.mark(prts, next, pos)
					}
					matched = true
				}
				rcode = st
				continue
			} else if a.pc(pt+3) == 0 && matched && rcode != noPos {
				rcode = st
				if endOK(st) {
					return rcode, true
				}
			} else if a.pc(pt+2) == '+' && matched {
				// The run is over: retry this character on the next
				// element.
				pt += 3
				st--
				matched = false
				continue
			} else if a.pc(pt+2) == '*' {
				pt += 3
				st--
				rcode = st
				matched = false
				continue
			}
			matched = false
		} else if a.pc(pt) == lowerTable[s[st]] {
			pt++
			if stErr == noPos {
				stErr = st
			}
			rcode = st
			continue
		}

		// Mismatch: resume from the most recent restart point, else start
		// the alternative over.
		if r := lastRestart(&ptErr); r >= 0 {
			pt = ptErr[r]
			st = ptErrStr[r]
			ptErr[r] = noPos
			continue
		}
		if a.flags&beginSet != 0 {
			return noPos, false
		}
		if stErr != noPos {
			st = stErr
			stErr = noPos
		}
		pt = 0
		rcode = noPos
	}

	if capMode {
		// A group closing after trailing optional classes ends at the end
		// of the subject.
		for a.pc(pt) != '(' && a.pc(pt) != 0 {
			if a.pc(pt) == '\\' && a.pc(pt+2) == '*' {
				pt += 3
			} else {
				break
			}
		}
		if a.pc(pt) == '(' {
			a.mark(prts, pt, st)
		}
	}
	if a.acceptsAtEnd(pt, matched) {
		// A NULL pointer is the C engine's "no match" whatever the
		// pattern state.
		return rcode, rcode != noPos
	}
	return noPos, false
}

// runEnd returns the last index of the run of class cls bytes starting at
// st. A quantified class ending the pattern takes the same path for every
// byte of its run, which only moves the closing parenthesis: jumping to
// the run's last byte leaves the same state as scanning it.
func runEnd(s string, st int, cls byte) int {
	if cls == classAny {
		return len(s) - 1
	}
	t := &classTable[cls]
	for st+1 < len(s) && t[s[st+1]] {
		st++
	}
	return st
}

// skipRun returns the last index of the run of class cls bytes starting
// at st that the element at next (after the quantifier) does not take
// over. Every byte of such a run takes the same path, which only moves
// r_code, so jumping to its last byte leaves the same state as scanning
// it.
func (a *rxAlt) skipRun(s string, st int, cls byte, next int) int {
	t := &classTable[cls]
	switch c := a.pc(next); c {
	case 0:
		return st
	case '\\':
		u := &classTable[a.pc(next+1)]
		for st+1 < len(s) && t[s[st+1]] && !u[s[st+1]] {
			st++
		}
	default:
		for st+1 < len(s) && t[s[st+1]] && lowerTable[s[st+1]] != c {
			st++
		}
	}
	return st
}

// lastRestart returns the highest occupied restart slot, or -1.
func lastRestart(slots *[4]int) int {
	for i := 3; i >= 0; i-- {
		if slots[i] != noPos {
			return i
		}
	}
	return -1
}

// atPatternEnd is the C ENDOFFILE macro: skip one parenthesis, then test
// for the terminator. The skip persists in *pt.
func (a *rxAlt) atPatternEnd(pt *int) bool {
	if a.pc(*pt) == '(' {
		*pt++
	}
	return a.pc(*pt) == 0
}

// acceptsAtEnd decides, once the subject is exhausted, whether what is left
// of the pattern may match nothing. It mirrors the C expression including
// the way a failed clause leaves the pattern pointer advanced for the next.
func (a *rxAlt) acceptsAtEnd(pt int, matched bool) bool {
	if a.atPatternEnd(&pt) {
		return true
	}
	if a.pc(pt) == '\\' && matched {
		pt += 2
		if isQuant(a.pc(pt)) {
			pt++
			if a.atPatternEnd(&pt) {
				return true
			}
			if a.pc(pt) == '\\' {
				pt += 2
				if a.pc(pt) == '*' {
					pt++
					if a.atPatternEnd(&pt) {
						return true
					}
				}
			}
		}
	}
	if a.pc(pt) == '\\' {
		pt += 2
		if a.pc(pt) == '*' {
			pt++
			if a.atPatternEnd(&pt) {
				return true
			}
		}
	}
	return false
}
