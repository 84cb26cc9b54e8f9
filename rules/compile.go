package rules

import (
	"fmt"

	"github.com/gossec/gossec/internal/event"
	"github.com/gossec/gossec/internal/osregex"
	"github.com/gossec/gossec/internal/xmlconf"
)

// finishRule runs the checks analysisd makes after reading the elements
// and compiles the expressions. It returns false when the rule is dropped.
func (l *loader) finishRule(n *xmlconf.Node, r *Rule, sp *spec) bool {
	if !sp.described && !l.opt.OSSEC {
		l.errorf(n.Pos, "no description in rule %d", r.ID)
		return false
	}
	c := &r.corr
	c.ossecSearch = l.opt.OSSEC
	if (c.global || r.cond.checkDiff || c.same != 0 || c.different != 0 || c.frequency != 0) && !c.context {
		// Quirk: frequency="2" is stored as 0 and so passes this test.
		l.errorf(n.Pos, "invalid use of frequency/context options: missing if_matched in rule %d", r.ID)
		return false
	}
	overwrite := r.opts&optOverwrite != 0
	if sp.ifMatchedGroup.set && !overwrite && r.ifSid == "" && r.ifGroup == "" {
		r.ifGroup = sp.ifMatchedGroup.text
	}
	if r.ifMatchedSid != 0 && r.ifSid == "" && r.ifGroup == "" && !overwrite {
		r.ifSid = fmt.Sprint(r.ifMatchedSid)
	}
	return l.compileAll(r, sp)
}

type compileStep struct {
	p   *pending
	dst **expr
}

// compileAll compiles the expressions in analysisd's order; the first
// failure drops the rule.
func (l *loader) compileAll(r *Rule, sp *spec) bool {
	k := &r.cond
	extraDst := &k.extraData
	if l.opt.OneDataField && !sp.data.set {
		// OSSEC has one data field: <extra_data> tests it.
		extraDst = &k.data
	}
	steps := []compileStep{
		{&sp.regex, &k.regex}, {&sp.match, &k.match}, {&sp.id, &k.id},
		{&sp.srcPort, &k.srcPort}, {&sp.dstPort, &k.dstPort}, {&sp.status, &k.status},
		{&sp.hostname, &k.hostname}, {&sp.data, &k.data}, {&sp.extraData, extraDst},
		{&sp.programName, &k.programName}, {&sp.user, &k.user}, {&sp.srcGeoIP, &k.srcGeoIP},
		{&sp.dstGeoIP, &k.dstGeoIP}, {&sp.url, &k.url}, {&sp.location, &k.location},
		{&sp.action, &k.action},
	}
	for _, s := range steps {
		if !l.compileOne(r, s.p, s.dst, false) {
			return false
		}
	}
	if !l.compileMatched(r, sp) {
		return false
	}
	if !l.compileOne(r, &sp.protocol, &k.protocol, false) || !l.compileOne(r, &sp.systemName, &k.systemName, false) {
		return false
	}
	return l.compileOSSEC(r, sp)
}

func (l *loader) compileOne(r *Rule, p *pending, dst **expr, caseless bool) bool {
	if !p.set {
		return true
	}
	if p.kind == kindString {
		*dst = &expr{s: p.text, negate: p.negate}
		return true
	}
	src := p.text
	if caseless {
		src = "(?i)" + src
	}
	pat, err := l.compile(p.kind, src)
	if err != nil {
		l.errorf(p.pos, "rule %d: invalid %s expression %q: %v", r.ID, p.kind, p.text, err)
		return false
	}
	l.warnHazard(p.pos, r, pat)
	*dst = &expr{p: pat, negate: p.negate}
	return true
}

// warnHazard warns about a pattern with a catastrophic-backtracking shape.
// It is only a warning (the rule loads, as in Wazuh): the per-event regex
// budget bounds what such a pattern can cost.
func (l *loader) warnHazard(pos xmlconf.Pos, r *Rule, pat *osregex.Pattern) {
	if h := pat.Hazard(); h != "" {
		l.warnf(pos, "rule %d: pattern %q: %s; its matches are bounded by the per-event regex budget and a cut match counts as no match", r.ID, pat.String(), h)
	}
}

func (l *loader) compileMatched(r *Rule, sp *spec) bool {
	if g := &sp.ifMatchedGroup; g.set {
		p, err := l.compile(osregex.OSMatch, g.text)
		if err != nil {
			l.errorf(g.pos, "rule %d: invalid if_matched_group %q: %v", r.ID, g.text, err)
			return false
		}
		r.corr.matchedGrp = p
		r.ifMatchedGroupText = g.text
	}
	if m := &sp.ifMatchedRegex; m.set {
		p, err := l.compile(osregex.OSRegex, m.text)
		if err != nil {
			l.errorf(m.pos, "rule %d: invalid if_matched_regex %q: %v", r.ID, m.text, err)
			return false
		}
		r.corr.matchedRe = p
	}
	return true
}

// ossecSubjects maps the OSSEC *_pcre2 elements to their subjects.
var ossecSubjects = map[string]ossecExpr{
	"regex": {sub: subLog}, "match": {sub: subLog},
	"program_name": {sub: subProgramName}, "hostname": {sub: subHostname}, "user": {sub: subUser},
	"url": {sub: subStatic, static: event.URL}, "id": {sub: subStatic, static: event.ID},
	"status": {sub: subStatic, static: event.Status}, "extra_data": {sub: subStatic, static: event.ExtraData},
	"srcport": {sub: subStatic, static: event.SrcPort}, "dstport": {sub: subStatic, static: event.DstPort},
	"data": {sub: subStatic, static: event.Data}, "system_name": {sub: subStatic, static: event.SystemName},
	"protocol": {sub: subStatic, static: event.Protocol},
	"srcgeoip": {sub: subGeoIP}, "dstgeoip": {sub: subGeoIP},
}

// ossecOrder fixes the evaluation order of the OSSEC conditions.
var ossecOrder = []string{"program_name", "id", "system_name", "protocol", "match", "regex", "url",
	"srcport", "dstport", "user", "srcgeoip", "dstgeoip", "data", "extra_data", "hostname", "status"}

// compileOSSEC compiles the *_pcre2 elements. OSSEC compiles them
// caseless, like the OS_Match/OS_Regex patterns they replaced.
func (l *loader) compileOSSEC(r *Rule, sp *spec) bool {
	for _, name := range ossecOrder {
		p := sp.ossec[name]
		if p == nil {
			continue
		}
		var e *expr
		if !l.compileOne(r, p, &e, true) {
			return false
		}
		oe := ossecSubjects[name]
		if name == "extra_data" && l.opt.OneDataField {
			oe.static = event.Data
		}
		oe.e = *e
		r.cond.ossec = append(r.cond.ossec, oe)
	}
	return true
}
