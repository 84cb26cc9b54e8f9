package remote

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gossec/gossec/internal/logsink"
)

// logBuf collects a server's log lines.
type logBuf = logsink.Sink

func newLogBuf() (*logBuf, *slog.Logger) {
	lb := &logBuf{}
	return lb, slog.New(slog.NewTextHandler(lb, nil))
}

// closedByServer reports whether the server closed c (EOF or reset) within
// waitFor.
func closedByServer(c net.Conn) bool {
	c.SetReadDeadline(time.Now().Add(waitFor))
	_, err := c.Read(make([]byte, 1))
	return errors.Is(err, io.EOF) || isReset(err)
}

// TestConnectionCap: with MaxConnections 3, the fourth and fifth
// connections are closed at once and counted, the first refusal is logged
// and the second only counted, then summarised when Run ends; a slot freed
// is usable again.
func TestConnectionCap(t *testing.T) {
	lb, log := newLogBuf()
	// Registered before start's, so it runs after Run has returned.
	t.Cleanup(func() {
		if n := lb.Count(`max_connections reached (repeated)" addr=127.0.0.1 max_connections=3 times=1 in=`); n != 1 {
			t.Errorf("%d summaries of the refusals when Run ended, want 1 with times=1:\n%s", n, lb.String())
		}
	})
	s, out := start(t, Config{Protocol: "tcp", Allowed: []string{"127.0.0.1"}, MaxConnections: 3, Logger: log})
	addr := addrOf(t, s, "tcp")
	var served []net.Conn
	for i := range 3 {
		c := dialTCP(t, addr)
		write(t, c, "<13>served "+strconv.Itoa(i)+"\n")
		served = append(served, c)
		// One at a time: messages of different connections have no order.
		expect(t, out, "127.0.0.1", "served "+strconv.Itoa(i))
	}
	eventually(t, "3 open connections", func() bool { return s.Stats().Connections == 3 })
	for range 2 {
		c := dialTCP(t, addr)
		write(t, c, "<13>over the cap\n")
		if !closedByServer(c) {
			t.Error("a connection over the cap was not closed")
		}
	}
	if st := s.Stats(); st.RefusedLimit != 2 || st.Connections != 3 {
		t.Errorf("stats %+v, want 2 refused and 3 open", st)
	}
	if n := lb.Count("max_connections reached"); n != 1 {
		t.Errorf("%d refusal warnings, want 1 (the first; the rest are summarised)", n)
	}
	served[0].Close()
	eventually(t, "the freed slot", func() bool { return s.Stats().Connections == 2 })
	c := dialTCP(t, addr)
	write(t, c, "<13>after a slot freed\n")
	expect(t, out, "127.0.0.1", "after a slot freed")
	select {
	case m := <-out:
		t.Errorf("a refused connection delivered %+v", m)
	default:
	}
}

// TestIdleTimeout: a connection silent for IdleTimeout is closed and
// counted, its partial line delivered; one that keeps sending is not.
func TestIdleTimeout(t *testing.T) {
	lb, log := newLogBuf()
	s, out := start(t, Config{Protocol: "tcp", Allowed: []string{"127.0.0.1"}, IdleTimeout: 300 * time.Millisecond, Logger: log})
	addr := addrOf(t, s, "tcp")

	partial := dialTCP(t, addr)
	write(t, partial, "<13>complete\n<13>partial line")
	silent := dialTCP(t, addr)
	long := dialTCP(t, addr) // a partial line longer than the read buffer
	write(t, long, "<13>"+strings.Repeat("L", 3*readBufSize))
	busy := dialTCP(t, addr)
	got := map[string]bool{} // the other connections' messages
	for i := range 10 {
		tick := "tick " + strconv.Itoa(i)
		write(t, busy, "<13>"+tick+"\n")
		for m := recv(t, out); m.Text != tick; m = recv(t, out) {
			got[m.Text] = true
		}
		time.Sleep(50 * time.Millisecond)
	}
	for name, c := range map[string]net.Conn{"partial": partial, "silent": silent, "long": long} {
		if !closedByServer(c) {
			t.Errorf("%s connection not closed after the idle timeout", name)
		}
	}
	for len(got) < 3 {
		got[recv(t, out).Text] = true
	}
	for _, want := range []string{"complete", "partial line", strings.Repeat("L", 3*readBufSize)} {
		if !got[want] {
			t.Errorf("message %.20q... not delivered", want)
		}
	}
	if st := s.Stats(); st.IdleClosed != 3 {
		t.Errorf("idle closes = %d, want 3", st.IdleClosed)
	}
	write(t, busy, "<13>still open\n")
	expect(t, out, "127.0.0.1", "still open")
	if n := lb.Count("closed after idle_timeout"); n != 1 {
		t.Errorf("%d idle warnings, want 1", n)
	}
}

