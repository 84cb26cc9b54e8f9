// Command testsummary reads `go test -json` from standard input, prints
// the ordinary test output as it arrives, and ends with what a person
// reading a CI log wants to know: which tests failed, which were skipped
// and why, and the closing line "N passed, N failed, N skipped".
//
// It exits 1 when a test or a package failed (a build error or a panic
// counts as a failed package even when no test reported "fail").
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
)

// event is one line of `go test -json` (cmd/test2json).
type event struct {
	Action  string
	Package string
	Test    string
	Output  string
}

type testKey struct{ pkg, test string }

type summary struct {
	passed, failed, skipped int
	failedTests             []string
	failedPkgs              []string
	skips                   map[string][]string // reason -> tests
	output                  map[testKey][]string
	notes                   []string
}

// notes are lines printed in the summary before the closing line, such
// as the result of a check that is not a Go test.
type notes []string

func (n *notes) String() string     { return strings.Join(*n, "; ") }
func (n *notes) Set(v string) error { *n = append(*n, v); return nil }

func main() {
	var extra notes
	flag.Var(&extra, "note", "a line to print in the summary (repeatable)")
	flag.Parse()
	s, err := read(os.Stdin, os.Stdout)
	if err != nil {
		fmt.Fprintln(os.Stderr, "testsummary:", err)
		os.Exit(2)
	}
	s.notes = extra
	s.print(os.Stdout)
	if s.failed > 0 || len(s.failedPkgs) > 0 {
		os.Exit(1)
	}
}

func read(r io.Reader, echo io.Writer) (*summary, error) {
	s := &summary{skips: map[string][]string{}, output: map[testKey][]string{}}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for sc.Scan() {
		line := sc.Bytes()
		var ev event
		if err := json.Unmarshal(line, &ev); err != nil || ev.Action == "" {
			// Not test2json (a build error printed by go itself): keep it.
			fmt.Fprintf(echo, "%s\n", line)
			continue
		}
		s.add(ev, echo)
	}
	return s, sc.Err()
}

func (s *summary) add(ev event, echo io.Writer) {
	k := testKey{ev.Package, ev.Test}
	switch ev.Action {
	case "output":
		io.WriteString(echo, ev.Output)
		if ev.Test != "" {
			s.output[k] = append(s.output[k], ev.Output)
		}
	case "pass":
		if ev.Test != "" {
			s.passed++
		}
		delete(s.output, k)
	case "fail":
		if ev.Test == "" {
			s.failedPkgs = append(s.failedPkgs, ev.Package)
		} else {
			s.failed++
			s.failedTests = append(s.failedTests, ev.Package+" "+ev.Test)
		}
		delete(s.output, k)
	case "skip":
		if ev.Test != "" {
			s.skipped++
			reason := skipReason(s.output[k])
			s.skips[reason] = append(s.skips[reason], shortPkg(ev.Package)+" "+ev.Test)
		}
		delete(s.output, k)
	}
}

// skipReason is the message t.Skip printed: the last output line of the
// test that is not go test's own "=== RUN" or "--- SKIP" line, without
// the "file.go:12: " prefix.
func skipReason(out []string) string {
	for i := len(out) - 1; i >= 0; i-- {
		l := strings.TrimSpace(out[i])
		if l == "" || strings.HasPrefix(l, "=== ") || strings.HasPrefix(l, "--- ") {
			continue
		}
		if _, rest, ok := strings.Cut(l, ": "); ok && strings.Contains(l[:len(l)-len(rest)], ".go:") {
			l = rest
		}
		return l
	}
	return "(no reason given)"
}

func shortPkg(p string) string {
	return strings.TrimPrefix(p, "github.com/gossec/gossec/")
}

func (s *summary) print(w io.Writer) {
	fmt.Fprintln(w)
	fmt.Fprintln(w, "== summary ==")
	if len(s.skips) > 0 {
		reasons := make([]string, 0, len(s.skips))
		for r := range s.skips {
			reasons = append(reasons, r)
		}
		sort.Strings(reasons)
		fmt.Fprintln(w, "skipped:")
		for _, r := range reasons {
			tests := s.skips[r]
			sort.Strings(tests)
			fmt.Fprintf(w, "  %d × %s\n", len(tests), r)
			for _, t := range tests {
				fmt.Fprintf(w, "      %s\n", t)
			}
		}
	}
	for _, t := range s.failedTests {
		fmt.Fprintf(w, "FAILED: %s\n", t)
	}
	for _, p := range s.failedPkgs {
		fmt.Fprintf(w, "FAILED package: %s\n", p)
	}
	for _, n := range s.notes {
		fmt.Fprintln(w, n)
	}
	fmt.Fprintf(w, "%d passed, %d failed, %d skipped\n", s.passed, s.failed, s.skipped)
}
