package rules

import (
	"strings"

	"github.com/gossec/gossec/internal/event"
	"github.com/gossec/gossec/internal/osregex"
	"github.com/gossec/gossec/internal/xmlconf"
)

// maxPiece is the size limit of one element's text (OS_SIZE_2048).
const maxPiece = 2048

// maxFields is decoder_order_size: the limit of <field> elements per rule
// and of ignore field lists.
const maxFields = 256

// kindString marks the exact string compare that <action> uses by default.
const kindString osregex.Kind = 255

// pending collects the text of one expression element across repeated
// occurrences: contents are concatenated, the last element's negate and
// type attributes win.
type pending struct {
	text   string
	set    bool
	negate bool
	kind   osregex.Kind
	pos    xmlconf.Pos
}

// subject names what an expression is matched against.
type subject uint8

const (
	subLog subject = iota
	subProgramName
	subHostname
	subLocation
	subUser
	subStatic
	subGeoIP
)

// ossecExpr is an OSSEC >= 3.4 *_pcre2 element: an extra condition in
// addition to its classic counterpart.
type ossecExpr struct {
	sub    subject
	static event.Static
	e      expr
}

// spec is the rule being read: expression texts wait here until all
// elements are seen, because repeated elements concatenate.
type spec struct {
	regex, match, id, srcPort, dstPort, status, hostname, data, extraData pending
	programName, user, srcGeoIP, dstGeoIP, url, location, action          pending
	protocol, systemName                                                  pending
	ossec                                                                 map[string]*pending
	ifMatchedRegex, ifMatchedGroup                                        pending
	skip                                                                  bool
	failed                                                                bool
	hasElement                                                            bool
	mitreNew, mitreOld                                                    bool
	described                                                             bool
}

type elemFunc func(l *loader, n *xmlconf.Node, r *Rule, sp *spec)

type elemDef struct {
	name  string
	exact bool // analysisd compares this name with strcmp
	fn    elemFunc
}

// elementTable lists the rule elements in analysisd's order of tests. The
// order matters only for the names compared case-sensitively (exact).
var elementTable []elemDef

