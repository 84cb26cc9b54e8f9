package xmlconf

import "strings"

// span accumulates text read from the source. While the bytes are
// consecutive in the source it only tracks a range, so the final string is
// a substring of the source and costs no allocation; a comment cut out of
// the middle makes it fall back to copying into buf.
type span struct {
	start, end int
	buf        []byte
	split      bool
}

func (s *span) reset() {
	s.start, s.end, s.split = 0, 0, false
	s.buf = s.buf[:0]
}

// add appends src[at].
func (s *span) add(src string, at int) {
	switch {
	case s.split:
		s.buf = append(s.buf, src[at])
	case s.start == s.end:
		s.start, s.end = at, at+1
	case at == s.end:
		s.end++
	default:
		s.buf = append(append(s.buf[:0], src[s.start:s.end]...), src[at])
		s.split = true
	}
}

// addRange appends src[from:to].
func (s *span) addRange(src string, from, to int) {
	switch {
	case s.split:
		s.buf = append(s.buf, src[from:to]...)
	case s.start == s.end:
		s.start, s.end = from, to
	case from == s.end:
		s.end = to
	default:
		s.buf = append(append(s.buf[:0], src[s.start:s.end]...), src[from:to]...)
		s.split = true
	}
}

func (s *span) len() int {
	if s.split {
		return len(s.buf)
	}
	return s.end - s.start
}

func (s *span) text(src string) string {
	if s.split {
		return string(s.buf)
	}
	return src[s.start:s.end]
}

// offset is where the text starts in the source, or -1 when it is empty or
// not contiguous there.
func (s *span) offset() int {
	if s.split || s.start == s.end {
		return -1
	}
	return s.start
}

// lineIndex turns byte offsets into positions. Offsets are mostly asked
// for in increasing order, so it counts newlines forward from the last
// answer and only restarts from the top when asked about an earlier one.
type lineIndex struct {
	file      string
	off       int // last offset answered
	line      int // its line (0 before the first call)
	lineStart int // offset of the first byte of that line
}

func (x *lineIndex) pos(src string, off int) Pos {
	if off > len(src) {
		off = len(src)
	}
	if off < 0 {
		off = 0
	}
	if x.line == 0 || off < x.off {
		x.off, x.line, x.lineStart = 0, 1, 0
	}
	seg := src[x.off:off]
	if n := strings.Count(seg, "\n"); n > 0 {
		x.line += n
		x.lineStart = x.off + strings.LastIndexByte(seg, '\n') + 1
	}
	x.off = off
	return Pos{File: x.file, Line: x.line, Col: off - x.lineStart + 1}
}
