package remote

import (
	"runtime/debug"
	"sync"
	"time"
)

// Long lines and frames are read into MaxMessage+1 byte buffers borrowed
// from a pool, so that only the connections in the middle of such a
// message hold one. A flood of them (every connection sending a long
// line) borrows up to MaxConnections buffers; when it is over the heap
// has shrunk, but the Go runtime only gives the pages back to the kernel
// after its next collection, which an idle daemon may not run for two
// minutes. bufPool therefore returns the memory at once when a burst
// ends: when no buffer has been out for releaseDelay after at least
// releaseBurst bytes were out at the same time, at most once per
// releaseEvery. The delay also lets the analyzer work through the
// burst's messages first, so that their garbage goes back too.
const (
	releaseBurst = 2 << 20
	releaseDelay = 5 * time.Second
	releaseEvery = time.Minute
)

type bufPool struct {
	size int // capacity of every buffer
	pool sync.Pool
	// free runs the release (debug.FreeOSMemory); tests replace it and
	// shorten the delays.
	free         func()
	delay, every time.Duration

	mu          sync.Mutex
	out, peak   int // buffers borrowed now, and at most since the last release
	lastRelease time.Time
	timer       *time.Timer
}

func newBufPool(size int) *bufPool {
	p := &bufPool{size: size, free: debug.FreeOSMemory, delay: releaseDelay, every: releaseEvery}
	p.pool.New = func() any {
		b := make([]byte, 0, size)
		return &b
	}
	return p
}

// get borrows an empty buffer of p.size bytes capacity.
func (p *bufPool) get() *[]byte {
	p.mu.Lock()
	p.out++
	p.peak = max(p.peak, p.out)
	p.mu.Unlock()
	b := p.pool.Get().(*[]byte)
	*b = (*b)[:0]
	return b
}

// put gives b back; nil is ignored.
func (p *bufPool) put(b *[]byte) {
	if b == nil {
		return
	}
	p.pool.Put(b)
	p.mu.Lock()
	defer p.mu.Unlock()
	p.out--
	if p.out == 0 && p.peak*p.size >= releaseBurst && p.timer == nil {
		p.timer = time.AfterFunc(p.delay, p.release)
	}
}

// release runs p.delay after the last buffer came back: the burst is over
// when none is out again. A release refused because the last one was
// less than p.every ago waits for the next burst's end.
func (p *bufPool) release() {
	p.mu.Lock()
	p.timer = nil
	if p.out > 0 || time.Since(p.lastRelease) < p.every {
		p.mu.Unlock()
		return
	}
	p.peak, p.lastRelease = 0, time.Now()
	p.mu.Unlock()
	p.free()
}

// stop cancels a pending release (Run ends).
func (p *bufPool) stop() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.timer != nil {
		p.timer.Stop()
		p.timer = nil
	}
}
