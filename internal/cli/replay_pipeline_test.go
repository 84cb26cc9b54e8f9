package cli

import (
	"bufio"
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gossec/gossec/internal/engine"
	"github.com/gossec/gossec/internal/pipeline"
)

// compatDir is the shared compatibility material (rulesets and the Wazuh
// .ini tests); tests that need it skip when it is absent.
const compatDir = "../../../shared/compat"

// iniLine is a "log N pass|fail = LINE" line of a Wazuh .ini test.
var iniLine = regexp.MustCompile(`^log [0-9]+ [a-z]+ = (.*)$`)

// compatCorpus writes the log lines of the Wazuh 4.9.2 .ini tests, in file
// order (names sorted) as scripts/bench-corpus collects them, repeated
// times, to a temporary file.
func compatCorpus(t *testing.T, times int) string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(compatDir, "wazuh-4.9.2", "tests", "*.ini"))
	if err != nil || len(files) == 0 {
		t.Skipf("%s not found: the compatibility corpus is not available", compatDir)
	}
	slices.Sort(files)
	var lines []string
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(bytes.NewReader(data))
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			if m := iniLine.FindStringSubmatch(sc.Text()); m != nil {
				lines = append(lines, m[1])
			}
		}
	}
	var b strings.Builder
	for range times {
		for _, l := range lines {
			b.WriteString(l)
			b.WriteByte('\n')
		}
	}
	path := filepath.Join(t.TempDir(), "corpus.log")
	if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// stepClock is an injected event clock that advances a second per event:
// the times (and so timeframes and alert ids) depend on the input order
// only.
func stepClock() func() time.Time {
	t := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	return func() time.Time { t = t.Add(time.Second); return t }
}

// TestReplayPipelineIdentical: the pipeline (decoding ahead of the rules,
// on other goroutines, in batches) prints byte for byte what the
// sequential path prints, with the OSSEC 4.2 and the Wazuh 4.9.2 rulesets,
// for JSON alerts, --all and alerts.log blocks; small batches make the
// ring of slots wrap many times.
func TestReplayPipelineIdentical(t *testing.T) {
	corpus := compatCorpus(t, 3)
	modes := []struct {
		name string
		args []string
	}{
		{"json", []string{"--format", "json"}},
		{"all", []string{"--format", "json", "--all"}},
		{"log", []string{"--format", "log"}},
	}
	for _, rs := range []string{"ossec-4.2", "wazuh-4.9.2"} {
		home := filepath.Join(compatDir, rs)
		for _, m := range modes {
			t.Run(rs+"/"+m.name, func(t *testing.T) {
				args := append([]string{"--home", home, "-c", filepath.Join(home, "etc", "ossec.conf")}, m.args...)
				args = append(args, corpus)
				want := replayOutput(t, args, replayOptions{})
				if !bytes.Contains(want, []byte(`"rule"`)) && !bytes.Contains(want, []byte("Rule: ")) {
					t.Fatalf("the sequential replay printed no alert:\n%.500s", want)
				}
				for _, sizes := range []pipeline.Config{{}, {Batch: 5, Batches: 2}} {
					got := replayOutput(t, args, replayOptions{parallel: true, batch: sizes})
					if !bytes.Equal(got, want) {
						t.Errorf("batches of %d: the pipeline's output differs from the sequential one at byte %d:\n%s",
							sizes.Batch, firstDiff(got, want), diffContext(got, want))
					}
				}
			})
		}
	}
}

// replayOutput runs replay with a stepping clock and a fixed host name,
// and returns its output without the summary line that says how long it
// took.
func replayOutput(t *testing.T, args []string, ro replayOptions) []byte {
	t.Helper()
	ro.engine = engine.Options{Clock: stepClock(), Hostname: "gossec-test.example.org"}
	var out, errw bytes.Buffer
	if code := replay(args, Streams{Out: &out, Err: &errw}, ro); code != ExitOK {
		t.Fatalf("replay %v: exit %d: %s", args, code, errw.String())
	}
	var b []byte
	for line := range bytes.Lines(out.Bytes()) {
		if !bytes.HasPrefix(line, []byte("== ")) || !bytes.Contains(line, []byte("lines/s")) {
			b = append(b, line...)
		}
	}
	return b
}

func firstDiff(a, b []byte) int {
	n := min(len(a), len(b))
	for i := range n {
		if a[i] != b[i] {
			return i
		}
	}
	return n
}

// diffContext shows both outputs around their first difference.
func diffContext(got, want []byte) string {
	i := firstDiff(got, want)
	cut := func(b []byte) []byte {
		lo, hi := max(i-200, 0), min(i+200, len(b))
		return b[lo:hi]
	}
	return "got:  ..." + string(cut(got)) + "...\nwant: ..." + string(cut(want)) + "..."
}
