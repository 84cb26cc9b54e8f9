package cli

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"
)

// TestReplaySampleConfig: replay with the sample configuration and no file
// arguments reads every <localfile> with its log_format (sshd and the
// MySQL samples: error logs, JSON sink, audit plugins); the output is a
// table with a closing summary, alerts.log blocks, or JSON lines.
func TestReplaySampleConfig(t *testing.T) {
	conf := "../../samples/etc/ossec.conf"
	tests := []struct {
		format string
		want   []string // substrings of stdout
		json   bool
	}{
		{"table", []string{"LEVEL RULE", "auth.log", "mysql80-error.json", "audit_login.log", "mysql-audit.xml", "== by level:", "== by group:", "mysql:", "lines/s"}, false},
		{"log", []string{"** Alert ", "Rule: 2601", "->../../samples/logs/audit_login.log", "== by level:"}, false},
		{"json", nil, true},
		{"auto", nil, true}, // stdout is not a terminal here
	}
	for _, tc := range tests {
		t.Run(tc.format, func(t *testing.T) {
			code, out, stderr := run(t, Replay, []string{"-c", conf, "--format", tc.format}, "")
			if code != ExitOK {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			for _, w := range tc.want {
				if !strings.Contains(out, w) {
					t.Errorf("output lacks %q:\n%s", w, out)
				}
			}
			if !tc.json {
				return
			}
			groups := map[string]bool{}
			lines := strings.Split(strings.TrimSpace(out), "\n")
			for _, l := range lines {
				var a struct {
					Rule struct{ Groups []string } `json:"rule"`
				}
				if err := json.Unmarshal([]byte(l), &a); err != nil {
					t.Fatalf("not a JSON line: %q: %v", l, err)
				}
				for _, g := range a.Rule.Groups {
					groups[g] = true
				}
			}
			for _, g := range []string{"sshd", "mysql", "authentication_success", "mysql_privilege_change"} {
				if !groups[g] {
					t.Errorf("no alert of group %s in %d alerts", g, len(lines))
				}
			}
		})
	}
}

func TestReplayBadFormat(t *testing.T) {
	if code, _, _ := run(t, Replay, []string{"--format", "xml", "-"}, ""); code != ExitUsage {
		t.Errorf("exit %d, want %d", code, ExitUsage)
	}
}

// TestReplayProgressBar: the progress line names the file, the share read
// and the rate.
func TestReplayProgressBar(t *testing.T) {
	var errw bytes.Buffer
	start := time.Unix(1000, 0)
	r := &replayer{errw: &errw, name: "/var/log/mysql/error.log", size: 1000,
		fileStart: start, alerts: 7}
	r.read.Store(250)
	r.fileLines.Store(5000)
	r.bar(start.Add(2 * time.Second))
	got := errw.String()
	for _, w := range []string{"25%", "/var/log/mysql/error.log", "2500 lines/s", "7 alerts", "[######"} {
		if !strings.Contains(got, w) {
			t.Errorf("progress line %q lacks %q", got, w)
		}
	}
	r.clearProgress()
	if !strings.HasSuffix(errw.String(), "\r\x1b[K") {
		t.Errorf("the progress line is not erased: %q", errw.String())
	}
}
