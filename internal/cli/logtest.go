package cli

import (
	"bufio"
	"bytes"
	"flag"
	"fmt"
	"io"

	"github.com/gossec/gossec/internal/alert"
	"github.com/gossec/gossec/internal/engine"
	"github.com/gossec/gossec/internal/logtest"
)

// Version is printed in banners.
var Version = "0.1.0"

// maxLine is the longest line logtest accepts whole (OS_MAXSTR); longer
// input is cut there, as analysisd does.
const maxLine = 65536

// Logtest runs `gossec logtest`: read events from standard input, one per
// line, and print what the engine does with each.
func Logtest(args []string, s Streams) int {
	tuneGC()
	fs := flag.NewFlagSet("logtest", flag.ContinueOnError)
	fs.SetOutput(s.Err)
	var c commonFlags
	c.register(fs)
	verbose := fs.Bool("v", false, "print the rule-tree trace")
	expect := fs.String("U", "", "rule:level:decoder: exit 0 only if the last event gives exactly this")
	jsonOut := fs.Bool("json", false, "print one alerts.json-shaped object per line; an empty line starts a new session")
	if err := fs.Parse(args); err != nil {
		return ExitUsage
	}
	var exp logtest.Expectation
	if *expect != "" {
		var err error
		if exp, err = logtest.ParseExpectation(*expect); err != nil {
			fmt.Fprintf(s.Err, "gossec logtest: -U: %v\n", err)
			return ExitUsage
		}
	}
	c.defaultHome()
	rs, code := c.loadRuleset(s, quietWarn)
	if code != ExitOK {
		return code
	}
	an := engine.NewAnalyzer(rs, engine.Options{Logtest: true})
	if *jsonOut {
		return logtestJSON(an, s)
	}
	return logtestText(an, s, *verbose, *expect != "", exp)
}

func logtestJSON(an *engine.Analyzer, s Streams) int {
	w := bufio.NewWriter(s.Out)
	defer w.Flush()
	var buf []byte
	err := eachLine(s.In, func(line string) {
		if line == "" {
			an.Reset()
			return
		}
		res := an.Analyze("stdin", line, nil)
		buf = alert.AppendJSON(buf[:0], an.Alert(res))
		buf = append(buf, '\n')
		w.Write(buf)
	})
	if err != nil {
		fmt.Fprintf(s.Err, "gossec logtest: reading input: %v\n", err)
		return ExitFailure
	}
	return ExitOK
}

func logtestText(an *engine.Analyzer, s Streams, verbose, checkLast bool, exp logtest.Expectation) int {
	logtest.Banner(s.Err, "gossec-logtest", Version)
	var last logtest.Output
	tr := &traceCollector{}
	err := eachLine(s.In, func(line string) {
		if line == "" {
			return
		}
		tr.lines = tr.lines[:0]
		var t engineTracer
		if verbose {
			t = tr
		}
		res := an.Analyze("stdin", line, t)
		for _, c := range res.Cuts {
			how := "timed out"
			if c.Skipped {
				how = "skipped, the event's regex budget was spent"
			}
			fmt.Fprintf(s.Err, "**Regex match cut, counted as no match: %s %s, pattern %q (%s)\n", c.OwnerKind, c.Owner, c.Pattern.String(), how)
		}
		out := logtest.Output{
			Alert:          alert.AppendJSON(nil, an.Alert(res)),
			Trace:          append([]string(nil), tr.lines...),
			AlertGenerated: res.Match.Alert,
		}
		logtest.Write(s.Out, out, logtest.Options{Verbose: verbose})
		last = out
	})
	if err != nil {
		fmt.Fprintf(s.Err, "gossec logtest: reading input: %v\n", err)
		return ExitFailure
	}
	if checkLast {
		// With no event the expectation is compared with an empty result,
		// as wazuh-logtest -U does.
		return exp.ExitCode(last)
	}
	return ExitOK
}

// eachLine calls fn for every line of r without its line ending; a line
// longer than maxLine is cut there and the rest discarded.
func eachLine(r io.Reader, fn func(string)) error {
	return eachLineBytes(r, func(line []byte) { fn(string(line)) })
}

// eachLineBytes is eachLine without the copy: fn gets the line (without
// its line ending) in the reader's buffer, valid only until fn returns. A
// caller that keeps nothing of the line, or copies only what it keeps,
// saves the per-line allocation eachLine makes.
func eachLineBytes(r io.Reader, fn func([]byte)) error {
	br := bufio.NewReaderSize(r, maxLine)
	for {
		line, err := br.ReadSlice('\n')
		if err == bufio.ErrBufferFull {
			fn(trimEOLBytes(line))
			for err == bufio.ErrBufferFull {
				_, err = br.ReadSlice('\n')
			}
			if err == io.EOF {
				return nil
			} else if err != nil {
				return err
			}
			continue
		}
		if len(line) > 0 {
			fn(trimEOLBytes(line))
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

func trimEOLBytes(b []byte) []byte {
	b = bytes.TrimSuffix(b, []byte("\n"))
	return bytes.TrimSuffix(b, []byte("\r"))
}
