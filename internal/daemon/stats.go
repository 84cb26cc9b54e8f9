package daemon

import (
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"unicode/utf8"
)

// Stats are the analyzer's counters; input counters come from the
// tailers and syslog servers themselves (sources).
type Stats struct {
	Events, Decoded atomic.Int64
	AlertsByLevel   [17]atomic.Int64
	OutputErrors    atomic.Int64
	Reloads         atomic.Int64
	ReloadFailures  atomic.Int64
	InputErrors     atomic.Int64
	UnparsedRecords atomic.Int64
	NULTruncated    atomic.Int64
	CommandRuns     atomic.Int64
	IgnoredByConfig atomic.Int64
	Regex           regexCuts // regex matches cut by the per-event budget (regexcuts.go)
	// OutputStalls counts the times the analyzer stopped taking events
	// because an alert or archive file could not be written, or a commit
	// (fsync of the alert files, positions.json) failed.
	OutputStalls atomic.Int64
	// AbandonedAtStop counts events dropped undelivered by a stop during
	// such an outage (file lines are read again at the next start);
	// LostAtStop those of them that came from no file (network,
	// commands), which nothing will send again.
	AbandonedAtStop, LostAtStop atomic.Int64
}

func (s *Stats) countAlert(level int) {
	if level >= 0 && level < len(s.AlertsByLevel) {
		s.AlertsByLevel[level].Add(1)
	}
}

// counter is one named value of the state file and /metrics.
type counter struct {
	name, help string
	value      int64
}

// gauges names the values of the counters lists that can go down (a
// level, not a count of events): /metrics types them gauge, without the
// _total suffix a counter has.
var gauges = map[string]bool{"mail_pending": true}

// counters lists every counter, analyzer and inputs together.
func (d *daemon) counters() ([]counter, []fileCount, []int64) {
	s := d.stats
	in, files := d.srcs.snapshot()
	levels := make([]int64, len(s.AlertsByLevel))
	for i := range s.AlertsByLevel {
		levels[i] = s.AlertsByLevel[i].Load()
	}
	cs := []counter{
		{"lines_read", "lines read from files", int64(in.lines)},
		{"truncated_lines", "lines longer than the maximum, cut", int64(in.truncatedLines)},
		{"file_rotations", "rotations followed", int64(in.rotations)},
		{"file_truncations", "files restarted at 0 (truncation, copytruncate)", int64(in.truncations)},
		{"audit_trims", "MySQL audit </AUDIT> trims skipped over", int64(in.auditTrims)},
		{"read_errors", "file open/stat/read/watch errors", int64(in.readErrors)},
		{"remote_received", "syslog messages received", int64(in.remoteReceived)},
		{"remote_refused", "syslog senders refused (denied or not allowed)", int64(in.remoteRefused)},
		{"remote_malformed", "malformed syslog messages", int64(in.remoteMalformed)},
		{"remote_oversize", "syslog messages longer than the maximum, cut", int64(in.remoteOversize)},
		{"remote_connections_refused", "syslog TCP connections refused at <max_connections>", int64(in.remoteConnRefused)},
		{"remote_idle_closed", "syslog TCP connections closed after <idle_timeout> of silence", int64(in.remoteIdleClosed)},
		{"events_received", "events analysed", s.Events.Load()},
		{"events_decoded", "events a decoder matched", s.Decoded.Load()},
		{"unparsed_records", "lines or records a log_format could not turn into an event", s.UnparsedRecords.Load()},
		{"nul_truncated", "file lines cut at a NUL byte (the text before it was analysed)", s.NULTruncated.Load()},
		{"remote_nul_truncated", "syslog messages cut at a NUL byte (the text before it was analysed)", int64(in.remoteNULTruncated)},
		{"ignored_by_config", "events dropped by <ignore>/<restrict>", s.IgnoredByConfig.Load()},
		{"output_errors", "alert writes that failed (each retry counts)", s.OutputErrors.Load()},
		{"output_stalls", "times event intake stopped until the alert files or positions could be written again", s.OutputStalls.Load()},
		{"stop_abandoned", "events left undelivered by a stop during an output outage (file lines are re-read)", s.AbandonedAtStop.Load()},
		{"stop_lost", "of those, events from the network or commands, which are lost", s.LostAtStop.Load()},
		{"input_errors", "inputs that failed to start or stopped on error", s.InputErrors.Load()},
		{"command_runs", "command executions", s.CommandRuns.Load()},
		{"reloads", "successful reloads", s.Reloads.Load()},
		{"reload_failures", "reloads refused because something failed to load", s.ReloadFailures.Load()},
	}
	cs = append(cs, s.Regex.counters()...)
	if d.outs != nil {
		cs = append(cs, d.outs.counters()...)
	}
	return cs, files, levels
}

