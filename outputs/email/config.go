package email

import (
	"fmt"
	"log/slog"
	"net/mail"
	"os"
	"strconv"
	"strings"
	"text/template"
	"time"

	"github.com/gossec/gossec/internal/osregex"
	"github.com/gossec/gossec/internal/xmlconf"
)

// Security selects how the SMTP connection is protected.
type Security uint8

const (
	// Plain sends without TLS (secure_smtp no; OSSEC's classic relay).
	Plain Security = iota
	// StartTLS requires STARTTLS on a plain connection (secure_smtp yes or starttls).
	StartTLS
	// ImplicitTLS connects with TLS from the first byte (secure_smtp tls, ssl or implicit).
	ImplicitTLS
)

// Format is the layout of a notification.
type Format uint8

const (
	// Full is the OSSEC notification body.
	Full Format = iota
	// SMS is the short layout: subject "OSSEC <level> - <rule> - <desc>"
	// and at most 127 bytes of the log as the body.
	SMS
)

// Granular is one <email_alerts> block. A block matches an alert when every
// criterion it sets matches; a block without criteria is a configuration
// error (ossec-maild would silently never match it).
type Granular struct {
	To         []string
	Level      int // 0 = any
	RuleIDs    []int
	Group      string // OS_Match on the rule's group string ("a|b")
	Location   string // OS_Match on the event's location
	Format     Format
	DoNotDelay bool
	DoNotGroup bool
	Pos        xmlconf.Pos

	group, location *osregex.Pattern
}

// Config is the whole e-mail configuration of one ossec.conf.
type Config struct {
	To          []string // global recipients (<email_to>, repeatable)
	From        string
	ReplyTo     string
	IDSName     string // X-IDS-OSSEC header when set
	SMTPServer  string
	HeloServer  string
	Port        int // default 25, 465 with implicit TLS
	MaxPerHour  int // default 12 (OSSEC), 1..9999
	AuthSMTP    bool
	User        string
	Password    string
	Security    Security
	TLSVerify   bool // default yes
	AlertLevel  int  // <alerts><email_alert_level>, informational: rules carry the mail flag
	Granular    []Granular
	FullSubject bool // maild.full_subject: the description goes into the subject
	Grouping    bool // maild.grouping, default yes

	// Product names the sender in the body ("<Product> Notification."),
	// the From display name and, by its first word, the subject.
	// Default "OSSEC HIDS".
	Product string
	// TemplateFile, when set, is a text/template rendering one alert's
	// section of a full-format body (fields: see Section).
	TemplateFile string

	// Home is the installation directory; failed mails are spooled under
	// Home/queue/mail. Empty keeps them in memory only.
	Home string
	// GroupDelay is how long a grouped mail waits for more alerts.
	GroupDelay time.Duration
	// MaxGroup flushes a group once it holds this many alerts.
	MaxGroup int
	// DigestMaxBytes caps the alert text of one next-hour digest.
	DigestMaxBytes int
	// QueueSize bounds the alerts accepted but not yet routed.
	QueueSize int
	// Timeout bounds one SMTP conversation.
	Timeout time.Duration
	// SpoolSize bounds the mails waiting in the spool
	// (<email_spool_size>); a mail that finds it full is dropped and
	// counted (SpoolLost). Default DefaultSpoolSize.
	SpoolSize int
	// Logger receives delivery failures and drops, rate limited; nil
	// logs nothing.
	Logger *slog.Logger
	// Clock is the time source; nil means the system clock.
	Clock Clock

	Pos xmlconf.Pos

	tmpl *template.Template
}

// Defaults of the fields that ParseConfig and New fill in when unset.
const (
	DefaultMaxPerHour     = 12
	DefaultPort           = 25
	DefaultProduct        = "OSSEC HIDS"
	DefaultGroupDelay     = 10 * time.Second
	DefaultMaxGroup       = 32
	DefaultDigestMaxBytes = 64 << 10
	DefaultQueueSize      = 1024
	DefaultTimeout        = 30 * time.Second
	DefaultSpoolSize      = 10000
	MaxSpoolSize          = 1000000
)

func newConfig(pos xmlconf.Pos) Config {
	return Config{
		MaxPerHour: DefaultMaxPerHour,
		TLSVerify:  true,
		Grouping:   true,
		AlertLevel: 7,
		Product:    DefaultProduct,
		Pos:        pos,
	}
}

