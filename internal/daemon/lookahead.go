package daemon

import (
	"context"

	"github.com/gossec/gossec/internal/engine"
)

// lookaheadSize is how many queued events the loop takes at once: they
// are decoded on a second goroutine while the rules and the delivery of
// the ones before run on the loop.
const lookaheadSize = 64

// lookahead decodes queued events ahead of their delivery, on its own
// goroutine, in queue order (engine.Analyzer.Decode: the decoder state;
// the loop keeps the rules and the correlation state, engine.Analyzer.Match).
//
// Delivery is unchanged: the loop delivers the events one at a time, in
// order, and stops taking any while blocked. Events taken but not yet
// delivered are "held": the loop delivers them first once unblocked, a
// reload waits for them (Swap needs no event between the halves), and
// consume, which analyses events taken straight from the queue, settles
// them first, so a stop during an outage drops them undelivered with
// their positions uncommitted, as if they were still queued.
type lookahead struct {
	an    *engine.Analyzer
	work  chan int      // to the decoder: decode items[:n]
	ready chan struct{} // from the decoder: one per decoded item, in order
	items []item
	slots []engine.Slot
	n     int // events taken
	next  int // the next to deliver
}

func newLookahead(an *engine.Analyzer, size int) *lookahead {
	l := &lookahead{an: an, work: make(chan int), ready: make(chan struct{}, size),
		items: make([]item, size), slots: make([]engine.Slot, size)}
	go l.decode()
	return l
}

// decode is the decoder goroutine. The loop hands it a batch only when
// the previous one is fully delivered, so items and slots have one user
// at a time; the channels order their accesses.
func (l *lookahead) decode() {
	for n := range l.work {
		for i := range n {
			l.an.Decode(&l.slots[i], l.items[i].location, l.items[i].text)
			l.ready <- struct{}{}
		}
	}
}

// stop ends the decoder goroutine; nothing may be held.
func (l *lookahead) stop() { close(l.work) }

// pending reports whether events were taken and not yet delivered. A nil
// lookahead holds none.
func (l *lookahead) pending() bool { return l != nil && l.next < l.n }

// hold takes first and the events queued behind it (without waiting for
// more) and starts decoding them.
func (l *lookahead) hold(first item, queue <-chan item) {
	l.items[0], l.n, l.next = first, 1, 0
fill:
	for l.n < len(l.items) {
		select {
		case it := <-queue:
			l.items[l.n] = it
			l.n++
		default:
			break fill
		}
	}
	l.work <- l.n
}

// nextDecoded returns the next held event once it is decoded.
func (l *lookahead) nextDecoded() (item, *engine.Slot) {
	<-l.ready
	i := l.next
	l.next++
	it := l.items[i]
	l.items[i] = item{}
	return it, &l.slots[i]
}

// take analyses an event the loop took from the queue: alone on the loop
// when nothing is queued behind it (no hand-off, no added latency),
// otherwise with the events behind it through the lookahead.
func (d *daemon) take(it item) {
	if d.la == nil || len(d.items) == 0 {
		d.an.process(it)
		return
	}
	d.la.hold(it, d.items)
	d.runHeld()
}

// runHeld delivers held events until none is left or the analyzer blocks.
func (d *daemon) runHeld() {
	for d.la.pending() && !d.an.blocked() {
		it, slot := d.la.nextDecoded()
		d.an.processDecoded(it, slot)
	}
}

// consumeHeld is consume for the held events: delivered, waiting for a
// failing sink, or dropped once the stop abandons the outage.
func (d *daemon) consumeHeld(ctx context.Context) {
	for d.la.pending() {
		it, slot := d.la.nextDecoded()
		d.settle(ctx)
		if d.abandoning {
			d.an.discard(it)
			continue
		}
		d.an.processDecoded(it, slot)
		d.settle(ctx)
	}
}
