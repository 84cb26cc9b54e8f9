package daemon

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/gossec/gossec/internal/config"
	"github.com/gossec/gossec/internal/engine"
	"github.com/gossec/gossec/internal/positions"
	"github.com/gossec/gossec/internal/xmlconf"
	"github.com/gossec/gossec/outputs/alertfile"
)

// Options configure Run.
type Options struct {
	ConfigPath string
	Home       string
	Logger     *slog.Logger
	Clock      func() time.Time
	// Reload receives a value for every SIGHUP.
	Reload <-chan struct{}
	// Notify sends a systemd notification ("READY=1", ...); may be nil.
	Notify func(state string)
	// CommitInterval is how often alerts are flushed and positions
	// committed (default 250ms).
	CommitInterval time.Duration
	// QueueSize bounds the events waiting for the analyzer (default 4096):
	// inputs block when it is full (back-pressure, nothing dropped).
	QueueSize int
	// MetricsAddr, when set, serves the counters at http://ADDR/metrics
	// (Prometheus text format). Bind it to loopback.
	MetricsAddr string
}

// ErrLoad is returned when the configuration or ruleset cannot be loaded
// at start; ErrRulesetLoad (which is also ErrLoad) when the configuration
// was read and the ruleset failed to compile.
var (
	ErrLoad        = errors.New("configuration or ruleset failed to load")
	ErrRulesetLoad = fmt.Errorf("%w: ruleset", ErrLoad)
)

// RulesetError is a load error of the ruleset (decoders, rules, lists) as
// opposed to the configuration: the commands exit with one code per kind.
// Its text is the wrapped error's (file:line:col: message).
type RulesetError struct{ Err error }

func (e *RulesetError) Error() string { return e.Err.Error() }
func (e *RulesetError) Unwrap() error { return e.Err }

// IsRulesetError says whether any of errs is a RulesetError.
func IsRulesetError(errs []error) bool {
	for _, e := range errs {
		var re *RulesetError
		if errors.As(e, &re) {
			return true
		}
	}
	return false
}

// item is one event on its way to the analyzer.
type item struct {
	location string
	text     string
	pos      *filePos // nil for events that do not come from a file
}

// filePos is where a file event ends: committed once its alerts are written.
type filePos struct {
	id    positions.FileID
	entry positions.Entry
}

// Load reads the configuration and compiles its ruleset, returning every
// error with its file:line:col. It is what `gossec run -t` and `gossec
// check` check, and it writes nothing: the outputs it builds are not meant
// to run (the mail output is given no spool folder, so a check run as
// root cannot create HOME/queue/mail with an owner the service cannot
// write).
func Load(confPath, home string, warn func(xmlconf.Pos, string)) (*Loaded, []error) {
	return load(confPath, home, warn, nil, true)
}

// load is Load with the logger the outputs report their failures to; a
// check builds outputs without their spools.
func load(confPath, home string, warn func(xmlconf.Pos, string), log *slog.Logger, check bool) (*Loaded, []error) {
	roots, err := xmlconf.ParseFile(confPath)
	if err != nil {
		return nil, []error{err}
	}
	cfg, errs := config.FromNodes(roots, warn)
	if len(errs) > 0 {
		return nil, errs
	}
	if errs := checkInputs(cfg, home); len(errs) > 0 {
		return nil, errs
	}
	rs, errs := engine.Load(cfg, engine.LoadOptions{Home: home, Warn: warn})
	if len(errs) > 0 {
		for i, e := range errs {
			errs[i] = &RulesetError{Err: e}
		}
		return nil, errs
	}
	outHome := home
	if check {
		outHome = ""
	}
	outs, errs := loadOutputs(roots, outHome, log)
	if len(errs) > 0 {
		return nil, errs
	}
	return &Loaded{Config: cfg, Ruleset: rs, outs: outs}, nil
}

// Loaded is a configuration with its compiled ruleset and its (not yet
// started) outputs: everything Load checked.
type Loaded struct {
	Config  *config.Config
	Ruleset *engine.Ruleset
	outs    *outputs
}

// Run runs the service until ctx is cancelled, then drains, flushes and
// returns.
func Run(ctx context.Context, opt Options) error {
	opt.defaults()
	log := opt.Logger
	warn := func(p xmlconf.Pos, m string) { log.Warn(m, "at", p.String()) }
	ld, errs := load(opt.ConfigPath, opt.Home, warn, log, false)
	if len(errs) > 0 {
		for _, e := range errs {
			log.Error("load", "error", e)
		}
		if IsRulesetError(errs) {
			return fmt.Errorf("%w: %d errors", ErrRulesetLoad, len(errs))
		}
		return fmt.Errorf("%w: %d errors", ErrLoad, len(errs))
	}
	d, err := newDaemon(opt, ld.Config, ld.Ruleset)
	if err != nil {
		return err
	}
	defer d.close()
	// The outputs object lives as long as the service; a reload changes
	// what it holds in place (outputs.apply), so the analyzer and the
	// metrics handler keep one pointer.
	outs := ld.outs
	d.outs = outs
	d.an.outs = outs
	outs.start(context.WithoutCancel(ctx))
	defer outs.stop()
	if opt.MetricsAddr != "" {
		stop, err := d.serveMetrics(opt.MetricsAddr)
		if err != nil {
			return err
		}
		defer stop()
	}
	return d.loop(ctx)
}

