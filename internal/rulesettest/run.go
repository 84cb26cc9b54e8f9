package rulesettest

import (
	"io"
	"sort"
	"strings"
	"sync"
	"time"
)

// Outcome is the engine's verdict on one line: the id of the final rule,
// its level and the name of the decoder, each empty when there is none.
type Outcome struct{ RuleID, Level, Decoder string }

// Session analyses lines with correlation state that lasts for the session.
// A session that also implements io.Closer is closed after its case.
type Session interface{ Process(line string) Outcome }

// Runner runs cases, each in a fresh session.
type Runner struct {
	NewSession func() Session
	// AllRules and AllDecoders are every rule id and decoder name loaded;
	// the report lists those no processed line ended on.
	AllRules    []string
	AllDecoders []string
	// Parallel is how many cases run at once (NewSession and the sessions
	// must then be safe for that); 0 or 1 runs them in order.
	Parallel int
}

// Result is one judged case.
type Result struct {
	Case   Case
	Got    Outcome // of the last line; zero when the case has no line
	Passed bool
}

// FileCount is the pass/fail tally of one file.
type FileCount struct {
	File           string
	Passed, Failed int
}

// Coverage says how many of the loaded rules (or decoders) some processed
// line ended on, and which ones none did.
type Coverage struct {
	Total, Reached int
	Missed         []string // in the order they were given
}

// Report is the outcome of a run.
type Report struct {
	Results        []Result    // in case order
	Files          []FileCount // sorted by file name
	Passed, Failed int
	Lines          int // lines processed
	Rules          Coverage
	Decoders       Coverage
	Elapsed        time.Duration // wall time of the run; WriteText omits it when zero
}

// Run processes every case in a fresh session and judges it.
func (r *Runner) Run(cases []Case) Report {
	start := time.Now()
	results := make([]Result, len(cases))
	seen := r.runAll(cases, results)
	rep := Report{Results: results, Elapsed: time.Since(start)}
	files := map[string]*FileCount{}
	for _, res := range results {
		rep.Lines += len(res.Case.Lines)
		fc := files[res.Case.File]
		if fc == nil {
			fc = &FileCount{File: res.Case.File}
			files[res.Case.File] = fc
		}
		if res.Passed {
			fc.Passed++
			rep.Passed++
		} else {
			fc.Failed++
			rep.Failed++
		}
	}
	for _, fc := range files {
		rep.Files = append(rep.Files, *fc)
	}
	sort.Slice(rep.Files, func(i, j int) bool { return rep.Files[i].File < rep.Files[j].File })
	rep.Rules = coverage(r.AllRules, seen.rules)
	rep.Decoders = coverage(r.AllDecoders, seen.decoders)
	return rep
}

// reached collects the rule ids and decoder names lines ended on.
type reached struct {
	rules, decoders map[string]bool
}

func newReached() reached {
	return reached{rules: map[string]bool{}, decoders: map[string]bool{}}
}

func (s reached) add(o Outcome) {
	if o.RuleID != "" {
		s.rules[o.RuleID] = true
	}
	if o.Decoder != "" {
		s.decoders[o.Decoder] = true
	}
}

func (s reached) merge(o reached) {
	for k := range o.rules {
		s.rules[k] = true
	}
	for k := range o.decoders {
		s.decoders[k] = true
	}
}

// runAll fills results[i] for cases[i], on Parallel goroutines.
func (r *Runner) runAll(cases []Case, results []Result) reached {
	workers := min(max(r.Parallel, 1), max(len(cases), 1))
	all := newReached()
	var mu sync.Mutex
	var wg sync.WaitGroup
	next := make(chan int)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			mine := newReached()
			for i := range next {
				results[i] = r.runCase(cases[i], mine)
			}
			mu.Lock()
			all.merge(mine)
			mu.Unlock()
		}()
	}
	for i := range cases {
		next <- i
	}
	close(next)
	wg.Wait()
	return all
}

// runCase feeds the case's lines to a fresh session and judges the last
// result. Carriage returns become spaces, as run-wazuh-compat sends lines.
func (r *Runner) runCase(c Case, seen reached) Result {
	s := r.NewSession()
	if cl, ok := s.(io.Closer); ok {
		defer cl.Close()
	}
	var got Outcome
	for _, line := range c.Lines {
		got = s.Process(strings.ReplaceAll(line, "\r", " "))
		seen.add(got)
	}
	return Result{Case: c, Got: got, Passed: Judge(c, got)}
}

// Judge reports whether a case passes given the result of its last line:
// a pass case needs the expected rule id, level and decoder, none of them
// empty (wazuh-logtest -U exits non-zero otherwise); a fail case passes
// when a pass case would not. The OSSEC dialect compares ignoring case.
func Judge(c Case, got Outcome) bool {
	want := [3]string{c.Rule, c.Level, c.Decoder}
	have := [3]string{got.RuleID, got.Level, got.Decoder}
	if c.Dialect == OSSEC {
		for i := range want {
			want[i], have[i] = pyLower(want[i]), pyLower(have[i])
		}
	}
	ok := want == have && want[0] != "" && want[1] != "" && want[2] != ""
	return ok != c.Fail
}

func coverage(all []string, seen map[string]bool) Coverage {
	c := Coverage{}
	dup := make(map[string]bool, len(all))
	for _, id := range all {
		if dup[id] {
			continue
		}
		dup[id] = true
		c.Total++
		if seen[id] {
			c.Reached++
		} else {
			c.Missed = append(c.Missed, id)
		}
	}
	return c
}
