package syslog

import (
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/gossec/gossec/internal/osregex"
	"github.com/gossec/gossec/internal/xmlconf"
)

// Format is a message format.
type Format uint8

// The formats of <format>.
const (
	FormatDefault Format = iota
	FormatCEF
	FormatJSON     // the compact csyslogd object
	FormatJSONFull // the alerts.json object
	FormatSplunk
)

var formatNames = [...]string{"default", "cef", "json", "json-full", "splunk"}

func (f Format) String() string {
	if int(f) < len(formatNames) {
		return formatNames[f]
	}
	return "unknown"
}

// Header is the syslog header layout.
type Header uint8

// The headers of <header>.
const (
	RFC3164 Header = iota
	RFC5424
)

// Protocol is the transport.
type Protocol uint8

// The transports of <protocol>.
const (
	UDP Protocol = iota
	TCP
	TLS
)

func (p Protocol) String() string {
	return [...]string{"udp", "tcp", "tls"}[p]
}

// Framing is how messages are delimited on TCP and TLS.
type Framing uint8

// The framings of <framing>.
const (
	NewlineFraming Framing = iota
	OctetCounting          // RFC 6587 §3.4.1 / RFC 5425: "LEN SP MSG"
)

// Defaults.
const (
	DefaultPort      = 514
	DefaultTLSPort   = 6514
	DefaultQueueSize = 1024
	DefaultMaxSize   = 64000
	MinMaxSize       = 1024
	maxUDPSize       = 65000 // under IPv4's 65507-byte datagram limit
	DefaultProgram   = "ossec"
	defaultFacility  = 16 // local0
	defaultSeverity  = 4  // warning
)

// Config is one <syslog_output> block.
type Config struct {
	Server   string
	Port     int
	Format   Format
	Header   Header
	Protocol Protocol
	Framing  Framing

	// Filters: an alert is sent when it passes all that are set.
	Level    int    // minimum rule level; 0 = any
	RuleIDs  []int  // nil = any
	Group    string // OS_Match on the groups; "" = any
	Location string // OS_Match on the location; "" = any
	group    *osregex.Pattern
	location *osregex.Pattern

	UseFQDN   bool
	CEFHost   bool   // RFC 3164 + cef: put HOST before "CEF:" (csyslogd does not)
	CEFFields bool   // cef: add the decoded fields csyslogd leaves out (act, proto, request, cs2..cs6)
	Hostname  string // overrides the host name (tests, containers); "" = the system's
	Program   string // RFC 3164 tag / RFC 5424 APP-NAME; default "ossec"
	Facility  int    // default 16 (local0); 0 with Severity 0 also means the default
	Severity  int    // default 4 (warning)
	TLSVerify bool   // verify the server's certificate (default yes)
	TLSCA     string // PEM CA file; "" = the system roots

	QueueSize int // messages; default 1024
	MaxSize   int // bytes of one message without framing; default 64000

	// Connection tuning (not in ossec.conf); zero = default.
	DialTimeout  time.Duration // 5s
	WriteTimeout time.Duration // 10s
	BackoffMin   time.Duration // 250ms
	BackoffMax   time.Duration // 30s

	// Logger receives failed dials and writes and dropped messages, rate
	// limited (the first at once, then a summary a minute); nil logs
	// nothing.
	Logger *slog.Logger

	Pos xmlconf.Pos // the <syslog_output> element
}

// DefaultConfig returns a block's defaults, as csyslogd sets them.
func DefaultConfig() Config {
	return Config{
		Port:      DefaultPort,
		Program:   DefaultProgram,
		Facility:  defaultFacility,
		Severity:  defaultSeverity,
		TLSVerify: true,
		QueueSize: DefaultQueueSize,
		MaxSize:   DefaultMaxSize,
	}
}

// Priority returns the PRI value.
func (c *Config) Priority() int { return c.Facility*8 + c.Severity }

// ParseConfig reads every <syslog_output> block found in nodes, which may
// be the blocks themselves or elements holding them (<ossec_config> roots).
// Each error carries the offending element's position.
func ParseConfig(nodes []*xmlconf.Node) ([]Config, []error) {
	var cfgs []Config
	var errs []error
	var walk func([]*xmlconf.Node)
	walk = func(ns []*xmlconf.Node) {
		for _, n := range ns {
			if n.Is("syslog_output") {
				c, es := parseBlock(n)
				errs = append(errs, es...)
				if len(es) == 0 {
					cfgs = append(cfgs, c)
				}
				continue
			}
			walk(n.Children)
		}
	}
	walk(nodes)
	return cfgs, errs
}

