package email

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/gossec/gossec/internal/alert"
)

// Clock is the time source of a Mailer; tests inject a fake one.
type Clock interface {
	Now() time.Time
	After(d time.Duration) <-chan time.Time
}

type sysClock struct{}

func (sysClock) Now() time.Time                         { return time.Now() }
func (sysClock) After(d time.Duration) <-chan time.Time { return time.After(d) }

// Stats are the Mailer's counters since New.
type Stats struct {
	Received  uint64 // alerts given to Send that had at least one recipient
	Dropped   uint64 // alerts Send refused because the queue was full
	Mails     uint64 // messages delivered (any kind)
	SMS       uint64 // of which SMS
	Digests   uint64 // of which next-hour digests
	Held      uint64 // alerts held for a digest by email_maxperhour
	NotShown  uint64 // held alerts left out of a digest by its size cap
	Failures  uint64 // delivery attempts that failed
	Spooled   uint64 // messages put in the retry spool
	SpoolLost uint64 // messages that could not be spooled (spool full)
	Pending   int64  // messages waiting in the spool now
}

type counters struct {
	received, dropped, mails, sms, digests, held, notShown atomic.Uint64
	failures, spooled, spoolLost                           atomic.Uint64
	pending                                                atomic.Int64
}

// Backoff bounds of spool retries.
const (
	minBackoff = 5 * time.Second
	maxBackoff = 10 * time.Minute
)

// Mailer is the e-mail output. Send is safe for concurrent use; Run must be
// called once, by the goroutine that owns delivery.
type Mailer struct {
	cfg    Config
	clock  Clock
	routes []route
	queue  chan item
	tr     transport
	host   string // Message-ID domain
	stats  counters

	// Owned by Run.
	lim limiter
	// budgetFile keeps the hour's budget across restarts, so a daemon
	// restarted (or crash-looping) within an hour cannot exceed the cap.
	budgetFile string
	groups     map[string]*batch
	digests    map[string]*digest
	spool      *spool
	retryAt    time.Time
	backoff    time.Duration
	seq        uint64
}

type item struct {
	r    routed
	sync chan struct{} // test hook: closed once everything before it is handled
}

// Options that only code can set (not ossec.conf).
type Options struct {
	// RootCAs verifies the SMTP server's certificate; nil = system roots.
	RootCAs *x509.CertPool
}

// New checks cfg, fills its defaults and opens the spool directory.
func New(cfg Config, opt ...Options) (*Mailer, error) {
	fillDefaults(&cfg)
	if cfg.From == "" || cfg.SMTPServer == "" {
		return nil, errors.New("email: email_from and smtp_server are required")
	}
	if cfg.TemplateFile != "" && cfg.tmpl == nil {
		t, err := loadTemplate(cfg.TemplateFile)
		if err != nil {
			return nil, fmt.Errorf("email: %w", err)
		}
		cfg.tmpl = t
	}
	routes, err := buildRoutes(&cfg)
	if err != nil {
		return nil, fmt.Errorf("email: %w", err)
	}
	var o Options
	if len(opt) > 0 {
		o = opt[0]
	}
	tr, err := newSMTPTransport(&cfg, o)
	if err != nil {
		return nil, fmt.Errorf("email: %w", err)
	}
	m := &Mailer{
		cfg:     cfg,
		clock:   cfg.Clock,
		routes:  routes,
		queue:   make(chan item, cfg.QueueSize),
		tr:      tr,
		host:    messageIDHost(cfg.HeloServer),
		lim:     limiter{max: cfg.MaxPerHour},
		groups:  map[string]*batch{},
		digests: map[string]*digest{},
		backoff: minBackoff,
	}
	dir := ""
	if cfg.Home != "" {
		dir = cfg.Home + "/queue/mail"
	}
	if m.spool, err = openSpool(dir); err != nil {
		return nil, fmt.Errorf("email: %w", err)
	}
	m.stats.pending.Store(int64(m.spool.len()))
	if dir != "" {
		m.budgetFile = dir + "/" + budgetName
		m.lim.restore(m.budgetFile, m.clock.Now())
	}
	return m, nil
}

func fillDefaults(c *Config) {
	if c.Clock == nil {
		c.Clock = sysClock{}
	}
	if c.MaxPerHour <= 0 {
		c.MaxPerHour = DefaultMaxPerHour
	}
	if c.Port == 0 {
		c.Port = DefaultPort
		if c.Security == ImplicitTLS {
			c.Port = 465
		}
	}
	if c.Product == "" {
		c.Product = DefaultProduct
	}
	if c.GroupDelay <= 0 {
		c.GroupDelay = DefaultGroupDelay
	}
	if c.MaxGroup <= 0 {
		c.MaxGroup = DefaultMaxGroup
	}
	if c.DigestMaxBytes <= 0 {
		c.DigestMaxBytes = DefaultDigestMaxBytes
	}
	if c.QueueSize <= 0 {
		c.QueueSize = DefaultQueueSize
	}
	if c.Timeout <= 0 {
		c.Timeout = DefaultTimeout
	}
}

