package rules

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"
)

// ipEntry is one <srcip>/<dstip> element: an IPv4 network with its mask,
// or an IPv6 prefix, optionally prefixed by '!'.
type ipEntry struct {
	not  bool
	any  bool
	v4   bool
	addr uint32
	mask uint32
	pfx  netip.Prefix
}

// ipList is the list of entries of one rule plus the negate attribute of
// the last element.
type ipList struct {
	entries []ipEntry
	negate  bool
}

// parseIPEntry accepts "any", a.b.c.d, a.b.c.d/bits, a.b.c.d/m.m.m.m and
// IPv6 addresses with an optional /bits, each optionally prefixed by '!'.
func parseIPEntry(s string) (ipEntry, error) {
	var e ipEntry
	if strings.HasPrefix(s, "!") {
		e.not = true
		s = s[1:]
	}
	if s == "any" {
		e.any = true
		return e, nil
	}
	addr, bits, hasBits := strings.Cut(s, "/")
	a, err := netip.ParseAddr(addr)
	if err != nil {
		return e, fmt.Errorf("invalid ip address %q", s)
	}
	if a.Is4() {
		return parseIPv4Entry(e, a, bits, hasBits, s)
	}
	n := a.BitLen()
	if hasBits {
		n, err = strconv.Atoi(bits)
		if err != nil || n < 0 || n > a.BitLen() {
			return e, fmt.Errorf("invalid ip address %q", s)
		}
	}
	e.pfx = netip.PrefixFrom(a, n).Masked()
	return e, nil
}

func parseIPv4Entry(e ipEntry, a netip.Addr, bits string, hasBits bool, src string) (ipEntry, error) {
	e.v4 = true
	b := a.As4()
	e.addr = uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
	e.mask = 0xffffffff
	if hasBits {
		if m, err := netip.ParseAddr(bits); err == nil && m.Is4() {
			mb := m.As4()
			e.mask = uint32(mb[0])<<24 | uint32(mb[1])<<16 | uint32(mb[2])<<8 | uint32(mb[3])
		} else {
			n, err := strconv.Atoi(bits)
			if err != nil || n < 0 || n > 32 {
				return e, fmt.Errorf("invalid ip address %q", src)
			}
			e.mask = 0
			if n > 0 {
				e.mask = ^uint32(0) << (32 - n)
			}
		}
	}
	e.addr &= e.mask
	return e, nil
}

func (e *ipEntry) contains(a netip.Addr) bool {
	if e.any {
		return true
	}
	if e.v4 {
		if !a.Is4() {
			return false
		}
		b := a.As4()
		v := uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
		return v&e.mask == e.addr
	}
	return e.pfx.Contains(a)
}

// found is OS_IPFoundList: entries are scanned in order with a result flag
// that starts true and turns false for good at the first '!' entry; the
// first entry containing the address returns the flag, no entry returns its
// inverse. An unparsable address is "not found" (false).
func (l *ipList) found(s string) bool {
	a, err := netip.ParseAddr(s)
	if err != nil {
		return false
	}
	flag := true
	for i := range l.entries {
		if l.entries[i].not {
			flag = false
		}
		if l.entries[i].contains(a) {
			return flag
		}
	}
	return !flag
}

// test applies the negate attribute.
func (l *ipList) test(s string) bool { return l.found(s) != l.negate }
