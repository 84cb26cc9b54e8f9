package syslog

import (
	"bufio"
	"context"
	"crypto/tls"
	"io"
	"net"
	"strconv"
	"sync"
	"testing"
	"time"
)

// receiver is a syslog server for fault injection: it accepts stream
// connections (plain or TLS) or datagrams and hands every frame to msgs.
type receiver struct {
	t       testing.TB
	framing Framing
	msgs    chan string

	mu    sync.Mutex
	ln    net.Listener
	pc    net.PacketConn
	conns []net.Conn
	wg    sync.WaitGroup
}

func freePort(t testing.TB) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

func startReceiver(t testing.TB, port int, fr Framing, tc *tls.Config) *receiver {
	t.Helper()
	r := &receiver{t: t, framing: fr, msgs: make(chan string, 10000)}
	ln, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(port))
	if err != nil {
		t.Fatal(err)
	}
	if tc != nil {
		ln = tls.NewListener(ln, tc)
	}
	r.ln = ln
	r.wg.Add(1)
	go r.accept()
	t.Cleanup(r.stop)
	return r
}

func startUDPReceiver(t testing.TB) (*receiver, int) {
	t.Helper()
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	r := &receiver{t: t, msgs: make(chan string, 10000), pc: pc}
	r.wg.Add(1)
	go func() {
		defer r.wg.Done()
		buf := make([]byte, 70000)
		for {
			n, _, err := pc.ReadFrom(buf)
			if err != nil {
				return
			}
			r.msgs <- string(buf[:n])
		}
	}()
	t.Cleanup(r.stop)
	return r, pc.LocalAddr().(*net.UDPAddr).Port
}

func (r *receiver) accept() {
	defer r.wg.Done()
	for {
		c, err := r.ln.Accept()
		if err != nil {
			return
		}
		r.mu.Lock()
		r.conns = append(r.conns, c)
		r.mu.Unlock()
		r.wg.Add(1)
		go r.read(c)
	}
}

func (r *receiver) read(c net.Conn) {
	defer r.wg.Done()
	br := bufio.NewReaderSize(c, 1<<16)
	for {
		msg, err := readFrame(br, r.framing)
		if err != nil {
			return
		}
		r.msgs <- msg
	}
}

func readFrame(br *bufio.Reader, fr Framing) (string, error) {
	if fr == NewlineFraming {
		line, err := br.ReadString('\n')
		if err != nil {
			return "", err
		}
		return line[:len(line)-1], nil
	}
	n, err := br.ReadString(' ')
	if err != nil {
		return "", err
	}
	size, err := strconv.Atoi(n[:len(n)-1])
	if err != nil {
		return "", err
	}
	buf := make([]byte, size)
	_, err = io.ReadFull(br, buf)
	return string(buf), err
}

// stop closes the listener and every connection, as a crashed server would.
func (r *receiver) stop() {
	r.mu.Lock()
	if r.ln != nil {
		r.ln.Close()
	}
	if r.pc != nil {
		r.pc.Close()
	}
	for _, c := range r.conns {
		c.Close()
	}
	r.conns = nil
	r.mu.Unlock()
	r.wg.Wait()
}

// expect reads n messages or fails after the timeout.
func (r *receiver) expect(n int, timeout time.Duration) []string {
	r.t.Helper()
	var got []string
	deadline := time.After(timeout)
	for len(got) < n {
		select {
		case m := <-r.msgs:
			got = append(got, m)
		case <-deadline:
			r.t.Fatalf("received %d of %d messages", len(got), n)
		}
	}
	return got
}

// quiet checks that nothing arrives for d.
func (r *receiver) quiet(d time.Duration) {
	r.t.Helper()
	select {
	case m := <-r.msgs:
		r.t.Fatalf("unexpected message %q", m)
	case <-time.After(d):
	}
}

// runOutput starts o.Run and stops it when the test ends.
func runOutput(t testing.TB, o *Output) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- o.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("Run: %v", err)
			}
		case <-time.After(5 * time.Second):
			t.Errorf("Run did not return after cancel")
		}
	})
}

// waitFor polls cond for up to 5s; outputs report progress only through
// Stats, so tests poll them.
func waitFor(t testing.TB, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(2 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatalf("timed out waiting for %s", what)
}
