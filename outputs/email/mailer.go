package email

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gossec/gossec/internal/alert"
	"github.com/gossec/gossec/internal/ratelog"
)

// Clock is the time source of a Mailer (Now, and a channel that fires
// after d); tests inject a fake one. The same as its rate-limited log's.
type Clock = ratelog.Clock

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
	Spooled   uint64 // messages put in the spool (every mail passes through it)
	SpoolLost uint64 // messages lost: spool full (email_spool_size), or no server would take them
	Rejected  uint64 // messages the server refused for good while it took others: kept under queue/mail/rejected/
	Pending   int64  // messages waiting in the spool now
}

type counters struct {
	received, dropped, mails, sms, digests, held, notShown atomic.Uint64
	failures, spooled, spoolLost, rejected                 atomic.Uint64
}

// probeMails bounds the mails tried behind one the server refused with
// 5xx (refusedAlone): each outage round costs at most this many more
// conversations, and a run of this many refused mails still gets
// through.
const probeMails = 8

// Backoff bounds of delivery retries. The wait is measured from the end
// of the failed attempt, so a server that hangs every attempt until the
// timeout still gets the full pause between attempts.
const (
	minBackoff = 5 * time.Second
	maxBackoff = 10 * time.Minute
)

// Mailer is the e-mail output. Send is safe for concurrent use; Run must be
// called once. Run's goroutine (the consumer) routes, groups and charges
// alerts and puts every composed mail into the spool; a second goroutine
// (the sender) delivers the spool oldest first. The consumer never waits
// for the network, so a server that hangs cannot stop the queue from
// draining into the spool.
type Mailer struct {
	cfg   Config
	clock Clock
	// running is true while Run's consumer drains the queue: only then
	// does Send wait for room (queueWait) instead of dropping at once.
	running atomic.Bool
	routes  []route
	queue   chan item
	tr      transport
	host    string // Message-ID domain
	name    string // "email host:port", in every log line
	log     *slog.Logger
	rl      *ratelog.Logger
	stats   counters
	spool   *spool

	// limMu guards lim: the consumer charges new mails, the sender
	// charges mails spooled at shutdown before they were charged.
	limMu sync.Mutex
	lim   limiter
	// budgetFile keeps the hour's budget across restarts, so a daemon
	// restarted (or crash-looping) within an hour cannot exceed the cap.
	budgetFile string

	// Owned by the consumer (Run).
	groups  map[string]*batch
	digests map[string]*digest
	// capWarned is the hour whose spent budget was logged (warnCap).
	capWarned time.Time
	seq       uint64

	// Owned by the sender.
	retryAt    time.Time
	backoff    time.Duration
	charged    *outMsg            // an Uncharged mail that took its share, until delivered
	down       *ratelog.Outage    // failed attempts since the last success
	senderSync chan chan struct{} // test hook: answered when the sender is idle
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
	name := "email " + net.JoinHostPort(cfg.SMTPServer, strconv.Itoa(cfg.Port))
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	m := &Mailer{
		cfg:        cfg,
		clock:      cfg.Clock,
		routes:     routes,
		queue:      make(chan item, cfg.QueueSize),
		tr:         tr,
		host:       messageIDHost(cfg.HeloServer),
		name:       name,
		log:        log.With("output", name),
		rl:         ratelog.New(log, ratelog.DefaultInterval, cfg.Clock, "output", name),
		lim:        limiter{max: cfg.MaxPerHour},
		groups:     map[string]*batch{},
		digests:    map[string]*digest{},
		backoff:    minBackoff,
		senderSync: make(chan chan struct{}),
	}
	m.down = m.rl.Outage("mail delivery recovered")
	dir := ""
	if cfg.Home != "" {
		dir = cfg.Home + "/queue/mail"
	}
	if m.spool, err = openSpool(dir, cfg.SpoolSize); err != nil {
		return nil, fmt.Errorf("email: %w", err)
	}
	m.spool.onWriteErr = func(err error) {
		m.rl.Log(slog.LevelError, "spool_write", "mail spool write failed, mail kept in memory only", "error", err)
	}
	if bad := m.spool.bad; bad > 0 {
		m.log.Error("unreadable mail spool records renamed *.bad", "dir", dir, "records", bad)
	}
	if dir != "" {
		m.budgetFile = dir + "/" + budgetName
		m.lim.restore(m.budgetFile, m.clock.Now())
	}
	return m, nil
}

