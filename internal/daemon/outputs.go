package daemon

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gossec/gossec/internal/alert"
	"github.com/gossec/gossec/internal/xmlconf"
	"github.com/gossec/gossec/outputs/email"
	"github.com/gossec/gossec/outputs/syslog"
)

// outputs are the alert destinations beyond the alert files: one
// goroutine each (their Run), fed through Send, which never blocks (each
// output has its own bounded queue and counts what it drops).
//
// One outputs value lives as long as the service; a reload changes what
// it holds in place (apply): outputs whose settings did not change keep
// running with their queues and connections; a changed or removed
// <syslog_output> stops receiving alerts at once and is stopped once it has
// delivered what it had queued (to the destination that was configured
// when those alerts were raised), or after retireDrain; a changed mail
// configuration stops the running mailer, which spools what it holds, and
// a new mailer sends that spool with the new settings.
type outputs struct {
	mu       sync.RWMutex // guards syslogs, mailers, retiring, gone: apply vs send and counters
	syslogs  []*syslogOut
	mailers  []*mailOut
	retiring map[*syslogOut]bool // replaced, still delivering their queue
	gone     outputTotals        // counters of outputs a reload replaced

	parent   context.Context
	stopping chan struct{} // closed by stop: replaced outputs stop draining
	wg       sync.WaitGroup
}

// syslogOut is one running <syslog_output>.
type syslogOut struct {
	*syslog.Output
	key    string        // its settings (settingsKey); equal keys: same output
	sends  atomic.Uint64 // alerts handed to Send, to know when its queue is delivered
	cancel context.CancelFunc
	done   chan struct{}
}

// mailOut is the running mailer.
type mailOut struct {
	*email.Mailer
	key    string
	cfg    email.Config // to build it again after its predecessor spooled
	cancel context.CancelFunc
	done   chan struct{}
}

// outputTotals are counters that outlive the outputs that counted them.
type outputTotals struct {
	sent, dropped, errs, mails, mailDropped, mailFailures, mailSpoolLost, mailRejected int64
}

// retireDrain bounds how long a replaced syslog output may take to
// deliver its queue (its server may be down); what it still holds then is
// abandoned, counted in syslog_dropped and logged.
const retireDrain = 30 * time.Second

// loadOutputs reads the <syslog_output> and email sections of the parsed
// configuration and builds the outputs without starting them. Each output
// logs its failures and drops to log, rate limited (nil: not at all).
func loadOutputs(roots []*xmlconf.Node, home string, log *slog.Logger) (*outputs, []error) {
	o := &outputs{stopping: make(chan struct{})}
	sc, errs := syslog.ParseConfig(roots)
	ec, eerrs := email.ParseConfig(roots)
	errs = append(errs, eerrs...)
	for _, c := range sc {
		c.Logger = log
		out, err := syslog.New(c)
		if err != nil {
			errs = append(errs, fmt.Errorf("syslog_output %s:%d: %w", c.Server, c.Port, err))
			continue
		}
		key := settingsKey(c)
		if c.TLSCA != "" {
			key += " ca:" + fileStamp(c.TLSCA) // read once by New
		}
		o.syslogs = append(o.syslogs, &syslogOut{Output: out, key: key})
	}
	for _, c := range ec {
		c.Home, c.Logger = home, log
		m, err := email.New(c)
		if err != nil {
			errs = append(errs, fmt.Errorf("email: %w", err))
			continue
		}
		key := settingsKey(c)
		if c.TemplateFile != "" {
			key += " template:" + fileStamp(c.TemplateFile) // read once by New
		}
		o.mailers = append(o.mailers, &mailOut{Mailer: m, key: key, cfg: c})
	}
	return o, errs
}

// start runs every output's goroutine until stop.
func (o *outputs) start(parent context.Context) {
	o.parent = parent
	for _, s := range o.syslogs {
		s.cancel, s.done = o.run(s.Run)
	}
	for _, m := range o.mailers {
		m.cancel, m.done = o.run(m.Run)
	}
}

