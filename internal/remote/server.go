package remote

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gossec/gossec/internal/ratelog"
)

// Config is one <remote> block with <connection>syslog</connection>.
type Config struct {
	Port       int    // <port>; 0 picks a free port (tests)
	Protocol   string // <protocol>: "udp" (default), "tcp", "udp,tcp"
	ListenAddr string // <local_ip>; empty listens on all addresses
	Allowed    []string
	Denied     []string
	MaxMessage int // bytes; default 65536 (remoted's OS_MAXSTR)
	// MaxConnections caps the TCP connections served at once
	// (<max_connections>); 0 means DefaultMaxConnections. It is lowered
	// to half the process's RLIMIT_NOFILE so that files can still be
	// opened while the intake is full.
	MaxConnections int
	// IdleTimeout closes a TCP connection that sent nothing for that
	// long (<idle_timeout>); 0 means DefaultIdleTimeout, negative
	// disables it.
	IdleTimeout time.Duration
	// CertFile and KeyFile (PEM) turn the TCP listener into TLS (an
	// extension; remoted has no TLS syslog intake).
	CertFile, KeyFile string
	Logger            *slog.Logger
}

// DefaultMaxMessage is remoted's OS_MAXSTR.
const DefaultMaxMessage = 65536

// DefaultMaxConnections is rsyslog imtcp's MaxSessions default: far more
// than the senders one intake usually serves, small enough that their
// worst-case buffers (one MaxMessage each) stay around 13 MiB and their
// descriptors far below common RLIMIT_NOFILE values.
const DefaultMaxConnections = 200

// DefaultIdleTimeout is how long a TCP connection may stay silent. Memory
// is bounded by the connection cap whatever the timeout; the timeout
// gives back the slot (and any partial line) of a sender that stalled or
// vanished. Five minutes lets a quiet but healthy sender keep its
// connection across ordinary lulls (each close costs it a reconnect, and
// a sender that does not notice the close may lose the message it writes
// next) while a stalled one is gone well before an operator would look.
const DefaultIdleTimeout = 5 * time.Minute

// logPeriod is how often a repeated condition (refused senders, refusals
// at the cap, idle closes, oversize messages) is summarised in the log after its first occurrence.
const logPeriod = time.Minute

// Message is one syslog message for the analyzer.
type Message struct {
	Location string // the sender's IP address, as remoted sets it
	Text     string // the message as analysisd should see it
}

// Stats are the intake counters.
type Stats struct {
	Received          uint64 // messages delivered
	RefusedDenied     uint64 // datagrams/connections from a denied address
	RefusedNotAllowed uint64 // datagrams/connections from an address not allowed
	Malformed         uint64 // bad PRI, invalid 5424, bad octet counts, failed TLS handshakes
	NULTruncated      uint64 // messages cut at a NUL byte (the text before it delivered)
	Oversize          uint64 // messages truncated to MaxMessage
	RefusedLimit      uint64 // TCP connections closed at accept: MaxConnections were open
	IdleClosed        uint64 // TCP connections closed after IdleTimeout of silence
	Connections       int    // TCP connections open now
}

// Server is a bound syslog listener; Run serves it.
type Server struct {
	cfg     Config
	log     *slog.Logger
	allowed ipList
	denied  ipList
	udp     []net.PacketConn
	tcp     []net.Listener
	now     func() time.Time

	received, denyCount, notAllowed, malformed, oversize, nulCut atomic.Uint64
	overLimit, idleClosed                                        atomic.Uint64

	// rl rate-limits the warnings of a flood that could repeat thousands
	// of times a second (refused senders, refusals at the cap, idle
	// closes, oversize messages): the first occurrence, then one summary
	// per logPeriod.
	rl *ratelog.Logger

	// bufs lends MaxMessage+1 byte buffers for lines and frames longer
	// than a connection's read buffer.
	bufs *bufPool

	mu       sync.Mutex
	conns    map[net.Conn]struct{}
	maxConns int // MaxConnections after the descriptor budget
	done     bool
}

