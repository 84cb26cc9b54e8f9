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
	"sync/atomic"
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
	if c.engine != "" {
		// The service reloads its configuration: the engine must be
		// written there to survive a reload.
		fmt.Fprintln(s.Err, "gossec run: --engine is for the test commands; name the engine in the configuration (<engine> in <ruleset> or <rules>)")
		return ExitUsage
	}
	c.defaultHome()
	if *test {
		return testConfig(c, s)
	}
	log, loud, closeLog, err := serviceLogger(c.home, s.Err)
	if err != nil {
		fmt.Fprintf(s.Err, "gossec run: %v\n", err)
		return ExitFailure
	}
	defer closeLog()
	// Until the service runs, warnings and errors also go to stderr (the
	// journal under systemd): a start that fails must say why where the
	// operator looks. Once running, gossec.log alone has them.
	notify := func(state string) {
		if state == "READY=1" {
			loud.Store(false)
		}
		sdNotify(state)
	}
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
		ConfigPath: c.conf, Home: c.home, Logger: log, Reload: reload, Notify: notify,
		MetricsAddr: *metrics,
	})
	switch {
	case errors.Is(err, daemon.ErrLoad):
		return ExitConfigError
	case err != nil:
		loud.Store(true) // a fatal error is always on stderr too
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
	// The positions file is not configuration, but a service that cannot
	// read it does not start, and a corrupt one changes where files are
	// read from: both are said here, before the unit starts.
	notes, err := daemon.CheckPositions(c.home, ld.Config)
	if err != nil {
		fmt.Fprintf(s.Err, "gossec run: %v\n", err)
		return ExitFailure
	}
	for _, n := range notes {
		fmt.Fprintf(s.Err, "warning: %s\n", n)
	}
	rs := ld.Ruleset
	fmt.Fprintf(s.Out, "configuration ok: %d decoders, %d rules, engine %s\n", len(rs.Decoders.Names()), len(rs.Rules.IDs()), rs.Features.Engine)
	return ExitOK
}

// serviceLogger logs to HOME/logs/gossec.log, and to stderr when stderr is
// a terminal. When it is not (systemd), warnings and errors still go to
// stderr while loud is set.
func serviceLogger(home string, stderr io.Writer) (*slog.Logger, *atomic.Bool, func(), error) {
	loud := &atomic.Bool{}
	loud.Store(true)
	dir := filepath.Join(home, "logs")
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, nil, nil, err
	}
	f, err := os.OpenFile(filepath.Join(dir, "gossec.log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o640)
	if err != nil {
		return nil, nil, nil, err
	}
	if isTerminal(stderr) {
		return slog.New(slog.NewTextHandler(io.MultiWriter(f, stderr), nil)), loud, func() { f.Close() }, nil
	}
	h := &teeHandler{
		main: slog.NewTextHandler(f, nil),
		err:  slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}),
		loud: loud,
	}
	return slog.New(h), loud, func() { f.Close() }, nil
}

// teeHandler writes every record to main, and warnings and errors to err
// too while loud is set.
type teeHandler struct {
	main, err slog.Handler
	loud      *atomic.Bool
}

func (h *teeHandler) Enabled(ctx context.Context, l slog.Level) bool {
	return h.main.Enabled(ctx, l) || h.loud.Load() && h.err.Enabled(ctx, l)
}

func (h *teeHandler) Handle(ctx context.Context, r slog.Record) error {
	err := h.main.Handle(ctx, r)
	if h.loud.Load() && h.err.Enabled(ctx, r.Level) {
		if e := h.err.Handle(ctx, r.Clone()); err == nil {
			err = e
		}
	}
	return err
}

func (h *teeHandler) WithAttrs(as []slog.Attr) slog.Handler {
	return &teeHandler{main: h.main.WithAttrs(as), err: h.err.WithAttrs(as), loud: h.loud}
}

func (h *teeHandler) WithGroup(name string) slog.Handler {
	return &teeHandler{main: h.main.WithGroup(name), err: h.err.WithGroup(name), loud: h.loud}
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
