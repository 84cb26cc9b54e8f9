package config

import (
	"fmt"
	"strings"

	"github.com/gossec/gossec/internal/xmlconf"
)

// Dialect says which section named the ruleset.
type Dialect uint8

const (
	// NoRuleset: the configuration names no ruleset; the embedded one is used.
	NoRuleset Dialect = iota
	// Wazuh: a <ruleset> section.
	Wazuh
	// OSSEC: a <rules> section.
	OSSEC
)

// DirEntry is a <decoder_dir>/<rule_dir> entry.
type DirEntry struct {
	Path    string
	Pattern string // OS_Regex on file names; default ".xml$"
	Pos     xmlconf.Pos
}

// Ruleset is the ruleset selection as written, before file discovery.
type Ruleset struct {
	Dialect        Dialect
	DecoderDirs    []DirEntry
	RuleDirs       []DirEntry
	DecoderFiles   []string // Wazuh <decoder_include>, OSSEC <decoder>
	RuleFiles      []string // Wazuh <rule_include>, OSSEC <include> (relative to rules/)
	DecoderExclude []string
	RuleExclude    []string
	Lists          []string // as written; rules refer to lists by this text
	// Engine is <engine>: the original engine (product and release) the
	// ruleset was written for (gossec only). Zero: the newest release of
	// the dialect's product.
	Engine Engine
	Pos    xmlconf.Pos
}

// Global holds the <global> options the analysis core and outputs use.
type Global struct {
	AlertsLog  bool // <alerts_log>, default yes
	JSONOut    bool // <jsonout_output>, default yes (Wazuh)
	LogAll     bool
	LogAllJSON bool
	MemorySize int // correlation memory, default 8192
	// RegexBudgetMS is <regex_budget_ms>: the milliseconds the
	// backtracking regex matches of one event may take together, across
	// all decoders and rules (gossec only; default 50, 20 to 10000).
	RegexBudgetMS int
}

// Alerts holds <alerts>.
type Alerts struct {
	LogAlertLevel   int // default 1
	EmailAlertLevel int // default 12
}

// Config is a whole configuration.
type Config struct {
	Ruleset    Ruleset
	Global     Global
	Alerts     Alerts
	LocalFiles []LocalFile
	Remotes    []Remote
}

// Default returns the configuration used when none is given.
func Default() *Config {
	return &Config{
		Global: Global{AlertsLog: true, JSONOut: true, MemorySize: 8192, RegexBudgetMS: 50},
		Alerts: Alerts{LogAlertLevel: 1, EmailAlertLevel: 12},
	}
}

// Load reads one configuration file. It returns every error found; warnings
// (sections gossec does not implement) go to warn, which may be nil.
func Load(path string, warn func(xmlconf.Pos, string)) (*Config, []error) {
	roots, err := xmlconf.ParseFile(path)
	if err != nil {
		return nil, []error{err}
	}
	return FromNodes(roots, warn)
}

// FromNodes builds a configuration from parsed root elements.
func FromNodes(roots []*xmlconf.Node, warn func(xmlconf.Pos, string)) (*Config, []error) {
	if warn == nil {
		warn = func(xmlconf.Pos, string) {}
	}
	c := Default()
	p := &parser{cfg: c, warn: warn}
	for _, r := range roots {
		if !r.Is("ossec_config") {
			p.errorf(r.Pos, "unexpected root element %q, want <ossec_config>", r.Name)
			continue
		}
		for _, sec := range r.Children {
			p.section(sec)
		}
	}
	return c, p.errs
}

type parser struct {
	cfg  *Config
	errs []error
	warn func(xmlconf.Pos, string)
}

func (p *parser) errorf(pos xmlconf.Pos, format string, args ...any) {
	p.errs = append(p.errs, xmlconf.Errorf(pos, format, args...))
}

func (p *parser) section(n *xmlconf.Node) {
	switch strings.ToLower(n.Name) {
	case "ruleset":
		p.ruleset(n, Wazuh)
	case "rules":
		p.ruleset(n, OSSEC)
	case "global":
		p.global(n)
	case "alerts":
		p.alerts(n)
	case "localfile":
		p.localfile(n)
	case "remote":
		p.remote(n)
	case "syslog_output", "email_alerts":
		// Read by the outputs (outputs/syslog, outputs/email).
	default:
		// Operators keep their whole ossec.conf; sections of other
		// daemons are not errors, but they are not silently accepted
		// either.
		p.warn(n.Pos, fmt.Sprintf("section <%s> is not used by gossec and is ignored", n.Name))
	}
}

