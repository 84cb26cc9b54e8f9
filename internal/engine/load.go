package engine

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/gossec/gossec/decoders"
	"github.com/gossec/gossec/internal/cdb"
	"github.com/gossec/gossec/internal/config"
	"github.com/gossec/gossec/internal/litscan"
	"github.com/gossec/gossec/internal/osregex"
	"github.com/gossec/gossec/internal/predecode"
	"github.com/gossec/gossec/internal/xmlconf"
	"github.com/gossec/gossec/rules"
)

// Ruleset is a compiled, immutable ruleset.
type Ruleset struct {
	Config   *config.Config
	Decoders *decoders.Set
	Rules    *rules.Tree
	Files    *config.Files
	// Predecode is whose pre-decoding the lines get: OSSEC's for an OSSEC
	// engine (by default a ruleset named by OSSEC's <rules> section),
	// Wazuh's otherwise.
	Predecode predecode.Dialect
	// Features are the behaviours of the engine release the ruleset was
	// written for (version.go).
	Features Features
}

// LoadOptions tunes Load.
type LoadOptions struct {
	Home string                            // base of relative paths (like /var/ossec)
	Warn func(pos xmlconf.Pos, msg string) // load warnings; may be nil
	// Engine, when its product is set, overrides the configuration's
	// <engine> (the --engine flag).
	Engine config.Engine
}

// Load compiles the ruleset a configuration names; with no ruleset section
// it compiles the embedded default ruleset. Every error found is returned.
// The first successful Load sets the process's collector target (gc.go).
func Load(cfg *config.Config, opt LoadOptions) (*Ruleset, []error) {
	if cfg == nil {
		cfg = config.Default()
	}
	var (
		files *config.Files
		errs  []error
	)
	if cfg.Ruleset.Dialect == config.NoRuleset {
		files, errs = embeddedFiles()
	} else {
		files, errs = cfg.Ruleset.Resolve(opt.Home)
	}
	if len(errs) > 0 {
		return nil, errs
	}
	if opt.Warn != nil {
		for _, w := range files.Warnings {
			opt.Warn(w.Pos, w.Msg)
		}
	}
	eng := cfg.Ruleset.Engine
	if opt.Engine.Product != config.AnyProduct {
		eng = opt.Engine
	}
	feat := FeaturesOf(eng.Resolve(cfg.Ruleset.Dialect))
	lists, errs := loadLists(files.Lists)
	// One literal table for both stages: each event's log is scanned once
	// and the decoders' scan serves the rules.
	lits := litscan.NewTable()
	// One pattern cache too: rules and decoders repeat expressions.
	pats := &osregex.Cache{}
	dset, derrs := decoders.Load(files.Decoders, feat.decoderOptions(decoders.LoadOptions{Warn: opt.Warn, ReadFile: readFile, Literals: lits, Patterns: pats}))
	errs = append(errs, derrs...)
	tree, rerrs := rules.Load(files.Rules, feat.ruleOptions(rules.LoadOptions{
		Lists:           lists,
		Warn:            opt.Warn,
		DecoderExists:   decoderExists(dset),
		LogAlertLevel:   cfg.Alerts.LogAlertLevel,
		EmailAlertLevel: cfg.Alerts.EmailAlertLevel,
		ReadFile:        readFile,
		OSSEC:           cfg.Ruleset.Dialect == config.OSSEC || feat.Engine.Product == config.ProductOSSEC,
		Literals:        lits,
		Patterns:        pats,
	}))
	errs = append(errs, rerrs...)
	if len(errs) > 0 {
		return nil, errs
	}
	lits.Freeze()
	return &Ruleset{Config: cfg, Decoders: dset, Rules: tree, Files: files, Predecode: feat.Predecode.Dialect, Features: feat}, nil
}

func decoderExists(d *decoders.Set) func(string) bool {
	if d == nil {
		return nil
	}
	return d.Has
}

// loadLists reads the configured CDB lists. A list that does not exist is
// not an error here: analysisd skips the rules that use it, with a warning.
func loadLists(paths map[string]string) (map[string]*cdb.List, []error) {
	out := make(map[string]*cdb.List, len(paths))
	var errs []error
	for name, path := range paths {
		l, err := cdb.Load(textListPath(path))
		if err != nil {
			if os.IsNotExist(err) || isNotExist(err) {
				continue
			}
			errs = append(errs, fmt.Errorf("list %q: %w", name, err))
			continue
		}
		out[name] = l
	}
	return out, errs
}

// textListPath maps "x.cdb" to its text source "x" when only that exists:
// gossec compiles lists in memory from the text form.
func textListPath(p string) string {
	if filepath.Ext(p) == ".cdb" {
		if _, err := os.Stat(p); err != nil {
			return p[:len(p)-len(".cdb")]
		}
	}
	return p
}

func isNotExist(err error) bool {
	for e := err; e != nil; {
		if os.IsNotExist(e) {
			return true
		}
		u, ok := e.(interface{ Unwrap() error })
		if !ok {
			return false
		}
		e = u.Unwrap()
	}
	return false
}
