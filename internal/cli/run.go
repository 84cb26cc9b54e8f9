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
	"time"

	"github.com/gossec/gossec/internal/daemon"
)

// Run runs `gossec run`: the foreground service. With -t it tests the
// configuration and ruleset and exits.
func Run(args []string, s Streams) int {
	tuneGC()
	// Signals are caught before anything else: a SIGTERM that arrives
	// while the configuration or ruleset loads is a clean stop, not the
	// default action's death (a service manager may stop a unit at once).
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	fs.SetOutput(s.Err)
	var c commonFlags
	c.register(fs)
	test := fs.Bool("t", false, "test the configuration and ruleset, then exit (for ExecStartPre)")
	metrics := fs.String("metrics", "", "serve counters in Prometheus format at http://ADDR/metrics (e.g. 127.0.0.1:9464)")
	userName := fs.String("user", "", "with -t: judge the <localfile> files' access for this account (default: gossec when run as root and it exists, else the current user)")
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
		return testConfig(c, s, *userName)
	}
	journal := underSystemd(os.Getenv)
	log, loud, closeLog, err := serviceLogger(c.home, s.Err, journal)
	if err != nil {
		fmt.Fprintf(s.Err, "gossec run: %v\n", err)
		return ExitFailure
	}
	defer closeLog()
	// Started by hand with stderr redirected, warnings and errors also go
	// to stderr until the service runs: a start that fails must say why
	// where the operator looks. Under systemd they always do (the
	// journal), as on a terminal.
	notify := func(state string) {
		if state == "READY=1" && !journal {
			loud.Store(false)
		}
		sdNotify(state)
	}
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
	case errors.Is(err, daemon.ErrRulesetLoad):
		return ExitRulesetError
	case errors.Is(err, daemon.ErrLoad):
		return ExitConfigError
	case err != nil:
		loud.Store(true) // a fatal error is always on stderr too
		log.Error(daemon.MsgStopped, "error", err)
		return ExitFailure
	}
	log.Info(daemon.MsgStopped)
	return ExitOK
}

func testConfig(c commonFlags, s Streams, userName string) int {
	ld, code := loadService(c, s, warnTo(s.Err), false, userName)
	if code != ExitOK {
		return code
	}
	// The positions file is not configuration, but a service that cannot
	// read it does not start, and a corrupt one changes where files are
	// read from: both are said here, before the unit starts.
	notes, err := daemon.CheckPositions(c.home, ld.Config, time.Now())
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

// underSystemd says whether systemd started us with stderr to the journal:
// JOURNAL_STREAM is set for a unit whose stderr is the journal,
// INVOCATION_ID for any unit.
func underSystemd(getenv func(string) string) bool {
	return getenv("JOURNAL_STREAM") != "" || getenv("INVOCATION_ID") != ""
}

// serviceLogger logs to HOME/logs/gossec.log, and everything to stderr
// too when stderr is a terminal. When it is not, warnings and errors go
// to stderr while loud is set, and under systemd (journal) so do the
// lifecycle lines (start summary, reload, stop).
func serviceLogger(home string, stderr io.Writer, journal bool) (*slog.Logger, *atomic.Bool, func(), error) {
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
	h := &teeHandler{
		main:      slog.NewTextHandler(f, nil),
		err:       slog.NewTextHandler(stderr, nil),
		loud:      loud,
		lifecycle: journal,
		always:    isTerminal(stderr),
	}
	return slog.New(h), loud, func() { f.Close() }, nil
}

// teeHandler writes every record to main, and warnings and errors to err
// too while loud is set, and the lifecycle lines when lifecycle is set;
// with always (stderr is a terminal) everything goes to both. A record
// main could not write (gossec.log on a full disk) goes to err instead:
// the line that says the disk is full must not be lost to the full disk.
type teeHandler struct {
	main, err slog.Handler
	loud      *atomic.Bool
	lifecycle bool
	always    bool
}

func (h *teeHandler) Enabled(ctx context.Context, l slog.Level) bool {
	return h.main.Enabled(ctx, l) || h.loud.Load() && l >= slog.LevelWarn
}

// toErr says whether r also goes to stderr.
func (h *teeHandler) toErr(r slog.Record) bool {
	if h.always {
		return true
	}
	if !h.loud.Load() {
		return false
	}
	if r.Level >= slog.LevelWarn {
		return true
	}
	if !h.lifecycle {
		return false
	}
	switch r.Message {
	case daemon.MsgRunning, daemon.MsgReloaded, daemon.MsgStopped:
		return true
	}
	return false
}

func (h *teeHandler) Handle(ctx context.Context, r slog.Record) error {
	err := h.main.Handle(ctx, r)
	if err != nil || h.toErr(r) {
		if e := h.err.Handle(ctx, r.Clone()); err == nil {
			err = e
		}
	}
	return err
}

func (h *teeHandler) WithAttrs(as []slog.Attr) slog.Handler {
	return &teeHandler{main: h.main.WithAttrs(as), err: h.err.WithAttrs(as), loud: h.loud, lifecycle: h.lifecycle, always: h.always}
}

func (h *teeHandler) WithGroup(name string) slog.Handler {
	return &teeHandler{main: h.main.WithGroup(name), err: h.err.WithGroup(name), loud: h.loud, lifecycle: h.lifecycle, always: h.always}
}

// isTerminal says whether w is a terminal. A character device is not
// enough: /dev/null is one, and output sent there (a benchmark, a cron
// job) must get the machine format, not the table and progress bar.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && terminalFile(f)
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