func init() {
	elementTable = []elemDef{
		{"regex", false, exprElem(func(s *spec) *pending { return &s.regex }, osregex.OSRegex)},
		{"match", false, exprElem(func(s *spec) *pending { return &s.match }, osregex.OSMatch)},
		{"decoded_as", false, elemDecodedAs},
		{"cve", false, func(l *loader, n *xmlconf.Node, r *Rule, sp *spec) { r.CVE = l.concat(n, r.CVE, sp) }},
		{"info", false, elemInfo},
		{"time", false, elemTime},
		{"weekday", false, elemWeekday},
		{"group", false, elemGroup},
		{"description", false, elemDescription},
		{"srcip", false, ipElem(false)},
		{"dstip", false, ipElem(true)},
		{"user", false, exprElem(func(s *spec) *pending { return &s.user }, osregex.OSMatch)},
		{"srcgeoip", false, exprElem(func(s *spec) *pending { return &s.srcGeoIP }, osregex.OSMatch)},
		{"dstgeoip", false, exprElem(func(s *spec) *pending { return &s.dstGeoIP }, osregex.OSMatch)},
		{"id", false, exprElem(func(s *spec) *pending { return &s.id }, osregex.OSMatch)},
		{"srcport", false, exprElem(func(s *spec) *pending { return &s.srcPort }, osregex.OSMatch)},
		{"dstport", false, exprElem(func(s *spec) *pending { return &s.dstPort }, osregex.OSMatch)},
		{"status", false, exprElem(func(s *spec) *pending { return &s.status }, osregex.OSMatch)},
		{"hostname", false, exprElem(func(s *spec) *pending { return &s.hostname }, osregex.OSMatch)},
		{"data", false, exprElem(func(s *spec) *pending { return &s.data }, osregex.OSMatch)},
		{"extra_data", false, exprElem(func(s *spec) *pending { return &s.extraData }, osregex.OSMatch)},
		{"program_name", false, exprElem(func(s *spec) *pending { return &s.programName }, osregex.OSMatch)},
		{"action", false, exprElem(func(s *spec) *pending { return &s.action }, kindString)},
		{"system_name", false, exprElem(func(s *spec) *pending { return &s.systemName }, osregex.OSMatch)},
		{"protocol", false, exprElem(func(s *spec) *pending { return &s.protocol }, osregex.OSMatch)},
		{"location", false, exprElem(func(s *spec) *pending { return &s.location }, osregex.OSMatch)},
		{"field", false, elemField},
		{"list", false, elemList},
		{"url", false, exprElem(func(s *spec) *pending { return &s.url }, osregex.OSMatch)},
		{"compiled_rule", false, elemCompiled},
		{"category", false, elemCategory},
		{"if_sid", false, func(l *loader, n *xmlconf.Node, r *Rule, sp *spec) { r.ifSid = l.concat(n, r.ifSid, sp) }},
		{"if_level", false, elemIfLevel},
		{"if_group", false, func(l *loader, n *xmlconf.Node, r *Rule, sp *spec) { r.ifGroup = l.concat(n, r.ifGroup, sp) }},
		{"if_matched_regex", false, elemIfMatched(func(s *spec) *pending { return &s.ifMatchedRegex })},
		{"if_matched_group", false, elemIfMatched(func(s *spec) *pending { return &s.ifMatchedGroup })},
		{"if_matched_sid", false, elemIfMatchedSid},
		{"same_source_ip", false, sameFlag(fSrcIP, false)},
		{"same_srcip", false, sameFlag(fSrcIP, false)},
		{"same_dstip", false, sameFlag(fDstIP, true)},
		{"same_src_port", false, sameFlag(fSrcPort, true)},
		{"same_srcport", false, sameFlag(fSrcPort, true)},
		{"same_dst_port", false, sameFlag(fDstPort, true)},
		{"same_dstport", false, sameFlag(fDstPort, true)},
		{"same_protocol", false, sameFlag(fProtocol, true)},
		{"same_action", false, sameFlag(fAction, true)},
		{"same_id", true, sameFlag(fID, true)},
		{"same_url", true, sameFlag(fURL, true)},
		{"same_data", true, sameFlag(fData, true)},
		{"same_extra_data", true, sameFlag(fExtraData, true)},
		{"same_status", true, sameFlag(fStatus, true)},
		{"same_system_name", true, sameFlag(fSystemName, true)},
		{"same_srcgeoip", true, sameFlag(fSrcGeoIP, true)},
		{"same_dstgeoip", true, sameFlag(fDstGeoIP, true)},
		{"same_location", false, elemSameLocation},
		{"same_agent", false, deprecated},
		{"same_srcuser", false, sameFlag(fSrcUser, true)},
		{"same_user", false, sameFlag(fUser, true)},
		{"check_diff", false, elemCheckDiff},
		{"different_srcip", true, diffFlag(fSrcIP)},
		{"not_same_source_ip", true, diffFlag(fSrcIP)},
		{"different_dstip", false, diffFlag(fDstIP)},
		{"different_src_port", false, diffFlag(fSrcPort)},
		{"different_srcport", false, diffFlag(fSrcPort)},
		{"different_dst_port", false, diffFlag(fDstPort)},
		{"different_dstport", false, diffFlag(fDstPort)},
		{"different_protocol", true, diffFlag(fProtocol)},
		{"different_action", true, diffFlag(fAction)},
		{"different_id", true, diffFlag(fID)},
		{"not_same_id", true, diffFlag(fID)},
		{"different_url", true, diffFlag(fURL)},
		{"different_data", true, diffFlag(fData)},
		{"different_extra_data", true, diffFlag(fExtraData)},
		{"different_status", true, diffFlag(fStatus)},
		{"different_system_name", true, diffFlag(fSystemName)},
		{"different_srcgeoip", true, diffFlag(fSrcGeoIP)},
		{"different_dstgeoip", true, diffFlag(fDstGeoIP)},
		{"if_fts", false, func(l *loader, n *xmlconf.Node, r *Rule, sp *spec) { r.opts |= optFTS }},
		{"different_srcuser", false, diffFlag(fSrcUser)},
		{"different_user", false, diffFlag(fUser)},
		{"not_same_user", false, diffFlag(fUser)},
		{"not_same_agent", false, deprecated},
		{"different_location", false, diffFlag(fLocation)},
		{"global_frequency", false, func(l *loader, n *xmlconf.Node, r *Rule, sp *spec) { r.corr.global = true }},
		{"same_field", false, elemSameField},
		{"not_same_field", false, elemDiffField},
		{"different_field", false, elemDiffField},
		{"options", false, elemOptions},
		{"ignore", false, elemIgnore(false)},
		{"check_if_ignored", false, elemIgnore(true)},
		{"mitre", false, elemMitre},
		// OSSEC >= 3.4 writes its patterns with *_pcre2 elements.
		{"pcre2", false, ossecElem("regex")},
		{"regex_pcre2", false, ossecElem("regex")},
		{"match_pcre2", false, ossecElem("match")},
		{"program_name_pcre2", false, ossecElem("program_name")},
		{"hostname_pcre2", false, ossecElem("hostname")},
		{"user_pcre2", false, ossecElem("user")},
		{"url_pcre2", false, ossecElem("url")},
		{"id_pcre2", false, ossecElem("id")},
		{"status_pcre2", false, ossecElem("status")},
		{"extra_data_pcre2", false, ossecElem("extra_data")},
		{"srcport_pcre2", false, ossecElem("srcport")},
		{"dstport_pcre2", false, ossecElem("dstport")},
		{"srcgeoip_pcre2", false, ossecElem("srcgeoip")},
		{"dstgeoip_pcre2", false, ossecElem("dstgeoip")},
		{"data_pcre2", false, ossecElem("data")},
		{"system_name_pcre2", false, ossecElem("system_name")},
		{"protocol_pcre2", false, ossecElem("protocol")},
	}
}

