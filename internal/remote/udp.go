package remote

import (
	"context"
	"errors"
	"net"
	"net/netip"
)

// serveUDP reads datagrams until the socket is closed. Each datagram is
// one message; the ACL is checked per datagram, as remoted does.
func (s *Server) serveUDP(ctx context.Context, pc net.PacketConn, out chan<- Message) error {
	uc, _ := pc.(*net.UDPConn)
	conv := newConverter(s.now)
	// One byte more than the limit tells an oversize datagram apart.
	buf := make([]byte, s.cfg.MaxMessage+1)
	var last netip.Addr
	var lastText string
	for {
		n, addr, err := readFrom(uc, pc, buf)
		if err != nil {
			if isTemporary(err) {
				continue
			}
			return listenerErr(ctx, err)
		}
		addr = senderAddr(addr)
		if reason := check(s.allowed, s.denied, addr); reason != reasonNone {
			s.refuse(reason, addr, "udp")
			continue
		}
		// Senders repeat: reuse the address text instead of allocating it
		// for every datagram.
		if addr != last {
			last, lastText = addr, addr.String()
		}
		truncated := n > s.cfg.MaxMessage
		if truncated {
			n = s.cfg.MaxMessage
		}
		if !s.deliver(ctx, out, conv, buf[:n], lastText, truncated) {
			return nil
		}
	}
}

func readFrom(uc *net.UDPConn, pc net.PacketConn, buf []byte) (int, netip.Addr, error) {
	if uc != nil {
		n, ap, err := uc.ReadFromUDPAddrPort(buf)
		return n, ap.Addr(), err
	}
	n, a, err := pc.ReadFrom(buf)
	if err != nil {
		return n, netip.Addr{}, err
	}
	ap, _ := netip.ParseAddrPort(a.String())
	return n, ap.Addr(), nil
}

// isTemporary reports read errors that do not end the socket.
func isTemporary(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}
