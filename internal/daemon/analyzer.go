package daemon

import (
	"log/slog"
	"os"
	"time"

	"github.com/gossec/gossec/internal/alert"
	"github.com/gossec/gossec/internal/config"
	"github.com/gossec/gossec/internal/engine"
	"github.com/gossec/gossec/internal/positions"
	"github.com/gossec/gossec/internal/ratelog"
)

// alertSink is where alerts and archives are written and made durable:
// the alert files (*alertfile.Writer); tests inject failing ones.
type alertSink interface {
	WriteAlert(a *alert.Alert) error
	WriteArchive(a *alert.Alert) error
	Flush() error
}

// seqSink is an alertSink that numbers its records and tells, after a
// Flush that failed part way, up to which record everything is on disk
// (*alertfile.Writer, which keeps records in memory between Flushes).
type seqSink interface {
	Seq() uint64
	Durable() uint64
}

// queuedPos is a position waiting for the records up to seq to be
// durable.
type queuedPos struct {
	seq   uint64
	id    positions.FileID
	entry positions.Entry
}

// alertSender hands alerts to the outputs beyond the files (syslog,
// email); it must not block.
type alertSender interface {
	send(a *alert.Alert)
}

// Retry backoff while a sink cannot write: doubling from retryMin, capped
// at retryMax so that a freed disk is used again within seconds.
const (
	retryMin = 100 * time.Millisecond
	retryMax = 5 * time.Second
)

// analyzer owns the engine session, the alert files and the positions not
// yet committed. Only the daemon's loop goroutine calls it (the lookahead's
// decoder goroutine calls the engine's Decode half only, between the
// loop's hand-offs).
//
// Delivery: an event's position becomes committable only once every sink
// has its alert and archive. When a file write fails (a full disk), the
// event is kept in cur and the analyzer is blocked: the loop stops taking
// events (the inputs wait on the bounded queue) and calls retry with
// backoff until the write succeeds. The outputs (syslog, email) are handed
// the alert once, at the first attempt, whatever the files do, so a
// failing file neither stops them nor makes them repeat it.
type analyzer struct {
	rs      *engine.Ruleset
	an      *engine.Analyzer
	logAll  bool
	out     alertSink
	pos     *positions.Store
	pending map[positions.FileID]positions.Entry
	queued  []queuedPos // with a seqSink: positions by record number, in order
	stats   *Stats
	log     *slog.Logger
	outs    alertSender // nil: alert files only
	clock   func() time.Time

	cur       delivery // the event being delivered
	stuck     bool     // cur is not fully delivered
	commitErr error    // the last commit failed; retried before taking more events
	// flushFailed: the last commit failed writing the alert files (not
	// the positions file).
	flushFailed bool
	delay       time.Duration
	// rl rate-limits the failure lines of an outage (a full disk is
	// retried every few hundred milliseconds, and gossec.log may sit on
	// the same disk): the first at once, then a summary a minute, and one
	// line when it ends.
	rl        *ratelog.Logger
	writeLog  *ratelog.Outage
	commitLog *ratelog.Outage
}

// delivery is one event on its way to the sinks. Each step is done at
// most once: a retry redoes only what failed.
type delivery struct {
	it      item
	al      *alert.Alert
	level   int
	alert   bool // the alert files still need it
	archive bool // the archives still need it
	sent    bool // the outputs have it
}

func newAnalyzer(rs *engine.Ruleset, cfg *config.Config, clock func() time.Time, out alertSink,
	pos *positions.Store, stats *Stats, log *slog.Logger) *analyzer {
	rl := ratelog.New(log, time.Minute, ratelog.NowFunc(clock))
	return &analyzer{
		rs:        rs,
		an:        engine.NewAnalyzer(rs, engine.Options{Clock: clock}),
		logAll:    cfg.Global.LogAll || cfg.Global.LogAllJSON,
		out:       out,
		pos:       pos,
		pending:   map[positions.FileID]positions.Entry{},
		stats:     stats,
		log:       log,
		clock:     clock,
		delay:     retryMin,
		rl:        rl,
		writeLog:  rl.Outage("writing alert files recovered"),
		commitLog: rl.Outage("committing alerts and positions recovered"),
	}
}

// process analyses one event and delivers its alert; the event's file
// position becomes committable once every sink has it. It must not be
// called while blocked.
func (a *analyzer) process(it item) {
	a.deliverResult(it, a.an.Analyze(it.location, it.text, nil))
}

// processDecoded is process for an event the lookahead decoded into slot
// (engine.Analyzer.Decode, in queue order): the rule tree and delivery.
func (a *analyzer) processDecoded(it item, slot *engine.Slot) {
	a.deliverResult(it, a.an.Match(slot, nil))
}

