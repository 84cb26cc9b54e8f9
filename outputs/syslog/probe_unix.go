//go:build unix

package syslog

import (
	"crypto/tls"
	"net"
	"syscall"
)

// peerClosed reports whether the server closed a stream connection. It
// peeks at the socket without blocking, so it can run before every write:
// a server that went away between two alerts is noticed before the next
// one is handed to a dead socket (where the kernel would accept and lose
// it).
func peerClosed(conn net.Conn) bool {
	raw := conn
	if tc, ok := conn.(*tls.Conn); ok {
		raw = tc.NetConn()
	}
	sc, ok := raw.(syscall.Conn)
	if !ok {
		return readProbe(conn)
	}
	rc, err := sc.SyscallConn()
	if err != nil {
		return true
	}
	var n int
	var perr error
	var buf [1]byte
	err = rc.Read(func(fd uintptr) bool {
		n, _, perr = syscall.Recvfrom(int(fd), buf[:], syscall.MSG_PEEK|syscall.MSG_DONTWAIT)
		return true // never wait
	})
	switch {
	case err != nil:
		return true
	case perr == syscall.EAGAIN || perr == syscall.EWOULDBLOCK || perr == syscall.EINTR:
		return false // nothing pending: open
	case perr != nil || n == 0:
		return true // reset, or EOF
	}
	// Bytes are pending: through TLS they may be a session ticket or a
	// close_notify, which only a real read tells apart.
	return readProbe(conn)
}
