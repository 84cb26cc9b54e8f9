package rules

import (
	"strconv"
	"strings"

	"github.com/gossec/gossec/internal/event"
)

// search runs the rule's if_matched_* search.
func (m *matcher) search(r *Rule) bool {
	var ok bool
	switch r.corr.search {
	case searchSid:
		ok = r.corr.sidList >= 0 && m.searchList(r, &m.st.sid[r.corr.sidList])
	case searchGroup:
		ok = m.searchList(r, &m.st.group[r.corr.groupList])
	case searchEvents:
		ok = m.searchEvents(r)
	}
	if !ok {
		m.st.resetPrevious()
	}
	return ok
}

// searchList is Search_LastSids / Search_LastGroups.
func (m *matcher) searchList(r *Rule, l *evList) bool {
	c := &r.corr
	if c.ossecSearch {
		return m.searchListOSSEC(r, l)
	}
	count := 0
	var first *stored
	evs, ok := l.candidates(r, m.ev)
	if !ok {
		return false
	}
	for i := len(evs) - 1; i >= 0; i-- {
		e := evs[i]
		if e.dead || m.now-e.t > c.timeframe {
			return false
		}
		if !m.candidate(r, &e.ev) {
			continue
		}
		// Avoid firing again on events already counted by this or a
		// higher-level correlation.
		if e.matched >= r.Level {
			return false
		}
		if count <= 10 {
			m.st.addPrevious(count, e)
		}
		if count < c.frequency {
			count++
			if first == nil {
				first = e
			}
			continue
		}
		m.matched = r.Level
		if first != nil {
			first.matched = r.Level
		}
		return true
	}
	return false
}

// searchListOSSEC is OSSEC's Search_LastSids / Search_LastGroups, which
// differ from Wazuh's in two places: an event already counted by a
// correlation of this level or higher ends the search before the
// same_* filters look at it (whatever its source), and a firing marks the
// completing event and the newest event of the list, not the first one
// counted. The source-IP index is not used: every event of the list must
// be seen for the first rule.
func (m *matcher) searchListOSSEC(r *Rule, l *evList) bool {
	c := &r.corr
	evs := l.evs
	if len(evs) == 0 {
		return false
	}
	newest := evs[len(evs)-1]
	count := 0
	for i := len(evs) - 1; i >= 0; i-- {
		e := evs[i]
		if e.dead || m.now-e.t > c.timeframe || e.matched >= r.Level {
			return false
		}
		if !m.candidate(r, &e.ev) {
			continue
		}
		if count <= 10 {
			m.st.addPrevious(count, e)
		}
		if count < c.frequency {
			count++
			continue
		}
		m.matched = r.Level
		e.matched = r.Level
		newest.matched = r.Level
		return true
	}
	return false
}

// candidate applies the agent and same/different filters of
// Search_LastSids in their order.
func (m *matcher) candidate(r *Rule, old *event.Event) bool {
	c := &r.corr
	ev := m.ev
	if !c.global && old.AgentID != ev.AgentID {
		return false
	}
	if c.same&fID != 0 && !sameStatic(ev, old, event.ID) {
		return false
	}
	if c.same&fSrcIP != 0 && !sameStatic(ev, old, event.SrcIP) {
		return false
	}
	if !sameDynamic(c, ev, old) || !diffDynamic(c, ev, old) {
		return false
	}
	if r.opts&optSameExtra != 0 && (!sameLoop(c.same, ev, old, c.hostLoc) || !differentLoop(c.different, ev, old, c.hostLoc)) {
		return false
	}
	return true
}

func sameStatic(a, b *event.Event, f event.Static) bool {
	x, ok1 := a.Get(f)
	y, ok2 := b.Get(f)
	return ok1 && ok2 && x == y
}

// sameDynamic: every same_field present in both events and equal; events
// without dynamic fields never pass.
func sameDynamic(c *correlation, ev, old *event.Event) bool {
	if c.same&fDynamics == 0 {
		return true
	}
	if len(ev.Dynamic) == 0 || len(old.Dynamic) == 0 {
		return false
	}
	for _, name := range c.sameFields {
		x, ok1 := ev.Field(name)
		y, ok2 := old.Field(name)
		if !ok1 || !ok2 || x != y {
			return false
		}
	}
	return true
}