// TestIdleReaderSticky: after one timeout every read fails at once, so
// the octet-counting probe and the line reader do not wait twice.
func TestIdleReaderSticky(t *testing.T) {
	a, b := net.Pipe()
	defer a.Close()
	defer b.Close()
	r := &idleReader{c: a, timeout: 20 * time.Millisecond}
	if _, err := r.Read(make([]byte, 1)); !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("first read: %v, want a deadline error", err)
	}
	go b.Write([]byte("late"))
	begin := time.Now()
	if _, err := r.Read(make([]byte, 4)); !errors.Is(err, os.ErrDeadlineExceeded) || time.Since(begin) > time.Second {
		t.Errorf("second read: %v after %v, want the same error at once", err, time.Since(begin))
	}
}

// heapUse is the memory the runtime holds for live objects and stacks,
// after a collection.
func heapUse() int64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return int64(m.HeapAlloc + m.StackInuse)
}

// TestMemoryPerConnection: connections waiting in the middle of a short
// line hold a read buffer of a few KiB, not MaxMessage; connections in the
// middle of a long line hold one pooled MaxMessage buffer each, given back
// when the line is complete.
func TestMemoryPerConnection(t *testing.T) {
	const n = 200
	s, out := start(t, Config{Protocol: "tcp", Allowed: []string{"127.0.0.1"}, MaxConnections: n})
	addr := addrOf(t, s, "tcp")
	open := func(payload string) []net.Conn {
		var cs []net.Conn
		for range n {
			c := dialTCP(t, addr)
			write(t, c, payload)
			cs = append(cs, c)
		}
		return cs
	}
	base := heapUse()
	short := open("<13>a short partial line")
	eventually(t, "all connections served", func() bool { return s.Stats().Connections == n })
	// Let every reader block on its next read with its partial line.
	time.Sleep(100 * time.Millisecond)
	perConn := (heapUse() - base) / n
	// Both ends of the connection are in this process; the server's share
	// is the read buffer, the converter, a goroutine stack and the socket.
	const shortBound = 24 << 10
	t.Logf("%d idle connections with a partial short line: %d B each (client side included)", n, perConn)
	if perConn > shortBound {
		t.Errorf("%d B per idle connection, want at most %d (MaxMessage is %d)", perConn, shortBound, DefaultMaxMessage)
	}
	for _, c := range short {
		c.Close()
	}
	for range n {
		recv(t, out)
	}
	eventually(t, "all connections closed", func() bool { return s.Stats().Connections == 0 })

	base = heapUse()
	longLine := "<13>" + strings.Repeat("x", 60000)
	long := open(longLine)
	eventually(t, "all connections served", func() bool { return s.Stats().Connections == n })
	eventually(t, "every long line buffered", func() bool {
		s.bufs.mu.Lock()
		defer s.bufs.mu.Unlock()
		return s.bufs.out == n
	})
	perConn = (heapUse() - base) / n
	longBound := int64(DefaultMaxMessage + 1 + shortBound)
	t.Logf("%d connections with a partial 60 KB line: %d B each", n, perConn)
	if perConn > longBound {
		t.Errorf("%d B per connection in a long line, want at most %d", perConn, longBound)
	}
	for _, c := range long {
		write(t, c, "\n")
	}
	for range n {
		if m := recv(t, out); len(m.Text) != 60000 {
			t.Fatalf("long line of %d bytes, want 60000", len(m.Text))
		}
	}
	eventually(t, "every buffer given back", func() bool {
		s.bufs.mu.Lock()
		defer s.bufs.mu.Unlock()
		return s.bufs.out == 0
	})
	// The pool is emptied by the collector: the buffers do not stay with
	// the connections, which are still open.
	runtime.GC()
	if grown := heapUse() - base; grown > n*shortBound {
		t.Errorf("heap still %d B above the start with the lines delivered, want at most %d", grown, n*shortBound)
	}
}

// TestLongLines: lines around the read buffer's size and MaxMessage, in
// both framings: delivered whole up to MaxMessage, cut and counted above.
func TestLongLines(t *testing.T) {
	const maxMsg = 10000
	for _, size := range []int{5, readBufSize - 1, readBufSize, readBufSize + 1, 2*readBufSize + 7, maxMsg - 1, maxMsg, maxMsg + 1, 3*maxMsg + 5} {
		for _, octets := range []bool{false, true} {
			name := strconv.Itoa(size)
			if octets {
				name += " octet"
			}
			t.Run(name, func(t *testing.T) {
				s, out := start(t, Config{Protocol: "tcp", Allowed: []string{"127.0.0.1"}, MaxMessage: maxMsg})
				c := dialTCP(t, addrOf(t, s, "tcp"))
				// size is the length on the wire, PRI included (octet
				// counting is only detected before a '<').
				line := "<13>" + strings.Repeat("m", size-4)
				if octets {
					write(t, c, octet(line)+octet("<13>next"))
				} else {
					write(t, c, line+"\n<13>next\n")
				}
				if m := recv(t, out); m.Text != line[4:min(size, maxMsg)] {
					t.Errorf("got %d bytes, want %d", len(m.Text), min(size, maxMsg)-4)
				}
				expect(t, out, "127.0.0.1", "next")
				wantOver := uint64(0)
				if size > maxMsg {
					wantOver = 1
				}
				if st := s.Stats(); st.Oversize != wantOver || st.Received != 2 {
					t.Errorf("stats %+v, want %d oversize", st, wantOver)
				}
			})
		}
	}
}