// appendState renders the counters as key='value' lines, like
// wazuh-analysisd.state.
func (d *daemon) appendState(b []byte) []byte {
	cs, files, levels := d.counters()
	for _, c := range cs {
		b = fmt.Appendf(b, "%s='%d'\n", c.name, c.value)
	}
	var total int64
	for _, v := range levels {
		total += v
	}
	b = fmt.Appendf(b, "alerts_written='%d'\n", total)
	for i, v := range levels {
		b = fmt.Appendf(b, "alerts_level_%d='%d'\n", i, v)
	}
	for _, f := range files {
		b = fmt.Appendf(b, "file_lines_read:%s='%d'\n", f.path, f.lines)
	}
	b = d.stats.Regex.appendState(b)
	return b
}

// writeState replaces HOME/var/run/gossec.state atomically.
func (d *daemon) writeState() {
	path := filepath.Join(d.opt.Home, "var", "run", "gossec.state")
	b := d.appendState([]byte("# gossec state file: counters since start\n"))
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, b, 0o640); err != nil {
		d.log.Warn("writing state file", "error", err)
		return
	}
	if err := os.Rename(tmp, path); err != nil {
		d.log.Warn("writing state file", "error", err)
	}
}

// serveMetrics exposes the counters in the Prometheus text format. It
// returns a function that stops the server.
func (d *daemon) serveMetrics(addr string) (func(), error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("metrics listener: %w", err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/metrics", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; version=0.0.4")
		w.Write(d.appendMetrics(nil))
	})
	srv := &http.Server{Handler: mux}
	go srv.Serve(ln)
	d.log.Info("metrics listening", "addr", ln.Addr().String())
	return func() { srv.Close() }, nil
}

func (d *daemon) appendMetrics(b []byte) []byte {
	cs, files, levels := d.counters()
	for _, c := range cs {
		name, typ := "gossec_"+c.name+"_total", "counter"
		if gauges[c.name] {
			name, typ = "gossec_"+c.name, "gauge"
		}
		b = appendMetricHead(b, name, typ, c.help)
		b = fmt.Appendf(b, "%s %d\n", name, c.value)
	}
	b = appendMetricHead(b, "gossec_alerts_total", "counter", "alerts written, by rule level")
	for i, v := range levels {
		b = fmt.Appendf(b, "gossec_alerts_total{level=\"%d\"} %d\n", i, v)
	}
	b = appendMetricHead(b, "gossec_file_lines_read_total", "counter", "lines read, by file")
	for _, f := range files {
		b = append(b, "gossec_file_lines_read_total{path=\""...)
		b = appendLabelValue(b, f.path)
		b = fmt.Appendf(b, "\"} %d\n", f.lines)
	}
	b = d.stats.Regex.appendMetrics(b)
	return b
}

// appendMetricHead writes the # HELP and # TYPE lines of a metric. In
// HELP text the format knows two escapes, \\ and \n.
func appendMetricHead(b []byte, name, typ, help string) []byte {
	b = fmt.Appendf(b, "# HELP %s ", name)
	for _, r := range strings.ToValidUTF8(help, "\uFFFD") {
		switch r {
		case '\\':
			b = append(b, `\\`...)
		case '\n':
			b = append(b, `\n`...)
		default:
			b = utf8.AppendRune(b, r)
		}
	}
	return fmt.Appendf(b, "\n# TYPE %s %s\n", name, typ)
}

// appendLabelValue writes s as the inside of a quoted label value. The
// text format has exactly three escapes (\\, \" and \n) and takes every
// other character as it is, tabs and control characters included, but
// only as UTF-8: Go quoting (\t, \u00a0, \xff) is a parse error there. A
// file name that is not UTF-8 gets U+FFFD for each run of bad bytes; the state
// file keeps its bytes.
func appendLabelValue(b []byte, s string) []byte {
	for _, r := range strings.ToValidUTF8(s, "\uFFFD") {
		switch r {
		case '\\':
			b = append(b, `\\`...)
		case '"':
			b = append(b, `\"`...)
		case '\n':
			b = append(b, `\n`...)
		default:
			b = utf8.AppendRune(b, r)
		}
	}
	return b
}
