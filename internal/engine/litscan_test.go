package engine

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gossec/gossec/rules"
)

// plainTrace is a Tracer that records nothing: passing it makes the rule
// stage take its plain ordered evaluation, which ignores the literal scan.
type plainTrace struct{}

func (plainTrace) Trying(*rules.Rule)  {}
func (plainTrace) Matched(*rules.Rule) {}
func (plainTrace) TryingChildren()     {}

// iniLogs returns the log lines of the Wazuh ruleset test cases.
func iniLogs(t testing.TB, dir string) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.ini"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no .ini files in %s: %v", dir, err)
	}
	var out []string
	for _, f := range files {
		fh, err := os.Open(f)
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(fh)
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			line := sc.Text()
			if !strings.HasPrefix(line, "log ") {
				continue
			}
			if _, v, ok := strings.Cut(line, " = "); ok {
				out = append(out, v)
			}
		}
		fh.Close()
	}
	return out
}

// TestSharedScan checks that the literal scan the decoders and the rules
// share (one table, cached in the event, redone when a plugin rewrites the
// log) picks the same rules as the plain rule evaluation, on both rulesets.
func TestSharedScan(t *testing.T) {
	shared := sharedDir(t)
	logs := iniLogs(t, filepath.Join(shared, "compat", "wazuh-4.9.2", "tests"))
	// OSSEC alerts: OSSECAlert_Decoder replaces the log the rules see.
	logs = append(logs,
		"ossec: Alert Level: 5; Rule: 5716 - SSHD authentication failed.; Location: (host) 10.0.0.1->/var/log/secure; srcip: 10.0.0.2; Failed password for root from 10.0.0.2",
		"ossec: Alert Level: 3; Rule: 1002 - Unknown problem.; Location: host->/var/log/messages; segfault at 0 ip error",
	)
	for _, home := range []string{"wazuh-4.9.2", "ossec-4.2"} {
		rs := loadHome(t, filepath.Join(shared, "compat", home))
		fast := NewAnalyzer(rs, Options{Hostname: "manager", Clock: fixedClock()})
		plain := NewAnalyzer(rs, Options{Hostname: "manager", Clock: fixedClock()})
		for _, line := range logs {
			a := fast.Analyze("stdin", line, nil)
			b := plain.Analyze("stdin", line, plainTrace{})
			if got, want := summary(a), summary(b); got != want {
				t.Errorf("%s: %q:\nshared scan %s\nplain       %s", home, line, got, want)
			}
		}
	}
}

func summary(r Result) string {
	var b strings.Builder
	if d := r.Event.Decoder; d != nil {
		b.WriteString(d.Name)
	}
	b.WriteString(" log=" + r.Event.Log)
	if r.Match.Rule != nil {
		fmt.Fprintf(&b, " rule=%d fired=%d", r.Match.Rule.ID, r.Match.FiredTimes)
	}
	return b.String()
}
