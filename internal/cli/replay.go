package cli

import (
	"bufio"
	"cmp"
	"flag"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/gossec/gossec/internal/alert"
	"github.com/gossec/gossec/internal/config"
	"github.com/gossec/gossec/internal/daemon"
	"github.com/gossec/gossec/internal/engine"
	"github.com/gossec/gossec/internal/logformat"
	"github.com/gossec/gossec/internal/pipeline"
)

// replayInput is one file to replay with its log_format.
type replayInput struct {
	path   string // "-" is standard input
	format string
	opt    logformat.Options
}

// Replay runs `gossec replay`: analyse existing files through the same
// path as the daemon and print the alerts: as alerts.log blocks followed
// by a summary when standard output is a terminal, as alerts.json lines
// otherwise (--format overrides). Without FILE arguments it replays the
// files of the configuration's <localfile> sections, each with its
// log_format.
func Replay(args []string, s Streams) int {
	tuneGC()
	return replay(args, s, replayOptions{parallel: runtime.GOMAXPROCS(0) > 1})
}

// replayOptions are what tests set beyond the command line.
type replayOptions struct {
	engine engine.Options // clock and host name of the alerts
	// parallel runs the analysis as a pipeline (internal/pipeline) on
	// more than one core; with one, the sequential path is as fast.
	parallel bool
	batch    pipeline.Config // sizes of the pipeline (zero: its defaults)
}

func replay(args []string, s Streams, ro replayOptions) int {
	fs := flag.NewFlagSet("replay", flag.ContinueOnError)
	fs.SetOutput(s.Err)
	var c commonFlags
	c.register(fs)
	format := fs.String("log-format", "syslog", "log_format of the FILE arguments (syslog, json, mysql_log, mysql_audit, multi-line:N, ...)")
	all := fs.Bool("all", false, "print every event (as logtest --json does), not only alerts")
	out := fs.String("format", "auto", "output: table (one line per alert and a summary), log (alerts.log blocks and a summary), json (alerts.json lines), auto (table on a terminal, json otherwise)")
	if err := fs.Parse(args); err != nil {
		return ExitUsage
	}
	mode := *out
	switch mode {
	case "auto":
		mode = "json"
		if isTerminal(s.Out) {
			mode = "table"
		}
	case "table", "log", "json":
	default:
		fmt.Fprintf(s.Err, "gossec replay: --format %q: want table, log, json or auto\n", *out)
		return ExitUsage
	}
	text := mode != "json"
	if _, err := logformat.New(*format, logformat.Options{}); err != nil {
		fmt.Fprintf(s.Err, "gossec replay: --log-format: %v\n", err)
		return ExitUsage
	}
	c.defaultHome()
	var inputs []replayInput
	for _, name := range fs.Args() {
		inputs = append(inputs, replayInput{path: name, format: *format})
	}
	if len(inputs) == 0 {
		if c.conf == "" {
			fmt.Fprintln(s.Err, "gossec replay: give files to analyse (- for standard input), or -c CONF to replay its <localfile> files")
			return ExitUsage
		}
		var code int
		if inputs, code = configInputs(c, s); code != ExitOK {
			return code
		}
	}
	rs, code := c.loadRuleset(s, quietWarn)
	if code != ExitOK {
		return code
	}
	// A large buffer: a replay writes tens of megabytes of JSON, and the
	// default 4 KiB costs a write(2) every few alerts.
	r := &replayer{an: engine.NewAnalyzer(rs, ro.engine), parallel: ro.parallel, sizes: ro.batch, w: bufio.NewWriterSize(s.Out, 64<<10), all: *all,
		text: text, table: mode == "table", progress: isTerminal(s.Err), errw: s.Err, clock: time.Now,
		levels: map[int]int{}, groups: map[string]int{}}
	start := r.clock()
	for _, in := range inputs {
		if err := r.file(in); err != nil {
			r.clearProgress()
			fmt.Fprintf(s.Err, "gossec replay: %s: %v\n", in.path, err)
			r.w.Flush()
			return ExitFailure
		}
	}
	r.clearProgress()
	elapsed := r.clock().Sub(start)
	switch {
	case text:
		r.summary(r.w, len(inputs), elapsed)
	case r.progress:
		// A pipe gets JSON only; the operator watching still gets the
		// summary.
		r.summary(s.Err, len(inputs), elapsed)
	}
	r.w.Flush()
	if r.cuts > 0 {
		// Replayed results can differ from a run without the budget:
		// say so, whatever the terminal.
		fmt.Fprintf(s.Err, "gossec replay: %d regex matches in %d events timed out or were skipped for the per-event regex budget and counted as no match\n", r.cuts, r.cutEvents)
	}
	return ExitOK
}

