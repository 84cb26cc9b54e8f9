package syslog

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gossec/gossec/internal/alert"
	"github.com/gossec/gossec/internal/ratelog"
)

// Stats are an Output's counters since New.
type Stats struct {
	Queued     int    // messages waiting now
	Sent       uint64 // messages written to the transport
	Dropped    uint64 // oldest messages dropped because the queue was full
	Filtered   uint64 // alerts the block's filters (or a missing rule) skipped
	Truncated  uint64 // messages cut to max_size
	Errors     uint64 // failed dials and writes
	Abandoned  uint64 // messages given up after maxWriteTries failed writes
	Reconnects uint64 // successful dials after the first
}

// Output sends the alerts of one <syslog_output> block. Send may be called
// from any goroutine; Run must run in exactly one.
type Output struct {
	cfg  Config
	addr string
	tr   *transport
	name string // "syslog host:port/proto", in every log line
	log  *slog.Logger
	rl   *ratelog.Logger

	renderMu sync.Mutex // guards f and scratch
	f        *formatter
	scratch  []byte

	q *queue

	sent, dropped, filtered, truncated, errors, dials, abandoned atomic.Uint64
}

// New checks cfg, fills its defaults and resolves the host name; it does
// not connect (Run does).
func New(cfg Config) (*Output, error) {
	if cfg.Server == "" {
		return nil, fmt.Errorf("syslog output: no server")
	}
	fillDefaults(&cfg)
	if err := cfg.compile(); err != nil {
		return nil, err
	}
	tr, err := newTransport(&cfg)
	if err != nil {
		return nil, err
	}
	host, err := hostName(&cfg)
	if err != nil {
		return nil, err
	}
	name := "syslog " + tr.addr + "/" + cfg.Protocol.String()
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Output{
		cfg: cfg, addr: tr.addr, tr: tr, name: name,
		log: log.With("output", name),
		rl:  ratelog.New(log, ratelog.DefaultInterval, nil, "output", name),
		f:   newFormatter(&cfg, host), q: newQueue(cfg.QueueSize),
	}, nil
}

func fillDefaults(c *Config) {
	d := DefaultConfig()
	if c.Port == 0 {
		c.Port = d.Port
		if c.Protocol == TLS {
			c.Port = DefaultTLSPort
		}
	}
	if c.Program == "" {
		c.Program = d.Program
	}
	if c.Facility == 0 && c.Severity == 0 {
		c.Facility, c.Severity = d.Facility, d.Severity
	}
	if c.QueueSize <= 0 {
		c.QueueSize = d.QueueSize
	}
	if c.MaxSize <= 0 {
		c.MaxSize = d.MaxSize
	}
	c.MaxSize = max(c.MaxSize, MinMaxSize)
	if c.Protocol == UDP {
		c.MaxSize = min(c.MaxSize, maxUDPSize) // one datagram, or nothing
	}
	setDur(&c.DialTimeout, 5*time.Second)
	setDur(&c.WriteTimeout, 10*time.Second)
	setDur(&c.BackoffMin, 250*time.Millisecond)
	setDur(&c.BackoffMax, 30*time.Second)
}

func setDur(d *time.Duration, def time.Duration) {
	if *d <= 0 {
		*d = def
	}
}

// hostName is the configured name, or the system's: short (up to the
// first dot) by default, the FQDN with use_fqdn.
func hostName(c *Config) (string, error) {
	if c.Hostname != "" {
		return c.Hostname, nil
	}
	h, err := os.Hostname()
	if err != nil {
		return "", fmt.Errorf("syslog output: host name: %w", err)
	}
	if !c.UseFQDN {
		short, _, _ := strings.Cut(h, ".")
		return short, nil
	}
	if !strings.Contains(h, ".") {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		if cname, err := net.DefaultResolver.LookupCNAME(ctx, h); err == nil && strings.Contains(strings.TrimSuffix(cname, "."), ".") {
			h = strings.TrimSuffix(cname, ".")
		}
	}
	return h, nil
}

// Config returns the configuration in force, defaults filled.
func (o *Output) Config() Config { return o.cfg }

// Addr returns the server's "host:port".
func (o *Output) Addr() string { return o.addr }

// Send renders a into the queue unless the block's filters skip it. It
// never blocks; it returns false when the queue was full and its oldest
// message was dropped (and counted) to make room.
func (o *Output) Send(a *alert.Alert) bool {
	if a == nil || a.Rule == nil || a.Event == nil {
		o.filtered.Add(1)
		return true
	}
	o.renderMu.Lock()
	defer o.renderMu.Unlock()
	var v view
	o.f.load(&v, a)
	if !o.cfg.match(&v) {
		o.filtered.Add(1)
		return true
	}
	var cut bool
	o.scratch, cut = o.f.render(o.scratch[:0], a, &v)
	if cut {
		o.truncated.Add(1)
	}
	if o.q.push(o.scratch) {
		o.dropped.Add(1)
		if !o.rl.Again("queue_full") {
			o.rl.Log(slog.LevelError, "queue_full", "syslog queue full, oldest message dropped",
				"queue_size", o.cfg.QueueSize)
		}
		return false
	}
	return true
}

// match applies the block's filters, in csyslogd's order.
func (c *Config) match(v *view) bool {
	if c.location != nil && !matchLocation(c.location.MatchString, v.loc) {
		return false
	}
	if c.Level > 0 && v.level < c.Level {
		return false
	}
	if c.RuleIDs != nil && !slices.Contains(c.RuleIDs, v.id) {
		return false
	}
	return c.group == nil || matchGroups(c.group.MatchString, v.group)
}

// matchLocation tries the whole location and, as Wazuh does, the part
// after the agent head "(name) ip->".
func matchLocation(m func(string) bool, loc string) bool {
	if m(loc) {
		return true
	}
	_, rest, ok := strings.Cut(loc, "->")
	return ok && m(rest)
}

// matchGroups tries the comma-joined groups (csyslogd's alert path) and
// each group alone (its JSON path).
func matchGroups(m func(string) bool, groups string) bool {
	if m(groups) {
		return true
	}
	for g := range strings.SplitSeq(groups, ",") {
		if m(g) {
			return true
		}
	}
	return false
}

// Stats returns the counters.
func (o *Output) Stats() Stats {
	return Stats{
		Queued: o.q.len(), Sent: o.sent.Load(), Dropped: o.dropped.Load(),
		Filtered: o.filtered.Load(), Truncated: o.truncated.Load(),
		Errors: o.errors.Load(), Reconnects: max(o.dials.Load(), 1) - 1,
		Abandoned: o.abandoned.Load(),
	}
}
