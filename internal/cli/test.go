package cli

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/gossec/gossec/internal/engine"
	"github.com/gossec/gossec/internal/rulesettest"
)

// Test runs `gossec test`: OSSEC/Wazuh .ini ruleset tests.
func Test(args []string, s Streams) int {
	tuneGC()
	fs := flag.NewFlagSet("test", flag.ContinueOnError)
	fs.SetOutput(s.Err)
	var c commonFlags
	c.register(fs)
	junit := fs.String("junit", "", "write a JUnit XML report to this file")
	ossec := fs.Bool("ossec", false, "read and judge the files as OSSEC's runtests.py does")
	geoip := fs.Bool("geoip", false, "also run *geoip.ini files found in folders (they need a GeoIP database)")
	if err := fs.Parse(args); err != nil {
		return ExitUsage
	}
	if fs.NArg() == 0 {
		fmt.Fprintln(s.Err, "gossec test: give .ini files or folders holding them")
		return ExitUsage
	}
	c.defaultHome()
	rs, code := c.loadRuleset(s, quietWarn)
	if code != ExitOK {
		return code
	}
	dialect := rulesettest.Wazuh
	if *ossec {
		dialect = rulesettest.OSSEC
	}
	cases, err := readCases(fs.Args(), dialect, *geoip)
	if err != nil {
		fmt.Fprintf(s.Err, "gossec test: %v\n", err)
		return ExitUsage
	}
	r := &rulesettest.Runner{
		NewSession:  func() rulesettest.Session { return session{engine.NewAnalyzer(rs, engine.Options{Logtest: true})} },
		AllRules:    ruleIDs(rs),
		AllDecoders: rs.Decoders.Names(),
	}
	rep := r.Run(cases)
	rep.WriteText(s.Out)
	if *junit != "" {
		if code := writeJUnit(*junit, rep, s); code != ExitOK {
			return code
		}
	}
	if rep.Failed > 0 {
		return ExitFailure
	}
	return ExitOK
}

type session struct{ an *engine.Analyzer }

func (s session) Process(line string) rulesettest.Outcome {
	res := s.an.Analyze("stdin", line, nil)
	var o rulesettest.Outcome
	if r := res.Match.Rule; r != nil {
		o.RuleID, o.Level = strconv.Itoa(r.ID), strconv.Itoa(r.Level)
	}
	if d := res.Event.Decoder; d != nil {
		o.Decoder = d.Name
	}
	return o
}

func ruleIDs(rs *engine.Ruleset) []string {
	ids := rs.Rules.IDs()
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = strconv.Itoa(id)
	}
	return out
}

func readCases(paths []string, d rulesettest.Dialect, geoip bool) ([]rulesettest.Case, error) {
	var files []string
	for _, p := range paths {
		st, err := os.Stat(p)
		if err != nil {
			return nil, err
		}
		if !st.IsDir() {
			files = append(files, p)
			continue
		}
		m, _ := filepath.Glob(filepath.Join(p, "*.ini"))
		sort.Strings(m)
		for _, f := range m {
			if geoip || !strings.HasSuffix(f, "geoip.ini") {
				files = append(files, f)
			}
		}
	}
	var all []rulesettest.Case
	for _, f := range files {
		cs, err := rulesettest.ReadFile(f, d)
		if err != nil {
			return nil, err
		}
		all = append(all, cs...)
	}
	return all, nil
}

func writeJUnit(path string, rep rulesettest.Report, s Streams) int {
	f, err := os.Create(path)
	if err != nil {
		fmt.Fprintf(s.Err, "gossec test: %v\n", err)
		return ExitFailure
	}
	defer f.Close()
	if err := rep.WriteJUnit(f); err != nil {
		fmt.Fprintf(s.Err, "gossec test: writing %s: %v\n", path, err)
		return ExitFailure
	}
	return ExitOK
}
