package cli

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/gossec/gossec/internal/alert"
	"github.com/gossec/gossec/internal/engine"
	"github.com/gossec/gossec/internal/logformat"
)

// Replay runs `gossec replay`: analyse existing files through the same
// path as the daemon and print the alerts as alerts.json lines.
func Replay(args []string, s Streams) int {
	fs := flag.NewFlagSet("replay", flag.ContinueOnError)
	fs.SetOutput(s.Err)
	var c commonFlags
	c.register(fs)
	format := fs.String("log-format", "syslog", "log_format of the files (syslog, json, mysql_log, mysql_audit, multi-line:N, ...)")
	all := fs.Bool("all", false, "print every event (as logtest --json does), not only alerts")
	if err := fs.Parse(args); err != nil {
		return ExitUsage
	}
	if fs.NArg() == 0 {
		fmt.Fprintln(s.Err, "gossec replay: give files to analyse (- for standard input)")
		return ExitUsage
	}
	if _, err := logformat.New(*format, logformat.Options{}); err != nil {
		fmt.Fprintf(s.Err, "gossec replay: --log-format: %v\n", err)
		return ExitUsage
	}
	c.defaultHome()
	rs, code := c.loadRuleset(s, quietWarn)
	if code != ExitOK {
		return code
	}
	// A large buffer: a replay writes tens of megabytes of JSON, and the
	// default 4 KiB costs a write(2) every few alerts.
	r := &replayer{an: engine.NewAnalyzer(rs, engine.Options{}), w: bufio.NewWriterSize(s.Out, 64<<10), all: *all, progress: isTerminal(s.Err), errw: s.Err}
	defer r.w.Flush()
	for _, name := range fs.Args() {
		if err := r.file(name, *format); err != nil {
			fmt.Fprintf(s.Err, "gossec replay: %s: %v\n", name, err)
			return ExitFailure
		}
	}
	if r.progress {
		fmt.Fprintf(s.Err, "\r%d events, %d alerts\n", r.events, r.alerts)
	}
	if r.cuts > 0 {
		// Replayed results can differ from a run without the budget:
		// say so, whatever the terminal.
		fmt.Fprintf(s.Err, "gossec replay: %d regex matches in %d events timed out or were skipped for the per-event regex budget and counted as no match\n", r.cuts, r.cutEvents)
	}
	return ExitOK
}

type replayer struct {
	an              *engine.Analyzer
	w               *bufio.Writer
	buf             []byte
	all, progress   bool
	errw            io.Writer
	events, alerts  int
	cuts, cutEvents int // regex matches cut by the per-event budget
	lastReport      time.Time
}

func (r *replayer) file(name, format string) error {
	var in io.Reader = os.Stdin
	location := "stdin"
	if name != "-" {
		f, err := os.Open(name)
		if err != nil {
			return err
		}
		defer f.Close()
		in, location = f, name
	}
	fr, err := logformat.New(format, logformat.Options{})
	if err != nil {
		return err
	}
	var off int64
	err = eachLine(in, func(line string) {
		off += int64(len(line)) + 1
		r.handle(location, fr.Push(line, off, time.Now()))
	})
	r.handle(location, fr.Flush(time.Now()))
	return err
}

func (r *replayer) handle(location string, evs []logformat.Event) {
	for _, ev := range evs {
		res := r.an.Analyze(location, ev.Text, nil)
		r.events++
		if len(res.Cuts) > 0 {
			r.cuts += len(res.Cuts)
			r.cutEvents++
		}
		alerting := res.Match.Rule != nil && res.Match.Alert && res.Match.Rule.Log
		if alerting {
			r.alerts++
		}
		if alerting || r.all {
			r.buf = alert.AppendJSON(r.buf[:0], r.an.Alert(res))
			r.buf = append(r.buf, '\n')
			r.w.Write(r.buf)
		}
	}
	if r.progress && time.Since(r.lastReport) > 200*time.Millisecond {
		r.lastReport = time.Now()
		fmt.Fprintf(r.errw, "\r%d events, %d alerts", r.events, r.alerts)
	}
}
