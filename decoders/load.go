package decoders

import (
	"errors"
	"fmt"
	"path/filepath"
	"sort"
	"strings"

	"github.com/gossec/gossec/internal/event"
	"github.com/gossec/gossec/internal/litscan"
	"github.com/gossec/gossec/internal/osregex"
	"github.com/gossec/gossec/internal/xmlconf"
)

// LoadOptions tunes Load.
type LoadOptions struct {
	// RegexEngine is the C engine whose OS_Regex/OS_Match semantics the
	// decoders' patterns follow (osregex.Engine; the zero value is Wazuh
	// 4.2+).
	RegexEngine osregex.Engine
	Warn        func(pos xmlconf.Pos, msg string) // load warnings (may be nil)
	// ReadFile reads a decoder file; nil reads from the disk. The engine
	// uses it for the ruleset embedded in the binary.
	ReadFile func(path string) ([]byte, error)
	// Literals, when not nil, is the table the set's prefilters intern
	// their literals in, shared with other stages; the caller freezes it
	// before decoding. Nil gives the set a private table.
	Literals *litscan.Table
	// Patterns, when not nil, shares compiled patterns with other stages
	// (one *osregex.Pattern per distinct expression). Either way patterns
	// are compiled lazily: checked now, built on first use.
	Patterns *osregex.Cache

	// Release-dependent behaviours of the original engines. The engine
	// package sets them from the ruleset's engine release (its version
	// table); all false is Wazuh 4.x.

	// CompactCaptures: a PCRE2 <regex>/<pcre2> passes only the groups
	// that took part in the match to <order>, in order (OSSEC >= 3.3
	// copies the set groups of the ovector only).
	CompactCaptures bool
	// CaselessPCRE2: <prematch_pcre2>, <program_name_pcre2> and <pcre2>
	// are compiled caseless (OSSEC >= 3.3 passes PCRE2_CASELESS).
	CaselessPCRE2 bool
	// OneDataField: the <order> names data and extra_data fill one field,
	// data (OSSEC: both map to the same decoder function).
	OneDataField bool
	// FTSSubstring: <fts> names are matched by substring in OSSEC's order
	// ("srcuser" contains "user" and means dstuser; OSSEC uses strstr).
	FTSSubstring bool
	// JSONUserIsDstUser: JSON_Decoder stores a top-level "user" key in
	// dstuser when dstuser is unset or empty; it is then no dynamic field
	// (Wazuh >= 4.14.1).
	JSONUserIsDstUser bool
}

// maxExpr bounds the concatenated text of one decoder element (analysisd's
// _loadmemory keeps strings below OS_SIZE_1024).
const maxExpr = 1023

// maxOrder is decoder_order_size: the most fields one <order> may name.
const maxOrder = event.MaxDynamic

// Set is a compiled decoder set. It is immutable after Load and safe for
// concurrent use.
type Set struct {
	pn, nopn []*topNode // top-level lists with / without program_name
	pnIdx    pnIndex
	nopnIdx  nopnIndex
	lits     *litscan.Table // literals of the prefilters (maybe shared)
	names    []string
	nameSet  map[string]struct{}
	sonic    *sonicPatterns
	jsonUser bool // LoadOptions.JSONUserIsDstUser
}

// Load reads the decoder files in the given order (the caller has already
// sorted them as §9.1 says) and compiles them. It reports every error it can
// find (each an *xmlconf.Error carrying file:line:col) rather than stopping
// at the first; a non-empty error slice means the set must not be used.
func Load(files []string, opt LoadOptions) (*Set, []error) {
	l := &loader{opt: opt, set: &Set{nameSet: map[string]struct{}{}}, failed: map[string]bool{}}
	for _, f := range files {
		l.loadFile(f)
	}
	l.finish()
	if len(l.errs) > 0 {
		return nil, l.errs
	}
	l.set.jsonUser = opt.JSONUserIsDstUser
	return l.set, nil
}