func (o *Options) defaults() {
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.Clock == nil {
		o.Clock = time.Now
	}
	if o.Notify == nil {
		o.Notify = func(string) {}
	}
	if o.CommitInterval <= 0 {
		o.CommitInterval = 250 * time.Millisecond
	}
	if o.QueueSize <= 0 {
		o.QueueSize = 4096
	}
}

// daemon is the running service. Its fields are owned by the analyzer
// goroutine (loop) except stats, which are atomic.
type daemon struct {
	opt    Options
	log    *slog.Logger
	cfg    *config.Config
	an     *analyzer
	pos    *positions.Store
	out    *alertfile.Writer
	stats  *Stats
	srcs   sources
	outs   *outputs
	items  chan item // every input's events, for the daemon's lifetime
	inputs []*input  // running inputs, in configuration order
	// after arms the retry timer while a sink fails (time.After when nil);
	// tests inject it.
	after func(time.Duration) <-chan time.Time
	// abandoning is set when the service stops while a sink fails: every
	// event still queued is dropped undelivered and its position left
	// uncommitted (consume).
	abandoning bool
	// la decodes queued events on a second goroutine while the loop
	// delivers the one before (nil with one CPU).
	la *lookahead
}

func newDaemon(opt Options, cfg *config.Config, rs *engine.Ruleset) (*daemon, error) {
	home := opt.Home
	for _, dir := range []string{"logs/alerts", "logs/archives", "queue/gossec", "var/run"} {
		if err := os.MkdirAll(filepath.Join(home, dir), 0o750); err != nil {
			return nil, fmt.Errorf("creating %s: %w", dir, err)
		}
	}
	pos, err := openPositions(filepath.Join(home, "queue", "gossec", "positions.json"), cfg, home, opt.Clock(), opt.Logger)
	if err != nil {
		return nil, err
	}
	out, err := alertfile.Open(alertfile.Config{
		Dir:        filepath.Join(home, "logs"),
		AlertsLog:  cfg.Global.AlertsLog,
		AlertsJSON: cfg.Global.JSONOut,
		LogAll:     cfg.Global.LogAll,
		LogAllJSON: cfg.Global.LogAllJSON,
		Clock:      opt.Clock,
		OnRepair: func(path string, cut int64) {
			opt.Logger.Warn("alert file ended in a torn record (crash during a write); cut back to the last whole record",
				"file", path, "bytes_cut", cut)
		},
	})
	if err != nil {
		return nil, fmt.Errorf("opening alert files: %w", err)
	}
	stats := &Stats{}
	d := &daemon{opt: opt, log: opt.Logger, cfg: cfg, pos: pos, out: out, stats: stats,
		items: make(chan item, opt.QueueSize)}
	d.an = newAnalyzer(rs, cfg, opt.Clock, out, pos, stats, opt.Logger)
	if runtime.GOMAXPROCS(0) > 1 {
		d.la = newLookahead(d.an.an, lookaheadSize)
	}
	return d, nil
}

// Lifecycle messages: the start summary, a reload's result and the stop.
// The command line shows them on stderr beside warnings and errors
// (internal/cli), so they are named here once.
const (
	MsgRunning  = "gossec running"
	MsgReloaded = "configuration and ruleset reloaded"
	MsgStopped  = "gossec stopped"
)

// logStart writes the start summary: what is read, with which ruleset,
// and where alerts go.
func (d *daemon) logStart() {
	var ins []string
	for _, in := range d.inputs {
		ins = append(ins, in.name)
	}
	outs := []string{}
	if d.cfg.Global.AlertsLog {
		outs = append(outs, "logs/alerts/alerts.log")
	}
	if d.cfg.Global.JSONOut {
		outs = append(outs, "logs/alerts/alerts.json")
	}
	if d.outs != nil {
		outs = append(outs, d.outs.describe()...)
	}
	d.log.Info(MsgRunning, "home", d.opt.Home,
		"inputs", len(d.inputs), "input_list", strings.Join(ins, "; "),
		"decoders", len(d.an.rs.Decoders.Names()), "rules", len(d.an.rs.Rules.IDs()),
		"outputs", strings.Join(outs, "; "))
	if len(d.inputs) == 0 {
		d.log.Warn("no inputs configured: add <localfile> or <remote> sections; nothing will be analysed")
	}
}

