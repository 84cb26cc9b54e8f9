package remote

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/netip"
	"sync"
	"time"
)

// handshakeTimeout bounds how long a TLS client may take to say hello.
const handshakeTimeout = 10 * time.Second

// acceptLoop accepts connections until the listener is closed and starts
// one goroutine per allowed connection (counted in wg, stopped by Close).
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
		if !s.track(c) {
			c.Close()
			return nil
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

// track registers c so that Close can interrupt its reads; false means the
// server is shutting down.
func (s *Server) track(c net.Conn) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.done {
		return false
	}
	s.conns[c] = struct{}{}
	return true
}

func (s *Server) untrack(c net.Conn) {
	s.mu.Lock()
	delete(s.conns, c)
	s.mu.Unlock()
	c.Close()
}

// serveConn reads one connection to its end.
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
	// The buffer holds a whole maximal line plus its newline, so a line
	// only overflows it when it is oversize.
	r := bufio.NewReaderSize(c, s.cfg.MaxMessage+1)
	conv := newConverter(s.now)
	var err error
	if isOctetCounted(r) {
		err = s.readOctetCounted(ctx, r, conv, sender, out)
	} else {
		err = s.readLines(ctx, r, conv, sender, out)
	}
	if err != nil && ctx.Err() == nil {
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

// readLines handles newline framing. A last line without a newline is
// delivered when the peer closes (remoted would drop it).
func (s *Server) readLines(ctx context.Context, r *bufio.Reader, conv *converter, sender string, out chan<- Message) error {
	for {
		line, err := r.ReadSlice('\n')
		if errors.Is(err, bufio.ErrBufferFull) {
			// The slice stays valid until the next read: deliver first.
			if !s.deliver(ctx, out, conv, line[:s.cfg.MaxMessage], sender, true) {
				return nil
			}
			if err = skipLine(r); err != nil {
				return ignoreEOF(err)
			}
			continue
		}
		if len(line) > 0 && (err == nil || errors.Is(err, io.EOF)) {
			// Small limits are below bufio's minimum buffer size.
			body := bytes.TrimSuffix(line, []byte("\n"))
			truncated := len(body) > s.cfg.MaxMessage
			if truncated {
				line = body[:s.cfg.MaxMessage]
			}
			if !s.deliver(ctx, out, conv, line, sender, truncated) {
				return nil
			}
		}
		if err != nil {
			return ignoreEOF(err)
		}
	}
}

// skipLine discards the rest of an oversize line, newline included.
func skipLine(r *bufio.Reader) error {
	for {
		_, err := r.ReadSlice('\n')
		if !errors.Is(err, bufio.ErrBufferFull) {
			return err
		}
	}
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
// between frames (some senders add them) are skipped.
func (s *Server) readOctetCounted(ctx context.Context, r *bufio.Reader, conv *converter, sender string, out chan<- Message) error {
	var buf []byte
	for {
		n, err := readFrameLen(r)
		if err != nil {
			if errors.Is(err, io.EOF) {
				return nil
			}
			s.malformed.Add(1)
			return err
		}
		keep := min(n, s.cfg.MaxMessage)
		if cap(buf) < keep {
			buf = make([]byte, keep)
		}
		buf = buf[:keep]
		if _, err := io.ReadFull(r, buf); err != nil {
			return fmt.Errorf("read %d-byte frame: %w", n, err)
		}
		if _, err := r.Discard(n - keep); err != nil {
			return fmt.Errorf("skip oversize frame: %w", err)
		}
		if !s.deliver(ctx, out, conv, buf, sender, n > keep) {
			return nil
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
