package remote

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/netip"
	"os"
	"sync"
	"time"
)

// handshakeTimeout bounds how long a TLS client may take to say hello.
const handshakeTimeout = 10 * time.Second

// readBufSize is the read buffer every connection holds. Most syslog
// lines fit in it; a longer line or frame borrows a MaxMessage buffer from
// the pool only while it is being read, so an idle connection costs a few
// KiB whatever MaxMessage is.
const readBufSize = 4096

// acceptLoop accepts connections until the listener is closed and starts
// one goroutine per allowed connection (counted in wg, stopped by Close).
// Over the connection cap a connection is accepted and closed at once:
// left in the backlog it would only hang its sender.
func (s *Server) acceptLoop(ctx context.Context, l net.Listener, out chan<- Message, wg *sync.WaitGroup) error {
	backoff := time.Duration(0)
	for {
		c, err := l.Accept()
		if err != nil {
			if ctx.Err() != nil || errors.Is(err, net.ErrClosed) {
				return nil
			}
			// Out of descriptors and the like: wait and retry, as
			// net/http does, rather than dropping the listener.
			backoff = min(max(2*backoff, 5*time.Millisecond), time.Second)
			s.log.Warn("syslog accept failed", "err", err, "retry_in", backoff)
			select {
			case <-time.After(backoff):
				continue
			case <-ctx.Done():
				return nil
			}
		}
		backoff = 0
		addr := senderAddr(remoteAddr(c))
		if reason := check(s.allowed, s.denied, addr); reason != reasonNone {
			s.refuse(reason, addr, "tcp")
			c.Close()
			continue
		}
		switch s.track(c) {
		case trackDone:
			c.Close()
			return nil
		case trackFull:
			s.overLimit.Add(1)
			if !s.rl.Again("limit") {
				s.rl.Log(slog.LevelWarn, "limit", "syslog connection refused: max_connections reached",
					"addr", addr.String(), "max_connections", s.maxConns)
			}
			c.Close()
			continue
		}
		wg.Go(func() {
			defer s.untrack(c)
			s.serveConn(ctx, c, addr.String(), out)
		})
	}
}

func remoteAddr(c net.Conn) netip.Addr {
	if ta, ok := c.RemoteAddr().(*net.TCPAddr); ok {
		return ta.AddrPort().Addr()
	}
	ap, _ := netip.ParseAddrPort(c.RemoteAddr().String())
	return ap.Addr()
}

// Results of track.
const (
	trackOK   = iota
	trackFull // maxConns connections are open
	trackDone // the server is shutting down
)

// track registers c so that Close can interrupt its reads, unless the
// cap is reached or the server is shutting down.
func (s *Server) track(c net.Conn) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case s.done:
		return trackDone
	case len(s.conns) >= s.maxConns:
		return trackFull
	}
	s.conns[c] = struct{}{}
	return trackOK
}

func (s *Server) untrack(c net.Conn) {
	s.mu.Lock()
	delete(s.conns, c)
	s.mu.Unlock()
	c.Close()
}

// idleReader arms the read deadline before every read, so a connection
// that stays silent for timeout fails with os.ErrDeadlineExceeded. The
// error is sticky: after a timeout no read waits a second period.
// Deadlines are wall-clock times in package net, so this is the one place
// the intake reads time.Now rather than the injected clock.
type idleReader struct {
	c       net.Conn
	timeout time.Duration
	err     error
}

func (r *idleReader) Read(p []byte) (int, error) {
	if r.err != nil {
		return 0, r.err
	}
	if r.timeout > 0 {
		r.c.SetReadDeadline(time.Now().Add(r.timeout))
	}
	n, err := r.c.Read(p)
	if errors.Is(err, os.ErrDeadlineExceeded) {
		r.err = err
	}
	return n, err
}

// serveConn reads one connection to its end, or until it has been idle
// for IdleTimeout.
func (s *Server) serveConn(ctx context.Context, c net.Conn, sender string, out chan<- Message) {
	if tc, ok := c.(*tls.Conn); ok {
		c.SetDeadline(time.Now().Add(handshakeTimeout))
		if err := tc.HandshakeContext(ctx); err != nil {
			s.malformed.Add(1)
			s.log.Debug("syslog TLS handshake failed", "addr", sender, "err", err)
			return
		}
		c.SetDeadline(time.Time{})
	}
	r := bufio.NewReaderSize(&idleReader{c: c, timeout: s.cfg.IdleTimeout}, readBufSize)
	conv := newConverter(s.now)
	var err error
	if isOctetCounted(r) {
		err = s.readOctetCounted(ctx, r, conv, sender, out)
	} else {
		err = s.readLines(ctx, r, conv, sender, out)
	}
	switch {
	case errors.Is(err, os.ErrDeadlineExceeded):
		s.idleClosed.Add(1)
		if !s.rl.Again("idle") {
			s.rl.Log(slog.LevelWarn, "idle", "syslog connection idle: closed after idle_timeout",
				"addr", sender, "idle_timeout", s.cfg.IdleTimeout)
		}
	case err != nil && ctx.Err() == nil:
		s.log.Debug("syslog connection ended", "addr", sender, "err", err)
	}
}

// isOctetCounted looks at the first bytes of a connection: RFC 6587
// octet counting starts "<nonzero digit><digits> <"; anything else
// (including a digit-led line without PRI) is newline framing.
func isOctetCounted(r *bufio.Reader) bool {
	for i := 1; i <= 12; i++ {
		b, err := r.Peek(i)
		if err != nil {
			return false
		}
		ch := b[i-1]
		switch {
		case i == 1 && (ch < '1' || ch > '9'):
			return false
		case ch >= '0' && ch <= '9':
			continue
		case ch == ' ':
			next, err := r.Peek(i + 1)
			return err == nil && next[i] == '<'
		default:
			return false
		}
	}
	return false
}

