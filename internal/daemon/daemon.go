package daemon

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
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
// at start.
var ErrLoad = errors.New("configuration or ruleset failed to load")

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
// error with its file:line:col. It is what `gossec run -t` checks.
func Load(confPath, home string, warn func(xmlconf.Pos, string)) (*Loaded, []error) {
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
		return nil, errs
	}
	outs, errs := loadOutputs(roots, home)
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
	ld, errs := Load(opt.ConfigPath, opt.Home, warn)
	if len(errs) > 0 {
		for _, e := range errs {
			log.Error("load", "error", e)
		}
		return fmt.Errorf("%w: %d errors", ErrLoad, len(errs))
	}
	outs := ld.outs
	d, err := newDaemon(opt, ld.Config, ld.Ruleset)
	if err != nil {
		return err
	}
	defer d.close()
	// Outputs live as long as the service: a reload does not restart them
	// (their queues would be lost); output changes need a restart.
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
	opt   Options
	log   *slog.Logger
	cfg   *config.Config
	an    *analyzer
	pos   *positions.Store
	out   *alertfile.Writer
	stats *Stats
	srcs  sources
	outs  *outputs
	// after arms the retry timer while a sink fails (time.After when nil);
	// tests inject it.
	after func(time.Duration) <-chan time.Time
}

func newDaemon(opt Options, cfg *config.Config, rs *engine.Ruleset) (*daemon, error) {
	home := opt.Home
	for _, dir := range []string{"logs/alerts", "logs/archives", "queue/gossec", "var/run"} {
		if err := os.MkdirAll(filepath.Join(home, dir), 0o750); err != nil {
			return nil, fmt.Errorf("creating %s: %w", dir, err)
		}
	}
	pos, err := positions.Open(filepath.Join(home, "queue", "gossec", "positions.json"))
	if err != nil {
		return nil, fmt.Errorf("opening positions: %w", err)
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
	d := &daemon{opt: opt, log: opt.Logger, cfg: cfg, pos: pos, out: out, stats: stats}
	d.an = newAnalyzer(rs, cfg, opt.Clock, out, pos, stats, opt.Logger)
	return d, nil
}

func (d *daemon) close() {
	if err := d.out.Close(); err != nil {
		d.log.Error("closing alert files", "error", err)
	}
}

// loop runs inputs and the analyzer until ctx is cancelled. A reload stops
// the inputs, drains what they sent, commits, swaps configuration and
// ruleset, and starts the inputs again from the committed positions.
func (d *daemon) loop(ctx context.Context) error {
	for {
		in := d.startInputs(ctx)
		d.opt.Notify("READY=1")
		d.log.Info("gossec running", "inputs", in.count, "rules", len(d.an.rs.Rules.IDs()))
		reload := d.analyze(ctx, in)
		if !reload {
			d.opt.Notify("STOPPING=1")
			err := d.an.commit()
			d.writeState()
			return err
		}
		d.opt.Notify("RELOADING=1")
		d.reload()
	}
}

// analyze consumes events until the inputs have stopped (ctx cancelled or
// a reload requested). It reports whether a reload was requested.
//
// While the analyzer is blocked (an alert file cannot be written, or a
// commit failed), no event is taken: the inputs wait on the bounded queue,
// and the analyzer retries with backoff. A stop during such an outage
// drains the queue without delivering (positions stay uncommitted, so the
// lines are read again at the next start); a reload waits for the outage
// to end.
func (d *daemon) analyze(ctx context.Context, in *inputs) (reload bool) {
	tick := time.NewTicker(d.opt.CommitInterval)
	defer tick.Stop()
	after := d.after
	if after == nil {
		after = time.After
	}
	stopping, abandoning := false, false
	done := ctx.Done()
	var retry <-chan time.Time // armed while blocked
	lastPrune := time.Time{}
	defer func() {
		if n := d.stats.AbandonedAtStop.Load(); n > 0 {
			d.log.Warn("stopped during an alert output outage: events not delivered; lines of files are read again at the next start",
				"events", n, "lost_non_file", d.stats.LostAtStop.Load())
		}
	}()
	for {
		items := in.items
		if d.an.blocked() && !abandoning && ctx.Err() != nil {
			abandoning = true
			d.an.abandon()
		}
		switch {
		case abandoning:
			retry = nil
		case d.an.blocked():
			items = nil // back-pressure: nothing is taken until the sink works
			if retry == nil {
				retry = after(d.an.retryDelay())
			}
		default:
			retry = nil
		}
		select {
		case it, ok := <-items:
			if !ok {
				return reload
			}
			if abandoning {
				d.an.discard(it)
				continue
			}
			d.an.process(it)
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
			if !stopping {
				stopping, reload = true, true
				in.stop()
			}
		case <-done:
			done = nil // closed for good: selecting it again would spin
			if !stopping {
				stopping = true
				in.stop()
			}
		}
	}
}

// reload re-reads configuration and ruleset; on any error it logs every
// one and keeps what runs.
func (d *daemon) reload() {
	if err := d.an.commit(); err != nil {
		d.log.Error("commit before reload", "error", err)
	}
	warn := func(p xmlconf.Pos, m string) { d.log.Warn(m, "at", p.String()) }
	ld, errs := Load(d.opt.ConfigPath, d.opt.Home, warn)
	if len(errs) > 0 {
		for _, e := range errs {
			d.log.Error("reload failed, keeping the running configuration and ruleset", "error", e)
		}
		d.stats.ReloadFailures.Add(1)
		return
	}
	// The outputs built by Load were only validated: the running ones are
	// kept, with their queues.
	d.cfg = ld.Config
	d.an.swap(ld.Ruleset, ld.Config)
	d.stats.Reloads.Add(1)
	d.log.Info("configuration and ruleset reloaded", "rules", len(ld.Ruleset.Rules.IDs()))
}

// inputs are the running input goroutines of one generation.
type inputs struct {
	items  chan item
	cancel context.CancelFunc
	count  int
}

func (in *inputs) stop() { in.cancel() }

// startInputs starts every configured input; items is closed when all of
// them have stopped.
func (d *daemon) startInputs(parent context.Context) *inputs {
	ctx, cancel := context.WithCancel(parent)
	in := &inputs{items: make(chan item, d.opt.QueueSize), cancel: cancel}
	var wg sync.WaitGroup
	for _, lf := range d.cfg.LocalFiles {
		in.count++
		wg.Add(1)
		go func() {
			defer wg.Done()
			d.runLocalFile(ctx, lf, in.items)
		}()
	}
	for _, r := range d.cfg.Remotes {
		in.count++
		wg.Add(1)
		go func() {
			defer wg.Done()
			d.runRemote(ctx, r, in.items)
		}()
	}
	// The service runs until stopped even with no input configured.
	wg.Add(1)
	go func() {
		defer wg.Done()
		<-ctx.Done()
	}()
	go func() {
		wg.Wait()
		close(in.items)
	}()
	return in
}
