package daemon

import (
	"context"
	"fmt"
	"log/slog"
	"sync"

	"github.com/gossec/gossec/internal/alert"
	"github.com/gossec/gossec/internal/xmlconf"
	"github.com/gossec/gossec/outputs/email"
	"github.com/gossec/gossec/outputs/syslog"
)

// outputs are the alert destinations beyond the alert files: one
// goroutine each (their Run), fed through Send, which never blocks (each
// output has its own bounded queue and counts what it drops).
type outputs struct {
	syslogs []*syslog.Output
	mailers []*email.Mailer
	cancel  context.CancelFunc
	wg      sync.WaitGroup
}

// loadOutputs reads the <syslog_output> and email sections of the parsed
// configuration and builds the outputs without starting them. Each output
// logs its failures and drops to log, rate limited (nil: not at all).
func loadOutputs(roots []*xmlconf.Node, home string, log *slog.Logger) (*outputs, []error) {
	o := &outputs{}
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
		o.syslogs = append(o.syslogs, out)
	}
	for _, c := range ec {
		c.Home, c.Logger = home, log
		m, err := email.New(c)
		if err != nil {
			errs = append(errs, fmt.Errorf("email: %w", err))
			continue
		}
		o.mailers = append(o.mailers, m)
	}
	return o, errs
}

// start runs every output's goroutine until stop.
func (o *outputs) start(parent context.Context) {
	ctx, cancel := context.WithCancel(parent)
	o.cancel = cancel
	run := func(f func(context.Context) error) {
		o.wg.Add(1)
		go func() {
			defer o.wg.Done()
			f(ctx)
		}()
	}
	for _, s := range o.syslogs {
		run(s.Run)
	}
	for _, m := range o.mailers {
		run(m.Run)
	}
}

// stop ends the goroutines; the mailer spools what it still holds.
func (o *outputs) stop() {
	if o.cancel != nil {
		o.cancel()
	}
	o.wg.Wait()
}

// send hands an alert to every output; each copies what it needs.
func (o *outputs) send(a *alert.Alert) {
	for _, s := range o.syslogs {
		s.Send(a)
	}
	for _, m := range o.mailers {
		m.Send(a)
	}
}

// counters are the outputs' totals for the state file and /metrics.
func (o *outputs) counters() []counter {
	var sent, dropped, errs, mails, mailDropped, mailFailures, spooled, spoolLost int64
	for _, s := range o.syslogs {
		st := s.Stats()
		sent += int64(st.Sent)
		dropped += int64(st.Dropped + st.Abandoned)
		errs += int64(st.Errors)
	}
	for _, m := range o.mailers {
		st := m.Stats()
		mails += int64(st.Mails)
		mailDropped += int64(st.Dropped)
		mailFailures += int64(st.Failures)
		spooled += st.Pending
		spoolLost += int64(st.SpoolLost)
	}
	return []counter{
		{"syslog_sent", "alerts sent to syslog destinations", sent},
		{"syslog_dropped", "syslog messages dropped (queue full) or abandoned", dropped},
		{"syslog_errors", "failed syslog dials and writes", errs},
		{"mail_sent", "mails delivered", mails},
		{"mail_dropped", "alerts the mailer dropped (its queue was full)", mailDropped},
		{"mail_failures", "failed mail delivery attempts (the mail stays spooled and is retried)", mailFailures},
		{"mail_pending", "mails waiting in the spool", spooled},
		{"mail_spool_lost", "mails lost because the spool was full (email_spool_size) or no server would take them", spoolLost},
	}
}