// diffDynamic: no not_same_field may be present and equal in both.
func diffDynamic(c *correlation, ev, old *event.Event) bool {
	if c.different&fDynamics == 0 {
		return true
	}
	if len(ev.Dynamic) == 0 && len(old.Dynamic) == 0 {
		return false
	}
	for _, name := range c.diffFields {
		x, ok1 := ev.Field(name)
		y, ok2 := old.Field(name)
		if ok1 && ok2 && x == y {
			return false
		}
	}
	return true
}

// fieldByBit returns the value of the field of same/different bit i.
// hostLoc makes same_location compare host names (OSSEC).
func fieldByBit(ev *event.Event, i int, hostLoc bool) (string, bool) {
	switch i {
	case 0:
		return ev.Get(event.SrcIP)
	case 1:
		return ev.Get(event.ID)
	case 2:
		return ev.Get(event.DstIP)
	case 3:
		return ev.Get(event.SrcPort)
	case 4:
		return ev.Get(event.DstPort)
	case 5:
		return ev.Get(event.SrcUser)
	case 6:
		return ev.Get(event.DstUser)
	case 7:
		return ev.Get(event.Protocol)
	case 8:
		return ev.Get(event.Action)
	case 9:
		return ev.Get(event.URL)
	case 10:
		return ev.Get(event.Data)
	case 11:
		return ev.Get(event.ExtraData)
	case 12:
		return ev.Get(event.Status)
	case 13:
		return ev.Get(event.SystemName)
	case 16:
		if hostLoc {
			return ev.Hostname, true
		}
		return ev.Location, true
	}
	return "", false // GeoIP fields are never set
}

// sameLoop checks the static same_* flags other than srcip and id.
func sameLoop(bits uint32, ev, old *event.Event, hostLoc bool) bool {
	for i := 2; i < nStaticFields; i++ {
		if bits&(1<<i) == 0 {
			continue
		}
		x, ok1 := fieldByBit(ev, i, hostLoc)
		y, ok2 := fieldByBit(old, i, hostLoc)
		if !ok1 || !ok2 || x != y {
			return false
		}
	}
	return true
}

// differentLoop: a candidate is skipped when a different_* field is set
// and equal in both events.
func differentLoop(bits uint32, ev, old *event.Event, hostLoc bool) bool {
	for i := 0; i < nStaticFields; i++ {
		if bits&(1<<i) == 0 {
			continue
		}
		x, ok1 := fieldByBit(ev, i, hostLoc)
		y, ok2 := fieldByBit(old, i, hostLoc)
		if ok1 && ok2 && x == y {
			return false
		}
	}
	return true
}

// searchEvents is Search_LastEvents (if_matched_regex) over the global
// list. Quirk kept: the scan starts at the second newest stored event.
func (m *matcher) searchEvents(r *Rule) bool {
	c := &r.corr
	g := m.st.global
	count := 0
	var first *stored
	cat := eventCategory(m.ev)
	for i := len(g) - 2; i >= 0; i-- {
		e := g[i]
		if m.now-e.t > c.timeframe {
			return false
		}
		if !c.global && e.ev.AgentID != m.ev.AgentID {
			continue
		}
		if eventCategory(&e.ev) != cat {
			continue
		}
		if c.matchedRe != nil && !c.matchedRe.MatchString(e.ev.Log) {
			continue
		}
		if !m.candidateEvents(r, &e.ev) {
			continue
		}
		if e.matched >= r.Level {
			return false
		}
		if count < c.frequency {
			if count <= 10 {
				m.st.addPrevious(count, e)
			}
			count++
			if first == nil {
				first = e
			}
			continue
		}
		m.matched = r.Level
		if first != nil {
			first.matched = r.Level
		}
		return true
	}
	return false
}

func (m *matcher) candidateEvents(r *Rule, old *event.Event) bool {
	c := &r.corr
	ev := m.ev
	if c.same&fID != 0 && !sameStatic(ev, old, event.ID) {
		return false
	}
	if c.same&fSrcIP != 0 && !sameStatic(ev, old, event.SrcIP) {
		return false
	}
	if !sameLoop(c.same, ev, old, c.hostLoc) || !differentLoop(c.different, ev, old, c.hostLoc) {
		return false
	}
	return sameDynamic(c, ev, old) && diffDynamic(c, ev, old)
}

