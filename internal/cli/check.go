package cli

import (
	"flag"
	"fmt"
	"io"
	"os"
	"os/user"
	"strings"
	"time"

	"github.com/gossec/gossec/internal/daemon"
	"github.com/gossec/gossec/internal/engine"
	"github.com/gossec/gossec/internal/xmlconf"
)

// Check runs `gossec check`: load the configuration and the ruleset and
// report every error at once as file:line:col: message. With -c it checks
// what `run -t` checks (inputs and outputs too) and exits with the same
// code for the same error.
func Check(args []string, s Streams) int {
	tuneGC()
	fs := flag.NewFlagSet("check", flag.ContinueOnError)
	fs.SetOutput(s.Err)
	var c commonFlags
	c.register(fs)
	quiet := fs.Bool("q", false, "do not print warnings")
	userName := fs.String("user", "", "judge the <localfile> files' access for this account (default: gossec when run as root and it exists, else the current user)")
	if err := fs.Parse(args); err != nil {
		return ExitUsage
	}
	c.defaultHome()
	warn := warnTo(s.Err)
	if *quiet {
		warn = quietWarn
	}
	var rs *engine.Ruleset
	if c.conf == "" {
		var code int
		if rs, code = c.loadRuleset(s, warn); code != ExitOK {
			return code
		}
	} else {
		ld, code := loadService(c, s, warn, *quiet, *userName)
		if code != ExitOK {
			return code
		}
		rs = ld.Ruleset
	}
	// A local rule that takes the MySQL pack's own events keeps them away
	// from the pack's class groups, which mail routing relies on.
	for _, sh := range engine.ShadowedPack(rs) {
		warn(sh.By.Pos, fmt.Sprintf("local rule %d takes the events MySQL pack rule %d was written for (e.g. %q), so its alerts lack the group(s) %s that alerts are routed by: add <group>%s,</group> to it, or make it a child of the pack rule (<if_sid>%d</if_sid>)",
			sh.By.ID, sh.Pack.ID, sh.Line, strings.Join(sh.Missing, ", "), strings.Join(sh.Missing, ","), sh.Pack.ID))
	}
	// The engine release is printed: it decides release-dependent
	// behaviours the operator may not have chosen knowingly (the default).
	fmt.Fprintf(s.Out, "ok: %d decoders, %d rules, engine %s\n", len(rs.Decoders.Names()), len(rs.Rules.IDs()), rs.Features.Engine)
	return ExitOK
}

// loadService loads a configuration as the service does, prints its
// errors and returns the exit code of their kind, then warns about the
// <localfile> files that the service's account cannot read now (unless
// quiet).
func loadService(c commonFlags, s Streams, warn func(xmlconf.Pos, string), quiet bool, userName string) (*daemon.Loaded, int) {
	ld, errs := daemon.Load(c.conf, c.home, warn)
	if len(errs) > 0 {
		printErrors(s.Err, errs)
		return nil, loadExit(errs)
	}
	if quiet {
		return ld, ExitOK
	}
	r, err := checkReader(userName)
	if err != nil {
		fmt.Fprintf(s.Err, "gossec: %v\n", err)
		return nil, ExitUsage
	}
	printInputNotes(s.Err, daemon.CheckInputFiles(ld.Config, c.home, r, time.Now()))
	return ld, ExitOK
}

// loadExit is the exit code of load errors: a ruleset error (decoders,
// rules, lists) is ExitRulesetError from every command, anything else in
// the configuration ExitConfigError.
func loadExit(errs []error) int {
	if daemon.IsRulesetError(errs) {
		return ExitRulesetError
	}
	return ExitConfigError
}

// checkReader is the account the input checks judge access for: name, or
// the service user gossec when root runs the check (root reads everything,
// the service does not), or the current user.
func checkReader(name string) (daemon.Reader, error) {
	if name == "" && os.Getuid() == 0 {
		if _, err := user.Lookup("gossec"); err == nil {
			name = "gossec"
		}
	}
	return daemon.LookupReader(name)
}

func printInputNotes(w io.Writer, notes []daemon.InputNote) {
	for _, n := range notes {
		fmt.Fprintln(w, n)
	}
}
