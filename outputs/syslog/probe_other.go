//go:build !unix

package syslog

import "net"

// peerClosed reports whether the server closed a stream connection.
func peerClosed(conn net.Conn) bool { return readProbe(conn) }
