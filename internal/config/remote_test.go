package config

import (
	"strings"
	"testing"
	"time"

	"github.com/gossec/gossec/internal/xmlconf"
)

// TestRemoteLimits: <max_connections> and <idle_timeout> of a syslog
// <remote>, their defaults and their errors.
func TestRemoteLimits(t *testing.T) {
	for _, c := range []struct {
		name, opts string
		conns      int
		idle       time.Duration
		err        string
	}{
		{name: "defaults", conns: 200, idle: 5 * time.Minute},
		{name: "seconds", opts: "<max_connections>50</max_connections><idle_timeout>90</idle_timeout>", conns: 50, idle: 90 * time.Second},
		{name: "suffix s", opts: "<idle_timeout>30s</idle_timeout>", conns: 200, idle: 30 * time.Second},
		{name: "suffix m", opts: "<idle_timeout>2m</idle_timeout>", conns: 200, idle: 2 * time.Minute},
		{name: "suffix h", opts: "<idle_timeout>1h</idle_timeout>", conns: 200, idle: time.Hour},
		{name: "suffix d", opts: "<idle_timeout>1d</idle_timeout>", conns: 200, idle: 24 * time.Hour},
		{name: "disabled", opts: "<idle_timeout>0</idle_timeout>", conns: 200, idle: 0},
		{name: "zero connections", opts: "<max_connections>0</max_connections>", err: "max_connections"},
		{name: "word", opts: "<max_connections>many</max_connections>", err: "max_connections"},
		{name: "negative time", opts: "<idle_timeout>-5</idle_timeout>", err: "idle_timeout"},
		{name: "bad unit", opts: "<idle_timeout>5w</idle_timeout>", err: "idle_timeout"},
		{name: "empty time", opts: "<idle_timeout></idle_timeout>", err: "idle_timeout"},
		{name: "overflow", opts: "<idle_timeout>99999999999999d</idle_timeout>", err: "idle_timeout"},
	} {
		t.Run(c.name, func(t *testing.T) {
			src := `<ossec_config><remote><connection>syslog</connection><protocol>tcp</protocol>
<allowed-ips>127.0.0.1</allowed-ips>` + c.opts + `</remote></ossec_config>`
			roots, err := xmlconf.Parse("r.conf", []byte(src))
			if err != nil {
				t.Fatal(err)
			}
			cfg, errs := FromNodes(roots, nil)
			if c.err != "" {
				if len(errs) != 1 || !strings.Contains(errs[0].Error(), c.err) {
					t.Fatalf("errors %v, want one naming %s", errs, c.err)
				}
				return
			}
			if len(errs) > 0 {
				t.Fatal(errs)
			}
			if r := cfg.Remotes[0]; r.MaxConnections != c.conns || r.IdleTimeout != c.idle {
				t.Errorf("max_connections %d idle_timeout %v, want %d %v", r.MaxConnections, r.IdleTimeout, c.conns, c.idle)
			}
		})
	}
}
