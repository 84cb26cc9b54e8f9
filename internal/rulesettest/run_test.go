package rulesettest

import (
	"bytes"
	"encoding/xml"
	"flag"
	"os"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden")

func TestJudge(t *testing.T) {
	exp := Case{Rule: "5716", Level: "5", Decoder: "sshd"}
	hit := Outcome{"5716", "5", "sshd"}
	tests := []struct {
		name string
		c    Case
		got  Outcome
		want bool
	}{
		{"pass matches", exp, hit, true},
		{"pass wrong level", exp, Outcome{"5716", "3", "sshd"}, false},
		{"pass wrong case", exp, Outcome{"5716", "5", "SSHD"}, false},
		{"pass nothing", exp, Outcome{}, false},
		{"fail matches", withFail(exp), hit, false},
		{"fail differs", withFail(exp), Outcome{"1", "5", "sshd"}, true},
		{"empty expectation never passes", Case{Rule: "1", Level: "", Decoder: "d"}, Outcome{"1", "", "d"}, false},
		{"fail with empty expectation always passes", withFail(Case{Rule: "1", Decoder: "d"}), Outcome{"1", "", "d"}, true},
		{"all empty", Case{}, Outcome{}, false},
		{"ossec ignores case", Case{Rule: "A", Level: "1", Decoder: "SSHD", Dialect: OSSEC}, Outcome{"a", "1", "sshd"}, true},
		{"ossec fail ignores case", withFail(Case{Rule: "A", Level: "1", Decoder: "SSHD", Dialect: OSSEC}), Outcome{"a", "1", "sshd"}, false},
	}
	for _, tt := range tests {
		if got := Judge(tt.c, tt.got); got != tt.want {
			t.Errorf("%s: Judge = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func withFail(c Case) Case { c.Fail = true; return c }

// countingSession answers from its own line count, so a session reused
// across cases would give different answers.
type countingSession struct {
	n      int
	closed *atomic.Int32
}

func (s *countingSession) Process(line string) Outcome {
	s.n++
	if strings.Contains(line, "\r") {
		return Outcome{RuleID: "cr"}
	}
	if strings.HasPrefix(line, "brute") {
		if s.n >= 3 {
			return Outcome{"5712", "10", "sshd"}
		}
		return Outcome{"5716", "5", "sshd"}
	}
	if line == "nodec" {
		return Outcome{RuleID: "1002", Level: "2"}
	}
	return Outcome{"0", "0", ""}
}

func (s *countingSession) Close() error { s.closed.Add(1); return nil }

func fakeCases() []Case {
	return []Case{
		{File: "b.ini", Section: "brute", Key: "log 1 pass", Line: 3, Lines: []string{"brute 1", "brute 2", "brute 3"}, Rule: "5712", Level: "10", Decoder: "sshd"},
		{File: "b.ini", Section: "single", Key: "log 2 pass", Line: 9, Lines: []string{"brute 1"}, Rule: "5712", Level: "10", Decoder: "sshd"},
		{File: "a.ini", Section: "neg", Key: "log 1 fail", Line: 2, Lines: []string{"brute x"}, Rule: "5712", Level: "10", Decoder: "sshd", Fail: true},
		{File: "a.ini", Section: "nodec", Key: "log 1 pass", Line: 7, Lines: []string{"nodec"}, Rule: "1002", Level: "2", Decoder: ""},
		{File: "a.ini", Section: "cr", Key: "log 2 pass", Line: 8, Lines: []string{"a\rb"}, Rule: "x", Level: "1", Decoder: "d"},
		{File: "c.ini", Section: "none", Key: "log 1 pass", Line: 1, Rule: "1", Level: "1", Decoder: "d"},
	}
}

func runFake(t *testing.T, parallel int) (Report, int32) {
	t.Helper()
	var closed atomic.Int32
	r := &Runner{
		NewSession:  func() Session { return &countingSession{closed: &closed} },
		AllRules:    []string{"1002", "5712", "5716", "5712", "9999"},
		AllDecoders: []string{"sshd", "json"},
		Parallel:    parallel,
	}
	rep := r.Run(fakeCases())
	rep.Elapsed = 0
	return rep, closed.Load()
}

func TestRunner(t *testing.T) {
	rep, closed := runFake(t, 1)
	if closed != 6 {
		t.Errorf("%d sessions closed, want 6", closed)
	}
	var passed []bool
	for _, r := range rep.Results {
		passed = append(passed, r.Passed)
	}
	// brute passes only on its third line in one session; single fails
	// (fresh session); neg passes (fail key, result differs); nodec fails
	// (empty expected decoder); the CR becomes a space; no lines fails.
	if want := []bool{true, false, true, false, false, false}; !reflect.DeepEqual(passed, want) {
		t.Errorf("passed = %v, want %v", passed, want)
	}
	if rep.Results[4].Got.RuleID == "cr" {
		t.Error("carriage return reached the session")
	}
	wantFiles := []FileCount{{"a.ini", 1, 2}, {"b.ini", 1, 1}, {"c.ini", 0, 1}}
	if !reflect.DeepEqual(rep.Files, wantFiles) {
		t.Errorf("files = %v, want %v", rep.Files, wantFiles)
	}
	if rep.Passed != 2 || rep.Failed != 4 || rep.Lines != 7 {
		t.Errorf("passed %d failed %d lines %d, want 2 4 7", rep.Passed, rep.Failed, rep.Lines)
	}
	wantRules := Coverage{Total: 4, Reached: 3, Missed: []string{"9999"}}
	wantDec := Coverage{Total: 2, Reached: 1, Missed: []string{"json"}}
	if !reflect.DeepEqual(rep.Rules, wantRules) || !reflect.DeepEqual(rep.Decoders, wantDec) {
		t.Errorf("coverage = %+v %+v, want %+v %+v", rep.Rules, rep.Decoders, wantRules, wantDec)
	}
	par, closed := runFake(t, 4)
	if closed != 6 || !reflect.DeepEqual(par, rep) {
		t.Errorf("parallel run differs:\n%+v\n%+v", par, rep)
	}
}

func TestRunEmpty(t *testing.T) {
	r := &Runner{NewSession: func() Session { return &countingSession{} }}
	rep := r.Run(nil)
	var b bytes.Buffer
	if err := rep.WriteText(&b); err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(b.String(), "\n0 passed, 0 failed\n") {
		t.Errorf("got %q", b.String())
	}
}

func TestWriteTextGolden(t *testing.T) {
	rep, _ := runFake(t, 1)
	// A long line is cut at 300 characters, counted as characters.
	rep.Results[1].Case.Lines = []string{strings.Repeat("é", 299) + "xyz"}
	rep.Results[1].Case.Rule = "it's"
	var b bytes.Buffer
	if err := rep.WriteText(&b); err != nil {
		t.Fatal(err)
	}
	const golden = "testdata/report.golden"
	if *update {
		if err := os.WriteFile(golden, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if !bytes.Equal(b.Bytes(), want) {
		t.Errorf("report differs from %s\n--- got\n%s\n--- want\n%s", golden, b.Bytes(), want)
	}
}

func TestWriteJUnit(t *testing.T) {
	rep, _ := runFake(t, 1)
	rep.Results[3].Case.Lines = []string{"bad \x1b control & <xml> \xff"}
	var b bytes.Buffer
	if err := rep.WriteJUnit(&b); err != nil {
		t.Fatal(err)
	}
	var doc junitSuites
	if err := xml.Unmarshal(b.Bytes(), &doc); err != nil {
		t.Fatalf("invalid XML: %v\n%s", err, b.Bytes())
	}
	if doc.Tests != 6 || doc.Failures != 4 || len(doc.Suites) != 3 {
		t.Fatalf("totals %d/%d in %d suites", doc.Tests, doc.Failures, len(doc.Suites))
	}
	a := doc.Suites[0]
	if a.Name != "a.ini" || a.Tests != 3 || a.Failures != 2 || len(a.Cases) != 3 {
		t.Fatalf("suite a.ini: %+v", a)
	}
	neg, nodec := a.Cases[0], a.Cases[1]
	if neg.Name != "[neg] log 1 fail" || neg.Line != 2 || neg.Classname != "a" || neg.Failure != nil {
		t.Errorf("passing case: %+v", neg)
	}
	if nodec.Failure == nil || !strings.Contains(nodec.Failure.Message, "decoder=''") ||
		!strings.Contains(nodec.Failure.Text, "bad \ufffd control & <xml> \ufffd") {
		t.Errorf("failing case: %+v", nodec.Failure)
	}
}
