package daemon

import (
	"context"
	"strconv"

	"github.com/gossec/gossec/internal/config"
	"github.com/gossec/gossec/internal/remote"
)

// runRemote serves one <remote> syslog section until ctx is cancelled.
func (d *daemon) runRemote(ctx context.Context, r config.Remote, items chan<- item) {
	srv, err := remote.New(remoteConfig(r, d))
	if err != nil {
		d.log.Error("remote", "port", r.Port, "error", err)
		d.stats.InputErrors.Add(1)
		return
	}
	defer d.srcs.addRemote(srv)()
	msgs := make(chan remote.Message, 256)
	go func() {
		defer close(msgs)
		if err := srv.Run(ctx, msgs); err != nil && ctx.Err() == nil {
			d.log.Error("remote stopped", "port", r.Port, "error", err)
			d.stats.InputErrors.Add(1)
		}
	}()
	d.log.Info("remote syslog listening", "port", strconv.Itoa(r.Port), "protocol", r.Protocol,
		"max_connections", srv.MaxConnections())
	for m := range msgs {
		items <- item{location: m.Location, text: m.Text}
	}
}

func remoteConfig(r config.Remote, d *daemon) remote.Config {
	c := remote.Config{
		Port:       r.Port,
		Protocol:   r.Protocol,
		ListenAddr: r.LocalIP,
		Allowed:    r.AllowedIPs,
		Denied:     r.DeniedIPs,
		Logger:     d.log,
		// The parser fills the defaults; 0 in the configuration turns
		// the idle timeout off, which remote spells negative.
		MaxConnections: r.MaxConnections,
		IdleTimeout:    r.IdleTimeout,
	}
	if c.IdleTimeout == 0 {
		c.IdleTimeout = -1
	}
	if r.CertFile != "" {
		c.CertFile, c.KeyFile = d.abs(r.CertFile), d.abs(r.KeyFile)
	}
	return c
}