// loader carries the state of one Load call.
type loader struct {
	opt    LoadOptions
	set    *Set
	errs   []error
	failed map[string]bool // names of blocks rejected with an error
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
	nodes, err := parseFile(path, l.opt.ReadFile)
	if err != nil {
		var xe *xmlconf.Error
		if !errors.As(err, &xe) {
			err = xmlconf.Errorf(xmlconf.Pos{File: path}, "reading decoders: %w", err)
		}
		l.errs = append(l.errs, err)
		return
	}
	roots := 0
	for _, n := range nodes {
		if n.Is("var") {
			continue // variables were applied by xmlconf
		}
		roots++
		l.loadDecoder(n)
	}
	// analysisd refuses a decoder file without any element, except the
	// optional local decoder file.
	if roots == 0 && filepath.Base(path) != "local_decoder.xml" {
		l.errorf(xmlconf.Pos{File: path, Line: 1, Col: 1}, "no decoder in file %q", path)
	}
}

// rawExpr accumulates the pieces of one expression element.
type rawExpr struct {
	text string
	set  bool
	kind osregex.Kind
	pos  xmlconf.Pos
	// ossec: from an OSSEC *_pcre2 element (LoadOptions.CaselessPCRE2).
	ossec bool
}

// rawDecoder is a <decoder> block being read.
type rawDecoder struct {
	d                        *decoder
	regex, prematch, program rawExpr
	ftsComment               string
	accumulate               bool
	typ                      string
	orderSeen                bool
	ok                       bool
}

// loadDecoder reads, checks and links one <decoder> block.
func (l *loader) loadDecoder(n *xmlconf.Node) {
	if !n.Is("decoder") {
		l.errorf(n.Pos, "invalid root element %q: expected <decoder>", n.Name)
		return
	}
	name, ok := l.rootAttrs(n)
	if !ok {
		return
	}
	r := &rawDecoder{d: &decoder{ownName: name, pos: n.Pos}, typ: TypeSyslog, ok: true}
	l.set.addName(name)
	for _, el := range n.Children {
		l.element(r, el)
	}
	if r.ok {
		r.ok = l.check(r)
	}
	if r.ok {
		r.ok = l.compile(r)
	}
	if r.ok {
		r.d.info = r.info()
		r.ok = l.link(r.d)
	}
	if !r.ok {
		l.failed[name] = true
	}
}

// rootAttrs checks the attributes of <decoder>: name first, then an optional
// status that analysisd ignores.
func (l *loader) rootAttrs(n *xmlconf.Node) (string, bool) {
	if len(n.Attrs) == 0 || !strings.EqualFold(n.Attrs[0].Name, "name") {
		l.errorf(n.Pos, "<decoder> needs a name attribute first")
		return "", false
	}
	for i, a := range n.Attrs[1:] {
		if i > 0 || !strings.EqualFold(a.Name, "status") {
			l.errorf(a.Pos, "decoder %q: invalid attribute %q", n.Attrs[0].Value, a.Name)
			return "", false
		}
	}
	return n.Attrs[0].Value, true
}

func (s *Set) addName(name string) {
	if _, dup := s.nameSet[name]; !dup {
		s.nameSet[name] = struct{}{}
		s.names = append(s.names, name)
	}
}

// fail records an error for the block being read.
func (l *loader) fail(r *rawDecoder, pos xmlconf.Pos, format string, args ...any) {
	r.ok = false
	l.errorf(pos, "decoder %q: "+format, append([]any{r.d.ownName}, args...)...)
}

// element handles one child element of <decoder>.
func (l *loader) element(r *rawDecoder, el *xmlconf.Node) {
	d := r.d
	name := strings.ToLower(el.Name)
	if name == "type" && el.Name != "type" {
		name = "" // the one element analysisd matches case-sensitively
	}
	switch name {
	case "parent":
		if l.noAttrs(r, el) {
			d.parent = l.concat(r, el, d.parent)
		}
	case "regex", "pcre2":
		l.exprElement(r, el, &r.regex, name == "pcre2", true)
	case "prematch", "prematch_pcre2":
		l.exprElement(r, el, &r.prematch, name == "prematch_pcre2", true)
	case "program_name", "program_name_pcre2":
		l.exprElement(r, el, &r.program, name == "program_name_pcre2", false)
	case "order":
		if l.noAttrs(r, el) {
			l.orderElement(r, el)
		}
	case "fts":
		if l.noAttrs(r, el) {
			l.ftsElement(r, el)
		}
	case "ftscomment":
		if l.noAttrs(r, el) {
			r.ftsComment = l.concat(r, el, r.ftsComment)
		}
	case "use_own_name":
		if l.noAttrs(r, el) && el.Content == "true" {
			d.useOwnName = true
		}
	case "plugin_decoder":
		l.pluginElement(r, el)
	case "json_null_field":
		if l.noAttrs(r, el) {
			l.jsonNullElement(r, el)
		}
	case "json_array_structure":
		if l.noAttrs(r, el) {
			l.jsonArrayElement(r, el)
		}
	case "type":
		if l.noAttrs(r, el) {
			l.typeElement(r, el)
		}
	case "accumulate":
		if l.noAttrs(r, el) {
			r.accumulate = true
		}
	default:
		l.fail(r, el.Pos, "invalid element <%s>", el.Name)
	}
}

