package daemon

import (
	"fmt"
	"os"
	"path/filepath"
	"sync/atomic"
)

// Stats are the daemon's counters. They are written to
// HOME/var/run/gossec.state (key='value' lines, like wazuh-analysisd.state).
type Stats struct {
	Events, Decoded atomic.Int64
	AlertsByLevel   [17]atomic.Int64
	OutputErrors    atomic.Int64
	Reloads         atomic.Int64
	ReloadFailures  atomic.Int64
	InputErrors     atomic.Int64
	UnparsedRecords atomic.Int64
	TruncatedLines  atomic.Int64
	RemoteReceived  atomic.Int64
	RemoteRefused   atomic.Int64
	CommandRuns     atomic.Int64
	IgnoredByConfig atomic.Int64
}

func (s *Stats) countAlert(level int) {
	if level >= 0 && level < len(s.AlertsByLevel) {
		s.AlertsByLevel[level].Add(1)
	}
}

// appendState renders the counters as key='value' lines.
func (s *Stats) appendState(b []byte) []byte {
	kv := func(k string, v int64) { b = fmt.Appendf(b, "%s='%d'\n", k, v) }
	kv("events_received", s.Events.Load())
	kv("events_decoded", s.Decoded.Load())
	var alerts int64
	for i := range s.AlertsByLevel {
		alerts += s.AlertsByLevel[i].Load()
	}
	kv("alerts_written", alerts)
	for i := range s.AlertsByLevel {
		kv(fmt.Sprintf("alerts_level_%d", i), s.AlertsByLevel[i].Load())
	}
	kv("output_errors", s.OutputErrors.Load())
	kv("input_errors", s.InputErrors.Load())
	kv("unparsed_records", s.UnparsedRecords.Load())
	kv("truncated_lines", s.TruncatedLines.Load())
	kv("remote_received", s.RemoteReceived.Load())
	kv("remote_refused", s.RemoteRefused.Load())
	kv("command_runs", s.CommandRuns.Load())
	kv("ignored_by_config", s.IgnoredByConfig.Load())
	kv("reloads", s.Reloads.Load())
	kv("reload_failures", s.ReloadFailures.Load())
	return b
}

// writeState replaces the state file atomically.
func (d *daemon) writeState() {
	path := filepath.Join(d.opt.Home, "var", "run", "gossec.state")
	b := []byte("# gossec state file: counters since start\n")
	b = d.stats.appendState(b)
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, b, 0o640); err != nil {
		d.log.Warn("writing state file", "error", err)
		return
	}
	if err := os.Rename(tmp, path); err != nil {
		d.log.Warn("writing state file", "error", err)
	}
}
