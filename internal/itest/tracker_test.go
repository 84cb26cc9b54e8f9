package itest

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// trackerAlert is an alert line of gossec's layout for line n.
func trackerAlert(n int64) string {
	return fmt.Sprintf(`{"timestamp":"2026-12-08T00:39:04.487+0000","rule":{"level":5,"description":"sshd: failed login for u%08[1]d from 10.0.0.1.","id":"250102","firedtimes":1,"mail":false,"groups":["gossec","sshd","authentication_failed"]},"agent":{"id":"000","name":"vm"},"manager":{"name":"vm"},"id":"1796690344.0","full_log":"Nov 21 09:13:44 db1 sshd[2230]: Failed password for u%08[1]d from 10.0.0.1 port 1 ssh2","predecoder":{"program_name":"sshd","timestamp":"Nov 21 09:13:44","hostname":"db1"},"decoder":{"parent":"gossec-sshd","name":"gossec-sshd"},"data":{"srcip":"10.0.0.1","srcport":"1","dstuser":"u%08[1]d","status":"Failed"},"location":"/tmp/wtm-al/logsrc/auth.log"}`, n)
}

// TestQuickAlert: the tracker's quick reader takes whole alerts only and
// reads what encoding/json reads; what it refuses goes the slow way.
func TestQuickAlert(t *testing.T) {
	full := trackerAlert(7)
	for _, tc := range []struct {
		name, line  string
		ok          bool
		rule, fullN string
	}{
		{"whole", full, true, "250102", "u00000007"},
		{"torn", full[:len(full)/2], false, "", ""},
		{"torn before the end", full[:len(full)-1], false, "", ""},
		{"torn, merged with the next", full[:300] + trackerAlert(8), false, "", ""},
		{"escapes", strings.Replace(full, "port 1", `port \"1\"`, 1), false, "", ""},
		{"not an alert", `{"a":1}`, false, "", ""},
	} {
		rule, fl, ok := quickAlert([]byte(tc.line))
		if ok != tc.ok || rule != tc.rule || (ok && !strings.Contains(fl, "for "+tc.fullN+" from")) {
			t.Errorf("%s: quickAlert = %q, %q, %v", tc.name, rule, fl, ok)
		}
	}
	for _, tc := range []struct {
		s  string
		n  int64
		ok bool
	}{
		{"Failed password for u00000042 from 10.0.0.1", 42, true},
		{"for root from x; for u12345678 from y", 12345678, true},
		{"for u1234567 from", 0, false},
		{"for u1234567x from", 0, false},
		{"for u+1234567 from", 0, false},
	} {
		if n, ok := lineNumber(tc.s); n != tc.n || ok != tc.ok {
			t.Errorf("lineNumber(%q) = %d, %v", tc.s, n, ok)
		}
	}
}

// BenchmarkAlertTracker: reading 10k alerts of alerts.json (per op).
func BenchmarkAlertTracker(b *testing.B) {
	var sb strings.Builder
	for i := int64(1); i <= 10000; i++ {
		sb.WriteString(trackerAlert(i) + "\n")
	}
	path := filepath.Join(b.TempDir(), "alerts.json")
	if err := os.WriteFile(path, []byte(sb.String()), 0o644); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		tr := &alertTracker{lt: &chunkTail{path: path}, seen: map[int64]int{}, rules: map[string]int{}}
		tr.poll()
		if tr.contig != 10000 {
			b.Fatalf("contig %d", tr.contig)
		}
	}
}