// noAttrs rejects attributes on elements that take none.
func (l *loader) noAttrs(r *rawDecoder, el *xmlconf.Node) bool { return l.allowAttrs(r, el) }

// allowAttrs rejects any attribute of el whose name is not listed.
func (l *loader) allowAttrs(r *rawDecoder, el *xmlconf.Node, names ...string) bool {
	ok := true
	for _, a := range el.Attrs {
		found := false
		for _, n := range names {
			if a.Name == n {
				found = true
			}
		}
		if !found {
			l.fail(r, a.Pos, "invalid attribute %q in <%s>", a.Name, el.Name)
			ok = false
		}
	}
	return ok
}

// concat appends el's content to cur the way _loadmemory does, refusing
// results of 1024 bytes or more.
func (l *loader) concat(r *rawDecoder, el *xmlconf.Node, cur string) string {
	if len(cur)+len(el.Content) > maxExpr {
		l.fail(r, el.Pos, "<%s> is too long (%d bytes, limit %d)", el.Name, len(cur)+len(el.Content), maxExpr)
		return cur
	}
	return cur + el.Content
}

// parseOffset reads an offset attribute value.
func parseOffset(v string) offset {
	switch {
	case strings.EqualFold(v, "after_parent"):
		return offAfterParent
	case strings.EqualFold(v, "after_prematch"):
		return offAfterPrematch
	case strings.EqualFold(v, "after_regex"):
		return offAfterRegex
	}
	return offInvalid
}

var offsetNames = [...]string{"", "after_parent", "after_prematch", "after_regex", "invalid"}

func (o offset) String() string { return offsetNames[o] }

// exprElement reads <regex>, <prematch>, <program_name> and their OSSEC
// *_pcre2 forms. Several elements are concatenated; only the first may carry
// an offset; the last element's type wins.
func (l *loader) exprElement(r *rawDecoder, el *xmlconf.Node, x *rawExpr, ossecPCRE2, hasOffset bool) {
	attrs := []string{"type"}
	if ossecPCRE2 {
		attrs = nil
	}
	if hasOffset {
		attrs = append(attrs, "offset")
	}
	if !l.allowAttrs(r, el, attrs...) {
		return
	}
	if hasOffset {
		l.exprOffset(r, el, x)
	}
	x.kind = l.exprKind(r, el, x == &r.program, ossecPCRE2)
	x.ossec = ossecPCRE2
	x.text = l.concat(r, el, x.text)
	if !x.set {
		x.pos = el.Pos
	}
	x.set = true
}

// exprOffset applies the offset attribute of a <regex> or <prematch>.
func (l *loader) exprOffset(r *rawDecoder, el *xmlconf.Node, x *rawExpr) {
	v, has := el.Attr("offset")
	if !has {
		return
	}
	off := parseOffset(v)
	if off == offInvalid {
		// analysisd logs this and carries on without an offset.
		l.warnf(el.Pos, "decoder %q: invalid offset %q in <%s>; ignored", r.d.ownName, v, el.Name)
		return
	}
	if x.set {
		l.fail(r, el.Pos, "only the first <%s> may have an offset (got %q)", el.Name, v)
		return
	}
	if x == &r.regex {
		r.d.regexOffset = off
	} else {
		r.d.preOffset = off
	}
}