func fillDefaults(c *Config) {
	if c.Clock == nil {
		c.Clock = ratelog.SystemClock{}
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
	if c.SpoolSize <= 0 {
		c.SpoolSize = DefaultSpoolSize
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
	}
	// The consumer only routes, groups and spools in memory (never the
	// network or the disk), so a full queue frees up within moments: wait
	// for it, holding the analyzer back, rather than drop a mail alert
	// under a burst. The wait is bounded so that a consumer that is not
	// running cannot stall analysis.
	if m.running.Load() {
		t := time.NewTimer(queueWait)
		defer t.Stop()
		select {
		case m.queue <- item{r: r}:
			m.stats.received.Add(1)
			return true
		case <-t.C:
		}
	}
	m.stats.dropped.Add(1)
	if !m.rl.Again("queue_full") {
		m.rl.Log(slog.LevelError, "queue_full", "mail queue full, alert dropped",
			"queue_size", m.cfg.QueueSize, "rule", a.Rule.ID)
	}
	return false
}

// queueWait bounds how long Send waits for room in a full queue while
// the consumer runs.
const queueWait = 2 * time.Second

// Stats returns the counters.
func (m *Mailer) Stats() Stats {
	c := &m.stats
	return Stats{
		Received: c.received.Load(), Dropped: c.dropped.Load(), Mails: c.mails.Load(),
		SMS: c.sms.Load(), Digests: c.digests.Load(), Held: c.held.Load(),
		NotShown: c.notShown.Load(), Failures: c.failures.Load(), Spooled: c.spooled.Load(),
		SpoolLost: c.spoolLost.Load(), Rejected: c.rejected.Load(), Pending: int64(m.spool.len()),
	}
}

// Run delivers until ctx ends: it groups alerts, enforces the hourly cap,
// puts every mail in the spool and, in a second goroutine, sends the spool
// with backoff, starting with what a previous process spooled. On return,
// mails that were still waiting for their group delay or digest are
// spooled, so the next Run sends them; a delivery in progress is abandoned
// (its mail stays in the spool).
func (m *Mailer) Run(ctx context.Context) error {
	m.running.Store(true)
	defer m.running.Store(false)
	m.retryAt = m.clock.Now()
	senderDone := make(chan struct{})
	go func() {
		defer close(senderDone)
		m.sender(ctx)
	}()
	stopWriter, writerDone := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(writerDone)
		m.spool.writeLoop(stopWriter)
	}()
	defer m.rl.Close()
	for {
		now := m.clock.Now()
		m.tick(now)
		var wake <-chan time.Time
		if at, ok := m.nextWake(now); ok {
			wake = m.clock.After(max(at.Sub(now), 0))
		}
		select {
		case <-ctx.Done():
			m.shutdown()
			<-senderDone
			close(stopWriter)
			<-writerDone // every mail and the budget are on disk
			return nil
		case it := <-m.queue:
			now = m.clock.Now()
			m.tick(now)
			if it.sync != nil {
				close(it.sync)
				continue
			}
			m.handle(it.r, now)
		case <-wake:
		}
	}
}