func (d *daemon) close() {
	if d.la != nil {
		d.la.stop()
	}
	d.an.rl.Close() // the pending summaries of an outage that did not end
	if err := d.out.Close(); err != nil {
		d.log.Error("closing alert files", "error", err)
	}
}

// loop starts the inputs and analyses their events until ctx is
// cancelled; SIGHUP reloads in between (reload). On cancel every input is
// stopped, what they sent is analysed, alerts flushed and positions
// committed.
//
// While the analyzer is blocked (an alert file cannot be written, or a
// commit failed), no event is taken: the inputs wait on the bounded queue,
// and the analyzer retries with backoff. A reload waits for the outage to
// end. A stop during an outage drops what is queued undelivered (consume):
// positions stay uncommitted, so the lines are read again at the next
// start.
func (d *daemon) loop(ctx context.Context) error {
	for _, s := range d.specs(d.cfg) {
		d.inputs = append(d.inputs, d.start(ctx, s))
	}
	d.opt.Notify("READY=1")
	d.logStart()
	tick := time.NewTicker(d.opt.CommitInterval)
	defer tick.Stop()
	lastPrune := time.Time{}
	reloadWanted := false
	var retry <-chan time.Time // armed while blocked
	for {
		items := d.items
		if d.an.blocked() {
			items = nil // back-pressure: nothing is taken until the sink works
			if retry == nil {
				retry = d.retryAfter()
			}
		} else {
			retry = nil
			if d.la.pending() {
				// Events decoded ahead come before anything else, a
				// reload included (Swap needs none in between).
				d.runHeld()
				continue
			}
			if reloadWanted {
				reloadWanted = false
				d.opt.Notify("RELOADING=1")
				d.reload(ctx)
				d.opt.Notify("READY=1")
				continue
			}
		}
		select {
		case it := <-items:
			d.take(it)
			if len(d.items) == 0 && !d.la.pending() {
				d.an.idle()
			}
		case <-retry:
			retry = nil
			d.an.retry()
		case <-tick.C:
			if d.an.committing() {
				// Errors are logged (rate-limited) and retried by the analyzer.
				d.an.commit()
			}
			d.writeState()
			if now := d.opt.Clock(); now.Sub(lastPrune) > time.Hour {
				d.an.prune(now)
				lastPrune = now
			}
		case <-d.opt.Reload:
			reloadWanted = true
		case <-ctx.Done():
			d.opt.Notify("STOPPING=1")
			d.consumeHeld(ctx)
			d.stopInputs(ctx, d.inputs)
			d.inputs = nil
			// Commits what was delivered; what was abandoned stays
			// uncommitted.
			outage := d.abandoning || d.an.blocked()
			err := d.an.commit()
			if err != nil && outage && d.an.flushFailed {
				// The alert files hold records in memory (written at each
				// commit): during an outage they cannot be written, and the
				// positions of their lines stay uncommitted, so the lines
				// are read again at the next start. That is the outage's
				// expected end, not a failure of the stop.
				d.log.Warn("stopped during an alert output outage: alerts not written; their lines are read again at the next start", "error", err)
				err = nil
			}
			d.writeState()
			if n := d.stats.AbandonedAtStop.Load(); n > 0 {
				d.log.Warn("stopped during an alert output outage: events not delivered; lines of files are read again at the next start",
					"events", n, "lost_non_file", d.stats.LostAtStop.Load())
			}
			return err
		}
	}
}

// retryAfter arms the timer of the next retry of a blocked analyzer.
func (d *daemon) retryAfter() <-chan time.Time {
	after := d.after
	if after == nil {
		after = time.After
	}
	return after(d.an.retryDelay())
}

// consume analyses one event outside the main loop (inputs being stopped
// by a reload or at the end). While a sink fails it waits, retrying with
// backoff, so that no event is skipped; once ctx is cancelled during an
// outage the stuck event and every later one are dropped undelivered,
// their positions left uncommitted (a later event of the same file must
// not commit past an earlier one that was not delivered).
func (d *daemon) consume(ctx context.Context, it item) {
	d.consumeHeld(ctx) // events decoded ahead were queued before it
	d.settle(ctx)
	if d.abandoning {
		d.an.discard(it)
		return
	}
	d.an.process(it)
	d.settle(ctx)
}

// settle waits until the analyzer is no longer blocked, or abandons once
// ctx is cancelled.
func (d *daemon) settle(ctx context.Context) {
	for d.an.blocked() && !d.abandoning {
		if ctx.Err() != nil {
			d.abandoning = true
			d.an.abandon()
			return
		}
		select {
		case <-d.retryAfter():
			d.an.retry()
		case <-ctx.Done():
		}
	}
}