// exprKind reads the type attribute: regex and prematch accept osregex and
// pcre2, program_name also osmatch; anything else warns and uses the default.
func (l *loader) exprKind(r *rawDecoder, el *xmlconf.Node, program, ossecPCRE2 bool) osregex.Kind {
	if ossecPCRE2 {
		return osregex.PCRE2
	}
	def := osregex.OSRegex
	if program {
		def = osregex.OSMatch
	}
	v, has := el.Attr("type")
	if !has {
		return def
	}
	k, ok := osregex.ParseKind(v)
	if !ok || (k == osregex.OSMatch && !program) {
		l.warnf(el.Pos, "decoder %q: invalid type %q in <%s>; using %s", r.d.ownName, v, el.Name, def)
		return def
	}
	return k
}

// orderElement reads <order>: comma-separated names, each cut at its first
// space after leading spaces, exactly like analysisd.
func (l *loader) orderElement(r *rawDecoder, el *xmlconf.Node) {
	if strings.Count(el.Content, ",") >= maxOrder {
		l.fail(r, el.Pos, "<order> has too many fields (limit %d)", maxOrder)
		return
	}
	var order []orderItem
	for _, piece := range strings.Split(el.Content, ",") {
		w := orderWord(piece)
		if w == "" {
			l.fail(r, el.Pos, "wrong field %q in <order>", piece)
			return
		}
		if f, ok := event.OrderField(w); ok {
			if f == event.ExtraData && l.opt.OneDataField {
				f = event.Data
			}
			order = append(order, orderItem{static: f})
		} else {
			order = append(order, orderItem{dynamic: w})
		}
	}
	r.d.order = order
	r.d.ftsDynamic = nil
	r.orderSeen = true
}

// orderWord trims leading spaces and cuts at the next space (only ' ').
func orderWord(s string) string {
	s = strings.TrimLeft(s, " ")
	if i := strings.IndexByte(s, ' '); i >= 0 {
		s = s[:i]
	}
	return s
}

// ftsElement reads <fts>. A dynamic name must be found among the dynamic
// fields of an earlier <order>, searched only up to its first static field
// (analysisd stops at the first empty slot of its field table); without an
// earlier <order> unknown names are silently ignored.
func (l *loader) ftsElement(r *rawDecoder, el *xmlconf.Node) {
	d := r.d
	d.ftsDynamic = nil
	for _, piece := range strings.Split(el.Content, ",") {
		w := orderWord(piece)
		if w == "" {
			l.fail(r, el.Pos, "wrong field %q in <fts>", piece)
			return
		}
		if l.opt.FTSSubstring {
			f, ok := ossecFTSFlag(piece)
			if !ok {
				l.fail(r, el.Pos, "wrong field %q in <fts>", piece)
				return
			}
			d.ftsFlags |= f
			continue
		}
		if f, ok := ftsWords[w]; ok {
			d.ftsFlags |= f
			continue
		}
		if !r.orderSeen {
			continue
		}
		i := 0
		for i < len(d.order) && d.order[i].dynamic != "" && !strings.EqualFold(d.order[i].dynamic, w) {
			i++
		}
		if i == len(d.order) || d.order[i].dynamic == "" {
			l.fail(r, el.Pos, "wrong field %q in <fts>", piece)
			return
		}
		if d.ftsDynamic == nil {
			d.ftsDynamic = make([]bool, len(d.order))
		}
		d.ftsDynamic[i] = true
		d.ftsFlags |= ftsDynamic
	}
}

// ossecFTSFlag maps one <fts> item the way OSSEC's decoder reader does:
// by substring, the first name of its list contained in the item wins, so
// "srcuser" (which contains "user") means dstuser and "extra_data" data.
// Dynamic fields cannot be named.
func ossecFTSFlag(item string) (uint16, bool) {
	for _, c := range ossecFTSOrder {
		if strings.Contains(item, c.name) {
			return c.flag, true
		}
	}
	return 0, false
}

// ossecFTSOrder is the order OSSEC tests the <fts> names in.
var ossecFTSOrder = []struct {
	name string
	flag uint16
}{
	{"user", ftsUser}, {"srcip", ftsSrcIP}, {"dstip", ftsDstIP}, {"id", ftsID},
	{"location", ftsLocation}, {"data", ftsData}, {"system_name", ftsSystemName}, {"name", ftsName},
}

