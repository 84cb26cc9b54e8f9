package rulesettest

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// pythonCases loads run-wazuh-compat as a module and prints, for every file
// argument and both readings, its read_cases output with every string
// hex-encoded (surrogateescape), so undecodable bytes survive the trip.
const pythonCases = `
import importlib.machinery, importlib.util, json, sys
loader = importlib.machinery.SourceFileLoader("rwc", sys.argv[1])
spec = importlib.util.spec_from_loader("rwc", loader)
m = importlib.util.module_from_spec(spec)
loader.exec_module(m)
h = lambda s: s.encode("utf-8", "surrogateescape").hex()
out = {}
for path in sys.argv[2:]:
    for merge in (True, False):
        out[path + "|" + str(merge)] = [
            [h(sec), h(key), [h(l) for l in lines], neg, [h(x) for x in exp]]
            for sec, key, lines, neg, exp in m.read_cases(path, merge)]
json.dump(out, sys.stdout)
`

// TestReaderAgainstRunWazuhCompat reads the testdata files, every shared
// Wazuh test file and a set of generated hostile files with both this
// package and run-wazuh-compat's own reader, and requires identical cases.
func TestReaderAgainstRunWazuhCompat(t *testing.T) {
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 not found")
	}
	script := filepath.Join("..", "..", "..", "shared", "compat", "run-wazuh-compat")
	if _, err := os.Stat(script); err != nil {
		t.Skip("run-wazuh-compat not found")
	}
	files, _ := filepath.Glob("testdata/*.ini")
	shared, _ := filepath.Glob(filepath.Join("..", "..", "..", "shared", "compat", "wazuh-4.9.2", "tests", "*.ini"))
	files = append(files, shared...)
	files = append(files, generateIniFiles(t, 300)...)

	cmd := exec.Command(py, append([]string{"-c", pythonCases, script}, files...)...)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("python reader: %v", err)
	}
	var want map[string][][]any
	if err := json.Unmarshal(out, &want); err != nil {
		t.Fatal(err)
	}
	pyBool := map[bool]string{true: "True", false: "False"}
	bad, compared := 0, 0
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range []Dialect{Wazuh, OSSEC} {
			cs := Parse(filepath.Base(f), data, d)
			compared += len(cs)
			got := encodeCases(cs)
			w, _ := json.Marshal(want[f+"|"+pyBool[d == Wazuh]])
			if string(got) != string(w) {
				t.Errorf("%s (%v): cases differ from run-wazuh-compat\n got %.2000s\nwant %.2000s\ninput %.2000q", f, d, got, w, data)
				if bad++; bad == 5 {
					t.Fatal("too many differences")
				}
			}
		}
	}
	if compared < 2500 { // the shared files alone hold 2 × 1393 cases
		t.Errorf("only %d cases compared", compared)
	}
	t.Logf("%d files, %d cases identical", len(files), compared)
}

// encodeCases renders cases in the shape pythonCases prints.
func encodeCases(cs []Case) []byte {
	h := func(s string) string { return hex.EncodeToString([]byte(s)) }
	rows := [][]any{}
	for _, c := range cs {
		lines := []string{}
		for _, l := range c.Lines {
			lines = append(lines, h(l))
		}
		rows = append(rows, []any{h(c.Section), h(c.Key), lines, c.Fail, []string{h(c.Rule), h(c.Level), h(c.Decoder)}})
	}
	b, _ := json.Marshal(rows)
	return b
}

// iniPieces are line fragments chosen to hit every branch of the reader.
var iniPieces = []string{
	"[s]", "[s] tail", "[t]", "[]", "[S]", "[s", "\ufeff[s]",
	"log 1 pass = a", "LOG 1 Pass: b ; c", "log 1 fail = ;d ", "log 2 pass = e;f", "log 2 pass=g\t;h",
	"log 3 pass = \"\"", "log 3 pass =", "log 1 pass = %(rule)s %% %(RULE)s %(x", "log 1 pass = 100%%",
	"  cont", "\tcont2", " ", "\u00a0nbsp cont", "\x1cfs", "\u2003em = x",
	"rem x", "REM", "Rem\ty", "remx = 1", "rem=2", "#c", ";c", "", "=x", ":y", "x", "Sep 20 15 bogus",
	"rule = 1", "rule: 2", "alert = 3", "alert = \"\"", "decoder = d ; x", "decoder = %(log 1 pass)s",
	"log \u0130 pass = z", "log 1 pass = \xff\xfe", "log 1 pass = \xe9t\xe9", "name = v%(name)s",
}

