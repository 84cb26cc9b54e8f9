package rules

import (
	"strconv"

	"github.com/gossec/gossec/internal/event"
	"github.com/gossec/gossec/internal/litscan"
	"github.com/gossec/gossec/internal/osregex"
)

// Result is the outcome of matching one event.
type Result struct {
	Rule       *Rule // nil when no rule matched
	FiredTimes int   // the matched rule's firedtimes after this event
	// Alert is true when the event entered the correlation memory (level >
	// 0, not dropped by ignore/check_if_ignored) and its level reaches
	// LogAlertLevel: wazuh-logtest's "**Alert to be generated."
	Alert bool
	// Previous holds the events counted by the correlation that fired, for
	// previous_output, newest first. It is reused by the next Match.
	Previous []*event.Event
}

// Tracer receives the rule debugging messages of wazuh-logtest -v.
type Tracer interface {
	Trying(r *Rule)
	Matched(r *Rule)
	TryingChildren()
}

// matcher carries one evaluation.
type matcher struct {
	st      *State
	ev      *event.Event
	tr      Tracer
	now     int64
	prev    *Rule // parent of the matched rule (lf->prev_rule)
	matched int   // lf->matched
	fired   int
	plain   bool // no index and no pre-checks (tracing, differential tests)
	lits    *litscan.Table
	bits    []uint64 // the event's literal scan, once looked up (logfilter.go)
	// the last dynamic field looked up by the fast path (fieldkey.go)
	fieldName, fieldVal  string
	fieldOK, fieldCached bool
	b                    *osregex.Budget
}

// Match evaluates the event against the tree (§3.5) and updates st.
func (t *Tree) Match(ev *event.Event, st *State, tr Tracer) Result {
	return t.match(ev, st, tr, tr != nil, nil)
}

// MatchIn is Match with the backtracking matches under the event's
// budget b (the decoders share it). A rule element whose match was cut
// (timed out, or skipped once b was spent) fails, even when negated: the
// rule does not match on a subject it could not examine. Each cut is
// labelled "rule" and the rule id in b.
func (t *Tree) MatchIn(ev *event.Event, st *State, tr Tracer, b *osregex.Budget) Result {
	return t.match(ev, st, tr, tr != nil, b)
}

// match is Match with the choice of the plain evaluation, which the fast
// path must reproduce exactly (see index.go).
func (t *Tree) match(ev *event.Event, st *State, tr Tracer, plain bool, b *osregex.Budget) Result {
	m := matcher{st: st, ev: ev, tr: tr, now: ev.Time.Unix(), plain: plain, lits: t.lits, b: b}
	st.resetPrevious()
	cat := eventCategory(ev)
	var r *Rule
	for _, nd := range t.top {
		// Only top-level rules are filtered by category.
		if nd.rule.Category != cat {
			continue
		}
		if r = m.check(nd); r != nil {
			break
		}
	}
	if r == nil {
		return Result{}
	}
	return m.finish(r)
}

func eventCategory(ev *event.Event) string {
	if ev.Decoder == nil || ev.Decoder.Type == "" {
		return "syslog"
	}
	return ev.Decoder.Type
}

// check is OS_CheckIfRuleMatch: the rule, then depth-first its children.
func (m *matcher) check(nd *node) *Rule {
	r := nd.rule
	if m.tr != nil {
		m.tr.Trying(r)
	}
	mark := m.b.Mark()
	if !m.plain && (!r.needs.met(m.ev) || !m.fieldKeyOK(r) || !m.logLiteralsOK(r)) || !m.conds(r) {
		if m.b.Mark() != mark {
			m.b.Own(mark, "rule", strconv.Itoa(r.ID))
		}
		return nil
	}
	if m.tr != nil {
		m.tr.Matched(r)
	}
	if len(nd.children) > 0 {
		if m.tr != nil {
			m.tr.TryingChildren()
		}
		if got := m.children(nd); got != nil {
			if m.prev == nil {
				m.prev = r
			}
			return got
		}
	}
	if r.opts&optNoAlert != 0 {
		return nil
	}
	m.st.fired[r.idx]++
	m.fired = m.st.fired[r.idx]
	return r
}

// children checks nd's children in sibling order, through the index when
// there is one, and returns the first match.
func (m *matcher) children(nd *node) *Rule {
	if nd.index != nil && !m.plain {
		for _, i := range nd.index.candidates(m.ev) {
			if got := m.check(nd.children[i]); got != nil {
				return got
			}
		}
		return nil
	}
	for _, c := range nd.children {
		if got := m.check(c); got != nil {
			return got
		}
	}
	return nil
}

