package logformat

import "time"

// group accumulates the lines of one multi-line event.
type group struct {
	buf   []byte
	lines int
	end   int64     // offset after the last line added
	last  time.Time // when the last line was added
	trunc bool
}

func (g *group) reset() { g.buf, g.lines, g.trunc = g.buf[:0], 0, false }

// appendCapped appends s without letting the group exceed limit bytes.
func (g *group) appendCapped(s string, limit int) {
	if room := limit - len(g.buf); len(s) > room {
		s = s[:max(room, 0)]
		g.trunc = true
	}
	g.buf = append(g.buf, s...)
}

// multiLine implements log_format multi-line:N (read_multiline.c): N lines
// joined with single spaces (none before a line when nothing was collected
// yet, so an empty first line adds no space). A line with a NUL byte
// counts as a line and adds the text before the NUL. Wazuh loses a group
// still incomplete at the end of a read; here it stays pending and Flush
// emits it after Options.Timeout without new lines.
type multiLine struct {
	base
	n int
	g group
}

func newMultiLine(format string, opt Options) (Framer, error) {
	n, err := parseLineCount(format)
	if err != nil {
		return nil, err
	}
	if opt.Timeout <= 0 {
		opt.Timeout = DefaultTimeout
	}
	return &multiLine{base: newBase(format, opt), n: n}, nil
}

func (f *multiLine) Push(line string, end int64, now time.Time) []Event {
	f.start()
	line = f.cutNUL(line, end)
	if len(f.g.buf) > 0 {
		f.g.appendCapped(" ", f.opt.MaxEventSize)
	}
	f.g.appendCapped(line, f.opt.MaxEventSize)
	f.g.lines++
	f.g.end, f.g.last = end, now
	if f.g.lines >= f.n {
		f.emitGroup()
	}
	return f.out
}

func (f *multiLine) emitGroup() {
	if f.g.trunc {
		f.stats.Truncated++
	}
	f.emit(string(f.g.buf), f.g.end)
	f.g.reset()
}

func (f *multiLine) Deadline() (time.Time, bool) {
	if f.g.lines == 0 {
		return time.Time{}, false
	}
	return f.g.last.Add(f.opt.Timeout), true
}

func (f *multiLine) Flush(now time.Time) []Event {
	f.out = f.out[:0]
	if d, ok := f.Deadline(); ok && !now.Before(d) {
		f.emitGroup()
	}
	return f.out
}

func (f *multiLine) Reset(time.Time) []Event {
	f.out = f.out[:0]
	if f.g.lines > 0 {
		f.emitGroup()
	}
	return f.out
}
