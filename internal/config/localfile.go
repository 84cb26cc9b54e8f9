package config

import (
	"strconv"
	"strings"
	"time"

	"github.com/gossec/gossec/internal/xmlconf"
)

// Label is a <label key="...">value</label> of a <localfile>.
type Label struct {
	Key, Value string
}

// MultilineRegex is Wazuh's <multiline_regex> of a <localfile>.
type MultilineRegex struct {
	Pattern string
	Match   string // start (default), end, all
	Replace string // no-replace (default), none, wspace, tab
	Timeout time.Duration
}

// LocalFile is one <localfile> input.
type LocalFile struct {
	Location         string // a path, glob or strftime pattern; empty for commands
	LogFormat        string // syslog (default), json, mysql_log, mysql_audit, multi-line:N, multi-line-regex, command, full_command
	Command          string
	Frequency        time.Duration // commands: run period (default 360 s)
	Alias            string
	OnlyFutureEvents bool
	Exclude          []string
	Ignore           []string // Wazuh <ignore>: PCRE2 (default) patterns whose lines are dropped
	Restrict         []string // Wazuh <restrict>: only lines matching are kept
	Labels           []Label
	Multiline        MultilineRegex
	Pos              xmlconf.Pos
}

// Remote is one <remote> section.
type Remote struct {
	Connection string // only "syslog" is served by gossec
	Port       int    // default 514
	Protocol   string // udp (default), tcp, "tcp,udp"
	AllowedIPs []string
	DeniedIPs  []string
	LocalIP    string
	CertFile   string // TLS extension
	KeyFile    string
	// MaxConnections caps the TCP connections served at once
	// (<max_connections>, default 200).
	MaxConnections int
	// IdleTimeout closes a TCP connection silent for that long
	// (<idle_timeout>, default 5 minutes; 0 disables it).
	IdleTimeout time.Duration
	Pos         xmlconf.Pos
}

func (p *parser) localfile(n *xmlconf.Node) {
	lf := LocalFile{LogFormat: "syslog", Frequency: 360 * time.Second, OnlyFutureEvents: true, Pos: n.Pos}
	for _, e := range n.Children {
		v := strings.TrimSpace(e.Content)
		switch strings.ToLower(e.Name) {
		case "location":
			lf.Location = v
		case "log_format":
			// "multi-line: 3" is written with a space in OSSEC examples.
			lf.LogFormat = strings.ToLower(strings.ReplaceAll(v, " ", ""))
		case "command", "full_command":
			lf.Command = v
			if strings.EqualFold(e.Name, "full_command") && lf.LogFormat == "syslog" {
				lf.LogFormat = "full_command"
			}
		case "frequency":
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 {
				p.errorf(e.Pos, "<frequency> %q: want a number of seconds", v)
				continue
			}
			lf.Frequency = time.Duration(n) * time.Second
		case "alias":
			lf.Alias = v
		case "only-future-events":
			p.yesNo(e, v, &lf.OnlyFutureEvents)
		case "exclude":
			lf.Exclude = append(lf.Exclude, v)
		case "ignore":
			lf.Ignore = append(lf.Ignore, v)
		case "restrict":
			lf.Restrict = append(lf.Restrict, v)
		case "label":
			key, ok := e.Attr("key")
			if !ok || key == "" {
				p.errorf(e.Pos, "<label> needs a key attribute")
				continue
			}
			lf.Labels = append(lf.Labels, Label{Key: key, Value: v})
		case "multiline_regex":
			lf.Multiline = p.multiline(e, v)
		case "target", "out_format", "age", "ignore_binaries", "reconnect_time", "query":
			p.warn(e.Pos, "option <"+e.Name+"> of <localfile> is not used by gossec")
		default:
			p.errorf(e.Pos, "unknown element <%s> in <localfile>", e.Name)
		}
	}
	p.checkLocalFile(&lf)
	p.cfg.LocalFiles = append(p.cfg.LocalFiles, lf)
}

func (p *parser) multiline(e *xmlconf.Node, v string) MultilineRegex {
	m := MultilineRegex{Pattern: v, Match: "start", Replace: "no-replace", Timeout: 5 * time.Second}
	if a, ok := e.Attr("match"); ok {
		m.Match = strings.ToLower(a)
	}
	if a, ok := e.Attr("replace"); ok {
		m.Replace = strings.ToLower(a)
	}
	if a, ok := e.Attr("timeout"); ok {
		n, err := strconv.Atoi(a)
		if err != nil || n < 1 {
			p.errorf(e.Pos, "<multiline_regex timeout=%q>: want seconds", a)
		} else {
			m.Timeout = time.Duration(n) * time.Second
		}
	}
	return m
}