// ParseConfig reads the e-mail options from configuration roots (the
// <ossec_config> elements, or their children directly): <global> options,
// <alerts><email_alert_level> and every <email_alerts> block. It returns
// one Config when <email_notification> is yes, none otherwise, and every
// problem found with its position.
func ParseConfig(nodes []*xmlconf.Node) ([]Config, []error) {
	p := &parser{}
	p.walk(nodes)
	if !p.notify {
		return nil, p.errs
	}
	c := p.cfg
	if c.From == "" {
		p.errorf(c.Pos, "<email_from> is required when <email_notification> is yes")
	}
	if c.SMTPServer == "" {
		p.errorf(c.Pos, "<smtp_server> is required when <email_notification> is yes")
	}
	if len(c.To) == 0 && len(c.Granular) == 0 {
		p.errorf(c.Pos, "<email_to> or an <email_alerts> block is required when <email_notification> is yes")
	}
	if c.AuthSMTP && (c.User == "" || c.Password == "") {
		p.errorf(c.Pos, "<auth_smtp> yes needs <smtp_user> and <smtp_password>")
	}
	if c.Port == 0 {
		c.Port = DefaultPort
		if c.Security == ImplicitTLS {
			c.Port = 465
		}
	}
	return []Config{c}, p.errs
}

type parser struct {
	cfg     Config
	started bool
	notify  bool
	errs    []error
}

func (p *parser) errorf(pos xmlconf.Pos, format string, args ...any) {
	p.errs = append(p.errs, xmlconf.Errorf(pos, format, args...))
}

func (p *parser) start(pos xmlconf.Pos) {
	if !p.started {
		p.cfg = newConfig(pos)
		p.started = true
	}
}

func (p *parser) walk(nodes []*xmlconf.Node) {
	for _, n := range nodes {
		switch {
		case n.Is("ossec_config") || n.Is("agent_config"):
			p.walk(n.Children)
		case n.Is("global"):
			p.start(n.Pos)
			p.global(n)
		case n.Is("alerts"):
			p.start(n.Pos)
			p.alerts(n)
		case n.Is("email_alerts"):
			p.start(n.Pos)
			p.granular(n)
		}
	}
}

func text(n *xmlconf.Node) string { return strings.TrimSpace(n.Content) }

func (p *parser) global(n *xmlconf.Node) {
	c := &p.cfg
	for _, e := range n.Children {
		v := text(e)
		switch strings.ToLower(e.Name) {
		case "email_notification":
			p.yesNo(e, v, &p.notify)
		case "email_to":
			p.addr(e, v, func(a string) { c.To = append(c.To, a) })
		case "email_from":
			p.addr(e, v, func(a string) { c.From = a })
		case "email_reply_to":
			p.addr(e, v, func(a string) { c.ReplyTo = a })
		case "email_idsname":
			p.headerText(e, v, &c.IDSName)
		case "smtp_server":
			p.server(e, v)
		case "helo_server":
			p.headerText(e, v, &c.HeloServer)
		case "email_maxperhour":
			p.intIn(e, v, 1, 9999, &c.MaxPerHour)
		case "smtp_port":
			p.intIn(e, v, 1, 65535, &c.Port)
		case "auth_smtp":
			p.yesNo(e, v, &c.AuthSMTP)
		case "smtp_user":
			c.User = v
		case "smtp_password":
			p.password(e, v)
		case "secure_smtp":
			p.security(e, v)
		case "smtp_tls_verify":
			p.yesNo(e, v, &c.TLSVerify)
		case "email_product":
			p.headerText(e, v, &c.Product)
		case "email_template":
			p.template(e, v)
		case "email_full_subject":
			p.yesNo(e, v, &c.FullSubject)
		case "email_grouping":
			p.yesNo(e, v, &c.Grouping)
		case "email_spool_size":
			p.intIn(e, v, 1, MaxSpoolSize, &c.SpoolSize)
		}
	}
}

func (p *parser) alerts(n *xmlconf.Node) {
	for _, e := range n.Children {
		if e.Is("email_alert_level") {
			p.intIn(e, text(e), 0, 16, &p.cfg.AlertLevel)
		}
	}
}

