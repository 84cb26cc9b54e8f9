package logformat

import (
	"fmt"
	"strings"
	"time"
	"unsafe"

	"github.com/gossec/gossec/internal/osregex"
)

type mlMatch uint8

const (
	matchStart mlMatch = iota // a matching line starts a new event
	matchEnd                  // a matching line ends the event
	matchAll                  // the event ends when the whole group matches
)

type mlReplace uint8

const (
	replaceNoReplace mlReplace = iota // keep the newlines
	replaceNone                       // remove them
	replaceWSpace                     // turn them into a space
	replaceTab                        // turn them into a tab
)

// regexFramer implements log_format multi-line-regex
// (read_multiline_regex.c). Each line is added with its newline replaced
// as Replace says (a CR before it goes too, except with no-replace). In
// start mode the expression is tried on the raw line, newline included,
// and a match closes the group collected so far; in end mode it is tried
// on the replaced line and a match closes the group with that line; in all
// mode it is tried on the whole group. A closed event loses a trailing
// newline (and the CR before it) but keeps a trailing space or tab, as in
// Wazuh. A group with no new line for Timeout is emitted as it is: by
// Flush, or by the next Push before that line is considered.
type regexFramer struct {
	base
	re      *osregex.Pattern
	match   mlMatch
	replace mlReplace
	g       group
	scratch []byte
}

func newRegexFramer(opt Options) (Framer, error) {
	if strings.TrimSpace(opt.Regex) == "" {
		return nil, fmt.Errorf("log_format multi-line-regex needs a <multiline_regex> expression")
	}
	re, err := osregex.Compile(osregex.PCRE2, opt.Regex)
	if err != nil {
		return nil, fmt.Errorf("multiline_regex %q: %w", opt.Regex, err)
	}
	f := &regexFramer{base: newBase("multi-line-regex", opt), re: re}
	if f.match, err = parseMatch(opt.Match); err != nil {
		return nil, err
	}
	if f.replace, err = parseReplace(opt.Replace); err != nil {
		return nil, err
	}
	switch t := opt.Timeout; {
	case t == 0:
		f.opt.Timeout = DefaultTimeout
	case t < time.Second || t > MaxRegexTimeout:
		return nil, fmt.Errorf("multiline_regex timeout %v: want 1s to %v", t, MaxRegexTimeout)
	}
	return f, nil
}

func parseMatch(s string) (mlMatch, error) {
	switch strings.ToLower(s) {
	case "", "start":
		return matchStart, nil
	case "end":
		return matchEnd, nil
	case "all":
		return matchAll, nil
	}
	return 0, fmt.Errorf("multiline_regex match %q: want start, end or all", s)
}

func parseReplace(s string) (mlReplace, error) {
	switch strings.ToLower(s) {
	case "", "no-replace":
		return replaceNoReplace, nil
	case "none":
		return replaceNone, nil
	case "wspace":
		return replaceWSpace, nil
	case "tab":
		return replaceTab, nil
	}
	return 0, fmt.Errorf("multiline_regex replace %q: want no-replace, none, wspace or tab", s)
}

func (f *regexFramer) Push(line string, end int64, now time.Time) []Event {
	f.start()
	line = f.cutNUL(line, end)
	if f.expired(now) {
		f.emitGroup()
	}
	if f.match == matchStart && f.g.lines > 0 {
		f.scratch = append(append(f.scratch[:0], line...), '\n')
		if f.matches(f.scratch) {
			f.emitGroup()
		}
	}
	from := len(f.g.buf)
	f.addLine(line)
	f.g.end, f.g.last = end, now
	switch f.match {
	case matchEnd:
		if f.matches(f.g.buf[from:]) {
			f.emitGroup()
		}
	case matchAll:
		if f.matches(f.g.buf) {
			f.emitGroup()
		}
	}
	return f.out
}

// matches runs the expression on b. PCRE2's '$' also matches before a
// final newline, which internal/osregex's '$' does not; as the subjects
// here often end with one, a subject ending in "\n" is tried without it
// too. (Only an expression that must not match at that spot, like \z
// after a required newline, could tell the difference.)
func (f *regexFramer) matches(b []byte) bool {
	if f.re.MatchString(bytesView(b)) {
		return true
	}
	n := len(b)
	return n > 0 && b[n-1] == '\n' && f.re.MatchString(bytesView(b[:n-1]))
}

// bytesView lets the matcher read a reused buffer without copying it; the
// matcher keeps no reference.
func bytesView(b []byte) string { return unsafe.String(unsafe.SliceData(b), len(b)) }

// addLine appends the line with its newline replaced.
func (f *regexFramer) addLine(line string) {
	var nl string
	if f.replace != replaceNoReplace {
		line = strings.TrimSuffix(line, "\r")
	}
	switch f.replace {
	case replaceNoReplace:
		nl = "\n"
	case replaceWSpace:
		nl = " "
	case replaceTab:
		nl = "\t"
	}
	f.g.appendCapped(line, f.opt.MaxEventSize)
	f.g.appendCapped(nl, f.opt.MaxEventSize)
	f.g.lines++
}

func (f *regexFramer) expired(now time.Time) bool {
	d, ok := f.Deadline()
	return ok && !now.Before(d)
}

func (f *regexFramer) emitGroup() {
	text := f.g.buf
	if n := len(text); n > 0 && text[n-1] == '\n' {
		text = text[:n-1]
		if n := len(text); n > 0 && text[n-1] == '\r' {
			text = text[:n-1]
		}
	}
	if f.g.trunc {
		f.stats.Truncated++
	}
	f.emit(string(text), f.g.end)
	f.g.reset()
}

func (f *regexFramer) Deadline() (time.Time, bool) {
	if f.g.lines == 0 {
		return time.Time{}, false
	}
	return f.g.last.Add(f.opt.Timeout), true
}

func (f *regexFramer) Flush(now time.Time) []Event {
	f.out = f.out[:0]
	if f.expired(now) {
		f.emitGroup()
	}
	return f.out
}

func (f *regexFramer) Reset(time.Time) []Event {
	f.out = f.out[:0]
	if f.g.lines > 0 {
		f.emitGroup()
	}
	return f.out
}