var knownFormats = map[string]bool{
	"syslog": true, "json": true, "mysql_log": true, "mysql_audit": true, "multi-line-regex": true,
	"command": true, "full_command": true, "snort-full": true, "squid": true, "apache": true,
	"nmapg": true, "postgresql_log": true, "djb-multilog": true, "iis": true, "audit": true,
}

func (p *parser) checkLocalFile(lf *LocalFile) {
	isCommand := lf.LogFormat == "command" || lf.LogFormat == "full_command"
	switch {
	case isCommand && lf.Command == "":
		p.errorf(lf.Pos, "<localfile> with log_format %q needs <command>", lf.LogFormat)
	case !isCommand && lf.Location == "":
		p.errorf(lf.Pos, "<localfile> needs <location>")
	case strings.HasPrefix(lf.LogFormat, "multi-line:"):
		if n, err := strconv.Atoi(strings.TrimPrefix(lf.LogFormat, "multi-line:")); err != nil || n < 1 {
			p.errorf(lf.Pos, "log_format %q: want multi-line:N with N >= 1", lf.LogFormat)
		}
	case !knownFormats[lf.LogFormat]:
		p.errorf(lf.Pos, "unknown log_format %q", lf.LogFormat)
	case lf.LogFormat == "multi-line-regex" && lf.Multiline.Pattern == "":
		p.errorf(lf.Pos, "log_format multi-line-regex needs <multiline_regex>")
	}
}

// timeValue parses a Wazuh time option: a number of seconds, or a number
// with s, m, h or d ("90", "5m", "1h"). 0 is allowed (disabled).
func (p *parser) timeValue(e *xmlconf.Node, v string, dst *time.Duration) {
	unit := time.Second
	num := v
	if len(v) > 0 {
		switch v[len(v)-1] {
		case 's':
			num = v[:len(v)-1]
		case 'm':
			unit, num = time.Minute, v[:len(v)-1]
		case 'h':
			unit, num = time.Hour, v[:len(v)-1]
		case 'd':
			unit, num = 24*time.Hour, v[:len(v)-1]
		}
	}
	n, err := strconv.Atoi(num)
	if err != nil || n < 0 || time.Duration(n) > time.Duration(1<<62)/unit {
		p.errorf(e.Pos, "<%s> %q: want a time such as 90, 90s, 5m, 1h or 1d", e.Name, v)
		return
	}
	*dst = time.Duration(n) * unit
}

func (p *parser) remote(n *xmlconf.Node) {
	r := Remote{Port: 514, Protocol: "udp", MaxConnections: 200, IdleTimeout: 5 * time.Minute, Pos: n.Pos}
	for _, e := range n.Children {
		v := strings.TrimSpace(e.Content)
		switch strings.ToLower(e.Name) {
		case "connection":
			r.Connection = strings.ToLower(v)
		case "port":
			p.intIn(e, v, 1, 65535, &r.Port)
		case "protocol":
			r.Protocol = strings.ToLower(v)
		case "allowed-ips":
			r.AllowedIPs = append(r.AllowedIPs, v)
		case "denied-ips":
			r.DeniedIPs = append(r.DeniedIPs, v)
		case "local_ip":
			r.LocalIP = v
		case "cert_file":
			r.CertFile = v
		case "key_file":
			r.KeyFile = v
		case "max_connections":
			p.intIn(e, v, 1, 1<<20, &r.MaxConnections)
		case "idle_timeout":
			p.timeValue(e, v, &r.IdleTimeout)
		case "ipv6", "queue_size", "rids_closing_time", "connection_overtake_time":
			p.warn(e.Pos, "option <"+e.Name+"> of <remote> is not used by gossec")
		default:
			p.errorf(e.Pos, "unknown element <%s> in <remote>", e.Name)
		}
	}
	if r.Connection != "syslog" {
		p.warn(n.Pos, "<remote> connection "+strconv.Quote(r.Connection)+" is not served by gossec (only syslog)")
		return
	}
	if len(r.AllowedIPs) == 0 {
		p.errorf(n.Pos, "<remote> syslog needs at least one <allowed-ips>, as in OSSEC/Wazuh")
	}
	if (r.CertFile == "") != (r.KeyFile == "") {
		p.errorf(n.Pos, "<remote> TLS needs both <cert_file> and <key_file>")
	}
	p.cfg.Remotes = append(p.cfg.Remotes, r)
}
