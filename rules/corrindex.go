package rules

import "github.com/gossec/gossec/internal/event"

// srcIndex lists the stored events of one correlation list by source IP,
// in list order. A same_source_ip search (the most common correlation)
// then visits only the events that can pass its filter, instead of every
// event of the timeframe: with many sources the plain scan costs
// memory_size comparisons per event.
//
// The shortcut is exact because a list is filled in time order: the plain
// scan stops at the first event older than the timeframe, and every event
// behind it is older still, so skipping the other sources' events changes
// nothing. If an event ever arrives older than the one before it (a clock
// going back), unordered is set and searches fall back to the plain scan.
type srcIndex struct {
	m         map[string][]*stored
	lastT     int64
	unordered bool
}

// useSrcIndex lets tests compare the index with the plain scan.
var useSrcIndex = true

func (x *srcIndex) add(s *stored) {
	if s.t < x.lastT {
		x.unordered = true
	}
	x.lastT = s.t
	ip, ok := s.ev.Get(event.SrcIP)
	if !ok {
		return
	}
	if x.m == nil {
		x.m = make(map[string][]*stored)
	}
	x.m[ip] = append(x.m[ip], s)
}

// drop forgets a trimmed event. Trimming takes the oldest events first, so
// it is the first of its source's list.
func (x *srcIndex) drop(s *stored) {
	ip, ok := s.ev.Get(event.SrcIP)
	if !ok {
		return
	}
	l := x.m[ip]
	if len(l) == 0 || l[0] != s {
		return
	}
	l[0] = nil
	if len(l) == 1 {
		delete(x.m, ip)
		return
	}
	x.m[ip] = l[1:]
}

// candidates returns the events a search of r over l must visit, newest
// last, and false when none can pass (the event has no source IP).
func (l *evList) candidates(r *Rule, ev *event.Event) ([]*stored, bool) {
	if !useSrcIndex || r.corr.same&fSrcIP == 0 || l.bySrc.unordered {
		return l.evs, true
	}
	ip, ok := ev.Get(event.SrcIP)
	if !ok {
		return nil, false
	}
	return l.bySrc.m[ip], true
}