func lookupElement(name string) elemFunc {
	for i := range elementTable {
		d := &elementTable[i]
		if d.exact && name == d.name || !d.exact && strings.EqualFold(name, d.name) {
			return d.fn
		}
	}
	return nil
}

// elements reads the rule's child elements. It returns false when the rule
// is dropped (error or skip); errors and warnings are already reported.
func (l *loader) elements(n *xmlconf.Node, r *Rule, sp *spec) bool {
	for _, c := range n.Children {
		if c.Is("var") {
			continue
		}
		sp.hasElement = true
		fn := lookupElement(c.Name)
		if fn == nil {
			l.errorf(c.Pos, "invalid element <%s> in rule %d", c.Name, r.ID)
			sp.failed = true
			continue
		}
		fn(l, c, r, sp)
		if sp.skip {
			// analysisd stops reading the rule's elements here.
			break
		}
	}
	if !sp.hasElement {
		l.errorf(n.Pos, "rule %d without any option", r.ID)
		return false
	}
	if r.ifSid != "" && !validIfSid(r.ifSid) {
		l.warnf(n.Pos, "invalid if_sid %q in rule %d: rule skipped", r.ifSid, r.ID)
		sp.skip = true
	}
	if sp.failed {
		return false
	}
	if sp.skip {
		return false
	}
	return true
}

// validIfSid is the check ^[\d, ]+$ (PCRE2, so a final newline is allowed).
func validIfSid(s string) bool {
	s = strings.TrimSuffix(s, "\n")
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c == ',' || c == ' ') {
			return false
		}
	}
	return true
}

