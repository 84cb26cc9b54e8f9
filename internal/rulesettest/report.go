package rulesettest

import (
	"bufio"
	"encoding/xml"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/gossec/gossec/internal/logtest"
)

// maxLogShown is how many characters of a failing case's log line the text
// report shows, as run-wazuh-compat does.
const maxLogShown = 300

// WriteText writes the per-file table, every failure (file:line [section]
// key, its last log line, expected vs got), the coverage summary and, last,
// the line "N passed, N failed" — the layout of run-wazuh-compat's report.
func (rep Report) WriteText(w io.Writer) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "%-42s %7s %7s\n", "file", "passed", "failed")
	for _, f := range rep.Files {
		fmt.Fprintf(bw, "%-42s %7d %7d\n", f.File, f.Passed, f.Failed)
	}
	bw.WriteString("\n")
	for _, res := range rep.Results {
		if !res.Passed {
			writeFailure(bw, res)
		}
	}
	bw.WriteString("\n")
	writeCoverage(bw, "rules", rep.Rules)
	writeCoverage(bw, "decoders", rep.Decoders)
	fmt.Fprintf(bw, "pass rate %.4f over %d cases (%d lines) from %d files", rep.rate(), len(rep.Results), rep.Lines, len(rep.Files))
	if rep.Elapsed > 0 {
		fmt.Fprintf(bw, "; wall time %.2fs", rep.Elapsed.Seconds())
	}
	fmt.Fprintf(bw, "\n%d passed, %d failed\n", rep.Passed, rep.Failed)
	return bw.Flush()
}

func (rep Report) rate() float64 {
	if n := rep.Passed + rep.Failed; n > 0 {
		return float64(rep.Passed) / float64(n)
	}
	return 0
}

func writeFailure(w *bufio.Writer, res Result) {
	c := res.Case
	fmt.Fprintf(w, "FAIL %s:%d [%s] %s", c.File, c.Line, c.Section, c.Key)
	if len(c.Lines) > 1 {
		fmt.Fprintf(w, " (%d lines, last counts)", len(c.Lines))
	}
	last := ""
	if len(c.Lines) > 0 {
		last = c.Lines[len(c.Lines)-1]
	}
	not := ""
	if c.Fail {
		not = "NOT "
	}
	fmt.Fprintf(w, "\n  log:      %s\n", truncateChars(last, maxLogShown))
	fmt.Fprintf(w, "  expected: %s%s\n", not, triple(c.Rule, c.Level, c.Decoder))
	fmt.Fprintf(w, "  got:      %s\n", triple(res.Got.RuleID, res.Got.Level, res.Got.Decoder))
}

func triple(rule, level, decoder string) string {
	return "rule=" + logtest.Repr(rule) + " level=" + logtest.Repr(level) + " decoder=" + logtest.Repr(decoder)
}

// truncateChars keeps the first n characters (a byte that is not UTF-8
// counts as one, as Python's surrogateescape makes it).
func truncateChars(s string, n int) string {
	for i := 0; i < len(s); n-- {
		if n == 0 {
			return s[:i]
		}
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
	}
	return s
}

// writeCoverage prints "rules: R of T reached" and the ids never reached,
// wrapped; nothing when no rule list was given.
func writeCoverage(w *bufio.Writer, what string, c Coverage) {
	if c.Total == 0 {
		return
	}
	fmt.Fprintf(w, "%s: %d of %d reached (%.1f%%), %d never reached", what, c.Reached, c.Total,
		100*float64(c.Reached)/float64(c.Total), len(c.Missed))
	if len(c.Missed) == 0 {
		w.WriteString("\n")
		return
	}
	w.WriteString(":\n")
	width := 0
	for _, id := range c.Missed {
		if width > 0 && width+1+len(id) > 100 {
			w.WriteString("\n")
			width = 0
		}
		if width == 0 {
			w.WriteString("   ")
			width = 3
		}
		w.WriteString(" " + id)
		width += 1 + len(id)
	}
	w.WriteString("\n")
}

// The JUnit XML shapes.
type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name     string      `xml:"name,attr"`
	Tests    int         `xml:"tests,attr"`
	Failures int         `xml:"failures,attr"`
	Cases    []junitCase `xml:"testcase"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	File      string        `xml:"file,attr"`
	Line      int           `xml:"line,attr"`
	Failure   *junitFailure `xml:"failure"`
}

type junitFailure struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",chardata"`
}

// WriteJUnit writes the report as JUnit XML: one testsuite per file (in
// name order), one testcase per case named "[section] key".
func (rep Report) WriteJUnit(w io.Writer) error {
	doc := junitSuites{Name: "ruleset", Tests: len(rep.Results), Failures: rep.Failed}
	index := make(map[string]int, len(rep.Files))
	for i, f := range rep.Files {
		index[f.File] = i
		doc.Suites = append(doc.Suites, junitSuite{Name: f.File, Tests: f.Passed + f.Failed, Failures: f.Failed})
	}
	for _, res := range rep.Results {
		s := &doc.Suites[index[res.Case.File]]
		s.Cases = append(s.Cases, junitTestCase(res))
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return fmt.Errorf("rulesettest: junit: %w", err)
	}
	_, err := io.WriteString(w, "\n")
	return err
}

func junitTestCase(res Result) junitCase {
	c := res.Case
	jc := junitCase{
		Name:      "[" + c.Section + "] " + c.Key,
		Classname: strings.TrimSuffix(c.File, ".ini"),
		File:      c.File,
		Line:      c.Line,
	}
	if res.Passed {
		return jc
	}
	not := ""
	if c.Fail {
		not = "NOT "
	}
	msg := "expected " + not + triple(c.Rule, c.Level, c.Decoder) + ", got " + triple(res.Got.RuleID, res.Got.Level, res.Got.Decoder)
	var text strings.Builder
	for i, l := range c.Lines {
		text.WriteString("log " + strconv.Itoa(i+1) + ": " + l + "\n")
	}
	jc.Failure = &junitFailure{Message: msg, Type: "mismatch", Text: text.String()}
	return jc
}
