package cli

import (
	"flag"
	"fmt"
	"strings"

	"github.com/gossec/gossec/internal/engine"
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