// concat appends an element's text like loadmemory(), enforcing the size
// limit of one piece.
func (l *loader) concat(n *xmlconf.Node, cur string, sp *spec) string {
	if len(n.Content) >= maxPiece || len(cur) > maxPiece {
		l.errorf(n.Pos, "element <%s> too long (%d bytes, limit %d)", n.Name, len(n.Content), maxPiece)
		sp.failed = true
		return cur
	}
	return cur + n.Content
}

// negateAttr reads negate="yes|no" (attribute name compared exactly).
func (l *loader) negateAttr(n *xmlconf.Node, r *Rule) bool {
	v, ok := n.Attr("negate")
	if !ok {
		return false
	}
	switch {
	case strings.EqualFold(v, "yes"):
		return true
	case strings.EqualFold(v, "no"):
		return false
	}
	l.warnf(n.Pos, "invalid value %q for attribute negate in rule %d: using no", v, r.ID)
	return false
}

// typeAttr reads type="osmatch|osregex|pcre2".
func (l *loader) typeAttr(n *xmlconf.Node, r *Rule, def osregex.Kind) osregex.Kind {
	v, ok := n.Attr("type")
	if !ok {
		return def
	}
	if k, ok := osregex.ParseKind(v); ok {
		return k
	}
	l.warnf(n.Pos, "invalid value %q for attribute type in rule %d: using the default", v, r.ID)
	return def
}

func exprElem(slot func(*spec) *pending, def osregex.Kind) elemFunc {
	return func(l *loader, n *xmlconf.Node, r *Rule, sp *spec) {
		p := slot(sp)
		p.text = l.concat(n, p.text, sp)
		p.set = true
		p.negate = l.negateAttr(n, r)
		p.kind = l.typeAttr(n, r, def)
		if p.pos.Line == 0 {
			p.pos = n.Pos
		}
	}
}

func ossecElem(name string) elemFunc {
	return func(l *loader, n *xmlconf.Node, r *Rule, sp *spec) {
		if sp.ossec == nil {
			sp.ossec = make(map[string]*pending)
		}
		p := sp.ossec[name]
		if p == nil {
			p = &pending{pos: n.Pos}
			sp.ossec[name] = p
		}
		p.text = l.concat(n, p.text, sp)
		p.set = true
		p.negate = l.negateAttr(n, r)
		p.kind = osregex.PCRE2
	}
}

func elemDecodedAs(l *loader, n *xmlconf.Node, r *Rule, sp *spec) {
	if l.opt.DecoderExists != nil && !l.opt.DecoderExists(n.Content) {
		l.errorf(n.Pos, "invalid decoder name %q in rule %d", n.Content, r.ID)
		sp.failed = true
		return
	}
	r.DecodedAs = n.Content
	r.cond.decodedAs = n.Content
	r.cond.hasDecoded = true
}

func elemInfo(l *loader, n *xmlconf.Node, r *Rule, sp *spec) {
	for _, a := range n.Attrs {
		if !strings.EqualFold(a.Name, "type") {
			l.errorf(a.Pos, "invalid attribute %q of <info> in rule %d", a.Name, r.ID)
			sp.failed = true
			return
		}
		switch a.Value {
		case "text", "link", "cve", "osvdb":
		default:
			l.errorf(a.Pos, "invalid <info> type %q in rule %d", a.Value, r.ID)
			sp.failed = true
			return
		}
		break // only the first attribute is read
	}
	r.Info = l.concat(n, r.Info, sp)
}

func elemTime(l *loader, n *xmlconf.Node, r *Rule, sp *spec) {
	d, err := parseDayTime(n.Content)
	if err != nil {
		l.errorf(n.Pos, "rule %d: %v", r.ID, err)
		sp.failed = true
		return
	}
	r.cond.dayTime = d
	r.opts |= optExtraInfo
}

func elemWeekday(l *loader, n *xmlconf.Node, r *Rule, sp *spec) {
	w, err := parseWeekDays(n.Content)
	if err != nil {
		l.errorf(n.Pos, "rule %d: %v", r.ID, err)
		sp.failed = true
		return
	}
	r.cond.weekDay = w
	r.opts |= optExtraInfo
}

