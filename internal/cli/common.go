package cli

import (
	"flag"
	"fmt"
	"io"
	"path/filepath"

	"github.com/gossec/gossec/internal/config"
	"github.com/gossec/gossec/internal/engine"
	"github.com/gossec/gossec/internal/xmlconf"
)

// Exit codes shared by the commands.
const (
	ExitOK           = 0
	ExitFailure      = 1 // tests failed / expectation not met
	ExitUsage        = 2
	ExitConfigError  = 3 // the configuration could not be read
	ExitRulesetError = 4 // the ruleset could not be compiled
)

// Streams are a command's standard streams.
type Streams struct {
	In  io.Reader
	Out io.Writer
	Err io.Writer
}

// commonFlags are the flags every command takes.
type commonFlags struct {
	conf   string
	home   string
	engine string
}

func (c *commonFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&c.conf, "c", "", "configuration file (ossec.conf); default: the embedded ruleset")
	fs.StringVar(&c.home, "home", "", "base folder of relative paths in the configuration (like /var/ossec)")
	fs.StringVar(&c.engine, "engine", "", "engine release the ruleset was written for, overriding <engine> (e.g. ossec-4.2, ossec-current, wazuh-3.13, wazuh-4.9, wazuh-4.14.1); default: the newest release of the configuration's dialect")
}

// loadRuleset reads the configuration and compiles its ruleset, printing
// every error as file:line:col: message. It returns an exit code != 0 on
// failure.
func (c *commonFlags) loadRuleset(s Streams, warn func(xmlconf.Pos, string)) (*engine.Ruleset, int) {
	cfg := config.Default()
	if c.conf != "" {
		var errs []error
		cfg, errs = config.Load(c.conf, warn)
		if len(errs) > 0 {
			printErrors(s.Err, errs)
			return nil, ExitConfigError
		}
	}
	var eng config.Engine
	if c.engine != "" {
		var err error
		if eng, err = config.ParseEngine(c.engine); err != nil {
			fmt.Fprintf(s.Err, "--engine: %v\n", err)
			return nil, ExitUsage
		}
	}
	home := c.home
	rs, errs := engine.Load(cfg, engine.LoadOptions{Home: home, Warn: warn, Engine: eng})
	if len(errs) > 0 {
		printErrors(s.Err, errs)
		return nil, ExitRulesetError
	}
	return rs, ExitOK
}

func printErrors(w io.Writer, errs []error) {
	for _, e := range errs {
		fmt.Fprintln(w, e)
	}
}

func warnTo(w io.Writer) func(xmlconf.Pos, string) {
	return func(p xmlconf.Pos, msg string) {
		fmt.Fprintf(w, "%s: warning: %s\n", p, msg)
	}
}

func quietWarn(xmlconf.Pos, string) {}

// defaultHome derives the home folder from the configuration path when
// --home is not given: /var/ossec/etc/ossec.conf gives /var/ossec.
func (c *commonFlags) defaultHome() {
	if c.home != "" || c.conf == "" {
		return
	}
	dir := filepath.Dir(c.conf)
	if filepath.Base(dir) == "etc" {
		c.home = filepath.Dir(dir)
	} else {
		c.home = dir
	}
}
