package predecode

import (
	"bufio"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// sharedDir is the read-only reference material, outside the module.
const sharedDir = "../../../shared"

var (
	iniLogKey = regexp.MustCompile(`^log\s+\d+\s+pass\s*=\s*(.*)$`)
	// syslogShape is an independent description of the common BSD syslog
	// line "Mmm dd hh:mm:ss host prog[pid]: msg".
	syslogShape = regexp.MustCompile(`^[A-Z][a-z]{2} [ 0-3][0-9] [0-9]{2}:[0-9]{2}:[0-9]{2} ([A-Za-z0-9_@./()-]+) ([A-Za-z0-9_@./()-]*)(\[[0-9]+\])?: `)
)

// iniPassLines returns every "log N pass =" value of the Wazuh ruleset tests.
func iniPassLines(t *testing.T) []string {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(sharedDir, "compat", "wazuh-4.9.2", "tests", "*.ini"))
	if len(files) == 0 {
		t.Skip("shared ruleset tests not found")
	}
	var lines []string
	for _, f := range files {
		fh, err := os.Open(f)
		if err != nil {
			t.Fatalf("open %s: %v", f, err)
		}
		sc := bufio.NewScanner(fh)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			if m := iniLogKey.FindStringSubmatch(strings.TrimSpace(sc.Text())); m != nil {
				lines = append(lines, m[1])
			}
		}
		fh.Close()
		if err := sc.Err(); err != nil {
			t.Fatalf("read %s: %v", f, err)
		}
	}
	return lines
}

func TestRulesetTestLines(t *testing.T) {
	lines := iniPassLines(t)
	shaped := 0
	for _, l := range lines {
		h := Parse(l)
		checkInvariants(t, l, h)
		m := syslogShape.FindStringSubmatch(l)
		if m == nil {
			continue
		}
		shaped++
		if h.Timestamp != l[:15] || !h.HasHostname || h.Hostname != m[1] ||
			!h.HasProgramName || h.ProgramName != m[2] {
			t.Errorf("Parse(%q) = %+v; want timestamp %q, host %q, program %q", l, h, l[:15], m[1], m[2])
		}
	}
	t.Logf("%d pass lines, %d syslog-shaped", len(lines), shaped)
	if len(lines) < 1000 || shaped < 100 {
		t.Errorf("only %d lines (%d syslog-shaped): the .ini files were not read as expected", len(lines), shaped)
	}
}