func (p *parser) ruleset(n *xmlconf.Node, d Dialect) {
	rs := &p.cfg.Ruleset
	if rs.Dialect != NoRuleset && rs.Dialect != d {
		p.errorf(n.Pos, "both <ruleset> and <rules> sections given; use one")
		return
	}
	rs.Dialect = d
	if rs.Pos.File == "" {
		rs.Pos = n.Pos
	}
	for _, e := range n.Children {
		p.rulesetItem(rs, e, d)
	}
}

func (p *parser) rulesetItem(rs *Ruleset, e *xmlconf.Node, d Dialect) {
	v := strings.TrimSpace(e.Content)
	if v == "" {
		p.errorf(e.Pos, "empty <%s>", e.Name)
		return
	}
	name := strings.ToLower(e.Name)
	switch {
	case name == "decoder_dir":
		rs.DecoderDirs = append(rs.DecoderDirs, dirEntry(e, v))
	case name == "rule_dir":
		rs.RuleDirs = append(rs.RuleDirs, dirEntry(e, v))
	case name == "list":
		rs.Lists = append(rs.Lists, v)
	case name == "decoder_exclude":
		rs.DecoderExclude = append(rs.DecoderExclude, v)
	case name == "rule_exclude":
		rs.RuleExclude = append(rs.RuleExclude, v)
	case name == "engine":
		eng, err := ParseEngine(v)
		if err != nil {
			p.errorf(e.Pos, "<engine>: %v", err)
			return
		}
		rs.Engine = eng
	case name == "decoder_include" || (d == OSSEC && name == "decoder"):
		rs.DecoderFiles = append(rs.DecoderFiles, v)
	case name == "rule_include" || name == "include" || (d == OSSEC && name == "rule"):
		rs.RuleFiles = append(rs.RuleFiles, v)
	default:
		p.errorf(e.Pos, "unknown element <%s> in <%s>", e.Name, map[Dialect]string{Wazuh: "ruleset", OSSEC: "rules"}[d])
	}
}

func dirEntry(e *xmlconf.Node, v string) DirEntry {
	pat, ok := e.Attr("pattern")
	if !ok {
		pat = ".xml$"
	}
	return DirEntry{Path: v, Pattern: pat, Pos: e.Pos}
}

func (p *parser) global(n *xmlconf.Node) {
	g := &p.cfg.Global
	for _, e := range n.Children {
		v := strings.TrimSpace(e.Content)
		switch strings.ToLower(e.Name) {
		case "alerts_log":
			p.yesNo(e, v, &g.AlertsLog)
		case "jsonout_output":
			p.yesNo(e, v, &g.JSONOut)
		case "logall":
			p.yesNo(e, v, &g.LogAll)
		case "logall_json":
			p.yesNo(e, v, &g.LogAllJSON)
		case "memory_size":
			p.intIn(e, v, 16, 1<<24, &g.MemorySize)
		case "regex_budget_ms":
			p.intIn(e, v, 20, 10000, &g.RegexBudgetMS)
		default:
			// Email and other daemons' options are read by their
			// own packages.
		}
	}
}

func (p *parser) alerts(n *xmlconf.Node) {
	a := &p.cfg.Alerts
	for _, e := range n.Children {
		v := strings.TrimSpace(e.Content)
		switch strings.ToLower(e.Name) {
		case "log_alert_level":
			p.intIn(e, v, 0, 16, &a.LogAlertLevel)
		case "email_alert_level":
			p.intIn(e, v, 0, 16, &a.EmailAlertLevel)
		default:
			p.warn(e.Pos, fmt.Sprintf("option <%s> in <alerts> is not used by gossec", e.Name))
		}
	}
}

func (p *parser) yesNo(e *xmlconf.Node, v string, dst *bool) {
	b, err := xmlconf.YesNo(e, v)
	if err != nil {
		p.errs = append(p.errs, err)
		return
	}
	*dst = b
}

func (p *parser) intIn(e *xmlconf.Node, v string, lo, hi int, dst *int) {
	n, err := xmlconf.IntIn(e, v, lo, hi)
	if err != nil {
		p.errs = append(p.errs, err)
		return
	}
	*dst = n
}
