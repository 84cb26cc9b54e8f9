package rules

import (
	"errors"
	"fmt"
	"github.com/gossec/gossec/internal/osregex"
	"strings"

	"github.com/gossec/gossec/internal/cdb"
	"github.com/gossec/gossec/internal/litscan"
	"github.com/gossec/gossec/internal/xmlconf"
)

// LoadOptions configures Load.
type LoadOptions struct {
	// RegexEngine is the C engine whose OS_Regex/OS_Match semantics the
	// rules' patterns follow (osregex.Engine; the zero value is Wazuh 4.2+).
	RegexEngine osregex.Engine
	// Lists are the configured CDB lists, keyed by the path exactly as
	// written in the configuration.
	Lists map[string]*cdb.List
	// Warn receives the warnings analysisd prints while loading (skipped
	// rules, ignored values). May be nil.
	Warn func(pos xmlconf.Pos, msg string)
	// DecoderExists tells whether a decoded_as name is a known decoder.
	// May be nil: every name is then accepted.
	DecoderExists func(name string) bool
	// LogAlertLevel and EmailAlertLevel give the default log and mail
	// flags of every rule (level >= threshold). 0 selects the defaults 1
	// and 12.
	LogAlertLevel, EmailAlertLevel int
	// DefaultTimeframe is analysisd.default_timeframe; 0 selects 360.
	DefaultTimeframe int
	// ReadFile reads a rule file; nil reads from the disk. The engine uses
	// it for the ruleset embedded in the binary.
	ReadFile func(path string) ([]byte, error)
	// OSSEC selects the OSSEC 4.x reading of rule files: frequency is
	// stored as written (so a rule fires after frequency+2 events, values
	// 0 and 1 allowed) and <description> is optional. The *_pcre2 elements
	// of OSSEC are accepted in both dialects.
	OSSEC bool

	// Release-dependent behaviours of the original engines, set by the
	// engine package from its version table; all false is Wazuh 4.x.

	// OneDataField: <extra_data> and <extra_data_pcre2> test the data
	// field, the one field OSSEC decoders fill for data and extra_data.
	OneDataField bool
	// SimpleHTTPGetOnly: is_simple_http_request fails for any action but
	// GET (OSSEC after 4.2.0).
	SimpleHTTPGetOnly bool
	// SameLocationIsHost: same_location compares host names (OSSEC's
	// Search_LastSids / Search_LastGroups).
	SameLocationIsHost bool
	// GroupNoNewlines: newlines are removed from <group> text (Wazuh >= 4.14).
	GroupNoNewlines bool
	// Literals, when not nil, is the table the rules' log filters intern
	// their literals in, shared with the decoders; the caller freezes it
	// before matching. Nil gives the tree a private table.
	Literals *litscan.Table
	// Patterns, when not nil, shares compiled patterns with other stages
	// (one *osregex.Pattern per distinct expression). Either way patterns
	// are compiled lazily: checked now, built on first use.
	Patterns *osregex.Cache
}

// Load reads rule files in the given order (the caller sorted them, §9.1).
// It reports every error it finds, each an *xmlconf.Error with the
// file:line:col of the offending element, and skips with a warning what
// analysisd skips with a warning. The tree is returned even when there are
// errors; it then lacks the rules in error.
func Load(files []string, opt LoadOptions) (*Tree, []error) {
	l := newLoader(opt)
	for _, f := range files {
		l.loadFile(f)
	}
	l.finish()
	return l.t, l.errs
}

type loader struct {
	opt       LoadOptions
	t         *Tree
	errs      []error
	logLevel  int
	mailLevel int
	timeframe int
	// idx indexes the tree being built (placeindex.go).
	idx *placeIndex
	// refPlacement places rules by walking the tree as analysisd does
	// instead of through idx: the reference of the tests.
	refPlacement bool
}

func newLoader(opt LoadOptions) *loader {
	l := &loader{opt: opt, t: &Tree{byID: make(map[int]*Rule)}, idx: newPlaceIndex()}
	l.logLevel, l.mailLevel, l.timeframe = opt.LogAlertLevel, opt.EmailAlertLevel, opt.DefaultTimeframe
	if l.logLevel == 0 {
		l.logLevel = 1
	}
	if l.mailLevel == 0 {
		l.mailLevel = 12
	}
	if l.timeframe == 0 {
		l.timeframe = 360
	}
	return l
}

