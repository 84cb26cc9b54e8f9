package remote

import (
	"errors"
	"fmt"
	"net/netip"
	"strconv"
	"strings"
)

// ErrNoAllowedIPs is returned by New when Allowed is empty: remoted then
// disables its syslog server ("IP or network must be present in syslog
// access list (allowed-ips)"). The daemon may log it and go on.
var ErrNoAllowedIPs = errors.New("no allowed-ips: syslog server disabled")

// ipEntry is one compiled <allowed-ips>/<denied-ips> value.
type ipEntry struct {
	prefix netip.Prefix
	any    bool // "any": every address
	neg    bool // written with a leading "!"
}

func (e ipEntry) contains(a netip.Addr) bool {
	return e.any || e.prefix.Contains(a)
}

// ipList is a compiled list with remoted's matching rules.
type ipList []ipEntry

// parseIPList compiles the entries; field names the XML element for errors.
func parseIPList(field string, values []string) (ipList, error) {
	var l ipList
	var errs []error
	for _, v := range values {
		e, err := parseIPEntry(v)
		if err != nil {
			errs = append(errs, fmt.Errorf("<%s> %q: %w", field, v, err))
			continue
		}
		l = append(l, e)
	}
	return l, errors.Join(errs...)
}

func parseIPEntry(v string) (ipEntry, error) {
	s := strings.TrimSpace(v)
	var e ipEntry
	if rest, ok := strings.CutPrefix(s, "!"); ok {
		e.neg, s = true, rest
	}
	if s == "any" {
		e.any = true
		return e, nil
	}
	addrText, maskText, hasMask := strings.Cut(s, "/")
	addr, err := netip.ParseAddr(addrText)
	if err != nil {
		return e, fmt.Errorf("invalid ip address: %w", err)
	}
	if addr.Zone() != "" {
		return e, errors.New("invalid ip address: zones are not supported")
	}
	// remoted turns "::ffff:10.1.2.3" into "10.1.2.3" (OS_GetIPv4FromIPv6).
	addr = addr.Unmap()
	bits := addr.BitLen()
	if hasMask {
		if bits, err = maskBits(addr, maskText); err != nil {
			return e, err
		}
	}
	e.prefix, err = addr.Prefix(bits)
	if err != nil {
		return e, fmt.Errorf("invalid prefix: %w", err)
	}
	return e, nil
}

// maskBits reads a CIDR length or, for IPv4, a dotted netmask.
func maskBits(addr netip.Addr, m string) (int, error) {
	if n, err := strconv.Atoi(m); err == nil {
		if n < 0 || n > addr.BitLen() {
			return 0, fmt.Errorf("invalid prefix length %q", m)
		}
		return n, nil
	}
	mask, err := netip.ParseAddr(m)
	if err != nil || !addr.Is4() || !mask.Is4() {
		return 0, fmt.Errorf("invalid netmask %q", m)
	}
	b := mask.As4()
	v := uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
	ones := 0
	for v&(1<<31) != 0 {
		ones++
		v <<= 1
	}
	if v != 0 {
		return 0, fmt.Errorf("non-contiguous netmask %q", m)
	}
	return ones, nil
}

// found reports whether a is "in" the list the way OS_IPFoundList answers:
// the first matching entry decides, and a negated entry flips the answer
// for itself and for every entry after it (and for "no match").
func (l ipList) found(a netip.Addr) bool {
	in := true
	for _, e := range l {
		if e.neg {
			in = false
		}
		if e.contains(a) {
			return in
		}
	}
	return !in
}

// Refusal reasons, as counted in Stats.
const (
	reasonNone = iota
	reasonDenied
	reasonNotAllowed
)

// check applies OS_IPNotAllowed: denied wins, then allowed is required.
func check(allowed, denied ipList, a netip.Addr) int {
	if len(denied) > 0 && denied.found(a) {
		return reasonDenied
	}
	if len(allowed) > 0 && allowed.found(a) {
		return reasonNone
	}
	return reasonNotAllowed
}