func messageIDHost(helo string) string {
	if helo != "" {
		return helo
	}
	if h, err := os.Hostname(); err == nil && h != "" && !strings.ContainsFunc(h, isControl) {
		return h
	}
	return "localhost"
}

// Send routes a and enqueues a copy for delivery. It never blocks: false
// means the queue was full and the alert was dropped (and counted). An
// alert that goes to no recipient is accepted and forgotten.
func (m *Mailer) Send(a *alert.Alert) bool {
	// no_email_alert keeps a rule out of every mail path, granular
	// <email_alerts> included.
	if a == nil || a.Rule == nil || a.Event == nil || a.Rule.NoEmail {
		return true
	}
	r, ok := m.route(a)
	if !ok {
		return true
	}
	select {
	case m.queue <- item{r: r}:
		m.stats.received.Add(1)
		return true
	default:
		m.stats.dropped.Add(1)
		return false
	}
}

// Stats returns the counters.
func (m *Mailer) Stats() Stats {
	c := &m.stats
	return Stats{
		Received: c.received.Load(), Dropped: c.dropped.Load(), Mails: c.mails.Load(),
		SMS: c.sms.Load(), Digests: c.digests.Load(), Held: c.held.Load(),
		NotShown: c.notShown.Load(), Failures: c.failures.Load(), Spooled: c.spooled.Load(),
		SpoolLost: c.spoolLost.Load(), Pending: c.pending.Load(),
	}
}

// Run delivers until ctx ends: it groups alerts, enforces the hourly cap,
// sends digests when the hour turns and retries the spool with backoff,
// starting with what a previous process spooled. On return, mails that
// were still waiting for their group delay or digest are spooled, so the
// next Run sends them.
func (m *Mailer) Run(ctx context.Context) error {
	m.retryAt = m.clock.Now()
	for {
		now := m.clock.Now()
		m.tick(ctx, now)
		var wake <-chan time.Time
		if at, ok := m.nextWake(now); ok {
			wake = m.clock.After(max(at.Sub(now), 0))
		}
		select {
		case <-ctx.Done():
			m.shutdown()
			return nil
		case it := <-m.queue:
			now = m.clock.Now()
			m.tick(ctx, now)
			if it.sync != nil {
				close(it.sync)
				continue
			}
			m.handle(ctx, it.r, now)
		case <-wake:
		}
	}
}

// tick does the time-driven work: digests due since the hour turned,
// groups whose delay is over, and spool retries.
func (m *Mailer) tick(ctx context.Context, now time.Time) {
	m.sendDueDigests(ctx, now)
	for _, k := range sortedKeys(m.groups) {
		if g := m.groups[k]; !now.Before(g.deadline) {
			delete(m.groups, k)
			m.dispatch(ctx, g, now)
		}
	}
	if m.spool.len() > 0 && !now.Before(m.retryAt) {
		m.retrySpool(ctx, now)
	}
}

// nextWake is the earliest time tick has work to do.
func (m *Mailer) nextWake(now time.Time) (time.Time, bool) {
	var at time.Time
	ok := false
	earlier := func(t time.Time) {
		if !ok || t.Before(at) {
			at, ok = t, true
		}
	}
	for _, g := range m.groups {
		earlier(g.deadline)
	}
	if len(m.digests) > 0 {
		earlier(hourOf(now).Add(time.Hour))
	}
	if m.spool.len() > 0 {
		earlier(m.retryAt)
	}
	return at, ok
}

// handle files one routed alert: SMS right away, full-format mails into
// the group of their recipient set unless grouping is off for them.
func (m *Mailer) handle(ctx context.Context, r routed, now time.Time) {
	if r.sms != nil {
		m.dispatch(ctx, &batch{rcpts: r.sms, format: SMS, sections: []*Section{r.sec}}, now)
	}
	if r.full == nil {
		return
	}
	if !m.cfg.Grouping || r.noGroup {
		m.dispatch(ctx, &batch{rcpts: r.full, format: Full, sections: []*Section{r.sec}}, now)
		return
	}
	g := m.groups[r.full.key]
	if g == nil {
		g = &batch{rcpts: r.full, format: Full, deadline: now.Add(m.cfg.GroupDelay)}
		m.groups[r.full.key] = g
	}
	g.sections = append(g.sections, r.sec)
	if r.noDelay || len(g.sections) >= m.cfg.MaxGroup {
		delete(m.groups, r.full.key)
		m.dispatch(ctx, g, now)
	}
}

