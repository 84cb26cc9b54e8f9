package daemon

import (
	"log/slog"
	"os"
	"time"

	"github.com/gossec/gossec/internal/config"
	"github.com/gossec/gossec/internal/engine"
	"github.com/gossec/gossec/internal/positions"
	"github.com/gossec/gossec/outputs/alertfile"
)

// analyzer owns the engine session, the alert files and the positions not
// yet committed. Only the daemon's loop goroutine calls it.
type analyzer struct {
	rs      *engine.Ruleset
	an      *engine.Analyzer
	logAll  bool
	out     *alertfile.Writer
	pos     *positions.Store
	pending map[positions.FileID]positions.Entry
	stats   *Stats
	log     *slog.Logger
	outs    *outputs // nil: alert files only
	clock   func() time.Time
}

func newAnalyzer(rs *engine.Ruleset, cfg *config.Config, clock func() time.Time, out *alertfile.Writer,
	pos *positions.Store, stats *Stats, log *slog.Logger) *analyzer {
	return &analyzer{
		rs:      rs,
		an:      engine.NewAnalyzer(rs, engine.Options{Clock: clock}),
		logAll:  cfg.Global.LogAll || cfg.Global.LogAllJSON,
		out:     out,
		pos:     pos,
		pending: map[positions.FileID]positions.Entry{},
		stats:   stats,
		log:     log,
		clock:   clock,
	}
}

// process analyses one event and writes its alert; the event's file
// position becomes committable.
func (a *analyzer) process(it item) {
	res := a.an.Analyze(it.location, it.text, nil)
	a.stats.Events.Add(1)
	if len(res.Cuts) > 0 {
		a.stats.Regex.record(res.Cuts, a.clock(), a.log)
	}
	if res.Event.Decoder != nil {
		a.stats.Decoded.Add(1)
	}
	r := res.Match.Rule
	alerting := r != nil && res.Match.Alert && r.Log
	if !alerting && !a.logAll {
		a.commitPos(it)
		return
	}
	al := a.an.Alert(res)
	if !alerting {
		al.Rule = nil // archived events name a rule only when it alerted
	}
	if alerting {
		// Written before the archive, so the archive carries its id.
		if err := a.out.WriteAlert(al); err != nil {
			a.outputError(err)
		} else {
			a.stats.countAlert(r.Level)
			if a.outs != nil {
				a.outs.send(al)
			}
		}
	}
	if a.logAll {
		if err := a.out.WriteArchive(al); err != nil {
			a.outputError(err)
		}
	}
	a.commitPos(it)
}

// commitPos marks the event's file position committable.
func (a *analyzer) commitPos(it item) {
	if it.pos != nil {
		a.pending[it.pos.id] = it.pos.entry
	}
}

func (a *analyzer) outputError(err error) {
	a.stats.OutputErrors.Add(1)
	a.log.Error("writing alert", "error", err)
}

// commit makes the written alerts durable, then records the positions of
// the lines they came from: a crash can repeat lines, never lose them.
func (a *analyzer) commit() error {
	if err := a.out.Flush(); err != nil {
		return err
	}
	if len(a.pending) == 0 {
		return nil
	}
	for k, e := range a.pending {
		a.pos.Set(k, e)
	}
	clear(a.pending)
	return a.pos.Flush()
}

// swap installs a new ruleset, carrying the session state (correlation
// memory, counters) over.
func (a *analyzer) swap(rs *engine.Ruleset, cfg *config.Config) {
	a.an.Swap(rs)
	a.rs = rs
	a.logAll = cfg.Global.LogAll || cfg.Global.LogAllJSON
}

// staleAfter is how long the position of a file that no longer exists is
// kept: long enough for a rotated file to come back, short enough that the
// positions file does not grow forever.
const staleAfter = 24 * time.Hour

// prune forgets positions of files that are gone and were not read for a
// day.
func (a *analyzer) prune(now time.Time) {
	n := a.pos.Prune(func(_ positions.FileID, e positions.Entry) bool {
		if _, err := os.Stat(e.Path); err == nil {
			return true
		}
		return now.Sub(e.Updated) < staleAfter
	})
	if n > 0 {
		a.log.Info("forgot positions of vanished files", "count", n)
	}
}