// deliverResult counts an analysed event and delivers its alert.
func (a *analyzer) deliverResult(it item, res engine.Result) {
	a.stats.Events.Add(1)
	if len(res.Cuts) > 0 {
		a.stats.Regex.record(res.Cuts, a.rl)
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
	a.cur = delivery{it: it, al: al, alert: alerting, archive: a.logAll}
	if alerting {
		a.cur.level = r.Level
	}
	a.attempt()
}

// attempt tries the steps of cur that are not done yet.
func (a *analyzer) attempt() {
	if err := a.deliver(&a.cur); err != nil {
		a.stats.OutputErrors.Add(1)
		a.writeLog.Fail(slog.LevelError, "write", "writing alert files failed; retrying",
			"error", err, "location", a.cur.it.location)
		if !a.stuck {
			a.stuck = true
			a.stats.OutputStalls.Add(1)
		}
		return
	}
	a.stuck = false
	a.cur = delivery{}
	a.writeLog.Recover()
}

func (a *analyzer) deliver(d *delivery) error {
	if d.alert {
		// Written before the archive, so the archive carries its id; the
		// id is set even when the write fails (the offset it would have).
		err := a.out.WriteAlert(d.al)
		if !d.sent {
			d.sent = true
			if a.outs != nil {
				a.outs.send(d.al)
			}
		}
		if err != nil {
			return err
		}
		d.alert = false
		a.stats.countAlert(d.level)
	}
	if d.archive {
		if err := a.out.WriteArchive(d.al); err != nil {
			return err
		}
		d.archive = false
	}
	a.commitPos(d.it)
	return nil
}

// pusher is an alertSink that holds records in memory until Push (or
// Flush) writes them.
type pusher interface{ Push() error }

// idle writes the records the alert files hold once the queue is empty,
// so that an alert shows in alerts.json soon after its line, not at the
// next commit. A failure is left to the next write or commit, which
// report it and block.
func (a *analyzer) idle() {
	if p, ok := a.out.(pusher); ok && !a.blocked() {
		p.Push()
	}
}

// commitPos marks the event's file position committable.
func (a *analyzer) commitPos(it item) {
	if it.pos == nil {
		return
	}
	if sq, ok := a.out.(seqSink); ok {
		q := queuedPos{sq.Seq(), it.pos.id, it.pos.entry}
		// Lines that wrote nothing since the last queued one of their
		// file replace it: the queue grows with records, not lines.
		if n := len(a.queued); n > 0 && a.queued[n-1].seq == q.seq && a.queued[n-1].id == q.id {
			a.queued[n-1] = q
			return
		}
		a.queued = append(a.queued, q)
		return
	}
	a.pending[it.pos.id] = it.pos.entry
}

// blocked reports whether an event or a commit waits for a retry: the
// loop takes no new event meanwhile.
func (a *analyzer) blocked() bool { return a.stuck || a.commitErr != nil }

// committing reports whether the last commit succeeded (the commit tick
// then runs as usual; otherwise retry does it).
func (a *analyzer) committing() bool { return a.commitErr == nil }

// retryDelay is how long to wait before the next retry.
func (a *analyzer) retryDelay() time.Duration { return a.delay }

// retry tries again what blocks: the stuck event, then the commit. The
// delay doubles while it fails and starts over once it works.
func (a *analyzer) retry() {
	if a.stuck {
		a.attempt()
	}
	if a.commitErr != nil && !a.stuck {
		a.commit()
	}
	if a.blocked() {
		a.delay = min(2*a.delay, retryMax)
	} else {
		a.delay = retryMin
	}
}

// abandon gives up the stuck event when the service stops during an
// outage: its position and those after it stay uncommitted, so a file's
// lines are read again at the next start (an event from the network or a
// command is lost, and logged).
func (a *analyzer) abandon() {
	if !a.stuck {
		return
	}
	a.discard(a.cur.it)
	a.stuck = false
	a.cur = delivery{}
}

// discard drops an event taken off the queue after the stop began while a
// sink was failing.
func (a *analyzer) discard(it item) {
	a.stats.AbandonedAtStop.Add(1)
	if it.pos == nil {
		a.stats.LostAtStop.Add(1)
	}
}

// commit makes the written alerts durable, then records the positions of
// the lines they came from: a crash can repeat lines, never lose them.
// When the alert files cannot be flushed the positions stay pending; when
// the positions file cannot be written it is tried again (Store.Flush
// writes whatever changed since its last success).
func (a *analyzer) commit() error {
	err := a.commitOnce()
	if err != nil {
		if a.commitErr == nil {
			a.stats.OutputStalls.Add(1)
		}
		a.commitErr = err
		a.commitLog.Fail(slog.LevelError, "commit", "committing alerts and positions failed; retrying", "error", err)
		return err
	}
	a.commitErr = nil
	a.commitLog.Recover()
	if !a.stuck {
		a.delay = retryMin // the next outage starts with a short wait again
	}
	return nil
}

func (a *analyzer) commitOnce() error {
	a.flushFailed = false
	err := a.out.Flush()
	sq, seq := a.out.(seqSink)
	if seq {
		// The lines whose records are all on disk are committable, even
		// when Flush failed on later ones (a disk that filled up): a
		// restart then repeats only what is not on disk.
		durable, n := sq.Durable(), 0
		for ; n < len(a.queued) && a.queued[n].seq <= durable; n++ {
			a.pending[a.queued[n].id] = a.queued[n].entry
		}
		a.queued = a.queued[:copy(a.queued, a.queued[n:])]
	}
	if err != nil {
		a.flushFailed = true
		// With a seqSink pending holds only lines whose records are on
		// disk; otherwise nothing is known to be.
		if seq && len(a.pending) > 0 {
			for k, e := range a.pending {
				a.pos.Set(k, e)
			}
			clear(a.pending)
			a.pos.Flush() // tried again by the next commit when it fails
		}
		return err
	}
	// The alerts of every pending line are on disk: the in-memory store
	// may move on even if writing it fails below (a reload restarts the
	// inputs from it, correctly past those lines).
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