type blockParser struct {
	c         Config
	errs      []error
	portSet   bool
	framedSet bool
}

func (p *blockParser) errorf(pos xmlconf.Pos, format string, args ...any) {
	p.errs = append(p.errs, xmlconf.Errorf(pos, format, args...))
}

func parseBlock(n *xmlconf.Node) (Config, []error) {
	p := &blockParser{c: DefaultConfig()}
	p.c.Pos = n.Pos
	for _, e := range n.Children {
		p.option(e, strings.TrimSpace(e.Content))
	}
	p.finish(n)
	return p.c, p.errs
}

// option applies one child element. Element names are case-sensitive in
// csyslogd; gossec accepts any case.
func (p *blockParser) option(e *xmlconf.Node, v string) {
	c := &p.c
	switch strings.ToLower(e.Name) {
	case "server":
		c.Server = v
	case "port":
		p.portSet = true
		p.intIn(e, v, 1, 65535, &c.Port)
	case "format":
		p.format(e, v)
	case "level":
		p.intIn(e, v, 0, 16, &c.Level)
	case "rule_id":
		p.ruleIDs(e, v)
	case "group":
		c.Group, c.group = v, p.osMatch(e, v)
	case "location", "event_location":
		c.Location, c.location = v, p.osMatch(e, v)
	case "use_fqdn":
		p.yesNo(e, v, &c.UseFQDN)
	case "protocol":
		p.protocol(e, v)
	case "tls":
		var on bool
		if p.yesNo(e, v, &on) && on {
			c.Protocol = TLS
		}
	case "tls_verify":
		p.yesNo(e, v, &c.TLSVerify)
	case "tls_ca", "ca_file":
		c.TLSCA = v
	default:
		p.extraOption(e, v)
	}
}

// extraOption handles the gossec options csyslogd does not have.
func (p *blockParser) extraOption(e *xmlconf.Node, v string) {
	c := &p.c
	switch strings.ToLower(e.Name) {
	case "header":
		p.header(e, v)
	case "framing":
		p.framing(e, v)
	case "program":
		if v == "" || len(v) > 48 || strings.ContainsAny(v, " :[]") {
			p.errorf(e.Pos, "<program> %q: want 1 to 48 characters without space, ':' or brackets", v)
			return
		}
		c.Program = v
	case "hostname":
		c.Hostname = v
	case "cef_hostname":
		p.yesNo(e, v, &c.CEFHost)
	case "cef_fields":
		p.yesNo(e, v, &c.CEFFields)
	case "facility":
		p.facility(e, v)
	case "severity":
		p.severity(e, v)
	case "queue_size":
		p.intIn(e, v, 1, 1<<20, &c.QueueSize)
	case "max_size":
		p.intIn(e, v, MinMaxSize, 1<<20, &c.MaxSize)
	default:
		p.errorf(e.Pos, "invalid element <%s> in <syslog_output>", e.Name)
	}
}

func (p *blockParser) finish(n *xmlconf.Node) {
	c := &p.c
	if c.Server == "" {
		p.errorf(n.Pos, "<syslog_output> needs a <server>")
	}
	if c.Protocol == TLS && !p.portSet {
		c.Port = DefaultTLSPort
	}
	if c.Protocol == UDP && p.framedSet && c.Framing != NewlineFraming {
		p.errorf(n.Pos, "<framing> applies to tcp and tls only, not udp")
	}
}

func (p *blockParser) yesNo(e *xmlconf.Node, v string, dst *bool) bool {
	b, err := xmlconf.YesNo(e, v)
	if err != nil {
		p.errs = append(p.errs, err)
		return false
	}
	*dst = b
	return true
}

func (p *blockParser) intIn(e *xmlconf.Node, v string, lo, hi int, dst *int) {
	n, err := xmlconf.IntIn(e, v, lo, hi)
	if err != nil {
		p.errs = append(p.errs, err)
		return
	}
	*dst = n
}

