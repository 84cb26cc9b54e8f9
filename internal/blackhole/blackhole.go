// Package blackhole is a TCP server for tests that accepts connections
// and never answers: the "black hole" outage of an SMTP server or a
// syslog receiver, which a client only notices through its own timeouts.
// It is imported by tests only.
//
// Imports: the standard library only.
package blackhole

import (
	"net"
	"sync"
	"testing"
)

// Listener holds every connection it accepts, unanswered, until Close.
type Listener struct {
	l     net.Listener
	mu    sync.Mutex
	conns []net.Conn
	done  chan struct{}
}

// Listen starts a black hole on addr ("127.0.0.1:0" for any port); it is
// closed when the test ends.
func Listen(t testing.TB, addr string) *Listener {
	t.Helper()
	l, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	b := &Listener{l: l, done: make(chan struct{})}
	go b.serve()
	t.Cleanup(b.Close)
	return b
}

func (b *Listener) serve() {
	defer close(b.done)
	for {
		c, err := b.l.Accept()
		if err != nil {
			return
		}
		b.mu.Lock()
		b.conns = append(b.conns, c)
		b.mu.Unlock()
	}
}

// Addr is the address it listens on.
func (b *Listener) Addr() net.Addr { return b.l.Addr() }

// Accepted is the number of connections held now.
func (b *Listener) Accepted() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.conns)
}

// Close stops listening (the port refuses from then on) and drops the held
// connections, so a client hanging on one fails. It may be called twice.
func (b *Listener) Close() {
	b.l.Close()
	<-b.done
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, c := range b.conns {
		c.Close()
	}
	b.conns = nil
}
