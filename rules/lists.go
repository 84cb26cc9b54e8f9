package rules

import (
	"strings"

	"github.com/gossec/gossec/internal/cdb"
	"github.com/gossec/gossec/internal/event"
	"github.com/gossec/gossec/internal/osregex"
	"github.com/gossec/gossec/internal/xmlconf"
)

var lookupNames = map[string]lookupKind{
	"match_key": lkMatchKey, "not_match_key": lkNotMatchKey, "match_key_value": lkMatchKeyValue,
	"address_match_key": lkAddressMatchKey, "not_address_match_key": lkNotAddressMatchKey,
	"address_match_key_value": lkAddressMatchKeyValue,
}

// listStatic maps the static field="" values of <list>.
var listStatic = map[string]event.Static{
	"srcip": event.SrcIP, "srcport": event.SrcPort, "dstip": event.DstIP, "dstport": event.DstPort,
	"url": event.URL, "id": event.ID, "status": event.Status, "action": event.Action,
	"protocol": event.Protocol, "system_name": event.SystemName, "data": event.Data,
	"extra_data": event.ExtraData,
}

func elemList(l *loader, n *xmlconf.Node, r *Rule, sp *spec) {
	if len(n.Attrs) == 0 {
		l.errorf(n.Pos, "rule %d: <list> must have a field attribute", r.ID)
		sp.failed = true
		return
	}
	lc := listCond{lookup: lkMatchKey}
	hasField := false
	for _, a := range n.Attrs {
		switch strings.ToLower(a.Name) {
		case "lookup":
			k, ok := lookupNames[strings.ToLower(a.Value)]
			if !ok {
				l.errorf(a.Pos, "rule %d: list lookup %q is not valid", r.ID, a.Value)
				sp.failed = true
				return
			}
			lc.lookup = k
		case "field":
			hasField = true
			setListField(&lc, a.Value)
		case "check_value":
			p, err := l.compile(osregex.OSMatch, a.Value)
			if err != nil {
				l.errorf(a.Pos, "rule %d: list check_value %q: %v", r.ID, a.Value, err)
				sp.failed = true
				return
			}
			lc.check = p
		default:
			l.errorf(a.Pos, "rule %d: list attribute %q is not valid", r.ID, a.Name)
			sp.failed = true
			return
		}
	}
	if !hasField {
		l.errorf(n.Pos, "rule %d: <list> requires the field attribute", r.ID)
		sp.failed = true
		return
	}
	lc.list = l.findList(n.Content)
	if lc.list == nil {
		l.warnf(n.Pos, "list %q could not be loaded: rule %d skipped", n.Content, r.ID)
		sp.skip = true
		return
	}
	r.cond.lists = append(r.cond.lists, lc)
}

func setListField(lc *listCond, v string) {
	lv := strings.ToLower(v)
	if s, ok := listStatic[lv]; ok {
		lc.subject, lc.static = lsStatic, s
		return
	}
	switch lv {
	case "user":
		lc.subject = lsUser
	case "hostname":
		lc.subject = lsHostname
	case "program_name":
		lc.subject = lsProgramName
	default:
		// A dynamic field name: leading spaces skipped, cut at the next one.
		d := strings.TrimLeft(v, " ")
		if i := strings.IndexByte(d, ' '); i >= 0 {
			d = d[:i]
		}
		lc.subject, lc.dyn = lsDynamic, d
	}
}

// findList finds a configured list by the path the rule gives, which
// must be the configured path, as text or .cdb name.
func (l *loader) findList(path string) *cdb.List {
	if lst := l.opt.Lists[path]; lst != nil {
		return lst
	}
	if lst := l.opt.Lists[path+".cdb"]; lst != nil {
		return lst
	}
	if p, ok := strings.CutSuffix(path, ".cdb"); ok {
		return l.opt.Lists[p]
	}
	return nil
}

// subjectValue returns the event value a list lookup uses.
func (lc *listCond) subjectValue(ev *event.Event) (string, bool) {
	switch lc.subject {
	case lsStatic:
		return ev.Get(lc.static)
	case lsUser:
		// Quirk: lists check srcuser first, unlike <user>.
		if v, ok := ev.Get(event.SrcUser); ok {
			return v, true
		}
		return ev.Get(event.DstUser)
	case lsHostname:
		return ev.Hostname, true
	case lsProgramName:
		return ev.ProgramName, ev.HasProgramName
	}
	return ev.Field(lc.dyn)
}

func (lc *listCond) test(ev *event.Event) bool {
	v, ok := lc.subjectValue(ev)
	if !ok {
		return false
	}
	switch lc.lookup {
	case lkMatchKey:
		return lc.list.MatchKey(v)
	case lkNotMatchKey:
		return lc.list.NotMatchKey(v)
	case lkMatchKeyValue:
		return lc.list.MatchKeyValue(v, lc.check)
	case lkAddressMatchKey:
		return lc.list.AddressMatchKey(v)
	case lkNotAddressMatchKey:
		return lc.list.NotAddressMatchKey(v)
	}
	return lc.list.AddressMatchKeyValue(v, lc.check)
}