func (l *loader) pluginElement(r *rawDecoder, el *xmlconf.Node) {
	if !l.allowAttrs(r, el, "offset") {
		return
	}
	p, ok := pluginNames[el.Content]
	if !ok {
		l.fail(r, el.Pos, "unknown plugin_decoder %q", el.Content)
		return
	}
	r.d.plugin = p
	if v, has := el.Attr("offset"); has {
		off := parseOffset(v)
		if off == offInvalid {
			l.fail(r, el.Pos, "invalid offset %q in <plugin_decoder>", v)
			return
		}
		r.d.plugOffset = off
	}
	if p == plugSonicWall && l.set.sonic == nil {
		sp, err := compileSonic()
		if err != nil {
			l.fail(r, el.Pos, "SonicWall_Decoder: %w", err)
			return
		}
		l.set.sonic = sp
	}
}

func (l *loader) jsonNullElement(r *rawDecoder, el *xmlconf.Node) {
	switch v := el.Content; {
	case strings.EqualFold(v, "discard"):
		r.d.jsonNull = nullDiscard
	case strings.EqualFold(v, "string"):
		r.d.jsonNull = nullString
	case strings.EqualFold(v, "empty"):
		l.warnf(el.Pos, "decoder %q: json_null_field %q is deprecated; using \"string\"", r.d.ownName, v)
		r.d.jsonNull = nullString
	default:
		l.warnf(el.Pos, "decoder %q: invalid json_null_field %q; using \"string\"", r.d.ownName, v)
		r.d.jsonNull = nullString
	}
}

func (l *loader) jsonArrayElement(r *rawDecoder, el *xmlconf.Node) {
	switch v := el.Content; {
	case strings.EqualFold(v, "csv"):
		r.d.jsonArray = arrayCSV
	case strings.EqualFold(v, "array"):
		r.d.jsonArray = arrayJSON
	default:
		l.warnf(el.Pos, "decoder %q: invalid json_array_structure %q; using \"array\"", r.d.ownName, v)
		r.d.jsonArray = arrayJSON
	}
}

func (l *loader) typeElement(r *rawDecoder, el *xmlconf.Node) {
	for _, t := range validTypes {
		if el.Content == t {
			r.typ = t
			return
		}
	}
	l.fail(r, el.Pos, "invalid decoder type %q", el.Content)
}

// check applies analysisd's consistency rules once all elements are read.
func (l *loader) check(r *rawDecoder) bool {
	d := r.d
	pos := d.pos
	switch {
	case !r.prematch.set && d.parent == "" && !r.program.set:
		l.fail(r, pos, "a top-level decoder needs <prematch> or <program_name>")
	case !r.regex.set && (d.ftsFlags != 0 || r.orderSeen):
		l.fail(r, pos, "<order> and <fts> need a <regex>")
	case r.regex.set && !r.orderSeen:
		l.fail(r, pos, "<regex> needs an <order>")
	}
	if !r.ok {
		return false
	}
	return l.checkOffsets(r)
}

func (l *loader) checkOffsets(r *rawDecoder) bool {
	d := r.d
	child := d.parent != ""
	switch d.regexOffset {
	case offAfterParent:
		if !child {
			l.fail(r, r.regex.pos, "offset %q needs a <parent>", "after_parent")
		}
	case offAfterPrematch:
		if !child {
			d.regexOffset = offAfterParent // analysisd's silent fallback
		} else if !r.prematch.set {
			l.fail(r, r.regex.pos, "offset %q needs a <prematch>", "after_prematch")
		}
	case offAfterRegex:
		if !child || !r.regex.set {
			l.fail(r, r.regex.pos, "offset %q needs a <parent>", "after_regex")
		}
	}
	switch d.preOffset {
	case offNone:
	case offAfterParent:
		if !child {
			l.fail(r, r.prematch.pos, "offset %q needs a <parent>", "after_parent")
		}
	default:
		l.fail(r, r.prematch.pos, "invalid <prematch> offset %q (only after_parent)", d.preOffset.String())
	}
	if d.plugOffset == offAfterParent && !child {
		l.fail(r, d.pos, "plugin offset %q needs a <parent>", "after_parent")
	}
	if d.plugOffset == offAfterPrematch && !r.prematch.set {
		l.fail(r, d.pos, "plugin offset %q needs a <prematch>", "after_prematch")
	}
	return r.ok
}