func (l *loader) errorf(pos xmlconf.Pos, format string, args ...any) {
	l.errs = append(l.errs, xmlconf.Errorf(pos, format, args...))
}

func (l *loader) warnf(pos xmlconf.Pos, format string, args ...any) {
	if l.opt.Warn != nil {
		l.opt.Warn(pos, fmt.Sprintf(format, args...))
	}
}

func (l *loader) loadFile(path string) {
	if l.opt.ReadFile == nil {
		l.loadRoots(xmlconf.ParseFile(path))
		return
	}
	data, err := l.opt.ReadFile(path)
	if err != nil {
		l.errs = append(l.errs, fmt.Errorf("rules: read %q: %w", path, err))
		return
	}
	l.loadRoots(xmlconf.Parse(path, data))
}

func (l *loader) loadRoots(roots []*xmlconf.Node, err error) {
	if err != nil {
		// A positioned parse error is reported as is (file:line:col: ...).
		var xe *xmlconf.Error
		if !errors.As(err, &xe) {
			err = fmt.Errorf("rules: %w", err)
		}
		l.errs = append(l.errs, err)
		return
	}
	for _, root := range roots {
		if root.Is("var") {
			continue
		}
		l.loadGroup(root)
	}
}

// loadGroup reads one <group name="..."> root element.
func (l *loader) loadGroup(root *xmlconf.Node) {
	if !root.Is("group") {
		l.errorf(root.Pos, "invalid root element <%s>: only <group> is allowed", root.Name)
		return
	}
	if len(root.Attrs) != 1 || !strings.EqualFold(root.Attrs[0].Name, "name") {
		l.errorf(root.Pos, "invalid root element <%s>: only the group name is allowed", root.Name)
		return
	}
	name := root.Attrs[0].Value
	n := 0
	for _, c := range root.Children {
		if c.Is("var") {
			continue
		}
		n++
		if !c.Is("rule") {
			l.errorf(c.Pos, "invalid element <%s> in group %q: only <rule> is allowed", c.Name, name)
			continue
		}
		l.loadRule(c, name)
	}
	if n == 0 {
		l.errorf(root.Pos, "group %q without any rule", name)
	}
}

// loadRule reads, compiles and places one rule.
func (l *loader) loadRule(n *xmlconf.Node, group string) {
	a, ok := l.attributes(n)
	if !ok {
		return
	}
	if old := l.t.byID[a.id]; old != nil {
		if !a.overwrite {
			l.warnf(n.Pos, "duplicated rule id %d: rule skipped", a.id)
			return
		}
	} else if a.overwrite {
		l.warnf(n.Pos, "rule %d has overwrite=\"yes\" but no rule to overwrite: loaded as a new rule", a.id)
		a.overwrite = false
	}
	r := l.newRule(n, a, group)
	sp := &spec{}
	if !l.elements(n, r, sp) {
		return
	}
	if !l.finishRule(n, r, sp) {
		return
	}
	l.place(n, r, sp)
}

type attrs struct {
	id, level, maxSize, timeframe, frequency, accuracy, ignore int
	noAlert, overwrite                                         bool
}

// attributes reads the <rule> attributes like getattributes().
func (l *loader) attributes(n *xmlconf.Node) (attrs, bool) {
	a := attrs{id: -1, level: -1, timeframe: l.timeframe, accuracy: 1}
	if len(n.Attrs) == 0 {
		l.errorf(n.Pos, "rule without attributes: id and level are required")
		return a, false
	}
	ok := true
	for _, at := range n.Attrs {
		if !l.attribute(&a, at) {
			ok = false
		}
	}
	if !ok {
		return a, false
	}
	if a.id == -1 || a.level == -1 {
		l.errorf(n.Pos, "rule without id or level")
		return a, false
	}
	return a, true
}