func (o *outputs) run(f func(context.Context) error) (context.CancelFunc, chan struct{}) {
	ctx, cancel := context.WithCancel(o.parent)
	done := make(chan struct{})
	o.wg.Add(1)
	go func() {
		defer o.wg.Done()
		defer close(done)
		f(ctx)
	}()
	return cancel, done
}

// stop ends the goroutines, replaced outputs still draining included; the
// mailer spools what it still holds.
func (o *outputs) stop() {
	o.mu.RLock()
	close(o.stopping)
	for _, s := range o.syslogs {
		if s.cancel != nil {
			s.cancel()
		}
	}
	for _, m := range o.mailers {
		if m.cancel != nil {
			m.cancel()
		}
	}
	o.mu.RUnlock()
	o.wg.Wait()
}

// send hands an alert to every output; each copies what it needs.
func (o *outputs) send(a *alert.Alert) {
	o.mu.RLock()
	defer o.mu.RUnlock()
	for _, s := range o.syslogs {
		s.sends.Add(1)
		s.Send(a)
	}
	for _, m := range o.mailers {
		m.Send(a)
	}
}

// apply makes the running outputs those of next (built by Load and not
// started), keeping the running ones whose settings did not change. It is
// called by the analyzer goroutine, so no alert is sent while it runs. It
// returns what changed, for the reload's log.
func (o *outputs) apply(next *outputs, log *slog.Logger) []string {
	var changes []string
	free := map[string][]*syslogOut{}
	for _, s := range o.syslogs {
		free[s.key] = append(free[s.key], s)
	}
	var syslogs, added []*syslogOut
	for _, n := range next.syslogs {
		if l := free[n.key]; len(l) > 0 {
			syslogs = append(syslogs, l[0])
			free[n.key] = l[1:]
			continue
		}
		syslogs = append(syslogs, n)
		added = append(added, n)
	}
	var retired []*syslogOut
	for _, s := range o.syslogs {
		if l := free[s.key]; len(l) > 0 && l[0] == s {
			retired = append(retired, s)
			free[s.key] = l[1:]
		}
	}
	mailers := o.mailers
	if mailKeys(o.mailers) != mailKeys(next.mailers) {
		mailers = nil
		// The old mailer must spool what it holds before its successor
		// reads the spool: the one Load built read it too early.
		for _, m := range o.mailers {
			if m.cancel == nil {
				continue // never started
			}
			m.cancel()
			<-m.done
			o.mu.Lock()
			o.gone.addMailer(m.Stats())
			o.mu.Unlock()
		}
		for _, n := range next.mailers {
			m, err := email.New(n.cfg)
			if err != nil {
				log.Error("reload: mail output not restarted", "error", err)
				continue
			}
			mailers = append(mailers, &mailOut{Mailer: m, key: n.key, cfg: n.cfg})
		}
		changes = append(changes, fmt.Sprintf("mail settings: %d mailer(s) replaced by %d", len(o.mailers), len(mailers)))
	}
	for _, s := range added {
		s.cancel, s.done = o.run(s.Run)
		changes = append(changes, "syslog_output started: "+s.Addr())
	}
	for _, m := range mailers {
		if m.cancel == nil {
			m.cancel, m.done = o.run(m.Run)
		}
	}
	o.mu.Lock()
	o.syslogs, o.mailers = syslogs, mailers
	if o.retiring == nil {
		o.retiring = map[*syslogOut]bool{}
	}
	for _, s := range retired {
		o.retiring[s] = true // still counted until it has stopped
	}
	o.mu.Unlock()
	for _, s := range retired {
		changes = append(changes, "syslog_output stopped: "+s.Addr()+" (after delivering its queue)")
		o.wg.Add(1)
		go o.retire(s, log)
	}
	return changes
}

// describe names the running outputs for the start summary.
func (o *outputs) describe() []string {
	o.mu.RLock()
	defer o.mu.RUnlock()
	var out []string
	for _, s := range o.syslogs {
		out = append(out, "syslog "+s.Addr())
	}
	for _, m := range o.mailers {
		n := len(m.cfg.To)
		for _, g := range m.cfg.Granular {
			n += len(g.To)
		}
		out = append(out, fmt.Sprintf("email via %s:%d (%d recipients, max %d/hour)", m.cfg.SMTPServer, m.cfg.Port, n, m.cfg.MaxPerHour))
	}
	return out
}