func elemDescription(l *loader, n *xmlconf.Node, r *Rule, sp *spec) {
	s := n.Content
	// analysisd replaces the first newline of each piece by a space.
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i] + " " + s[i+1:]
	}
	if len(s) >= maxPiece {
		l.errorf(n.Pos, "description too long in rule %d", r.ID)
		sp.failed = true
		return
	}
	r.Description += s
	sp.described = true
}

func ipElem(dst bool) elemFunc {
	return func(l *loader, n *xmlconf.Node, r *Rule, sp *spec) {
		e, err := parseIPEntry(n.Content)
		if err != nil {
			l.errorf(n.Pos, "rule %d: %v", r.ID, err)
			sp.failed = true
			return
		}
		list := &r.cond.srcIP
		if dst {
			list = &r.cond.dstIP
		}
		if *list == nil {
			*list = &ipList{}
		}
		(*list).entries = append((*list).entries, e)
		(*list).negate = l.negateAttr(n, r)
		r.opts |= optPacketInfo
	}
}

// staticFieldNames may not be used as <field name>.
var staticFieldNames = []string{"srcip", "dstip", "srcgeoip", "dstgeoip", "srcport", "dstport",
	"user", "srcuser", "dstuser", "url", "id", "data", "extra_data", "status", "protocol",
	"system_name", "action"}

func elemField(l *loader, n *xmlconf.Node, r *Rule, sp *spec) {
	if len(r.cond.fields) >= maxFields {
		l.errorf(n.Pos, "rule %d has more than %d fields", r.ID, maxFields)
		sp.failed = true
		return
	}
	name, ok := n.Attr("name")
	if !ok {
		l.errorf(n.Pos, "rule %d: <field> without attribute name", r.ID)
		sp.failed = true
		return
	}
	for _, s := range staticFieldNames {
		if strings.EqualFold(name, s) {
			l.errorf(n.Pos, "rule %d: field %q is static", r.ID, name)
			sp.failed = true
			return
		}
	}
	kind := l.typeAttr(n, r, osregex.OSRegex)
	neg := l.negateAttr(n, r)
	p, err := l.compile(kind, n.Content)
	if err != nil {
		l.errorf(n.Pos, "rule %d: field %q: %v", r.ID, name, err)
		sp.failed = true
		return
	}
	l.warnHazard(n.Pos, r, p)
	r.cond.fields = append(r.cond.fields, fieldCond{name: name, e: expr{p: p, negate: neg}})
}

// elemGroup appends a <group> element's text; releases that strip its
// newlines (LoadOptions.GroupNoNewlines) get it without them.
func elemGroup(l *loader, n *xmlconf.Node, r *Rule, sp *spec) {
	g := l.concat(n, r.Groups, sp)
	if l.opt.GroupNoNewlines {
		g = strings.ReplaceAll(g, "\n", "")
	}
	r.Groups = g
}

func elemCompiled(l *loader, n *xmlconf.Node, r *Rule, sp *spec) {
	fn := compiledRules[n.Content]
	if n.Content == "is_simple_http_request" && l.opt.SimpleHTTPGetOnly {
		fn = isSimpleHTTPGet
	}
	if fn == nil {
		l.errorf(n.Pos, "compiled rule not found: %q in rule %d", n.Content, r.ID)
		sp.failed = true
		return
	}
	r.cond.compiled = fn
	r.opts |= optExtraInfo
}

// categories are the <category> values (compared exactly).
var categories = map[string]bool{"firewall": true, "ids": true, "syslog": true, "web-log": true,
	"squid": true, "windows": true, "ossec": true}

func elemCategory(l *loader, n *xmlconf.Node, r *Rule, sp *spec) {
	if !categories[n.Content] {
		l.errorf(n.Pos, "invalid category %q in rule %d", n.Content, r.ID)
		sp.failed = true
		return
	}
	r.Category = n.Content
}

