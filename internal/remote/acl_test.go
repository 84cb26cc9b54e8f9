package remote

import (
	"net/netip"
	"strings"
	"testing"
)

func TestCheck(t *testing.T) {
	tests := []struct {
		name            string
		allowed, denied []string
		addr            string
		want            int
	}{
		{"exact v4", []string{"10.0.0.5"}, nil, "10.0.0.5", reasonNone},
		{"other v4", []string{"10.0.0.5"}, nil, "10.0.0.6", reasonNotAllowed},
		{"cidr", []string{"192.168.0.0/16"}, nil, "192.168.44.1", reasonNone},
		{"cidr host bits ignored", []string{"192.168.3.7/24"}, nil, "192.168.3.200", reasonNone},
		{"dotted netmask", []string{"10.0.0.0/255.0.0.0"}, nil, "10.9.9.9", reasonNone},
		{"dotted netmask miss", []string{"10.0.0.0/255.255.0.0"}, nil, "10.9.9.9", reasonNotAllowed},
		{"v6 exact", []string{"2001:db8::1"}, nil, "2001:db8::1", reasonNone},
		{"v6 cidr", []string{"2001:db8::/32"}, nil, "2001:db8:ffff::9", reasonNone},
		{"v6 entry never matches v4", []string{"::/0"}, nil, "10.0.0.1", reasonNotAllowed},
		{"mapped entry is v4", []string{"::ffff:10.0.0.1"}, nil, "10.0.0.1", reasonNone},
		{"any", []string{"any"}, nil, "2001:db8::7", reasonNone},
		{"denied wins", []string{"10.0.0.0/8"}, []string{"10.1.0.0/16"}, "10.1.2.3", reasonDenied},
		{"denied elsewhere", []string{"10.0.0.0/8"}, []string{"10.1.0.0/16"}, "10.2.2.3", reasonNone},
		{"denied v6", []string{"any"}, []string{"::1"}, "::1", reasonDenied},
		// remoted's sticky negation: "!x" allows everything but x ...
		{"negated entry excludes", []string{"!10.0.0.1"}, nil, "10.0.0.1", reasonNotAllowed},
		{"negated entry admits others", []string{"!10.0.0.1"}, nil, "10.0.0.2", reasonNone},
		// ... and inverts every entry after it.
		{"entry after negation inverted", []string{"!10.0.0.1", "10.0.0.2"}, nil, "10.0.0.2", reasonNotAllowed},
		{"entry before negation normal", []string{"10.0.0.2", "!10.0.0.1"}, nil, "10.0.0.2", reasonNone},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			allowed, err := parseIPList("allowed-ips", tc.allowed)
			if err != nil {
				t.Fatal(err)
			}
			denied, err := parseIPList("denied-ips", tc.denied)
			if err != nil {
				t.Fatal(err)
			}
			if got := check(allowed, denied, netip.MustParseAddr(tc.addr)); got != tc.want {
				t.Errorf("check(%s) = %d, want %d", tc.addr, got, tc.want)
			}
		})
	}
}

func TestParseIPListErrors(t *testing.T) {
	for _, bad := range []string{"10.0.0", "10.0.0.0/33", "10.0.0.0/255.0.255.0", "2001:db8::/129", "host.example", "fe80::1%eth0", "10.0.0.0/abc", "2001:db8::/255.0.0.0"} {
		_, err := parseIPList("allowed-ips", []string{bad})
		if err == nil {
			t.Errorf("%q accepted", bad)
			continue
		}
		if !strings.Contains(err.Error(), "<allowed-ips> \""+bad+"\"") {
			t.Errorf("error for %q does not quote it: %v", bad, err)
		}
	}
}