// configInputs lists the files of the configuration's <localfile>
// sections as the service would find them now (home applied, strftime
// and globs expanded); commands are left out, and a pattern that matches
// nothing is said on stderr.
func configInputs(c commonFlags, s Streams) ([]replayInput, int) {
	cfg, errs := config.Load(c.conf, quietWarn)
	if len(errs) > 0 {
		printErrors(s.Err, errs)
		return nil, ExitConfigError
	}
	var out []replayInput
	for _, lf := range cfg.LocalFiles {
		if lf.Command != "" {
			continue
		}
		exp, matches, err := daemon.LocalFiles(lf, c.home, time.Now())
		if err != nil {
			fmt.Fprintf(s.Err, "%s: %v\n", lf.Pos, err)
			return nil, ExitConfigError
		}
		if len(matches) == 0 {
			fmt.Fprintf(s.Err, "%s: warning: localfile %s: %s\n", lf.Pos, exp, daemon.WhyAbsent(exp))
		}
		for _, m := range matches {
			out = append(out, replayInput{path: m, format: lf.LogFormat, opt: daemon.FramerOptions(lf)})
		}
	}
	if len(out) == 0 {
		fmt.Fprintf(s.Err, "gossec replay: %s: no <localfile> file to replay; give files as arguments\n", c.conf)
		return nil, ExitUsage
	}
	return out, ExitOK
}

type replayer struct {
	an              *engine.Analyzer
	parallel        bool
	sizes           pipeline.Config    // Batch and Batches of the pipeline
	pl              *pipeline.Pipeline // the current file's, when parallel
	w               *bufio.Writer
	buf             []byte
	all, text       bool
	table           bool // one line per alert (text)
	header          bool // the table's header was written
	progress        bool // stderr is a terminal: a progress line
	errw            io.Writer
	clock           func() time.Time
	events, alerts  int
	lines           int
	cuts, cutEvents int // regex matches cut by the per-event budget
	levels          map[int]int
	groups          map[string]int
	// progress state of the current file; read and fileLines are
	// written by the reading goroutine and read by the progress bar,
	// which the pipeline's sink stage may draw.
	name       string
	size       int64
	read       atomic.Int64
	fileStart  time.Time
	fileLines  atomic.Int64
	lastReport time.Time
	shown      bool
}

func (r *replayer) file(in replayInput) error {
	var src io.Reader = os.Stdin
	location := "stdin"
	r.name, r.size, r.fileStart = location, 0, r.clock()
	r.read.Store(0)
	r.fileLines.Store(0)
	if in.path != "-" {
		f, err := os.Open(in.path)
		if err != nil {
			return err
		}
		defer f.Close()
		src, location = f, in.path
		r.name = in.path
		if st, err := f.Stat(); err == nil && st.Mode().IsRegular() {
			r.size = st.Size()
		}
	}
	fr, err := logformat.New(in.format, in.opt)
	if err != nil {
		return err
	}
	if r.parallel {
		r.pl = pipeline.Start(r.an, pipeline.Config{Batch: r.sizes.Batch, Batches: r.sizes.Batches, Build: r.wants, Sink: r.sink})
		defer func() { r.pl.Close(); r.pl = nil }()
	}
	var off int64
	err = eachLine(src, func(line string) {
		off += int64(len(line)) + 1
		r.lines++
		r.fileLines.Add(1)
		r.read.Store(off)
		r.handle(location, fr.Push(line, off, time.Now()))
	})
	r.handle(location, fr.Flush(time.Now()))
	return err
}

// handle analyses a line's events: sequentially, or by handing them to
// the pipeline, whose sink stage emits them.
func (r *replayer) handle(location string, evs []logformat.Event) {
	if r.pl != nil {
		for _, ev := range evs {
			r.pl.Push(location, ev.Text)
		}
		return
	}
	for _, ev := range evs {
		res := r.an.Analyze(location, ev.Text, nil)
		var a *alert.Alert
		if r.wants(&res) {
			a = r.an.Alert(res)
		}
		r.emit(&res, a)
	}
	r.tick()
}

// sink is the pipeline's output stage.
func (r *replayer) sink(items []pipeline.Item) {
	for i := range items {
		r.emit(&items[i].Result, items[i].Alert)
	}
	r.tick()
}

// alerting says whether an event gives an alert.
func alerting(res *engine.Result) bool {
	return res.Match.Rule != nil && res.Match.Alert && res.Match.Rule.Log
}

// wants says whether an event is printed: it alerts, or --all.
func (r *replayer) wants(res *engine.Result) bool { return r.all || alerting(res) }

