package rules

import (
	"github.com/gossec/gossec/internal/event"
	"github.com/gossec/gossec/internal/litscan"
)

// The fast path of Match narrows and orders the work without changing the
// result of the plain ordered evaluation of OS_CheckIfRuleMatch:
//
//   - children are looked up by the event's decoder name: a child with
//     decoded_as can only match events of that decoder, so the siblings
//     tried are those of that name plus those without decoded_as, still in
//     sibling order;
//   - before any expression runs, a rule's side-effect-free presence tests
//     (fields its conditions read, a program name, the GeoIP fields that
//     are never set) reject the event, then the literals its log
//     expressions need (logfilter.go).
//
// Both only skip rules whose conditions would fail before reaching the
// stateful tests at the end (check_diff, if_fts, lists, correlation), so
// the per-session state evolves exactly as with the plain evaluation. A
// Tracer gets the plain evaluation: it must see every rule tried.

// minIndexed is the number of children from which a node gets an index:
// below it a map lookup costs more than the decoded_as tests it saves.
const minIndexed = 8

// childIndex lists, per decoder name, the children that can match an event
// of that decoder, in sibling order.
type childIndex struct {
	byDecoder map[string][]int32
	other     []int32 // children without decoded_as: for any other event
}

// buildIndex indexes nd's children when enough of them use decoded_as.
func buildIndex(nd *node) {
	named := 0
	for _, c := range nd.children {
		if c.rule.cond.hasDecoded {
			named++
		}
	}
	if len(nd.children) < minIndexed || named < minIndexed/2 {
		return
	}
	x := &childIndex{byDecoder: map[string][]int32{}}
	for i, c := range nd.children {
		if !c.rule.cond.hasDecoded {
			x.other = append(x.other, int32(i))
		}
	}
	for i, c := range nd.children {
		k := &c.rule.cond
		if !k.hasDecoded || x.byDecoder[k.decodedAs] != nil {
			continue
		}
		x.byDecoder[k.decodedAs] = mergeNamed(nd.children, k.decodedAs, x.other, i)
	}
	nd.index = x
}

// mergeNamed returns, in sibling order, the children without decoded_as
// and those with decoded_as name, starting the scan for the latter at from.
func mergeNamed(kids []*node, name string, other []int32, from int) []int32 {
	out := make([]int32, 0, len(other)+4)
	j := 0
	for i := from; i < len(kids); i++ {
		if k := &kids[i].rule.cond; !k.hasDecoded || k.decodedAs != name {
			continue
		}
		for j < len(other) && other[j] < int32(i) {
			out = append(out, other[j])
			j++
		}
		out = append(out, int32(i))
	}
	return append(out, other[j:]...)
}

// candidates returns the positions of the children that may match ev.
func (x *childIndex) candidates(ev *event.Event) []int32 {
	if ev.Decoder != nil {
		if c, ok := x.byDecoder[ev.Decoder.Name]; ok {
			return c
		}
	}
	return x.other
}

// needs is what a rule's conditions require of an event before any of its
// expressions can pass.
type needs struct {
	static []event.Static // static fields read by an expression or IP list
	pn     bool           // program_name expression
	user   bool           // user expression: dstuser or srcuser
	never  bool           // a GeoIP condition: the fields are never set
}

// computeNeeds derives r's needs from its compiled conditions.
func computeNeeds(r *Rule) needs {
	c := &r.cond
	var n needs
	add := func(f event.Static) {
		for _, s := range n.static {
			if s == f {
				return
			}
		}
		n.static = append(n.static, f)
	}
	for _, s := range []struct {
		e *expr
		f event.Static
	}{
		{c.id, event.ID}, {c.systemName, event.SystemName}, {c.protocol, event.Protocol},
		{c.action, event.Action}, {c.url, event.URL}, {c.srcPort, event.SrcPort},
		{c.dstPort, event.DstPort}, {c.data, event.Data}, {c.extraData, event.ExtraData},
		{c.status, event.Status},
	} {
		if s.e != nil {
			add(s.f)
		}
	}
	if c.srcIP != nil {
		add(event.SrcIP)
	}
	if c.dstIP != nil {
		add(event.DstIP)
	}
	n.pn = c.programName != nil
	n.user = c.user != nil
	n.never = c.srcGeoIP != nil || c.dstGeoIP != nil
	for i := range c.ossec {
		switch o := &c.ossec[i]; o.sub {
		case subStatic:
			add(o.static)
		case subProgramName:
			n.pn = true
		case subUser:
			n.user = true
		case subGeoIP:
			n.never = true
		}
	}
	return n
}

// met reports whether ev has everything r's conditions need.
func (n *needs) met(ev *event.Event) bool {
	if n.never || n.pn && !ev.HasProgramName {
		return false
	}
	if n.user {
		if _, ok := ev.User(); !ok {
			return false
		}
	}
	for _, f := range n.static {
		if _, ok := ev.Get(f); !ok {
			return false
		}
	}
	return true
}

// buildIndexes prepares the fast path once the tree is final, interning
// the log literals in lits (nil: a private table).
func (t *Tree) buildIndexes(lits *litscan.Table) {
	for _, r := range t.rules {
		r.needs = computeNeeds(r)
		r.fieldKey = computeFieldKey(r)
	}
	t.buildLogFilters(lits)
	walk(t.top, func(nd *node) bool {
		buildIndex(nd)
		return true
	})
}