func (p *blockParser) format(e *xmlconf.Node, v string) {
	switch strings.ToLower(v) {
	case "default":
		p.c.Format = FormatDefault
	case "cef":
		p.c.Format = FormatCEF
	case "json":
		p.c.Format = FormatJSON
	case "json-full", "json_full":
		p.c.Format = FormatJSONFull
	case "splunk":
		p.c.Format = FormatSplunk
	default:
		p.errorf(e.Pos, "<format> %q: want default, cef, json, json-full or splunk", v)
	}
}

func (p *blockParser) protocol(e *xmlconf.Node, v string) {
	switch strings.ToLower(v) {
	case "udp":
		p.c.Protocol = UDP
	case "tcp":
		if p.c.Protocol != TLS {
			p.c.Protocol = TCP
		}
	case "tls":
		p.c.Protocol = TLS
	default:
		p.errorf(e.Pos, "<protocol> %q: want udp, tcp or tls", v)
	}
}

func (p *blockParser) header(e *xmlconf.Node, v string) {
	switch strings.ToLower(v) {
	case "rfc3164", "bsd":
		p.c.Header = RFC3164
	case "rfc5424":
		p.c.Header = RFC5424
	default:
		p.errorf(e.Pos, "<header> %q: want rfc3164 or rfc5424", v)
	}
}

func (p *blockParser) framing(e *xmlconf.Node, v string) {
	p.framedSet = true
	switch strings.ToLower(v) {
	case "newline", "lf":
		p.c.Framing = NewlineFraming
	case "octet-counting", "octet_counting", "rfc6587":
		p.c.Framing = OctetCounting
	default:
		p.errorf(e.Pos, "<framing> %q: want newline or octet-counting", v)
	}
}

// ruleIDs reads a comma-separated list. csyslogd silently stops at the
// first bad character; gossec reports it.
func (p *blockParser) ruleIDs(e *xmlconf.Node, v string) {
	for _, f := range strings.Split(v, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		id, err := strconv.Atoi(f)
		if err != nil || id <= 0 {
			p.errorf(e.Pos, "<rule_id> %q: %q is not a rule id", v, f)
			continue
		}
		p.c.RuleIDs = append(p.c.RuleIDs, id)
	}
	if len(p.c.RuleIDs) == 0 {
		p.errorf(e.Pos, "<rule_id> %q: no rule id", v)
	}
}

func (p *blockParser) osMatch(e *xmlconf.Node, v string) *osregex.Pattern {
	pat, err := osregex.Compile(osregex.OSMatch, v)
	if err != nil {
		p.errs = append(p.errs, &xmlconf.Error{Pos: e.Pos, Err: fmt.Errorf("<%s> %q: %w", e.Name, v, err)})
		return nil
	}
	return pat
}

var facilities = map[string]int{
	"kern": 0, "user": 1, "mail": 2, "daemon": 3, "auth": 4, "syslog": 5,
	"lpr": 6, "news": 7, "uucp": 8, "cron": 9, "authpriv": 10, "ftp": 11,
	"local0": 16, "local1": 17, "local2": 18, "local3": 19,
	"local4": 20, "local5": 21, "local6": 22, "local7": 23,
}

var severities = map[string]int{
	"emerg": 0, "alert": 1, "crit": 2, "err": 3, "error": 3,
	"warning": 4, "warn": 4, "notice": 5, "info": 6, "debug": 7,
}

func (p *blockParser) facility(e *xmlconf.Node, v string) {
	if f, ok := facilities[strings.ToLower(v)]; ok {
		p.c.Facility = f
		return
	}
	p.intIn(e, v, 0, 23, &p.c.Facility)
}

func (p *blockParser) severity(e *xmlconf.Node, v string) {
	if s, ok := severities[strings.ToLower(v)]; ok {
		p.c.Severity = s
		return
	}
	p.intIn(e, v, 0, 7, &p.c.Severity)
}

// compile fills the patterns of a Config built in Go rather than parsed.
func (c *Config) compile() error {
	if c.Group != "" && c.group == nil {
		p, err := osregex.Compile(osregex.OSMatch, c.Group)
		if err != nil {
			return fmt.Errorf("syslog group %q: %w", c.Group, err)
		}
		c.group = p
	}
	if c.Location != "" && c.location == nil {
		p, err := osregex.Compile(osregex.OSMatch, c.Location)
		if err != nil {
			return fmt.Errorf("syslog location %q: %w", c.Location, err)
		}
		c.location = p
	}
	return nil
}