func elemIfLevel(l *loader, n *xmlconf.Node, r *Rule, sp *spec) {
	if !isNum(n.Content) {
		l.warnf(n.Pos, "invalid if_level %q in rule %d: rule skipped", n.Content, r.ID)
		sp.skip = true
		return
	}
	r.ifLevel = l.concat(n, r.ifLevel, sp)
}

func elemIfMatched(slot func(*spec) *pending) elemFunc {
	return func(l *loader, n *xmlconf.Node, r *Rule, sp *spec) {
		r.corr.context = true
		p := slot(sp)
		p.text = l.concat(n, p.text, sp)
		p.set = true
		if p.pos.Line == 0 {
			p.pos = n.Pos
		}
	}
}

func elemIfMatchedSid(l *loader, n *xmlconf.Node, r *Rule, sp *spec) {
	r.corr.context = true
	if !isNum(n.Content) {
		l.warnf(n.Pos, "invalid if_matched_sid %q in rule %d: rule skipped", n.Content, r.ID)
		sp.skip = true
		return
	}
	r.ifMatchedSid = atoi(n.Content)
}

func sameFlag(bit uint32, extra bool) elemFunc {
	return func(l *loader, n *xmlconf.Node, r *Rule, sp *spec) {
		r.corr.same |= bit
		if extra {
			r.opts |= optSameExtra
		}
	}
}

// elemSameLocation: Wazuh compares the event locations; OSSEC compares
// the host names and checks them with the other "extra" fields.
func elemSameLocation(l *loader, n *xmlconf.Node, r *Rule, sp *spec) {
	r.corr.same |= fLocation
	r.corr.hostLoc = l.opt.SameLocationIsHost
	r.opts |= optSameExtra
}

func diffFlag(bit uint32) elemFunc {
	return func(l *loader, n *xmlconf.Node, r *Rule, sp *spec) {
		r.corr.different |= bit
		r.opts |= optSameExtra
	}
}

func deprecated(l *loader, n *xmlconf.Node, r *Rule, sp *spec) {
	l.warnf(n.Pos, "deprecated option <%s> in rule %d: no longer available", n.Name, r.ID)
}

func elemCheckDiff(l *loader, n *xmlconf.Node, r *Rule, sp *spec) {
	r.corr.context = true
	r.cond.checkDiff = true
	r.opts |= optExtraInfo
}

func elemSameField(l *loader, n *xmlconf.Node, r *Rule, sp *spec) {
	r.corr.same |= fDynamics
	r.corr.sameFields = append(r.corr.sameFields, n.Content)
}

func elemDiffField(l *loader, n *xmlconf.Node, r *Rule, sp *spec) {
	r.corr.different |= fDynamics
	r.corr.diffFields = append(r.corr.diffFields, n.Content)
}

func elemOptions(l *loader, n *xmlconf.Node, r *Rule, sp *spec) {
	switch n.Content {
	case "alert_by_email":
		r.opts |= optMail
	case "no_email_alert":
		r.NoEmail = true
		// Quirk: the 12-bit mask also clears no_counter.
		if r.opts&optMail != 0 {
			r.opts &= 0xfff - optMail
		}
	case "log_alert":
		r.opts |= optLog
	case "no_log":
		if r.opts&optLog != 0 {
			r.opts &= 0xfff - optLog
		}
	case "no_ar":
		r.opts |= optNoAR
	case "no_full_log":
		r.opts |= optNoFullLog
	case "no_counter":
		r.opts |= optNoCounter
	default:
		l.errorf(n.Pos, "invalid option %q in rule %d", n.Content, r.ID)
		sp.failed = true
	}
}

// ignoreFields maps the words of <ignore>/<check_if_ignored>.
var ignoreFields = map[string]uint32{"user": ftsDstUser, "srcip": ftsSrcIP, "dstip": ftsDstIP,
	"id": ftsID, "location": ftsLocation, "data": ftsData, "name": ftsName}