// finish applies level 0, ignore, check_if_ignored, the ignore store and
// stores the event for correlation.
func (m *matcher) finish(r *Rule) Result {
	st := m.st
	res := Result{Rule: r, FiredTimes: m.fired}
	if r.Level == 0 {
		return res
	}
	if r.IgnoreTime > 0 {
		at := &st.ignAt[r.idx]
		switch {
		case *at == 0:
			*at = m.now
		case m.now-*at < int64(r.IgnoreTime):
			// analysisd alerts the parent instead; wazuh-logtest drops.
			if st.cfg.Logtest || m.prev == nil {
				return res
			}
			r = m.prev
			res.Rule = r
			st.resetPrevious()
		case st.cfg.Logtest:
			*at = 0
		default:
			*at = m.now
		}
	}
	if r.corr.ckIgnore != 0 {
		if _, ok := st.ignored.get(ignoreKey(m.ev, r.corr.ckIgnore, r.corr.ckIgnoreDyn)); ok {
			return res
		}
	}
	if r.corr.ignore != 0 && !st.cfg.Logtest {
		st.ignored.put(ignoreKey(m.ev, r.corr.ignore, r.corr.ignoreDyn), "")
	}
	st.store(m.ev, r, m.matched)
	res.Alert = r.Level > 0 && r.Level >= st.cfg.LogAlertLevel
	res.Previous = st.previous()
	return res
}

// conds tests everything but the children, in analysisd's order (which
// matters for the stateful tests at the end).
func (m *matcher) conds(r *Rule) bool {
	c := &r.cond
	ev := m.ev
	if c.hasDecoded && (ev.Decoder == nil || ev.Decoder.Name != c.decodedAs) {
		return false
	}
	if c.programName != nil && (!ev.HasProgramName || !c.programName.test(m.b, ev.ProgramName)) {
		return false
	}
	if !staticOK(m.b, c.id, ev, event.ID) || !staticOK(m.b, c.systemName, ev, event.SystemName) ||
		!staticOK(m.b, c.protocol, ev, event.Protocol) {
		return false
	}
	if c.match != nil && !c.match.test(m.b, ev.Log) || c.regex != nil && !c.regex.test(m.b, ev.Log) {
		return false
	}
	if !staticOK(m.b, c.action, ev, event.Action) || !staticOK(m.b, c.url, ev, event.URL) {
		return false
	}
	if c.location != nil && !c.location.test(m.b, ev.Location) {
		return false
	}
	return m.conds2(r)
}

func (m *matcher) conds2(r *Rule) bool {
	c := &r.cond
	ev := m.ev
	for i := range c.fields {
		v, ok := m.field(c.fields[i].name)
		if !ok || !c.fields[i].e.test(m.b, v) {
			return false
		}
	}
	if !ipOK(c.srcIP, ev, event.SrcIP) || !ipOK(c.dstIP, ev, event.DstIP) {
		return false
	}
	if !staticOK(m.b, c.srcPort, ev, event.SrcPort) || !staticOK(m.b, c.dstPort, ev, event.DstPort) {
		return false
	}
	if c.compiled != nil && !c.compiled(ev) {
		return false
	}
	if c.user != nil && !userOK(m.b, c.user, ev) {
		return false
	}
	// No GeoIP database: the geoip fields are never set.
	if c.srcGeoIP != nil || c.dstGeoIP != nil {
		return false
	}
	if c.maxSize > 0 && len(ev.Log) < c.maxSize {
		return false
	}
	if c.dayTime != nil && !c.dayTime.on(ev.Time) || c.weekDay != nil && !c.weekDay.on(ev.Time) {
		return false
	}
	if !staticOK(m.b, c.data, ev, event.Data) || !staticOK(m.b, c.extraData, ev, event.ExtraData) {
		return false
	}
	if c.hostname != nil && !c.hostname.test(m.b, ev.Hostname) {
		return false
	}
	if !staticOK(m.b, c.status, ev, event.Status) {
		return false
	}
	return m.conds3(r)
}

func (m *matcher) conds3(r *Rule) bool {
	c := &r.cond
	ev := m.ev
	for i := range c.ossec {
		if !ossecOK(m.b, &c.ossec[i], ev) {
			return false
		}
	}
	if c.checkDiff && !m.st.doDiff(r, ev) {
		return false
	}
	if r.opts&optFTS != 0 && !m.st.firstTimeSeen(ev) {
		return false
	}
	for i := range c.lists {
		if !c.lists[i].test(ev) {
			return false
		}
	}
	// Quirk: a rule with check_diff never runs its if_matched_* search.
	if r.corr.context && r.corr.search != searchNone && !c.checkDiff {
		return m.search(r)
	}
	return true
}

func staticOK(b *osregex.Budget, e *expr, ev *event.Event, f event.Static) bool {
	if e == nil {
		return true
	}
	v, ok := ev.Get(f)
	return ok && e.test(b, v)
}

func ipOK(l *ipList, ev *event.Event, f event.Static) bool {
	if l == nil {
		return true
	}
	v, ok := ev.Get(f)
	return ok && l.test(v)
}

// userOK tests <user>: dstuser when set, else srcuser.
func userOK(b *osregex.Budget, e *expr, ev *event.Event) bool {
	v, ok := ev.User()
	return ok && e.test(b, v)
}

func ossecOK(b *osregex.Budget, o *ossecExpr, ev *event.Event) bool {
	switch o.sub {
	case subLog:
		return o.e.test(b, ev.Log)
	case subProgramName:
		return ev.HasProgramName && o.e.test(b, ev.ProgramName)
	case subHostname:
		return o.e.test(b, ev.Hostname)
	case subUser:
		return userOK(b, &o.e, ev)
	case subStatic:
		return staticOK(b, &o.e, ev, o.static)
	}
	return false
}
