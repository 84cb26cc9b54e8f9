package rulesettest

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Dialect selects how test files are read and judged.
type Dialect uint8

const (
	// Wazuh is Wazuh's runtests.py: RawConfigParser with repeated keys
	// merged into one multi-line value, exact comparison.
	Wazuh Dialect = iota
	// OSSEC is OSSEC's runtests.py: plain ConfigParser (a repeated key
	// replaces the earlier one, %(name)s interpolation) and the
	// case-insensitive comparison of ossec-logtest -U.
	OSSEC
)

// String names the dialect as run-wazuh-compat's --runner does.
func (d Dialect) String() string {
	if d == OSSEC {
		return "ossec"
	}
	return "wazuh"
}

// Case is one `log N pass|fail` key of a section: its lines are fed to one
// fresh session and only the last line's result is judged.
type Case struct {
	File    string // base name of the .ini file
	Section string
	Key     string // lowercased, e.g. "log 1 pass"
	Line    int    // line of the key in the file (its first occurrence; the kept one for OSSEC)
	Lines   []string
	Fail    bool // a "fail" key: passes when the expectation is not met
	Rule    string
	Level   string // the section's "alert" value
	Decoder string
	Dialect Dialect
}

// ReadFile reads the cases of one .ini file. Only I/O fails: like
// ConfigParser as the runners use it, the reader skips what it cannot parse.
func ReadFile(path string, dialect Dialect) ([]Case, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("rulesettest: %w", err)
	}
	return Parse(filepath.Base(path), data, dialect), nil
}

