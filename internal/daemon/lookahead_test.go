package daemon

import (
	"context"
	"testing"
)

// heldFixture is a daemon whose lookahead holds events 2..n behind event
// 1, with a sink that takes only the first alert: event 1 is delivered,
// event 2 is stuck, 3..n are held (decoded, not delivered).
func heldFixture(t *testing.T, n int) (*deliveryFixture, *daemon) {
	t.Helper()
	f := newDeliveryFixture(t, false)
	f.sink.set(func(s *fakeSink) { s.limit = 1 })
	d := &daemon{log: f.an.log, an: f.an, pos: f.an.pos, stats: f.stats, items: make(chan item, n)}
	d.la = newLookahead(f.an.an, lookaheadSize)
	t.Cleanup(d.la.stop)
	for i := 2; i <= n; i++ {
		d.items <- testItem(i)
	}
	d.take(testItem(1))
	if !f.an.blocked() || !d.la.pending() || len(d.items) != 0 {
		t.Fatalf("blocked %v, held %v, queued %d: want event 2 stuck, the rest held", f.an.blocked(), d.la.pending(), len(d.items))
	}
	return f, d
}

// TestHeldAbandonedAtStop: a stop during an outage drops the stuck event
// and the events decoded ahead undelivered, their positions uncommitted,
// as it drops the events still queued.
func TestHeldAbandonedAtStop(t *testing.T) {
	f, d := heldFixture(t, 6)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	d.consumeHeld(ctx)
	if d.la.pending() || !d.abandoning {
		t.Fatalf("held %v, abandoning %v after the stop", d.la.pending(), d.abandoning)
	}
	f.an.commit()
	if got := f.durable(t); got != 100 {
		t.Errorf("committed offset %d, want 100 (event 1 only)", got)
	}
	if got := f.stats.AbandonedAtStop.Load(); got != 5 {
		t.Errorf("%d events abandoned, want 5 (the stuck one and 4 held)", got)
	}
	if al, _ := f.sink.written(testLine(3)); al != 0 {
		t.Error("a held event was written during the outage")
	}
}

// TestHeldDeliveredInOrder: once the sink works again, the stuck event
// and the held ones are delivered once each before anything consume takes
// from the queue (the last committed position is that event's).
func TestHeldDeliveredInOrder(t *testing.T) {
	f, d := heldFixture(t, 6)
	f.sink.set(func(s *fakeSink) { s.limit = 0 })
	d.an.retry()
	d.consume(context.Background(), testItem(7))
	if d.la.pending() || f.an.blocked() {
		t.Fatalf("held %v, blocked %v after the outage", d.la.pending(), f.an.blocked())
	}
	f.an.commit()
	if got := f.durable(t); got != 700 {
		t.Errorf("committed offset %d, want 700", got)
	}
	for n := 1; n <= 7; n++ {
		if al, _ := f.sink.written(testLine(n)); al != 1 {
			t.Errorf("line %d written %d times, want 1", n, al)
		}
	}
}
