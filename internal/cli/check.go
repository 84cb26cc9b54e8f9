package cli

import (
	"flag"
	"fmt"
)

// Check runs `gossec check`: load the configuration and the ruleset and
// report every error at once as file:line:col: message.
func Check(args []string, s Streams) int {
	fs := flag.NewFlagSet("check", flag.ContinueOnError)
	fs.SetOutput(s.Err)
	var c commonFlags
	c.register(fs)
	quiet := fs.Bool("q", false, "do not print warnings")
	if err := fs.Parse(args); err != nil {
		return ExitUsage
	}
	c.defaultHome()
	warn := warnTo(s.Err)
	if *quiet {
		warn = quietWarn
	}
	rs, code := c.loadRuleset(s, warn)
	if code != ExitOK {
		return code
	}
	// The engine release is printed: it decides release-dependent
	// behaviours the operator may not have chosen knowingly (the default).
	fmt.Fprintf(s.Out, "ok: %d decoders, %d rules, engine %s\n", len(rs.Decoders.Names()), len(rs.Rules.IDs()), rs.Features.Engine)
	return ExitOK
}