var lineEnds = []string{"\n", "\n", "\n", "\r\n", "\r"}

// generateIniFiles writes n pseudo-random files built from iniPieces.
func generateIniFiles(t *testing.T, n int) []string {
	dir := t.TempDir()
	rng := rand.New(rand.NewPCG(1, 2))
	var paths []string
	for i := range n {
		var b strings.Builder
		for range 1 + rng.IntN(25) {
			b.WriteString(iniPieces[rng.IntN(len(iniPieces))])
			b.WriteString(lineEnds[rng.IntN(len(lineEnds))])
		}
		p := filepath.Join(dir, fmt.Sprintf("gen%03d.ini", i))
		if err := os.WriteFile(p, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
	}
	return paths
}

// fakeEngine answers each input line from a JSON map of hex(line) to
// [rule, level, decoder], in run-wazuh-compat's engine contract.
const fakeEngine = `
import json, sys
m = json.load(open(sys.argv[1]))
for raw in sys.stdin.buffer:
    line = raw.rstrip(b"\n")
    if not line:
        continue
    r, l, d = m.get(line.hex(), ["", "", ""])
    print(json.dumps({"rule": {"id": r, "level": l}, "decoder": {"name": d}}))
`

// mapSession is the Go side of fakeEngine.
type mapSession map[string][3]string

func (m mapSession) Process(line string) Outcome {
	o := m[hex.EncodeToString([]byte(line))]
	return Outcome{o[0], o[1], o[2]}
}

// TestRunnerAgainstRunWazuhCompat runs the shared Wazuh cases through
// run-wazuh-compat and through Runner with the same scripted engine, which
// answers most last lines as expected and perturbs the rest, and requires
// the same per-file table, the same failures and the same totals.
func TestRunnerAgainstRunWazuhCompat(t *testing.T) {
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 not found")
	}
	script := filepath.Join("..", "..", "..", "shared", "compat", "run-wazuh-compat")
	if _, err := os.Stat(script); err != nil {
		t.Skip("run-wazuh-compat not found")
	}
	dir := sharedTests(t)
	answers := mapSession{}
	for _, d := range []Dialect{Wazuh, OSSEC} {
		cs, err := ReadDir(dir, d, true)
		if err != nil {
			t.Fatal(err)
		}
		for i, c := range cs {
			for j, l := range c.Lines {
				k := hex.EncodeToString([]byte(l))
				if _, ok := answers[k]; ok {
					continue
				}
				a := [3]string{c.Rule, c.Level, c.Decoder}
				switch {
				case j < len(c.Lines)-1:
					a = [3]string{"1", "0", "early"}
				case i%7 == 0:
					a[1] = "99"
				case i%11 == 0:
					a[2] = ""
				case i%13 == 0 && d == OSSEC:
					a[2] = strings.ToUpper(a[2])
				}
				answers[k] = a
			}
		}
	}
	mapFile := filepath.Join(t.TempDir(), "answers.json")
	data, _ := json.Marshal(answers)
	if err := os.WriteFile(mapFile, data, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, d := range []Dialect{Wazuh, OSSEC} {
		cmd := exec.Command(py, script, "--geoip", "--runner", d.String(), "--tests", dir, "--", py, "-c", fakeEngine, mapFile)
		want, _ := cmd.Output() // exit status 1 when the pass rate is low
		cs, err := ReadDir(dir, d, true)
		if err != nil {
			t.Fatal(err)
		}
		rep := (&Runner{NewSession: func() Session { return answers }}).Run(cs)
		var got bytes.Buffer
		if err := rep.WriteText(&got); err != nil {
			t.Fatal(err)
		}
		if rep.Passed == 0 || rep.Failed == 0 {
			t.Errorf("%v: %d passed, %d failed: the scripted engine should give both", d, rep.Passed, rep.Failed)
		}
		g, w := comparable(got.String()), comparable(string(want))
		if g != w {
			t.Errorf("%v: report differs from run-wazuh-compat's\n--- got\n%.3000s\n--- want\n%.3000s", d, g, w)
		}
	}
}

var failLoc = regexp.MustCompile(`(?m)^(FAIL [^ ]+):\d+ \[`)

// comparable drops what only one side prints: the line numbers of
// failures and the pass-rate line (wall time).
func comparable(report string) string {
	report = failLoc.ReplaceAllString(report, "$1 [")
	var keep []string
	for _, l := range strings.Split(report, "\n") {
		if !strings.HasPrefix(l, "pass rate ") {
			keep = append(keep, l)
		}
	}
	return strings.Join(keep, "\n")
}