// New validates cfg and binds the sockets, so that Addr is known before
// Run. Call Run, or Close when Run will not be called.
func New(cfg Config) (*Server, error) {
	s := newServer(cfg)
	useUDP, useTCP, err := parseProtocol(cfg.Protocol)
	if err != nil {
		return nil, err
	}
	if err := s.compileACL(); err != nil {
		return nil, err
	}
	tlsConf, err := loadTLS(cfg, useTCP)
	if err != nil {
		return nil, err
	}
	if err := s.bind(useUDP, useTCP, tlsConf); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// newServer is a Server with its defaults applied and nothing bound.
func newServer(cfg Config) *Server {
	s := &Server{cfg: cfg, log: cfg.Logger, now: time.Now, conns: map[net.Conn]struct{}{}}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	s.applyDefaults()
	return s
}

// applyDefaults fills the zero options and fits the connection cap in the
// descriptor budget.
func (s *Server) applyDefaults() {
	if s.cfg.MaxMessage <= 0 {
		s.cfg.MaxMessage = DefaultMaxMessage
	}
	if s.cfg.MaxConnections <= 0 {
		s.cfg.MaxConnections = DefaultMaxConnections
	}
	if s.cfg.IdleTimeout == 0 {
		s.cfg.IdleTimeout = DefaultIdleTimeout
	}
	s.maxConns = s.cfg.MaxConnections
	// Half the descriptors stay for the tailer, outputs and the
	// daemon's own files: a flood of connections must not stop a rotated
	// file from being opened.
	if budget := fdBudget(); budget > 0 && s.maxConns > budget {
		s.log.Warn("syslog max_connections lowered to half of RLIMIT_NOFILE",
			"port", s.cfg.Port, "max_connections", s.cfg.MaxConnections, "effective", budget)
		s.maxConns = budget
	}
	s.bufs = newBufPool(s.cfg.MaxMessage + 1)
	s.rl = ratelog.New(s.log, logPeriod, ratelog.NowFunc(func() time.Time { return s.now() }))
}

// MaxConnections is the connection cap in force (after the descriptor
// budget).
func (s *Server) MaxConnections() int { return s.maxConns }

func parseProtocol(p string) (useUDP, useTCP bool, err error) {
	if strings.TrimSpace(p) == "" {
		return true, false, nil
	}
	for tok := range strings.SplitSeq(p, ",") {
		switch strings.ToLower(strings.TrimSpace(tok)) {
		case "udp":
			useUDP = true
		case "tcp":
			useTCP = true
		default:
			return false, false, fmt.Errorf("remote: invalid <protocol> %q: want udp, tcp or udp,tcp", p)
		}
	}
	return useUDP, useTCP, nil
}

func (s *Server) compileACL() error {
	if len(s.cfg.Allowed) == 0 {
		return fmt.Errorf("remote: port %d: %w", s.cfg.Port, ErrNoAllowedIPs)
	}
	var err1, err2 error
	s.allowed, err1 = parseIPList("allowed-ips", s.cfg.Allowed)
	s.denied, err2 = parseIPList("denied-ips", s.cfg.Denied)
	if err := errors.Join(err1, err2); err != nil {
		return fmt.Errorf("remote: %w", err)
	}
	return nil
}

func loadTLS(cfg Config, useTCP bool) (*tls.Config, error) {
	if cfg.CertFile == "" && cfg.KeyFile == "" {
		return nil, nil
	}
	if !useTCP {
		return nil, fmt.Errorf("remote: TLS certificate %q given but <protocol> %q has no tcp", cfg.CertFile, cfg.Protocol)
	}
	cert, err := tls.LoadX509KeyPair(cfg.CertFile, cfg.KeyFile)
	if err != nil {
		return nil, fmt.Errorf("remote: load TLS key pair %q/%q: %w", cfg.CertFile, cfg.KeyFile, err)
	}
	return &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}, nil
}

// bind opens the listeners. With port 0 and both protocols, UDP takes the
// port TCP was given, so that one number serves both as in a real setup.
func (s *Server) bind(useUDP, useTCP bool, tlsConf *tls.Config) error {
	port := s.cfg.Port
	if useTCP {
		l, err := net.Listen("tcp", net.JoinHostPort(s.cfg.ListenAddr, strconv.Itoa(port)))
		if err != nil {
			return fmt.Errorf("remote: listen tcp: %w", err)
		}
		port = l.Addr().(*net.TCPAddr).Port
		if tlsConf != nil {
			l = tls.NewListener(l, tlsConf)
		}
		s.tcp = append(s.tcp, l)
	}
	if useUDP {
		c, err := net.ListenPacket("udp", net.JoinHostPort(s.cfg.ListenAddr, strconv.Itoa(port)))
		if err != nil {
			return fmt.Errorf("remote: listen udp: %w", err)
		}
		s.udp = append(s.udp, c)
	}
	return nil
}

// Addr returns the bound addresses (TCP first).
func (s *Server) Addr() []net.Addr {
	var out []net.Addr
	for _, l := range s.tcp {
		out = append(out, l.Addr())
	}
	for _, c := range s.udp {
		out = append(out, c.LocalAddr())
	}
	return out
}