func (l *loader) attribute(a *attrs, at xmlconf.Attr) bool {
	v := at.Value
	bad := func(what string) bool {
		l.errorf(at.Pos, "invalid %s %q in rule", what, v)
		return false
	}
	switch strings.ToLower(at.Name) {
	case "id":
		if !isNum(v) || len(v) > 6 {
			return bad("rule id")
		}
		if v != "" {
			a.id = atoi(v)
		}
	case "level":
		if isNum(v) {
			a.level = atoi(v)
			if a.level > 16 {
				return bad("level")
			}
		}
	case "maxsize":
		if !isNum(v) {
			return bad("maxsize")
		}
		a.maxSize = scanDigits(v, 4, a.maxSize)
	case "timeframe":
		if !isNum(v) {
			return bad("timeframe")
		}
		a.timeframe = scanDigits(v, 5, a.timeframe)
	case "frequency":
		if !isNum(v) {
			return bad("frequency")
		}
		if l.opt.OSSEC {
			a.frequency = scanDigits(v, 4, a.frequency)
			break
		}
		f := atoi(v)
		if f < 2 || f > 9999 {
			return bad("frequency")
		}
		a.frequency = f - 2
	case "accuracy":
		if !isNum(v) {
			return bad("accuracy")
		}
		a.accuracy = scanDigits(v, 4, a.accuracy)
	case "ignore":
		if !isNum(v) {
			return bad("ignore time")
		}
		a.ignore = scanDigits(v, 6, a.ignore)
	case "noalert":
		switch v {
		case "0":
			a.noAlert = false
		case "1":
			a.noAlert = true
		default:
			l.warnf(at.Pos, "invalid value %q for attribute noalert: ignored", v)
		}
	case "overwrite":
		switch v {
		case "yes":
			a.overwrite = true
		case "no":
			a.overwrite = false
		default:
			return bad("overwrite")
		}
	default:
		l.errorf(at.Pos, "invalid rule attribute %q", at.Name)
		return false
	}
	return true
}

// newRule builds the rule with the defaults of zerorulemember().
func (l *loader) newRule(n *xmlconf.Node, a attrs, group string) *Rule {
	r := &Rule{ID: a.id, Pos: n.Pos, Groups: group, Category: "syslog"}
	r.MaxSize = a.maxSize
	r.cond.maxSize = a.maxSize
	r.IgnoreTime = a.ignore
	r.Timeframe = a.timeframe
	r.corr.timeframe = int64(a.timeframe)
	r.corr.frequency = a.frequency
	r.corr.sidList, r.corr.groupList, r.corr.storeSid = -1, -1, -1
	if a.noAlert {
		r.opts |= optNoAlert
	}
	// The default flags use the level as written, before scaling.
	if a.level >= l.mailLevel {
		r.opts |= optMail
	}
	if a.level >= l.logLevel {
		r.opts |= optLog
	}
	if a.overwrite {
		r.opts |= optOverwrite
	}
	// Level 0 sorts first (99*100); accuracy="0" keeps the level unscaled
	// so the rule sorts last. Quirk: accuracy="0" on a level-0 rule leaves
	// it at level 99 for good.
	r.scaled = a.level
	if r.scaled == 0 {
		r.scaled = 99
	}
	if a.accuracy != 0 {
		r.scaled *= 100
	}
	if a.maxSize > 0 {
		r.opts |= optExtraInfo
	}
	return r
}

// isNum is OS_StrIsNum: only digits (the empty string counts).
func isNum(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// atoi converts a string of digits, saturating instead of overflowing.
func atoi(s string) int {
	n := 0
	for i := 0; i < len(s) && s[i] >= '0' && s[i] <= '9'; i++ {
		if n > 1e12 {
			break
		}
		n = n*10 + int(s[i]-'0')
	}
	return n
}

// scanDigits is sscanf("%Nd"): at most max leading digits; an empty string
// leaves the value unchanged.
func scanDigits(s string, max, def int) int {
	if s == "" {
		return def
	}
	if len(s) > max {
		s = s[:max]
	}
	return atoi(s)
}

// compile compiles a rule expression for the ruleset's engine release.
func (l *loader) compile(kind osregex.Kind, text string) (*osregex.Pattern, error) {
	return l.opt.Patterns.Compile(kind, text, osregex.Options{Engine: l.opt.RegexEngine})
}