// doDiff is check_diff: it matches when the log differs from the one last
// stored for this host and rule; the first sighting only stores it.
func (s *State) doDiff(r *Rule, ev *event.Event) bool {
	key := ev.Hostname + "\x00" + strconv.Itoa(r.ID)
	old, ok := s.diff.get(key)
	if ok && old == ev.Log {
		return false
	}
	s.diff.put(key, ev.Log)
	if !ok {
		return false
	}
	ev.PreviousLog = old
	return true
}

// ftsKeyMax is OS_FLSIZE - 1.
const ftsKeyMax = 255

// ftsKey builds the first-time-seen key from the decoder's fts list.
func ftsKey(ev *event.Event) string {
	d := ev.Decoder
	var id, dstuser, srcuser, srcip, dstip, data, sys, loc bool
	var dyn []string
	for _, f := range d.FTS {
		switch f {
		case "name":
		case "id":
			id = true
		case "user", "dstuser":
			dstuser = true
		case "srcuser":
			srcuser = true
		case "srcip":
			srcip = true
		case "dstip":
			dstip = true
		case "data", "extra_data":
			data = true
		case "system_name":
			sys = true
		case "location":
			loc = true
		default:
			dyn = append(dyn, f)
		}
	}
	var b strings.Builder
	b.WriteString(d.Name)
	part := func(on bool, f event.Static) {
		b.WriteByte(' ')
		if v, ok := ev.Get(f); on && ok {
			b.WriteString(v)
		}
	}
	part(id, event.ID)
	part(dstuser, event.DstUser)
	part(srcuser, event.SrcUser)
	part(srcip, event.SrcIP)
	part(dstip, event.DstIP)
	part(data, event.Data)
	part(sys, event.SystemName)
	b.WriteByte(' ')
	if loc {
		b.WriteString(ev.Location)
	}
	for _, f := range dyn {
		b.WriteByte(' ')
		v, _ := ev.Field(f)
		b.WriteString(v)
	}
	k := b.String()
	if len(k) > ftsKeyMax {
		k = k[:ftsKeyMax]
	}
	return k
}

// firstTimeSeen is FTS(): true only the first time the key is seen. For
// IDS decoders a key close to more than two recent keys is cut to
// ftsMinSize characters, so near-identical keys collapse.
func (s *State) firstTimeSeen(ev *event.Event) bool {
	if ev.Decoder == nil || len(ev.Decoder.FTS) == 0 {
		return false
	}
	k := ftsKey(ev)
	if _, ok := s.fts.get(k); ok {
		return false
	}
	if ev.Decoder.Type == "ids" {
		k = s.collapseIDS(k)
	}
	if _, ok := s.fts.get(k); ok {
		return false
	}
	s.fts.put(k, "")
	return true
}

func (s *State) collapseIDS(k string) string {
	similar := 0
	for i := len(s.ftsRecent) - 1; i >= 0; i-- {
		if commonPrefix(s.ftsRecent[i], k) > ftsMinSize {
			similar++
			if similar > 2 {
				k = k[:ftsMinSize]
				break
			}
		}
	}
	s.ftsRecent = append(s.ftsRecent, k)
	if len(s.ftsRecent) > ftsListSize {
		s.ftsRecent = append(s.ftsRecent[:0], s.ftsRecent[1:]...)
	}
	return k
}

func commonPrefix(a, b string) int {
	n := 0
	for n < len(a) && n < len(b) && a[n] == b[n] {
		n++
	}
	return n
}

// ignoreKey builds the key of the ignore store from the listed fields.
func ignoreKey(ev *event.Event, bits uint32, dyn []string) string {
	var b strings.Builder
	if bits&ftsName != 0 && ev.Decoder != nil {
		b.WriteString(ev.Decoder.Name)
	}
	part := func(bit uint32, f event.Static) {
		b.WriteByte(' ')
		if v, ok := ev.Get(f); ok && bits&bit != 0 {
			b.WriteString(v)
		}
	}
	part(ftsID, event.ID)
	part(ftsDstUser, event.DstUser)
	part(ftsSrcIP, event.SrcIP)
	part(ftsDstIP, event.DstIP)
	part(ftsData, event.Data)
	part(ftsSystemName, event.SystemName)
	b.WriteByte(' ')
	if bits&ftsLocation != 0 {
		b.WriteString(ev.Location)
	}
	for _, f := range dyn {
		b.WriteByte(' ')
		v, _ := ev.Field(f)
		b.WriteString(v)
	}
	return b.String()
}