// Stats returns a snapshot of the counters.
func (s *Server) Stats() Stats {
	return Stats{
		Received:          s.received.Load(),
		RefusedDenied:     s.denyCount.Load(),
		RefusedNotAllowed: s.notAllowed.Load(),
		Malformed:         s.malformed.Load(),
		Oversize:          s.oversize.Load(),
		NULTruncated:      s.nulCut.Load(),
		RefusedLimit:      s.overLimit.Load(),
		IdleClosed:        s.idleClosed.Load(),
		Connections:       s.connCount(),
	}
}

func (s *Server) connCount() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.conns)
}

// Close releases the sockets and open connections. Run calls it on exit.
func (s *Server) Close() error {
	s.mu.Lock()
	s.done = true
	conns := s.conns
	s.conns = map[net.Conn]struct{}{}
	s.mu.Unlock()
	var errs []error
	for c := range conns {
		c.Close()
	}
	for _, l := range s.tcp {
		if err := l.Close(); err != nil && !errors.Is(err, net.ErrClosed) {
			errs = append(errs, err)
		}
	}
	for _, c := range s.udp {
		if err := c.Close(); err != nil && !errors.Is(err, net.ErrClosed) {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// Run serves until ctx is cancelled, sending every message on out (and
// blocking while out is full). It returns nil after a cancellation, or the
// first listener error.
func (s *Server) Run(ctx context.Context, out chan<- Message) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	errc := make(chan error, len(s.udp)+len(s.tcp))
	for _, c := range s.udp {
		wg.Go(func() { errc <- s.serveUDP(ctx, c, out) })
	}
	for _, l := range s.tcp {
		wg.Go(func() { errc <- s.acceptLoop(ctx, l, out, &wg) })
	}
	var first error
	select {
	case <-ctx.Done():
	case first = <-errc:
		// A listener died: stop everything else too.
	}
	cancel()
	s.Close()
	wg.Wait()
	s.bufs.stop()
	s.rl.Close() // the pending summaries
	return first
}

// listenerErr turns the error a reader got into Run's result: closing
// the socket on shutdown is not an error.
func listenerErr(ctx context.Context, err error) error {
	if ctx.Err() != nil || errors.Is(err, net.ErrClosed) {
		return nil
	}
	return err
}

// refuse counts a refused sender and warns through rl, so that a flood
// of datagrams cannot flood the log: the first refusal for a reason at
// once, then one summary per logPeriod with the latest sender.
func (s *Server) refuse(reason int, addr netip.Addr, proto string) {
	key, why := "not_allowed", "not allowed"
	if reason == reasonDenied {
		s.denyCount.Add(1)
		key, why = "denied", "denied"
	} else {
		s.notAllowed.Add(1)
	}
	if !s.rl.Again(key) {
		s.rl.Log(slog.LevelWarn, key, "syslog sender refused", "addr", addr.String(), "proto", proto, "reason", why)
	}
}

// senderAddr normalises a peer address as remoted prints it.
func senderAddr(a netip.Addr) netip.Addr { return a.Unmap().WithZone("") }

// deliver converts one frame and sends it, reporting false when ctx ended.
func (s *Server) deliver(ctx context.Context, out chan<- Message, c *converter, frame []byte, sender string, truncated bool) bool {
	if truncated {
		s.oversize.Add(1)
		if !s.rl.Again("oversize") {
			s.rl.Log(slog.LevelWarn, "oversize", "syslog message longer than the maximum: truncated",
				"addr", sender, "max_message", s.cfg.MaxMessage)
		}
	}
	text, bad, nulCut, ok := c.convert(frame, sender)
	if bad {
		s.malformed.Add(1)
	}
	if nulCut {
		s.nulCut.Add(1)
	}
	if !ok {
		return true
	}
	// Count before sending so that a reader never sees a message the
	// counters do not know yet; a shutdown takes it back.
	s.received.Add(1)
	select {
	case out <- Message{Location: sender, Text: text}:
		return true
	case <-ctx.Done():
		s.received.Add(^uint64(0))
		return false
	}
}

// Validate checks cfg without binding anything: protocol, address lists
// and TLS files. It is what `gossec run -t` reports.
func Validate(cfg Config) error {
	_, useTCP, err := parseProtocol(cfg.Protocol)
	if err != nil {
		return err
	}
	if len(cfg.Allowed) == 0 {
		return ErrNoAllowedIPs
	}
	if _, err := parseIPList("allowed-ips", cfg.Allowed); err != nil {
		return err
	}
	if _, err := parseIPList("denied-ips", cfg.Denied); err != nil {
		return err
	}
	_, err = loadTLS(cfg, useTCP)
	return err
}