// compile compiles the three expressions.
func (l *loader) compile(r *rawDecoder) bool {
	d := r.d
	var err error
	if r.prematch.set {
		if d.prematch, err = l.compileExpr(&r.prematch); err != nil {
			l.fail(r, r.prematch.pos, "invalid prematch %q: %w", r.prematch.text, err)
		}
	}
	if r.program.set {
		if d.programName, err = l.compileExpr(&r.program); err != nil {
			l.fail(r, r.program.pos, "invalid program_name %q: %w", r.program.text, err)
		}
	}
	if r.regex.set {
		if d.regex, err = l.compileExpr(&r.regex); err != nil {
			l.fail(r, r.regex.pos, "invalid regex %q: %w", r.regex.text, err)
		} else if r.regex.kind == osregex.OSRegex && !hasGroup(r.regex.text) {
			l.fail(r, r.regex.pos, "regex %q has no capture group", r.regex.text)
		}
		d.compact = l.opt.CompactCaptures && r.regex.kind == osregex.PCRE2
	}
	for _, x := range []struct {
		p   *osregex.Pattern
		raw *rawExpr
	}{{d.prematch, &r.prematch}, {d.programName, &r.program}, {d.regex, &r.regex}} {
		if x.p == nil {
			continue
		}
		// Only a warning (the decoder loads, as in Wazuh): the per-event
		// regex budget bounds what such a pattern can cost.
		if h := x.p.Hazard(); h != "" {
			l.warnf(x.raw.pos, "decoder %q: pattern %q: %s; its matches are bounded by the per-event regex budget and a cut match counts as no match", d.ownName, x.p.String(), h)
		}
	}
	if r.ok && d.plugin != plugNone && (d.regex != nil || r.orderSeen) {
		l.fail(r, d.pos, "<plugin_decoder> cannot be combined with <regex> or <order>")
	}
	return r.ok
}

// compileExpr compiles one expression element; an OSSEC *_pcre2 element
// is caseless when the engine release compiles it so.
func (l *loader) compileExpr(x *rawExpr) (*osregex.Pattern, error) {
	if x.ossec && l.opt.CaselessPCRE2 {
		p, err := l.opt.Patterns.Compile(x.kind, "(?i)"+x.text, osregex.Options{Engine: l.opt.RegexEngine})
		if err != nil {
			return nil, err
		}
		return p, nil
	}
	return l.opt.Patterns.Compile(x.kind, x.text, osregex.Options{Engine: l.opt.RegexEngine})
}

// hasGroup reports whether an OS_Regex pattern opens a capture group.
func hasGroup(p string) bool {
	for i := 0; i < len(p); i++ {
		switch p[i] {
		case '\\':
			i++
		case '(':
			return true
		}
	}
	return false
}

// info builds the DecoderInfo events report. A child without use_own_name
// shows its parent's name (analysisd renames it after loading).
func (r *rawDecoder) info() *event.DecoderInfo {
	d := r.d
	in := &event.DecoderInfo{
		Name:       d.ownName,
		Parent:     d.parent,
		Type:       r.typ,
		FTSComment: r.ftsComment,
		Accumulate: r.accumulate,
	}
	if d.parent != "" && !d.useOwnName {
		in.Name = d.parent
	}
	for _, f := range ftsOrder {
		if d.ftsFlags&f.flag != 0 {
			in.FTS = append(in.FTS, f.name)
		}
	}
	for i, on := range d.ftsDynamic {
		if on {
			in.FTS = append(in.FTS, strings.ToLower(d.order[i].dynamic))
		}
	}
	return in
}

// link appends a top-level block to its list, or a child to the child list
// of every top-level block (both lists) named like its parent so far.
func (l *loader) link(d *decoder) bool {
	s := l.set
	if d.parent == "" {
		t := &topNode{dec: d, self: []*decoder{d}}
		if d.programName != nil {
			s.pn = append(s.pn, t)
		} else {
			s.nopn = append(s.nopn, t)
		}
		return true
	}
	added := false
	for _, list := range [][]*topNode{s.pn, s.nopn} {
		for _, t := range list {
			if t.dec.ownName != d.parent {
				continue
			}
			if err := attachChild(t, d); err != nil {
				l.errorf(d.pos, "decoder %q: %w", d.ownName, err)
				return false
			}
			added = true
		}
	}
	if !added && !l.failed[d.parent] {
		l.errorf(d.pos, "decoder %q: parent decoder %q not found", d.ownName, d.parent)
	}
	return added
}