// dispatch sends a batch as one message if the hour's budget allows,
// else holds its alerts for the next hour's digest.
func (m *Mailer) dispatch(ctx context.Context, b *batch, now time.Time) {
	if !m.take(now) {
		m.hold(b, now)
		return
	}
	m.deliver(ctx, m.compose(b, now), now)
}

func (m *Mailer) nextID(now time.Time) string {
	m.seq++
	return fmt.Sprintf("%d.%d.gossec@%s", now.UnixNano(), m.seq, m.host)
}

// deliver sends msg, or spools it when the server is known to be down or
// the attempt fails.
func (m *Mailer) deliver(ctx context.Context, msg *outMsg, now time.Time) {
	if m.spool.len() > 0 {
		// The server failed recently: queue behind the older messages
		// instead of trying again for every new one.
		m.toSpool(msg)
		return
	}
	if err := m.send(ctx, msg); err != nil {
		m.toSpool(msg)
		m.failed(now)
	}
}

// failed schedules the next spool retry and doubles the backoff.
func (m *Mailer) failed(now time.Time) {
	m.retryAt = now.Add(m.backoff)
	m.backoff = min(2*m.backoff, maxBackoff)
}

func (m *Mailer) send(ctx context.Context, msg *outMsg) error {
	ctx, cancel := context.WithTimeout(ctx, m.cfg.Timeout)
	defer cancel()
	if err := m.tr.send(ctx, msg); err != nil {
		m.stats.failures.Add(1)
		return err
	}
	m.stats.mails.Add(1)
	switch msg.Kind {
	case kindSMS:
		m.stats.sms.Add(1)
	case kindDigest:
		m.stats.digests.Add(1)
	}
	return nil
}

func (m *Mailer) toSpool(msg *outMsg) {
	if err := m.spool.put(msg); err != nil {
		m.stats.spoolLost.Add(1)
		return
	}
	m.stats.spooled.Add(1)
	m.stats.pending.Store(int64(m.spool.len()))
}

// retrySpool sends spooled messages oldest first and stops at the first
// failure, doubling the backoff; a success resets it.
func (m *Mailer) retrySpool(ctx context.Context, now time.Time) {
	for m.spool.len() > 0 && ctx.Err() == nil {
		msg := m.spool.first()
		if msg.Uncharged {
			if !m.take(now) {
				// Over the budget: the oldest mail waits for the next
				// hour and the ones behind it keep their order.
				m.retryAt = hourOf(now).Add(time.Hour)
				return
			}
			msg.Uncharged = false
		}
		err := m.send(ctx, msg)
		if errors.Is(err, errBadMessage) {
			m.spool.dropFirst()
			m.stats.spoolLost.Add(1)
			m.stats.pending.Store(int64(m.spool.len()))
			continue
		}
		if err != nil {
			m.failed(now)
			return
		}
		m.spool.dropFirst()
		m.stats.pending.Store(int64(m.spool.len()))
		m.backoff = minBackoff
	}
}

// shutdown routes what is still queued and spools every mail that was
// waiting, so nothing accepted is lost across a restart.
func (m *Mailer) shutdown() {
	now := m.clock.Now()
	for {
		select {
		case it := <-m.queue:
			if it.sync != nil {
				close(it.sync)
				continue
			}
			m.hand(it.r, now)
			continue
		default:
		}
		break
	}
	for _, k := range sortedKeys(m.groups) {
		m.spoolUncharged(m.compose(m.groups[k], now))
	}
	clear(m.groups)
	for _, k := range sortedKeys(m.digests) {
		m.spoolUncharged(m.composeDigest(m.digests[k], now))
	}
	clear(m.digests)
}

// spoolUncharged spools a mail that has not taken its share of the hourly
// budget yet; the next process charges it before sending.
func (m *Mailer) spoolUncharged(msg *outMsg) {
	msg.Uncharged = true
	m.toSpool(msg)
}

// hand files an alert at shutdown without touching the network.
func (m *Mailer) hand(r routed, now time.Time) {
	if r.sms != nil {
		m.spoolUncharged(m.compose(&batch{rcpts: r.sms, format: SMS, sections: []*Section{r.sec}}, now))
	}
	if r.full == nil {
		return
	}
	g := m.groups[r.full.key]
	if g == nil {
		g = &batch{rcpts: r.full, format: Full}
		m.groups[r.full.key] = g
	}
	g.sections = append(g.sections, r.sec)
}

// syncLoop waits until Run has handled everything sent before it (tests).
func (m *Mailer) syncLoop() {
	ch := make(chan struct{})
	m.queue <- item{sync: ch}
	<-ch
}

func sortedKeys[V any](mp map[string]V) []string {
	keys := make([]string, 0, len(mp))
	for k := range mp {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