// ReadDir reads every *.ini file of dir in name order, leaving out the
// files ending in geoip.ini unless geoip is set (they need a GeoIP build),
// as run-wazuh-compat selects them.
func ReadDir(dir string, dialect Dialect, geoip bool) ([]Case, error) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("rulesettest: %w", err)
	}
	names := make([]string, 0, len(ents))
	for _, e := range ents {
		n := e.Name()
		if strings.HasSuffix(n, ".ini") && (geoip || !strings.HasSuffix(n, "geoip.ini")) {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	var all []Case
	for _, n := range names {
		cs, err := ReadFile(filepath.Join(dir, n), dialect)
		if err != nil {
			return nil, err
		}
		all = append(all, cs...)
	}
	return all, nil
}

// entry is one key of a section: its value pieces and where it was set.
type entry struct {
	vals []string
	line int
}

// section keeps keys in first-insertion order, as Python dicts do.
type section struct {
	name  string
	order []string
	keys  map[string]*entry
}

// Parse reads the cases of one file's contents; name is the file name the
// cases report.
func Parse(name string, data []byte, dialect Dialect) []Case {
	secs := parseSections(string(data), dialect == Wazuh)
	var out []Case
	for _, s := range secs {
		vals := make(map[string]string, len(s.keys))
		for k, e := range s.keys {
			vals[k] = strings.Join(e.vals, "\n")
		}
		if dialect == OSSEC {
			vals = interpolateAll(vals)
		}
		for _, k := range s.order {
			if !strings.HasPrefix(k, "log ") {
				continue
			}
			out = append(out, Case{
				File: name, Section: s.name, Key: k, Line: s.keys[k].line,
				Lines: nonEmptyLines(vals[k]), Fail: strings.HasSuffix(k, "fail"),
				Rule: vals["rule"], Level: vals["alert"], Decoder: vals["decoder"],
				Dialect: dialect,
			})
		}
	}
	return out
}

func nonEmptyLines(v string) []string {
	var lines []string
	for _, l := range strings.Split(v, "\n") {
		if l != "" {
			lines = append(lines, l)
		}
	}
	return lines
}

// parser holds the reader's state between lines.
type parser struct {
	merge  bool
	byName map[string]*section
	order  []*section
	cur    *section
	opt    string // the key continuation lines extend; "" for none
}

// parseSections reads sections the way Python 2's ConfigParser does in the
// runners (see package doc); merge selects Wazuh's key-merging dict.
func parseSections(text string, merge bool) []*section {
	p := &parser{merge: merge, byName: map[string]*section{}}
	for n, line := range splitLines(text) {
		p.line(line, n+1)
	}
	return p.order
}

func (p *parser) line(line string, n int) {
	if pyStrip(line) == "" || line[0] == '#' || line[0] == ';' || isRem(line) {
		return
	}
	first, _ := utf8.DecodeRuneInString(line)
	if pySpace(first) {
		if p.cur != nil && p.opt != "" {
			if v := pyStrip(line); v != "" {
				e := p.cur.keys[p.opt]
				e.vals = append(e.vals, v)
			}
		}
		return // an indented line is never a section or an option
	}
	if name, ok := sectionHeader(line); ok {
		p.enter(name)
		return
	}
	if p.cur == nil {
		return
	}
	if key, val, ok := option(line); ok {
		p.set(key, val, n)
	}
}

// enter starts or, for a repeated header, continues a section.
func (p *parser) enter(name string) {
	s, ok := p.byName[name]
	if !ok {
		s = &section{name: name, keys: map[string]*entry{}}
		p.byName[name] = s
		p.order = append(p.order, s)
	}
	p.cur, p.opt = s, ""
}

func (p *parser) set(key, val string, n int) {
	p.opt = key
	e, ok := p.cur.keys[key]
	if !ok {
		p.cur.keys[key] = &entry{vals: []string{val}, line: n}
		p.cur.order = append(p.cur.order, key)
		return
	}
	if p.merge {
		e.vals = append(e.vals, val)
		return
	}
	e.vals, e.line = []string{val}, n
}

// splitLines splits like Python's universal-newline text reading: "\r\n",
// "\r" and "\n" all end a line, and a final unterminated line counts.
func splitLines(text string) []string {
	var lines []string
	for len(text) > 0 {
		i := strings.IndexAny(text, "\r\n")
		if i < 0 {
			lines = append(lines, text)
			break
		}
		lines = append(lines, text[:i])
		if text[i] == '\r' && i+1 < len(text) && text[i+1] == '\n' {
			i++
		}
		text = text[i+1:]
	}
	return lines
}

// isRem reports a "rem" comment line: its first word is rem in any case.
func isRem(line string) bool {
	if line[0] != 'r' && line[0] != 'R' {
		return false
	}
	word := line
	if i := strings.IndexFunc(line, pySpace); i >= 0 {
		word = line[:i]
	}
	return strings.EqualFold(word, "rem")
}

// sectionHeader matches "[name]" at the start of the line; anything may
// follow the closing bracket.
func sectionHeader(line string) (string, bool) {
	if line[0] != '[' {
		return "", false
	}
	i := strings.IndexByte(line[1:], ']')
	if i < 1 {
		return "", false
	}
	return line[1 : 1+i], true
}

// option splits "key = value" or "key: value" at the first '=' or ':'. The
// key is right-trimmed and lowercased; the value loses an inline comment
// (the first ';' when whitespace precedes it) and surrounding whitespace,
// and "" stands for the empty value.
func option(line string) (key, val string, ok bool) {
	i := strings.IndexAny(line, ":=")
	if i < 1 {
		return "", "", false
	}
	key = pyLower(strings.TrimRightFunc(line[:i], pySpace))
	val = strings.TrimLeftFunc(line[i+1:], pySpace)
	if pos := strings.IndexByte(val, ';'); pos >= 0 && precededBySpace(val, pos) {
		val = val[:pos]
	}
	val = pyStrip(val)
	if val == `""` {
		val = ""
	}
	return key, val, true
}

// precededBySpace reports whether the character before pos is whitespace.
// At pos 0 Python's val[pos-1] wraps around to the last character, so a
// value that starts with ';' and ends in whitespace is cut to nothing.
func precededBySpace(val string, pos int) bool {
	before := val[:pos]
	if pos == 0 {
		before = val
	}
	r, _ := utf8.DecodeLastRuneInString(before)
	return pySpace(r)
}

// pySpace is Python's str.isspace for one character: Unicode White_Space
// plus the information separators U+001C..U+001F.
func pySpace(r rune) bool {
	return unicode.IsSpace(r) || (r >= 0x1c && r <= 0x1f)
}

func pyStrip(s string) string { return strings.TrimFunc(s, pySpace) }

// pyLower is Python's str.lower() closely enough for keys: per-character
// lowercase, U+0130 becoming "i̇", bytes that are not UTF-8 kept as they
// are. (Python's final-sigma rule is not reproduced.)
func pyLower(s string) string {
	if isLowerASCII(s) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n == 1:
			b.WriteByte(s[i])
		case r == 0x130:
			b.WriteString("i\u0307")
		default:
			b.WriteRune(unicode.ToLower(r))
		}
		i += n
	}
	return b.String()
}

func isLowerASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 0x80 || ('A' <= c && c <= 'Z') {
			return false
		}
	}
	return true
}

// interpolateAll expands %(name)s references in every value against the
// uninterpolated values, as the OSSEC reader does.
func interpolateAll(vals map[string]string) map[string]string {
	out := make(map[string]string, len(vals))
	for k, v := range vals {
		out[k] = interpolate(v, vals)
	}
	return out
}

// interpolate replaces %(name)s by the value of key name (lowercased;
// empty when missing) up to ten rounds, doubling '%' in what it inserts,
// then turns "%%" into "%".
func interpolate(v string, vals map[string]string) string {
	for range 10 {
		if !strings.Contains(v, "%(") {
			break
		}
		v = substitute(v, vals)
	}
	return strings.ReplaceAll(v, "%%", "%")
}

// substitute is one left-to-right pass of %\(([^)]*)\)s replacement.
func substitute(v string, vals map[string]string) string {
	var b strings.Builder
	for i := 0; i < len(v); {
		if strings.HasPrefix(v[i:], "%(") {
			if j := strings.IndexByte(v[i+2:], ')'); j >= 0 && strings.HasPrefix(v[i+2+j+1:], "s") {
				b.WriteString(strings.ReplaceAll(vals[pyLower(v[i+2:i+2+j])], "%", "%%"))
				i += 2 + j + 2
				continue
			}
		}
		b.WriteByte(v[i])
		i++
	}
	return b.String()
}