// attachChild appends d to t's children, flagging earlier same-named
// siblings with getNext (multi-regex chains).
func attachChild(t *topNode, d *decoder) error {
	prevRegex := false
	for _, old := range t.children {
		if old.ownName != d.ownName {
			continue
		}
		if (old.prematch != nil || old.regex != nil) && d.regexOffset != offNone {
			prevRegex = true
		}
		if d.prematch != nil {
			return fmt.Errorf("a repeated decoder name cannot have a <prematch>")
		}
		if d.ftsFlags != 0 {
			return fmt.Errorf("a repeated decoder name cannot have <fts>")
		}
		if (old.regex == nil && old.plugin == plugNone) || (d.regex == nil && d.plugin == plugNone) {
			return fmt.Errorf("repeated decoder name needs a <regex> or <plugin_decoder> in every block")
		}
		old.getNext = true
	}
	if !prevRegex && d.regexOffset == offAfterRegex {
		return fmt.Errorf("offset %q needs an earlier block of the same name with a regex or prematch", "after_regex")
	}
	t.children = append(t.children, d)
	return nil
}

// finish prepares what decoding needs once every file is read.
func (l *loader) finish() {
	s := l.set
	sort.Strings(s.names)
	for _, list := range [][]*topNode{s.pn, s.nopn} {
		for _, t := range list {
			prepareVariants(t)
		}
	}
	s.lits = l.opt.Literals
	if s.lits == nil {
		s.lits = litscan.NewTable()
	}
	buildFilters(s.pn, s.lits)
	buildFilters(s.nopn, s.lits)
	if l.opt.Literals == nil {
		s.lits.Freeze()
	}
	s.pnIdx = buildPNIndex(s.pn)
	s.nopnIdx = buildNOPNIndex(s.nopn)
}

// prepareVariants gives every decoder that may report an event while a
// type-rewriting plugin runs its Type copies.
func prepareVariants(t *topNode) {
	if len(t.children) == 0 {
		if t.dec.plugin.rewritesType() {
			t.dec.buildVariants()
		}
		return
	}
	for i, head := range t.children {
		reporter := t.dec
		if head.prematch != nil {
			reporter = head
		}
		for j := i; j < len(t.children); j++ {
			if t.children[j].plugin.rewritesType() {
				reporter.buildVariants()
			}
			if !t.children[j].getNext {
				break
			}
		}
	}
}

// InternalNames are the decoders analysisd implements in C (syscheck,
// rootcheck, syscollector, …). They are registered with the decoder names,
// so rules may name them in <decoded_as>; gossec never produces them from
// log lines.
var InternalNames = []string{
	"rootcheck", "syscheck_integrity_changed", "syscheck_new_entry", "syscheck_deleted",
	// OSSEC 4.x registers the second and third syscheck passes too.
	"syscheck_integrity_changed_2nd", "syscheck_integrity_changed_3rd",
	"syscheck_registry_key_modified", "syscheck_registry_key_added", "syscheck_registry_key_deleted",
	"syscheck_registry_value_modified", "syscheck_registry_value_added", "syscheck_registry_value_deleted",
	"hostinfo_new", "hostinfo_modified", "syscollector", "ciscat", "windows_eventchannel", "sca",
}

// Has reports whether a decoder with this own name exists: a loaded block
// or one of InternalNames (names compare exactly).
func (s *Set) Has(name string) bool {
	if _, ok := s.nameSet[name]; ok {
		return true
	}
	for _, n := range InternalNames {
		if n == name {
			return true
		}
	}
	return false
}

// Names returns every decoder name (own names), sorted.
func (s *Set) Names() []string { return append([]string(nil), s.names...) }

// parseFile reads a file through read (the disk when nil) and parses it.
func parseFile(path string, read func(string) ([]byte, error)) ([]*xmlconf.Node, error) {
	if read == nil {
		return xmlconf.ParseFile(path)
	}
	data, err := read(path)
	if err != nil {
		return nil, err
	}
	return xmlconf.Parse(path, data)
}