func mailKeys(ms []*mailOut) string {
	var b strings.Builder
	for _, m := range ms {
		b.WriteString(m.key)
		b.WriteString("\n")
	}
	return b.String()
}

// retire stops a replaced syslog output once it has delivered every alert
// it was given (nothing queued, nothing in flight), or after retireDrain.
func (o *outputs) retire(s *syslogOut, log *slog.Logger) {
	defer o.wg.Done()
	deadline := time.NewTimer(retireDrain)
	defer deadline.Stop()
	poll := time.NewTicker(20 * time.Millisecond)
	defer poll.Stop()
wait:
	for !s.delivered() {
		select {
		case <-poll.C:
		case <-deadline.C:
			break wait
		case <-o.stopping:
			break wait
		}
	}
	s.cancel()
	<-s.done
	st := s.Stats()
	left := int64(s.sends.Load()) - int64(st.Sent+st.Dropped+st.Abandoned+st.Filtered)
	if left > 0 {
		log.Warn("replaced syslog output stopped before delivering its queue", "server", s.Addr(), "abandoned", left)
	} else {
		log.Info("replaced syslog output delivered its queue and stopped", "server", s.Addr(), "sent", st.Sent)
	}
	o.mu.Lock()
	delete(o.retiring, s)
	o.gone.addSyslog(st, max(left, 0))
	o.mu.Unlock()
}

// delivered reports that every alert handed to s was sent, filtered,
// dropped or abandoned: none is queued or being written.
func (s *syslogOut) delivered() bool {
	st := s.Stats()
	return st.Queued == 0 && st.Sent+st.Dropped+st.Abandoned+st.Filtered >= s.sends.Load()
}

func (t *outputTotals) addSyslog(st syslog.Stats, abandoned int64) {
	t.sent += int64(st.Sent)
	t.dropped += int64(st.Dropped+st.Abandoned) + abandoned
	t.errs += int64(st.Errors)
}

func (t *outputTotals) addMailer(st email.Stats) {
	t.mails += int64(st.Mails)
	t.mailDropped += int64(st.Dropped)
	t.mailSpoolLost += int64(st.SpoolLost)
	t.mailRejected += int64(st.Rejected)
	t.mailFailures += int64(st.Failures)
}

// counters are the outputs' totals for the state file and /metrics.
func (o *outputs) counters() []counter {
	o.mu.RLock()
	defer o.mu.RUnlock()
	t := o.gone
	var spooled int64
	for _, s := range o.syslogs {
		t.addSyslog(s.Stats(), 0)
	}
	for s := range o.retiring {
		t.addSyslog(s.Stats(), 0)
	}
	for _, m := range o.mailers {
		st := m.Stats()
		t.addMailer(st)
		spooled += st.Pending
	}
	sent, dropped, errs := t.sent, t.dropped, t.errs
	mails, mailDropped, mailFailures, spoolLost := t.mails, t.mailDropped, t.mailFailures, t.mailSpoolLost
	return []counter{
		{"syslog_sent", "alerts sent to syslog destinations", sent},
		{"syslog_dropped", "syslog messages dropped (queue full) or abandoned", dropped},
		{"syslog_errors", "failed syslog dials and writes", errs},
		{"mail_sent", "mails delivered", mails},
		{"mail_dropped", "alerts the mailer dropped (its queue was full)", mailDropped},
		{"mail_failures", "failed mail delivery attempts (the mail stays spooled and is retried)", mailFailures},
		{"mail_pending", "mails waiting in the spool", spooled},
		{"mail_spool_lost", "mails lost because the spool was full (email_spool_size) or no server would take them", spoolLost},
		{"mail_rejected", "mails the server refused for good while it took the next one, kept in queue/mail/rejected/", t.mailRejected},
	}
}