func (p *parser) granular(n *xmlconf.Node) {
	g := Granular{Pos: n.Pos}
	criteria := 0
	for _, e := range n.Children {
		v := text(e)
		switch strings.ToLower(e.Name) {
		case "email_to":
			p.addr(e, v, func(a string) { g.To = append(g.To, a) })
		case "level":
			criteria++
			p.intIn(e, v, 0, 16, &g.Level)
		case "rule_id":
			criteria++
			p.ruleIDs(e, v, &g.RuleIDs)
		case "group":
			criteria++
			g.Group = v
			g.group = p.osMatch(e, v)
		case "event_location":
			criteria++
			g.Location = v
			g.location = p.osMatch(e, v)
		case "format":
			p.format(e, v, &g)
		case "do_not_delay":
			g.DoNotDelay = true
		case "do_not_group":
			g.DoNotGroup = true
		default:
			p.errorf(e.Pos, "unknown option <%s> in <email_alerts>", e.Name)
		}
	}
	if len(g.To) == 0 {
		p.errorf(n.Pos, "<email_alerts> needs at least one <email_to>")
		return
	}
	if criteria == 0 {
		p.errorf(n.Pos, "<email_alerts> needs at least one of <level>, <rule_id>, <group>, <event_location>")
		return
	}
	p.cfg.Granular = append(p.cfg.Granular, g)
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

// addr accepts one bare RFC 5322 address (no display name, no list), so a
// configured value can never carry a second recipient or a header.
func (p *parser) addr(e *xmlconf.Node, v string, set func(string)) {
	a, err := mail.ParseAddress(v)
	if err != nil || a.Name != "" || a.Address != v {
		p.errorf(e.Pos, "<%s> %q: want one plain e-mail address", e.Name, v)
		return
	}
	set(a.Address)
}

// headerText accepts text that goes into a header or an SMTP command.
func (p *parser) headerText(e *xmlconf.Node, v string, dst *string) {
	if strings.ContainsFunc(v, isControl) {
		p.errorf(e.Pos, "<%s> %q: control characters are not allowed", e.Name, v)
		return
	}
	*dst = v
}

func (p *parser) server(e *xmlconf.Node, v string) {
	if strings.HasPrefix(v, "/") {
		p.errorf(e.Pos, "<smtp_server> %q: delivery through a sendmail binary is not supported; name an SMTP host", v)
		return
	}
	if v == "" || strings.ContainsAny(v, " \t/") || strings.ContainsFunc(v, isControl) {
		p.errorf(e.Pos, "<smtp_server> %q: want a host name or address", v)
		return
	}
	p.cfg.SMTPServer = v
}

// password resolves <smtp_password>: file="path" reads the file's first
// line, "env:NAME" reads the environment, anything else is the password.
func (p *parser) password(e *xmlconf.Node, v string) {
	if path, ok := e.Attr("file"); ok {
		data, err := os.ReadFile(path)
		if err != nil {
			p.errs = append(p.errs, &xmlconf.Error{Pos: e.Pos, Err: fmt.Errorf("<smtp_password> file %q: %w", path, err)})
			return
		}
		line, _, _ := strings.Cut(string(data), "\n")
		p.cfg.Password = strings.TrimRight(line, "\r")
		return
	}
	if name, ok := strings.CutPrefix(v, "env:"); ok {
		pw, found := os.LookupEnv(name)
		if !found {
			p.errorf(e.Pos, "<smtp_password> %q: environment variable %s is not set", v, name)
			return
		}
		p.cfg.Password = pw
		return
	}
	p.cfg.Password = v
}

func (p *parser) security(e *xmlconf.Node, v string) {
	switch strings.ToLower(v) {
	case "no":
		p.cfg.Security = Plain
	case "yes", "starttls":
		p.cfg.Security = StartTLS
	case "tls", "ssl", "implicit":
		p.cfg.Security = ImplicitTLS
	default:
		p.errorf(e.Pos, "<secure_smtp> %q: want no, yes, starttls, tls, ssl or implicit", v)
	}
}

func (p *parser) template(e *xmlconf.Node, path string) {
	t, err := loadTemplate(path)
	if err != nil {
		p.errs = append(p.errs, &xmlconf.Error{Pos: e.Pos, Err: err})
		return
	}
	p.cfg.TemplateFile, p.cfg.tmpl = path, t
}

func loadTemplate(path string) (*template.Template, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("<email_template> %q: %w", path, err)
	}
	t, err := template.New("body").Option("missingkey=error").Parse(string(data))
	if err != nil {
		return nil, fmt.Errorf("<email_template> %q: %w", path, err)
	}
	return t, nil
}

func (p *parser) ruleIDs(e *xmlconf.Node, v string, dst *[]int) {
	for _, f := range strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' }) {
		id, err := strconv.Atoi(f)
		if err != nil || id <= 0 {
			p.errorf(e.Pos, "<rule_id> %q: %q is not a rule id", v, f)
			continue
		}
		*dst = append(*dst, id)
	}
	if len(*dst) == 0 {
		p.errorf(e.Pos, "<rule_id> %q: no rule id", v)
	}
}

func (p *parser) osMatch(e *xmlconf.Node, v string) *osregex.Pattern {
	pat, err := osregex.Compile(osregex.OSMatch, v)
	if err != nil {
		p.errs = append(p.errs, &xmlconf.Error{Pos: e.Pos, Err: fmt.Errorf("<%s> %q: %w", e.Name, v, err)})
		return nil
	}
	return pat
}

func (p *parser) format(e *xmlconf.Node, v string, g *Granular) {
	switch strings.ToLower(v) {
	case "full", "default":
		g.Format = Full
	case "sms":
		g.Format = SMS
	default:
		p.errorf(e.Pos, "<format> %q: want full or sms", v)
	}
}

func isControl(r rune) bool { return r < 0x20 || r == 0x7f }
