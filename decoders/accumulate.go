package decoders

import (
	"strings"

	"github.com/gossec/gossec/internal/event"
)

// Accumulator limits, as in analysisd's accumulator.c.
const (
	accExpire     = 120 // seconds an entry lives after its last update
	accPurgeEvery = 200 // lookups between sweeps of expired entries
	accMaxKey     = 256 // keys of this length or more are not accumulated
	accMaxValue   = 80  // longer values are neither stored nor restored
)

// accFields are the fields the accumulator carries between events.
var accFields = [...]event.Static{event.DstUser, event.SrcUser, event.DstIP, event.SrcIP, event.DstPort, event.SrcPort, event.Data}

type accEntry struct {
	stamp  int64
	values [len(accFields)]string
}

// accumulator fills empty fields of events sharing hostname, decoder name
// and id from earlier events of the last 120 seconds.
type accumulator struct {
	entries map[string]*accEntry
	lookups int
	key     []byte
}

// apply runs the accumulator on a decoded event whose decoder has
// <accumulate>.
func (a *accumulator) apply(ev *event.Event) {
	id, ok := ev.Get(event.ID)
	if !ok {
		return
	}
	now := ev.Time.Unix()
	a.purge(now)
	a.key = append(append(append(append(append(a.key[:0], ev.Hostname...), ' '), ev.Decoder.Name...), ' '), id...)
	if len(a.key) >= accMaxKey {
		return
	}
	e, found := a.entries[string(a.key)]
	switch {
	case found && e.stamp > 0 && e.stamp < now-accExpire:
		*e = accEntry{}
	case found:
		for i, f := range accFields {
			if cur, _ := ev.Get(f); cur == "" && usable(e.values[i]) {
				ev.Set(f, e.values[i])
			}
		}
	default:
		e = &accEntry{}
		if a.entries == nil {
			a.entries = map[string]*accEntry{}
		}
		a.entries[string(a.key)] = e
	}
	e.stamp = now
	// Stored values are sticky: an entry only learns fields it lacks.
	for i, f := range accFields {
		if v, _ := ev.Get(f); e.values[i] == "" && usable(v) {
			e.values[i] = strings.Clone(v)
		}
	}
}

func usable(v string) bool { return v != "" && len(v) <= accMaxValue }

// purge drops expired entries every accPurgeEvery lookups so the map does
// not grow without bound.
func (a *accumulator) purge(now int64) {
	a.lookups++
	if a.lookups < accPurgeEvery {
		return
	}
	a.lookups = 0
	for k, e := range a.entries {
		if e.stamp < now-accExpire {
			delete(a.entries, k)
		}
	}
}
