package engine

import (
	"path/filepath"
	"testing"

	"github.com/gossec/gossec/internal/predecode"
)

// TestPredecodeDialect shows the OSSEC ruleset getting OSSEC's
// pre-decoding: ossec-analysisd only takes "prog:" as a program name when a
// space follows the colon, wazuh-analysisd takes it either way.
func TestPredecodeDialect(t *testing.T) {
	shared := sharedDir(t)
	const line = "Dec 29 10:00:01 db1 sshd:Accepted password for root from 10.0.0.1 port 22 ssh2"
	tests := []struct {
		home    string
		dialect predecode.Dialect
		hasProg bool
		prog    string
		log     string
	}{
		{"ossec-4.2", predecode.OSSEC, false, "", "sshd:Accepted password for root from 10.0.0.1 port 22 ssh2"},
		{"wazuh-4.9.2", predecode.Wazuh, true, "sshd", "Accepted password for root from 10.0.0.1 port 22 ssh2"},
	}
	for _, tt := range tests {
		t.Run(tt.home, func(t *testing.T) {
			rs := loadHome(t, filepath.Join(shared, "compat", tt.home))
			if rs.Predecode != tt.dialect {
				t.Fatalf("Predecode = %d, want %d", rs.Predecode, tt.dialect)
			}
			an := NewAnalyzer(rs, Options{Clock: fixedClock(), Hostname: "manager", Logtest: true})
			ev := an.Analyze("/var/log/secure", line, nil).Event
			if ev.HasProgramName != tt.hasProg || ev.ProgramName != tt.prog || ev.Log != tt.log {
				t.Errorf("program %q (set %v) log %q; want %q (set %v) log %q",
					ev.ProgramName, ev.HasProgramName, ev.Log, tt.prog, tt.hasProg, tt.log)
			}
			if ev.Hostname != "db1" {
				t.Errorf("hostname %q, want db1", ev.Hostname)
			}
			dec := ""
			if ev.Decoder != nil {
				dec = ev.Decoder.Name
			}
			// Both rulesets decode sshd by <program_name>: only the Wazuh
			// pre-decoding leaves one for them to match.
			if (dec == "sshd") != tt.hasProg {
				t.Errorf("decoder %q", dec)
			}
		})
	}
}