func elemIgnore(check bool) elemFunc {
	return func(l *loader, n *xmlconf.Node, r *Rule, sp *spec) {
		words := strings.SplitN(n.Content, ",", maxFields)
		for _, w := range words {
			w = strings.TrimLeft(w, " ")
			if i := strings.IndexByte(w, ' '); i >= 0 {
				w = w[:i]
			}
			if w == "" {
				l.errorf(n.Pos, "wrong %s option %q in rule %d", n.Name, n.Content, r.ID)
				sp.failed = true
				return
			}
			bits, dyn := &r.corr.ignore, &r.corr.ignoreDyn
			if check {
				bits, dyn = &r.corr.ckIgnore, &r.corr.ckIgnoreDyn
			}
			if b, ok := ignoreFields[w]; ok {
				*bits |= b
				continue
			}
			*bits |= ftsDynamic
			*dyn = append(*dyn, w)
		}
	}
}

func elemMitre(l *loader, n *xmlconf.Node, r *Rule, sp *spec) {
	var ids []string
	var tactic, technique string
	nTactic, nTechnique := 0, 0
	failure := false
	for _, c := range n.Children {
		switch {
		case c.Is("id"):
			if c.Content == "" {
				l.warnf(c.Pos, "no mitre technique id in rule %d", r.ID)
				failure = true
			}
			ids = append(ids, c.Content)
		case c.Is("tacticID"):
			if c.Content == "" {
				l.warnf(c.Pos, "no mitre tactic id in rule %d", r.ID)
				failure = true
			}
			tactic = c.Content
			nTactic++
		case c.Is("techniqueID"):
			if c.Content == "" {
				l.warnf(c.Pos, "no mitre technique id in rule %d", r.ID)
				failure = true
			}
			technique = c.Content
			nTechnique++
		default:
			l.warnf(c.Pos, "invalid mitre option <%s> in rule %d: block discarded", c.Name, r.ID)
			failure = true
		}
	}
	if len(n.Children) == 0 {
		l.warnf(n.Pos, "empty mitre information in rule %d", r.ID)
		return
	}
	if failure {
		return
	}
	l.mitreBlock(n, r, sp, ids, tactic, technique, nTactic, nTechnique)
}

func (l *loader) mitreBlock(n *xmlconf.Node, r *Rule, sp *spec, ids []string, tactic, technique string, nTactic, nTechnique int) {
	switch {
	case len(ids) > 0 && (nTactic > 0 || nTechnique > 0):
		l.warnf(n.Pos, "rule %d combines old and new mitre formats in one block: block discarded", r.ID)
	case len(ids) > 0 && sp.mitreNew:
		l.warnf(n.Pos, "rule %d combines old and new mitre formats: old format discarded", r.ID)
		r.Mitre = nil
	case len(ids) > 0:
		sp.mitreOld = true
		for _, id := range ids {
			if !contains(r.Mitre, id) {
				r.Mitre = append(r.Mitre, id)
			}
		}
	case nTactic > 1 || nTechnique > 1:
		l.warnf(n.Pos, "rule %d has more than one mitre tacticID or techniqueID in a block: block discarded", r.ID)
	case nTactic == 1 && nTechnique == 1:
		if sp.mitreOld {
			l.warnf(n.Pos, "rule %d combines old and new mitre formats: old format discarded", r.ID)
			r.Mitre = nil
			sp.mitreOld = false
		}
		sp.mitreNew = true
		for i := range r.MitreTactics {
			if r.MitreTactics[i] == tactic && r.MitreTechniques[i] == technique {
				return
			}
		}
		r.MitreTactics = append(r.MitreTactics, tactic)
		r.MitreTechniques = append(r.MitreTechniques, technique)
	case nTechnique == 1:
		l.warnf(n.Pos, "mitre tacticID should be defined in rule %d", r.ID)
	case nTactic == 1:
		l.warnf(n.Pos, "mitre techniqueID should be defined in rule %d", r.ID)
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