// TestBufPoolRelease: the memory is given back once after a burst, not
// after a lone long line, and not while a buffer is still out.
func TestBufPoolRelease(t *testing.T) {
	const size = 1 << 19 // releaseBurst is 4 buffers of this size
	var freed atomic.Int32
	p := newBufPool(size)
	p.free = func() { freed.Add(1) }
	p.delay, p.every = 20*time.Millisecond, time.Hour
	settle := func() { time.Sleep(100 * time.Millisecond) }

	p.put(p.get())
	settle()
	if freed.Load() != 0 {
		t.Fatal("released after a single buffer")
	}
	var bs []*[]byte
	for range 5 {
		bs = append(bs, p.get())
	}
	for _, b := range bs[1:] {
		p.put(b)
	}
	settle()
	if freed.Load() != 0 {
		t.Fatal("released while a buffer is out")
	}
	p.put(bs[0])
	settle()
	if freed.Load() != 1 {
		t.Fatalf("%d releases after the burst, want 1", freed.Load())
	}
	for range 5 {
		bs[0] = p.get()
		p.put(bs[0])
	}
	for range 5 {
		bs = append(bs, p.get())
	}
	for _, b := range bs[len(bs)-5:] {
		p.put(b)
	}
	settle()
	if freed.Load() != 1 {
		t.Fatalf("%d releases, want 1: the second burst is within the minimum interval", freed.Load())
	}
	p.stop()
}

// TestNewDefaults: zero options take the defaults; the cap never exceeds
// the descriptor budget.
func TestNewDefaults(t *testing.T) {
	s := newServer(Config{})
	if s.cfg.MaxMessage != DefaultMaxMessage || s.cfg.IdleTimeout != DefaultIdleTimeout || s.cfg.MaxConnections != DefaultMaxConnections {
		t.Errorf("defaults %+v", s.cfg)
	}
	if b := fdBudget(); b > 0 && s.MaxConnections() > b {
		t.Errorf("cap %d over the descriptor budget %d", s.MaxConnections(), b)
	}
	if s := newServer(Config{IdleTimeout: -1}); s.cfg.IdleTimeout >= 0 {
		t.Errorf("a negative idle timeout (disabled) became %v", s.cfg.IdleTimeout)
	}
}

var fixedNow = func() time.Time { return time.Date(2026, 11, 21, 9, 30, 0, 0, time.UTC) }

// readAllLines runs readLines over data with a read buffer of bufSize.
func readAllLines(data []byte, maxMsg, bufSize int) ([]string, uint64) {
	s := newServer(Config{MaxMessage: maxMsg})
	out := make(chan Message, len(data)+1)
	r := bufio.NewReaderSize(bytes.NewReader(data), bufSize)
	s.readLines(context.Background(), r, newConverter(fixedNow), "127.0.0.1", out)
	close(out)
	var got []string
	for m := range out {
		got = append(got, m.Text)
	}
	return got, s.Stats().Oversize
}

// refLines is newline framing written the obvious way, over the whole
// input at once.
func refLines(data []byte, maxMsg int) ([]string, uint64) {
	conv := newConverter(fixedNow)
	var got []string
	var over uint64
	pieces := bytes.Split(data, []byte("\n"))
	for i, p := range pieces {
		if i == len(pieces)-1 && len(p) == 0 {
			break
		}
		if len(p) > maxMsg {
			p, over = p[:maxMsg], over+1
		}
		if text, _, _, ok := conv.convert(p, "127.0.0.1"); ok {
			got = append(got, text)
		}
	}
	return got, over
}

// FuzzLineFraming: newline framing gives the same messages and oversize
// count as the reference whatever the read buffer's size relative to
// MaxMessage (lines assembled in pooled buffers or read in place).
func FuzzLineFraming(f *testing.F) {
	for _, s := range []string{"<13>a\n<13>b", strings.Repeat("x", 50) + "\nshort\n" + strings.Repeat("y", 33),
		"\r\n\n", strings.Repeat("z", 16) + "\n" + strings.Repeat("w", 17) + "\n", "<13>1 - - - - - - m\n" + strings.Repeat("q", 40)} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, c := range []struct{ maxMsg, buf int }{{16, 16}, {16, 64}, {40, 16}, {17, 16}} {
			want, wantOver := refLines(data, c.maxMsg)
			got, over := readAllLines(data, c.maxMsg, c.buf)
			if strings.Join(got, "\x00|") != strings.Join(want, "\x00|") || over != wantOver {
				t.Fatalf("max %d buffer %d: got %q (%d oversize), want %q (%d)", c.maxMsg, c.buf, got, over, want, wantOver)
			}
		}
	})
}