// tick does the time-driven work: digests due since the hour turned and
// groups whose delay is over.
func (m *Mailer) tick(now time.Time) {
	m.sendDueDigests(now)
	for _, k := range sortedKeys(m.groups) {
		if g := m.groups[k]; !now.Before(g.deadline) {
			delete(m.groups, k)
			m.dispatch(g, now)
		}
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
	return at, ok
}

// handle files one routed alert: SMS right away, full-format mails into
// the group of their recipient set unless grouping is off for them.
func (m *Mailer) handle(r routed, now time.Time) {
	if r.sms != nil {
		m.dispatch(&batch{rcpts: r.sms, format: SMS, sections: []*Section{r.sec}}, now)
	}
	if r.full == nil {
		return
	}
	if !m.cfg.Grouping || r.noGroup {
		m.dispatch(&batch{rcpts: r.full, format: Full, sections: []*Section{r.sec}}, now)
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
		m.dispatch(g, now)
	}
}

// dispatch spools a batch as one message if the hour's budget allows,
// else holds its alerts for the next hour's digest.
func (m *Mailer) dispatch(b *batch, now time.Time) {
	if !m.take(now) {
		m.hold(b, now)
		return
	}
	m.toSpool(m.compose(b, now))
}

func (m *Mailer) nextID(now time.Time) string {
	m.seq++
	return fmt.Sprintf("%d.%d.gossec@%s", now.UnixNano(), m.seq, m.host)
}

// toSpool hands a composed mail to the sender through the spool. A full
// spool refuses the newest mail: the oldest ones hold the start of an
// incident, and every alert is in the alert files anyway.
func (m *Mailer) toSpool(msg *outMsg) {
	if err := m.spool.put(msg); err != nil {
		m.stats.spoolLost.Add(1)
		m.rl.Log(slog.LevelError, "spool_full", "mail spool full, newest mail dropped",
			"email_spool_size", m.cfg.SpoolSize, "alerts", msg.Alerts, "subject", msg.Subject,
			"lost_total", m.stats.spoolLost.Load())
		return
	}
	m.stats.spooled.Add(1)
}

// sender delivers the spool, oldest first, until ctx ends. After a
// failure it waits the backoff, counted from the end of the attempt, and
// doubles it; a success resets it.
func (m *Mailer) sender(ctx context.Context) {
	var waiters []chan struct{}
	release := func() {
		for _, w := range waiters {
			close(w)
		}
		waiters = nil
	}
	defer release()
	var wake <-chan time.Time
	var wakeAt time.Time
	for ctx.Err() == nil {
		now := m.clock.Now()
		msg, ok := m.spool.first()
		if ok && !now.Before(m.retryAt) {
			m.attempt(ctx, msg, now)
			continue
		}
		release() // idle: everything due is done
		switch {
		case !ok:
			wake = nil
		case wake == nil || !wakeAt.Equal(m.retryAt):
			wakeAt = m.retryAt
			wake = m.clock.After(m.retryAt.Sub(now))
		}
		select {
		case <-ctx.Done():
		case <-m.spool.signal:
		case <-wake:
			wake = nil
		case w := <-m.senderSync:
			waiters = append(waiters, w)
		}
	}
}

// attempt sends the oldest spooled mail once.
func (m *Mailer) attempt(ctx context.Context, msg *outMsg, now time.Time) {
	if msg.Uncharged && m.charged != msg {
		if !m.take(now) {
			// Over the budget: the oldest mail waits for the next hour
			// and the ones behind it keep their order.
			m.retryAt = hourOf(now).Add(time.Hour)
			return
		}
		// Remembered here, not set in msg: the spool writer may be
		// encoding it right now.
		m.charged = msg
	}
	err := m.send(ctx, msg)
	switch {
	case err == nil:
		m.spool.dropFirst()
		m.backoff = minBackoff
		if m.down.Failing() {
			m.down.Recover("pending", m.spool.len())
		}
	case ctx.Err() != nil:
		// Shutdown: the mail stays in the spool for the next run.
	case errors.Is(err, errBadMessage):
		m.spool.dropFirst()
		m.stats.spoolLost.Add(1)
		m.rl.Log(slog.LevelError, "bad_message", "mail dropped: no server would accept it",
			"error", err, "subject", msg.Subject)
	case permanent(err) && m.refusedAlone(ctx, msg, err):
		m.backoff = minBackoff
	default:
		// The clock is read after the attempt: an attempt that hung for
		// the whole timeout must not make the retry due at once.
		m.retryAt = m.clock.Now().Add(m.backoff)
		m.down.Fail(slog.LevelWarn, "send", "mail delivery failed", "error", err,
			"pending", m.spool.len(), "retry_in", m.backoff.String())
		m.backoff = min(2*m.backoff, maxBackoff)
		m.stats.failures.Add(1)
	}
}

// refusedAlone decides what a 5xx answer to the oldest mail means. A
// content filter or size limit refuses one mail for good (an alert about
// a phishing URL can trip a spam filter), and retrying it first would
// hold back every later alert forever; a misconfigured relay refuses
// them all, and then the mails must wait in order. The mails behind it
// tell the two apart: the next ones are tried (at most probeMails, while
// each is refused with 5xx too) and as soon as the server takes one, msg
// is set aside under queue/mail/rejected/ (kept, counted, logged) and
// true is returned. Otherwise, or with no next mail to try, msg stays
// first and the caller backs off as for any outage.
func (m *Mailer) refusedAlone(ctx context.Context, msg *outMsg, refusal error) bool {
	var next *outMsg
	for i := 1; ; i++ {
		n, ok := m.spool.at(i)
		if !ok || i > probeMails || n.Uncharged {
			// An uncharged mail would take a share of the hourly
			// budget out of order: no probe with it.
			return false
		}
		err := m.send(ctx, n)
		if err == nil {
			next = n
			break
		}
		if !permanent(err) {
			return false
		}
	}
	m.spool.drop(next)
	path, err := m.spool.setAside(msg)
	if err != nil {
		// The record could not be kept: msg stays in the spool (and
		// first) and is retried; next was delivered.
		m.rl.Log(slog.LevelError, "set_aside", "mail refused for good by the server, and its record could not be kept; retrying it",
			"error", err, "refusal", refusal, "subject", msg.Subject)
		return false
	}
	m.stats.rejected.Add(1)
	m.rl.Log(slog.LevelError, "rejected", "mail refused for good by the server while it took the next one; set aside",
		"refusal", refusal, "subject", msg.Subject, "alerts", msg.Alerts, "record", path)
	if m.down.Failing() {
		m.down.Recover("pending", m.spool.len())
	}
	return true
}

func (m *Mailer) send(ctx context.Context, msg *outMsg) error {
	ctx, cancel := context.WithTimeout(ctx, m.cfg.Timeout)
	defer cancel()
	if err := m.tr.send(ctx, msg); err != nil {
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
			m.hand(it.r)
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

// hand files an alert at shutdown without touching the network. Groups
// keep their MaxGroup bound (and do_not_group its one alert per mail).
func (m *Mailer) hand(r routed) {
	now := m.clock.Now()
	if r.sms != nil {
		m.spoolUncharged(m.compose(&batch{rcpts: r.sms, format: SMS, sections: []*Section{r.sec}}, now))
	}
	if r.full == nil {
		return
	}
	if !m.cfg.Grouping || r.noGroup {
		m.spoolUncharged(m.compose(&batch{rcpts: r.full, format: Full, sections: []*Section{r.sec}}, now))
		return
	}
	g := m.groups[r.full.key]
	if g == nil {
		g = &batch{rcpts: r.full, format: Full}
		m.groups[r.full.key] = g
	}
	g.sections = append(g.sections, r.sec)
	if len(g.sections) >= m.cfg.MaxGroup {
		delete(m.groups, r.full.key)
		m.spoolUncharged(m.compose(g, now))
	}
}

// syncLoop waits until Run has handled everything sent before it and the
// sender has done every attempt that is due (tests).
func (m *Mailer) syncLoop() {
	ch := make(chan struct{})
	m.queue <- item{sync: ch}
	<-ch
	w := make(chan struct{})
	m.senderSync <- w
	<-w
	f := make(chan struct{})
	m.spool.wsync <- f
	<-f
}

func sortedKeys[V any](mp map[string]V) []string {
	keys := make([]string, 0, len(mp))
	for k := range mp {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