// readLines handles newline framing. A line that does not fit the read
// buffer is assembled in a pooled buffer, returned as soon as the line is
// delivered; past MaxMessage the line is delivered cut and the rest of it
// skipped. A last line without a newline is delivered when the peer
// closes or the connection times out (remoted would drop it).
func (s *Server) readLines(ctx context.Context, r *bufio.Reader, conv *converter, sender string, out chan<- Message) error {
	maxMsg := s.cfg.MaxMessage
	var long *[]byte // the line so far, while it does not fit r's buffer
	defer func() { s.bufs.put(long) }()
	skip := false // in the rest of an oversize line
	for {
		chunk, err := r.ReadSlice('\n')
		full := errors.Is(err, bufio.ErrBufferFull)
		if skip {
			skip = full
			if err == nil || full {
				continue
			}
			return ignoreEOF(err)
		}
		if long == nil && !full {
			// The whole line is in r's buffer: deliver it from there
			// (the slice stays valid until the next read).
			if len(chunk) > 0 && (err == nil || endOfStream(err)) {
				body := bytes.TrimSuffix(chunk, []byte("\n"))
				truncated := len(body) > maxMsg // small limits are below r's size
				if truncated {
					chunk = body[:maxMsg]
				}
				if !s.deliver(ctx, out, conv, chunk, sender, truncated) {
					return nil
				}
			}
			if err != nil {
				return ignoreEOF(err)
			}
			continue
		}
		if long == nil {
			long = s.bufs.get()
		}
		n := min(len(chunk), maxMsg+1-len(*long))
		*long = append(*long, chunk[:n]...)
		over := n < len(chunk) || len(bytes.TrimSuffix(*long, []byte("\n"))) > maxMsg
		switch {
		case over:
			ok := s.deliver(ctx, out, conv, (*long)[:maxMsg], sender, true)
			s.bufs.put(long)
			long = nil
			if !ok {
				return nil
			}
			skip = full
		case err == nil || (endOfStream(err) && len(*long) > 0):
			ok := s.deliver(ctx, out, conv, *long, sender, false)
			s.bufs.put(long)
			long = nil
			if !ok {
				return nil
			}
		}
		if err != nil && !full {
			return ignoreEOF(err)
		}
	}
}

// endOfStream reports the errors after which a pending partial line is
// delivered: the peer closed, or the connection timed out idle.
func endOfStream(err error) bool {
	return errors.Is(err, io.EOF) || errors.Is(err, os.ErrDeadlineExceeded)
}

func ignoreEOF(err error) error {
	if errors.Is(err, io.EOF) {
		return nil
	}
	return err
}

// maxLenDigits bounds MSG-LEN: ten digits overflow no int.
const maxLenDigits = 10

// readOctetCounted handles "MSG-LEN SP SYSLOG-MSG" frames. Newlines
// between frames (some senders add them) are skipped. A frame that fits
// the read buffer is delivered from it; a longer one is read into a
// pooled buffer, given back once delivered.
func (s *Server) readOctetCounted(ctx context.Context, r *bufio.Reader, conv *converter, sender string, out chan<- Message) error {
	for {
		n, err := readFrameLen(r)
		if err != nil {
			if errors.Is(err, io.EOF) {
				return nil
			}
			if errors.Is(err, os.ErrDeadlineExceeded) {
				return err
			}
			s.malformed.Add(1)
			return err
		}
		keep := min(n, s.cfg.MaxMessage)
		var frame []byte
		var pooled *[]byte
		if keep <= r.Size() {
			frame, err = r.Peek(keep)
		} else {
			pooled = s.bufs.get()
			frame = (*pooled)[:keep]
			_, err = io.ReadFull(r, frame)
		}
		if err != nil {
			s.bufs.put(pooled)
			return fmt.Errorf("read %d-byte frame: %w", n, err)
		}
		ok := s.deliver(ctx, out, conv, frame, sender, n > keep)
		s.bufs.put(pooled)
		if !ok {
			return nil
		}
		if pooled == nil {
			r.Discard(keep)
		}
		if _, err := r.Discard(n - keep); err != nil {
			return fmt.Errorf("skip oversize frame: %w", err)
		}
	}
}

// errBadFrame marks an octet count that cannot be parsed.
var errBadFrame = errors.New("bad octet-counting frame length")

// readFrameLen reads "MSG-LEN SP". io.EOF means a clean end between frames.
func readFrameLen(r *bufio.Reader) (int, error) {
	ch, err := r.ReadByte()
	for err == nil && (ch == '\n' || ch == '\r') {
		ch, err = r.ReadByte()
	}
	if err != nil {
		return 0, err
	}
	if ch < '1' || ch > '9' {
		return 0, fmt.Errorf("%w: byte %q", errBadFrame, ch)
	}
	n := int(ch - '0')
	for digits := 1; ; digits++ {
		ch, err = r.ReadByte()
		if err != nil {
			return 0, fmt.Errorf("%w: %w", errBadFrame, err)
		}
		if ch == ' ' {
			return n, nil
		}
		if ch < '0' || ch > '9' || digits == maxLenDigits {
			return 0, fmt.Errorf("%w: byte %q after %d digits", errBadFrame, ch, digits)
		}
		n = n*10 + int(ch-'0')
	}
}
