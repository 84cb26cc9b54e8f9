package syslog

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net"
	"os"
	"strconv"
	"time"

	"github.com/gossec/gossec/internal/ratelog"
)

// transport dials the server and frames messages for it. It belongs to
// the Run goroutine.
type transport struct {
	proto   Protocol
	framing Framing
	addr    string
	dialer  net.Dialer
	tls     *tls.Config
	wtime   time.Duration
	frame   []byte // scratch for framed messages

	dialHook func(context.Context) (net.Conn, error) // tests: replaces dial
}

func newTransport(c *Config) (*transport, error) {
	t := &transport{
		proto: c.Protocol, framing: c.Framing, wtime: c.WriteTimeout,
		addr:   net.JoinHostPort(c.Server, strconv.Itoa(c.Port)),
		dialer: net.Dialer{Timeout: c.DialTimeout, KeepAlive: 30 * time.Second},
	}
	if c.Protocol == TLS {
		tc, err := tlsConfig(c)
		if err != nil {
			return nil, err
		}
		t.tls = tc
	}
	return t, nil
}

func tlsConfig(c *Config) (*tls.Config, error) {
	tc := &tls.Config{
		ServerName:         c.Server,
		MinVersion:         tls.VersionTLS12,
		InsecureSkipVerify: !c.TLSVerify, // the operator's explicit tls_verify=no
	}
	if c.TLSCA == "" {
		return tc, nil
	}
	pem, err := os.ReadFile(c.TLSCA)
	if err != nil {
		return nil, fmt.Errorf("syslog output %s: tls_ca: %w", c.Server, err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("syslog output %s: tls_ca %q: no PEM certificate", c.Server, c.TLSCA)
	}
	tc.RootCAs = pool
	return tc, nil
}

func (t *transport) dial(ctx context.Context) (net.Conn, error) {
	if t.dialHook != nil {
		return t.dialHook(ctx)
	}
	switch t.proto {
	case UDP:
		return t.dialer.DialContext(ctx, "udp", t.addr)
	case TLS:
		d := tls.Dialer{NetDialer: &t.dialer, Config: t.tls}
		return d.DialContext(ctx, "tcp", t.addr)
	}
	return t.dialer.DialContext(ctx, "tcp", t.addr)
}

// write sends one message with its framing, in one Write call.
func (t *transport) write(conn net.Conn, msg []byte) error {
	out := msg
	if t.proto != UDP {
		t.frame = appendFrame(t.frame[:0], msg, t.framing)
		out = t.frame
	}
	if err := conn.SetWriteDeadline(time.Now().Add(t.wtime)); err != nil {
		return err
	}
	_, err := conn.Write(out)
	return err
}

// appendFrame frames msg for a stream. Newline framing flattens CR, LF and
// NUL (the delimiters receivers know) so one alert stays one frame; octet
// counting carries the bytes untouched.
func appendFrame(b, msg []byte, f Framing) []byte {
	if f == OctetCounting {
		b = strconv.AppendInt(b, int64(len(msg)), 10)
		b = append(b, ' ')
		return append(b, msg...)
	}
	start := len(b)
	b = append(b, msg...)
	for i := start; i < len(b); i++ {
		if c := b[i]; c == '\n' || c == '\r' || c == 0 {
			b[i] = ' '
		}
	}
	return append(b, '\n')
}

// readProbe is the portable peer-close check: a read with a short
// deadline (Go does not even try a read whose deadline has passed). Through
// TLS it also absorbs post-handshake messages and reports close_notify as
// EOF. A syslog server never sends, so any byte read is discarded.
func readProbe(conn net.Conn) bool {
	var buf [64]byte
	if err := conn.SetReadDeadline(time.Now().Add(time.Millisecond)); err != nil {
		return true
	}
	_, err := conn.Read(buf[:])
	// Data or a timeout: still open. EOF or a reset: closed.
	var ne net.Error
	return err != nil && !(errors.As(err, &ne) && ne.Timeout())
}

// Run delivers queued messages until ctx ends, then returns nil. It is the
// Output's only goroutine; the daemon starts it and stops it through ctx.
func (o *Output) Run(ctx context.Context) error {
	d := deliverer{o: o, backoff: o.cfg.BackoffMin, down: o.rl.Outage("syslog delivery recovered")}
	defer d.closeConn()
	defer o.rl.Close()
	var msg []byte
	for {
		var ok bool
		msg, ok = o.q.pop(msg)
		if !ok {
			select {
			case <-ctx.Done():
				return nil
			case <-o.q.signal:
			}
			continue
		}
		if !d.deliver(ctx, msg) {
			// Stopped while the server was failing: the message in hand
			// and the queue are lost; say so.
			o.log.Error("syslog output stopped with messages not sent", "messages", 1+o.q.len())
			return nil
		}
	}
}

// deliverer is Run's connection state.
type deliverer struct {
	o       *Output
	conn    net.Conn
	fresh   bool            // dialled, nothing written yet
	down    *ratelog.Outage // failed dials and writes since the last success
	backoff time.Duration
}

func (d *deliverer) closeConn() {
	if d.conn != nil {
		d.conn.Close()
		d.conn = nil
	}
}

// maxWriteTries bounds the writes of one message on established
// connections: a message the server keeps refusing (it closes the
// connection on it) must not block the queue forever. Failed dials, a
// server that is down, are retried without bound.
const maxWriteTries = 3

// deliver writes msg, reconnecting and retrying until it is written, given
// up, or ctx ends (false).
func (d *deliverer) deliver(ctx context.Context, msg []byte) bool {
	o := d.o
	for tries := 0; ; {
		if ctx.Err() != nil {
			return false
		}
		if d.conn == nil && !d.connect(ctx) {
			if !d.wait(ctx) {
				return false
			}
			continue
		}
		err := errPeerClosed
		if o.cfg.Protocol == UDP || !peerClosed(d.conn) {
			err = o.tr.write(d.conn, msg)
		}
		if err == nil {
			o.sent.Add(1)
			d.fresh = false
			d.backoff = o.cfg.BackoffMin
			d.recovered()
			return true
		}
		fresh := d.fresh
		d.closeConn()
		if err == errPeerClosed && !fresh {
			continue // the server went away since the last write: redial now
		}
		n := o.errors.Add(1)
		d.down.Fail(slog.LevelWarn, "write", "syslog write failed", "error", err, "errors_total", n)
		if tries++; tries == maxWriteTries {
			a := o.abandoned.Add(1)
			o.rl.Log(slog.LevelError, "abandoned", "syslog message abandoned after failed writes",
				"tries", maxWriteTries, "abandoned_total", a)
			return true
		}
		if !d.wait(ctx) {
			return false
		}
	}
}

var errPeerClosed = errors.New("closed by the server")

// recovered ends the outage after a successful write: the pending
// summaries of its failures are written, and one line says delivery
// works again. Failing first: this runs for every message sent.
func (d *deliverer) recovered() {
	if d.down.Failing() {
		d.down.Recover("queued", d.o.q.len())
	}
}

func (d *deliverer) connect(ctx context.Context) bool {
	conn, err := d.o.tr.dial(ctx)
	if err != nil {
		n := d.o.errors.Add(1)
		if ctx.Err() != nil {
			return false // shutdown: not worth a log line
		}
		d.down.Fail(slog.LevelWarn, "dial", "syslog connect failed", "error", err, "errors_total", n,
			"queued", d.o.q.len())
		return false
	}
	d.o.dials.Add(1)
	d.conn, d.fresh = conn, true
	return true
}

// wait sleeps the current backoff (with ±20% jitter so many outputs do not
// reconnect in step) and doubles it up to the maximum.
func (d *deliverer) wait(ctx context.Context) bool {
	j := time.Duration(rand.Int64N(int64(d.backoff)/5+1)) * 2
	t := time.NewTimer(d.backoff - d.backoff/5 + j)
	defer t.Stop()
	d.backoff = min(d.backoff*2, d.o.cfg.BackoffMax)
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}
