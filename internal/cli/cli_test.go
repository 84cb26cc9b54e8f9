package cli

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite golden files")

func run(t *testing.T, cmd func([]string, Streams) int, args []string, stdin string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := cmd(args, Streams{In: strings.NewReader(stdin), Out: &out, Err: &errb})
	return code, out.String(), errb.String()
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if got != string(want) {
		t.Errorf("%s differs:\n got:\n%s\nwant:\n%s", name, got, want)
	}
}

const sampleLines = `Nov 21 09:13:44 db1 sshd[2230]: Failed password for root from 203.0.113.9 port 41022 ssh2
{"event":"login","user":"app","srcip":"10.0.4.20","tags":["a","b"]}
a line no decoder knows
`

func TestLogtestTextGolden(t *testing.T) {
	code, out, _ := run(t, Logtest, nil, sampleLines)
	if code != ExitOK {
		t.Fatalf("exit %d", code)
	}
	golden(t, "logtest.golden", out)
	code, out, _ = run(t, Logtest, []string{"-v"}, sampleLines)
	if code != ExitOK {
		t.Fatalf("exit %d", code)
	}
	golden(t, "logtest-v.golden", out)
}

func TestLogtestExpectation(t *testing.T) {
	line := "Nov 21 09:13:44 db1 sshd[2230]: Failed password for root from 203.0.113.9 port 41022 ssh2\n"
	tests := []struct {
		expect string
		code   int
	}{
		{"250102:5:gossec-sshd", 0},
		{"250102:5:other", 1},
		{"250101:5:gossec-sshd", 1},
		{"250102:5:", 1},
	}
	for _, tt := range tests {
		if code, _, _ := run(t, Logtest, []string{"-U", tt.expect}, line); code != tt.code {
			t.Errorf("-U %s: exit %d, want %d", tt.expect, code, tt.code)
		}
	}
	if code, _, _ := run(t, Logtest, []string{"-U", "bad"}, line); code != ExitUsage {
		t.Errorf("-U bad: exit %d, want usage", code)
	}
}

// TestLogtestJSONSessions checks the compat contract: one object per
// non-empty line, and an empty line starts a fresh correlation session.
func TestLogtestJSONSessions(t *testing.T) {
	fail := "Nov 21 09:13:44 db1 sshd[2230]: Failed password for root from 203.0.113.9 port 41022 ssh2\n"
	in := strings.Repeat(fail, 6) + "\n" + fail
	code, out, _ := run(t, Logtest, []string{"--json"}, in)
	if code != ExitOK {
		t.Fatalf("exit %d", code)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 7 {
		t.Fatalf("got %d JSON lines, want 7", len(lines))
	}
	ids := make([]string, len(lines))
	for i, l := range lines {
		var v struct {
			Rule struct {
				ID         string `json:"id"`
				Level      int    `json:"level"`
				FiredTimes int    `json:"firedtimes"`
			} `json:"rule"`
			Decoder struct{ Name string } `json:"decoder"`
		}
		if err := json.Unmarshal([]byte(l), &v); err != nil {
			t.Fatalf("line %d: %v", i, err)
		}
		ids[i] = v.Rule.ID
	}
	// 250103 needs six failures from one source inside the session; the
	// seventh line follows an empty line, so it starts over.
	want := []string{"250102", "250102", "250102", "250102", "250102", "250103", "250102"}
	if strings.Join(ids, " ") != strings.Join(want, " ") {
		t.Errorf("rules %v, want %v", ids, want)
	}
}

// TestCheckReportsEveryError: a rule file with three errors gives three
// file:line:col messages in one run.
func TestCheckReportsEveryError(t *testing.T) {
	code, _, errs := run(t, Check, []string{"-q", "-c", "testdata/bad/etc/ossec.conf"}, "")
	if code != ExitRulesetError {
		t.Fatalf("exit %d, want %d; stderr:\n%s", code, ExitRulesetError, errs)
	}
	pos := regexp.MustCompile(`(?m)^testdata/bad/rules/local_rules\.xml:(\d+):(\d+): `)
	m := pos.FindAllStringSubmatch(errs, -1)
	if len(m) != 3 {
		t.Fatalf("want 3 positioned errors, got %d:\n%s", len(m), errs)
	}
	for i, line := range []string{"7", "14", "20"} {
		if m[i][1] != line {
			t.Errorf("error %d at line %s, want %s:\n%s", i, m[i][1], line, errs)
		}
	}
}

func TestCheckOK(t *testing.T) {
	code, out, errs := run(t, Check, []string{"-c", "../../samples/etc/ossec.conf"}, "")
	if code != ExitOK || !strings.HasPrefix(out, "ok: ") {
		t.Fatalf("exit %d out %q err %q", code, out, errs)
	}
}

func TestRulesetTestCommand(t *testing.T) {
	dir := t.TempDir()
	ini := `[sshd failed]
log 1 pass = Nov 21 09:13:44 db1 sshd[2230]: Failed password for root from 203.0.113.9 port 41022 ssh2
rule = 250102
alert = 5
decoder = gossec-sshd

[wrong expectation]
log 1 pass = Nov 21 09:13:44 db1 sshd[2230]: Failed password for root from 203.0.113.9 port 41022 ssh2
rule = 250101
alert = 3
decoder = gossec-sshd
`
	path := filepath.Join(dir, "t.ini")
	if err := os.WriteFile(path, []byte(ini), 0o644); err != nil {
		t.Fatal(err)
	}
	junit := filepath.Join(dir, "junit.xml")
	code, out, _ := run(t, Test, []string{"--junit", junit, path}, "")
	if code != ExitFailure {
		t.Errorf("exit %d, want %d", code, ExitFailure)
	}
	if !strings.Contains(out, "1 passed, 1 failed") || !strings.Contains(out, "wrong expectation") {
		t.Errorf("report:\n%s", out)
	}
	if b, err := os.ReadFile(junit); err != nil || !bytes.Contains(b, []byte("<testsuite")) {
		t.Errorf("junit: %v %s", err, b)
	}
}