// emit counts an analysed event and prints its alert a (nil when it is
// not printed).
func (r *replayer) emit(res *engine.Result, a *alert.Alert) {
	r.events++
	if len(res.Cuts) > 0 {
		r.cuts += len(res.Cuts)
		r.cutEvents++
	}
	alerting := alerting(res)
	if alerting {
		r.alerts++
	}
	if a == nil {
		return
	}
	if alerting && a.Rule != nil {
		r.levels[a.Rule.Level]++
		for g := range strings.SplitSeq(a.Rule.Groups, ",") {
			if g = strings.TrimSpace(g); g != "" {
				r.groups[g]++
			}
		}
	}
	if r.text {
		if a.Rule == nil {
			return // --all in text: events without a rule have no block
		}
		r.clearProgress()
		if r.table {
			r.buf = r.row(r.buf[:0], a)
		} else {
			r.buf = alert.AppendLog(r.buf[:0], a)
		}
	} else {
		r.buf = append(alert.AppendJSON(r.buf[:0], a), '\n')
	}
	r.w.Write(r.buf)
}

// tick draws the progress bar every 200 ms.
func (r *replayer) tick() {
	if r.progress {
		if now := r.clock(); now.Sub(r.lastReport) > 200*time.Millisecond {
			r.lastReport = now
			r.w.Flush() // alerts before the bar, not under it
			r.bar(now)
		}
	}
}

// row renders an alert as one table line: level, rule, file, description
// and groups, control bytes of the log escaped.
func (r *replayer) row(b []byte, a *alert.Alert) []byte {
	if !r.header {
		r.header = true
		b = fmt.Appendf(b, "%-5s %-7s %-24s %s\n", "LEVEL", "RULE", "FILE", "DESCRIPTION [GROUPS]")
	}
	file := filepath.Base(a.Event.Location)
	if len(file) > 24 {
		file = file[:23] + "~"
	}
	b = fmt.Appendf(b, "%5d %-7d %-24s ", a.Rule.Level, a.Rule.ID, file)
	b = alert.AppendOneLine(b, a.Rule.Description)
	b = append(b, " ["...)
	b = append(b, strings.TrimSuffix(a.Rule.Groups, ",")...)
	return append(b, "]\n"...)
}

// bar draws the progress line: file, share read, lines per second.
func (r *replayer) bar(now time.Time) {
	fileLines, read := r.fileLines.Load(), r.read.Load()
	rate := float64(fileLines) / max(now.Sub(r.fileStart).Seconds(), 1e-3)
	name := r.name
	if len(name) > 40 {
		name = "..." + name[len(name)-37:]
	}
	if r.size > 0 {
		pct := min(100*float64(read)/float64(r.size), 100)
		const width = 24
		done := int(pct / 100 * width)
		fmt.Fprintf(r.errw, "\r[%s%s] %3.0f%% %s  %.0f lines/s  %d alerts\x1b[K",
			strings.Repeat("#", done), strings.Repeat(".", width-done), pct, name, rate, r.alerts)
	} else {
		fmt.Fprintf(r.errw, "\r%s  %d lines  %.0f lines/s  %d alerts\x1b[K", name, fileLines, rate, r.alerts)
	}
	r.shown = true
}

// clearProgress erases the progress line before other output.
func (r *replayer) clearProgress() {
	if r.shown {
		fmt.Fprint(r.errw, "\r\x1b[K")
		r.shown = false
	}
}

// summary writes the closing summary: what was read, how fast, and the
// alerts per level and per group.
func (r *replayer) summary(w io.Writer, files int, elapsed time.Duration) {
	rate := float64(r.lines) / max(elapsed.Seconds(), 1e-3)
	fmt.Fprintf(w, "== %d alerts from %d events (%d lines, %d files) in %s: %.0f lines/s\n",
		r.alerts, r.events, r.lines, files, elapsed.Round(time.Millisecond), rate)
	if r.alerts == 0 {
		return
	}
	levels := slices.Sorted(maps.Keys(r.levels))
	slices.Reverse(levels)
	var b strings.Builder
	for _, l := range levels {
		fmt.Fprintf(&b, "  %d: %d", l, r.levels[l])
	}
	fmt.Fprintf(w, "== by level:%s\n", b.String())
	groups := slices.SortedFunc(maps.Keys(r.groups), func(a, b string) int {
		return cmp.Or(cmp.Compare(r.groups[b], r.groups[a]), cmp.Compare(a, b))
	})
	b.Reset()
	const top = 12
	for i, g := range groups {
		if i == top {
			fmt.Fprintf(&b, "  (%d more)", len(groups)-top)
			break
		}
		fmt.Fprintf(&b, "  %s: %d", g, r.groups[g])
	}
	fmt.Fprintf(w, "== by group:%s\n", b.String())
}
