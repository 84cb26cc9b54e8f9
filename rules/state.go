package rules

import (
	"github.com/gossec/gossec/internal/event"
)

// Config holds the settings of a State.
type Config struct {
	LogAlertLevel   int  // alerts.log_alert_level; 0 selects 1
	EmailAlertLevel int  // alerts.email_alert_level; kept for symmetry: the mail flag is set at load (LoadOptions)
	MemorySize      int  // analysisd memory_size (events kept for correlation); 0 selects 8192
	Logtest         bool // wazuh-logtest behaviour for ignore and the ignore store
}

// maxPrevious is the number of previous events collected per alert
// (indexes 0..10 of analysisd's last_events).
const maxPrevious = 11

// storeLimit bounds the FTS, ignore and check_diff stores of a State.
const storeLimit = 1 << 16

// ftsListSize and ftsMinSize are analysisd.fts_list_size and
// analysisd.fts_min_size_for_str.
const (
	ftsListSize = 32
	ftsMinSize  = 14
)

// stored is one event in the correlation memory.
type stored struct {
	ev      event.Event // a copy, held by value: one allocation per stored event
	t       int64       // processing time, seconds
	matched int         // level of the correlation rule that last counted it
	dead    bool        // trimmed from the global list
	sid     int
	groups  []int
}

// evList is one list of stored events, oldest first. Trimmed events are
// always a prefix, since every list is filled in global order.
type evList struct {
	evs   []*stored
	dead  int
	bySrc srcIndex
}

func (l *evList) add(s *stored) {
	l.evs = append(l.evs, s)
	l.bySrc.add(s)
}

// compact drops the trimmed prefix once it is large.
func (l *evList) compact() {
	if l.dead < 64 || l.dead*2 < len(l.evs) {
		return
	}
	n := copy(l.evs, l.evs[l.dead:])
	clear(l.evs[n:])
	l.evs = l.evs[:n]
	l.dead = 0
}

// boundedSet is a set of strings that forgets its oldest entries.
type boundedSet struct {
	m     map[string]string
	order []string
}

func (b *boundedSet) get(k string) (string, bool) {
	v, ok := b.m[k]
	return v, ok
}

func (b *boundedSet) put(k, v string) {
	if b.m == nil {
		b.m = make(map[string]string)
	}
	if _, ok := b.m[k]; !ok {
		b.order = append(b.order, k)
	}
	b.m[k] = v
	if len(b.order) > storeLimit {
		old := b.order[:storeLimit/4]
		for _, o := range old {
			delete(b.m, o)
		}
		b.order = append(b.order[:0], b.order[storeLimit/4:]...)
	}
}

// State is the mutable per-session part of rule evaluation: correlation
// memory, firedtimes, ignore timers, the FTS, ignore and check_diff stores.
// Its memory is bounded. It is not safe for concurrent use.
type State struct {
	t      *Tree
	cfg    Config
	fired  []int
	ignAt  []int64
	sid    []evList
	group  []evList
	global []*stored // oldest first
	// gbase is the array global lives in and ghead the number of trimmed
	// slots before global in it: trim drops from the front by reslicing,
	// and appendGlobal moves the live events back to the start once the
	// dead prefix is as long as them, so that a full memory costs about
	// one pointer copy per stored event instead of memory_size per trim.
	// gbase nil means global starts its array (ghead is 0).
	gbase []*stored
	ghead int

	fts       boundedSet
	ftsRecent []string
	ignored   boundedSet
	diff      boundedSet

	prev  [maxPrevious]*stored
	nprev int
	out   []*event.Event
}

// NewState returns an empty session state for t.
func NewState(t *Tree, c Config) *State {
	if c.LogAlertLevel == 0 {
		c.LogAlertLevel = 1
	}
	if c.EmailAlertLevel == 0 {
		c.EmailAlertLevel = 12
	}
	if c.MemorySize <= 0 {
		c.MemorySize = 8192
	}
	return &State{
		t:     t,
		cfg:   c,
		fired: make([]int, len(t.rules)),
		ignAt: make([]int64, len(t.rules)),
		sid:   make([]evList, t.nSid),
		group: make([]evList, t.nGroup),
		out:   make([]*event.Event, 0, maxPrevious),
	}
}

// FiredTimes returns how many times the rule fired in this session.
func (s *State) FiredTimes(r *Rule) int { return s.fired[r.idx] }

// store adds an alerting event to the correlation memory: the
// sid_prev_matched list of its rule, else the if_matched_group lists that
// marked it, and the global list bounded by memory_size.
func (s *State) store(ev *event.Event, r *Rule, matched int) {
	e := &stored{t: ev.Time.Unix(), matched: matched, sid: -1}
	ev.CloneInto(&e.ev)
	if r.corr.storeSid >= 0 {
		e.sid = r.corr.storeSid
		s.sid[e.sid].add(e)
	} else if len(r.corr.storeGroups) > 0 {
		e.groups = r.corr.storeGroups
		for _, g := range e.groups {
			s.group[g].add(e)
		}
	}
	s.appendGlobal(e)
	if len(s.global) > s.cfg.MemorySize {
		s.trim(10)
	}
}

// trim drops the n oldest events of the global list, and so from every
// list, as analysisd frees them.
func (s *State) trim(n int) {
	if n > len(s.global) {
		n = len(s.global)
	}
	for _, e := range s.global[:n] {
		e.dead = true
		if e.sid >= 0 {
			s.sid[e.sid].dead++
			s.sid[e.sid].bySrc.drop(e)
			s.sid[e.sid].compact()
		}
		for _, g := range e.groups {
			s.group[g].dead++
			s.group[g].bySrc.drop(e)
			s.group[g].compact()
		}
	}
	if s.gbase == nil {
		s.gbase = s.global[:cap(s.global)]
	}
	clear(s.global[:n])
	s.global = s.global[n:]
	s.ghead += n
}

// appendGlobal appends e to the global list, reusing the slots trim freed
// at the front of its array when they are as many as the live events.
func (s *State) appendGlobal(e *stored) {
	if len(s.global) == cap(s.global) && s.ghead > 0 && s.ghead >= len(s.global) {
		k := copy(s.gbase, s.global)
		clear(s.gbase[k:])
		s.global = s.gbase[:k]
		s.ghead = 0
	}
	grows := len(s.global) == cap(s.global)
	s.global = append(s.global, e)
	if grows {
		s.gbase, s.ghead = s.global[:cap(s.global)], 0
	}
}

// resetPrevious clears the collected previous events (w_FreeArray).
func (s *State) resetPrevious() {
	for i := 0; i < s.nprev; i++ {
		s.prev[i] = nil
	}
	s.nprev = 0
}

// addPrevious is add_lastevt: slot i holds the i-th counted event.
func (s *State) addPrevious(i int, e *stored) {
	if i >= maxPrevious {
		return
	}
	s.prev[i] = e
	if i >= s.nprev {
		s.nprev = i + 1
	}
}

// previous returns the collected events, newest first. The slice is reused
// by the next Match.
func (s *State) previous() []*event.Event {
	s.out = s.out[:0]
	for i := 0; i < s.nprev; i++ {
		if s.prev[i] != nil {
			s.out = append(s.out, &s.prev[i].ev)
		}
	}
	if len(s.out) == 0 {
		return nil
	}
	return s.out
}
