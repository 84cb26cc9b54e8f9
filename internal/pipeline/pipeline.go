package pipeline

import (
	"github.com/gossec/gossec/internal/alert"
	"github.com/gossec/gossec/internal/engine"
)

// Item is one event in the pipeline. The sink may read it until it
// returns; the slot is then reused.
type Item struct {
	slot engine.Slot // prepared by Push, decoded by the decode stage
	// Result is the analysis of the event. Result.Match.Previous is
	// cleared: it is the rule state's scratch, overwritten by the next
	// match (the alert carries what it needs of it).
	Result engine.Result
	// Alert is the event's alert, built by the match stage when
	// Config.Build said so; nil otherwise.
	Alert *alert.Alert
}

// Config tunes a Pipeline.
type Config struct {
	// Batch is the number of events per hand-off between stages
	// (default 128): channel operations are paid per batch.
	Batch int
	// Batches is the number of batches in flight (default 4): it bounds
	// the memory and how far decoding runs ahead of the sink.
	Batches int
	// Build tells the match stage whether an event needs its alert built
	// (engine.Analyzer.Alert numbers alerts, so it runs in input order
	// there). Nil: never.
	Build func(res *engine.Result) bool
	// Sink receives the analysed events in input order, a batch at a time,
	// on the sink goroutine. It must not keep the items.
	Sink func(items []Item)
}

type batch struct {
	items []Item
	n     int
}

// Pipeline analyses the lines given to Push on three goroutines besides
// the caller's (see the package documentation). Push, Flush and Close are
// called from one goroutine.
type Pipeline struct {
	an      *engine.Analyzer
	cfg     Config
	free    chan *batch // batches the sink is done with
	read    chan *batch // to the decode stage
	decoded chan *batch // to the match stage
	matched chan *batch // to the sink stage
	done    chan struct{}
	cur     *batch // the batch being filled by Push
}

// Start starts the match and sink stages for an. Until Close returns, an
// must be used only through the Pipeline.
func Start(an *engine.Analyzer, cfg Config) *Pipeline {
	if cfg.Batch <= 0 {
		cfg.Batch = 128
	}
	if cfg.Batches <= 0 {
		cfg.Batches = 4
	}
	p := &Pipeline{
		an:      an,
		cfg:     cfg,
		free:    make(chan *batch, cfg.Batches),
		read:    make(chan *batch, cfg.Batches),
		decoded: make(chan *batch, cfg.Batches),
		matched: make(chan *batch, cfg.Batches),
		done:    make(chan struct{}),
	}
	for range cfg.Batches {
		p.free <- &batch{items: make([]Item, cfg.Batch)}
	}
	go p.decode()
	go p.match()
	go p.sink()
	return p
}

// Push hands one line received at location to the decode stage (a batch
// at a time); it blocks while every batch is in flight (back-pressure).
func (p *Pipeline) Push(location, line string) {
	if p.cur == nil {
		p.cur = <-p.free
	}
	b := p.cur
	// Pre-decoding and the literal scan need no session state: they run
	// here, on the caller's goroutine, which otherwise only reads lines,
	// so that the decoder stage (the busiest) has less to do.
	it := &b.items[b.n]
	p.an.Prepare(&it.slot, location, line)
	p.an.Prescan(&it.slot)
	b.n++
	if b.n == len(b.items) {
		p.Flush()
	}
}

// Flush hands the events pushed so far to the later stages without
// waiting for a full batch.
func (p *Pipeline) Flush() {
	if p.cur != nil && p.cur.n > 0 {
		p.read <- p.cur
		p.cur = nil
	}
}

// Close hands the last events on and waits until the sink has had them
// all. The Analyzer may then be used directly again.
func (p *Pipeline) Close() {
	p.Flush()
	close(p.read)
	<-p.done
}

// decode is the decoder stage: the one user of the decoder state.
func (p *Pipeline) decode() {
	for b := range p.read {
		for i := range b.items[:b.n] {
			it := &b.items[i]
			p.an.DecodePrepared(&it.slot)
		}
		p.decoded <- b
	}
	close(p.decoded)
}

// match is the rule stage: the one user of the correlation state.
func (p *Pipeline) match() {
	for b := range p.decoded {
		for i := range b.items[:b.n] {
			it := &b.items[i]
			it.Result = p.an.Match(&it.slot, nil)
			it.Alert = nil
			if p.cfg.Build != nil && p.cfg.Build(&it.Result) {
				it.Alert = p.an.Alert(it.Result)
			}
			it.Result.Match.Previous = nil
		}
		p.matched <- b
	}
	close(p.matched)
}

// sink is the output stage; it returns each batch for reuse.
func (p *Pipeline) sink() {
	for b := range p.matched {
		if p.cfg.Sink != nil {
			p.cfg.Sink(b.items[:b.n])
		}
		b.n = 0
		p.free <- b
	}
	close(p.done)
}
