package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"github.com/gossec/gossec/internal/daemon"
)

// Run runs `gossec run`: the foreground service. With -t it tests the
// configuration and ruleset and exits.
func Run(args []string, s Streams) int {
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	fs.SetOutput(s.Err)
	var c commonFlags
	c.register(fs)
	test := fs.Bool("t", false, "test the configuration and ruleset, then exit (for ExecStartPre)")
	metrics := fs.String("metrics", "", "serve counters in Prometheus format at http://ADDR/metrics (e.g. 127.0.0.1:9464)")
	if err := fs.Parse(args); err != nil {
		return ExitUsage
	}
	if c.conf == "" {
		fmt.Fprintln(s.Err, "gossec run: -c CONF is required")
		return ExitUsage
	}
	c.defaultHome()
	if *test {
		return testConfig(c, s)
	}
	log, closeLog, err := serviceLogger(c.home, s.Err)
	if err != nil {
		fmt.Fprintf(s.Err, "gossec run: %v\n", err)
		return ExitFailure
	}
	defer closeLog()
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	reload := make(chan struct{}, 1)
	go func() {
		for range hup {
			select {
			case reload <- struct{}{}:
			default:
			}
		}
	}()
	err = daemon.Run(ctx, daemon.Options{
		ConfigPath: c.conf, Home: c.home, Logger: log, Reload: reload, Notify: sdNotify,
		MetricsAddr: *metrics,
	})
	switch {
	case errors.Is(err, daemon.ErrLoad):
		return ExitConfigError
	case err != nil:
		log.Error("gossec stopped", "error", err)
		return ExitFailure
	}
	log.Info("gossec stopped")
	return ExitOK
}

func testConfig(c commonFlags, s Streams) int {
	ld, errs := daemon.Load(c.conf, c.home, warnTo(s.Err))
	if len(errs) > 0 {
		printErrors(s.Err, errs)
		return ExitConfigError
	}
	rs := ld.Ruleset
	fmt.Fprintf(s.Out, "configuration ok: %d decoders, %d rules\n", len(rs.Decoders.Names()), len(rs.Rules.IDs()))
	return ExitOK
}

// serviceLogger logs to HOME/logs/gossec.log, and to stderr when stderr is
// a terminal.
func serviceLogger(home string, stderr io.Writer) (*slog.Logger, func(), error) {
	dir := filepath.Join(home, "logs")
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, nil, err
	}
	f, err := os.OpenFile(filepath.Join(dir, "gossec.log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o640)
	if err != nil {
		return nil, nil, err
	}
	var w io.Writer = f
	if isTerminal(stderr) {
		w = io.MultiWriter(f, stderr)
	}
	return slog.New(slog.NewTextHandler(w, nil)), func() { f.Close() }, nil
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// sdNotify sends a state to systemd when started by a Type=notify unit.
func sdNotify(state string) {
	addr := os.Getenv("NOTIFY_SOCKET")
	if addr == "" {
		return
	}
	if addr[0] == '@' {
		addr = "\x00" + addr[1:] // abstract socket
	}
	conn, err := net.DialUnix("unixgram", nil, &net.UnixAddr{Name: addr, Net: "unixgram"})
	if err != nil {
		return
	}
	defer conn.Close()
	conn.Write([]byte(state))
}
