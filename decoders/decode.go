package decoders

import (
	"github.com/gossec/gossec/internal/event"
	"github.com/gossec/gossec/internal/osregex"
)

// State is the per-session mutable part of decoding: the accumulator, the
// decoder types rewritten by plugins, the OSSEC-alert result and scratch
// buffers. It must not be shared between goroutines.
type State struct {
	// RuleExists tells OSSECAlert_Decoder whether a rule id is loaded (its
	// C version looks the id up in the rule hash and gives up when it is
	// missing). Nil means no rule is known.
	RuleExists func(id string) bool

	generated string // rule id found by OSSECAlert_Decoder for the last event

	caps  []int
	lower []byte // lowercased program name
	cand  []int32

	plain bool // no filters: the reference scan of the differential tests

	// budget bounds the backtracking matches of the event being decoded
	// (DecodeIn); nil outside DecodeIn.
	budget *osregex.Budget

	names nameCache // JSON field names

	// retyped remembers the type a plugin wrote into a reporting decoder;
	// analysisd writes it into the shared decoder, so it sticks for the
	// rest of the session.
	retyped map[*decoder]typeSlot

	acc accumulator
}

// NewState returns an empty per-session state.
func NewState() *State {
	return &State{caps: make([]int, 0, 64), lower: make([]byte, 0, 64), cand: make([]int32, 0, 64)}
}

// GeneratedRule returns the rule id OSSECAlert_Decoder extracted from the
// last decoded event: analysisd then reports that rule directly instead of
// walking the rule tree (wazuh-logtest matches no rule for such events).
func (st *State) GeneratedRule() (string, bool) { return st.generated, st.generated != "" }

// Decode runs phase 2 on ev: it picks the decoder, fills ev.Decoder and the
// static and dynamic fields.
func (s *Set) Decode(ev *event.Event, st *State) {
	s.decode(ev, st, true)
}

// DecodeIn is Decode with the backtracking matches under the event's
// budget b (the rules share it). A match that was cut (timed out, or
// skipped once b was spent) counts as no match: the decoder is not
// selected, or its regex chain stops. Each cut is labelled "decoder" and
// the decoder's own name in b.
func (s *Set) DecodeIn(ev *event.Event, st *State, b *osregex.Budget) {
	st.budget = b
	s.decode(ev, st, true)
	st.budget = nil
}

// find is p.Find under the event budget, into st.caps; a cut match is
// labelled with d's name and fails.
func (st *State) find(d *decoder, p *osregex.Pattern, subj string) (end int, ok bool) {
	mark := st.budget.Mark()
	var cut bool
	st.caps, end, ok, cut = p.FindIn(st.budget, subj, st.caps[:0])
	if cut {
		st.budget.Own(mark, "decoder", d.ownName)
	}
	return end, ok
}

// findCompact is find keeping only the groups that took part in the
// match (LoadOptions.CompactCaptures).
func (st *State) findCompact(d *decoder, p *osregex.Pattern, subj string) (end int, ok bool) {
	mark := st.budget.Mark()
	var cut bool
	st.caps, end, ok, cut = p.FindCompactIn(st.budget, subj, st.caps[:0])
	if cut {
		st.budget.Own(mark, "decoder", d.ownName)
	}
	return end, ok
}

// decode selects the top-level node through the index or, for tests, with
// the plain ordered scan analysisd performs; both give the same result.
func (s *Set) decode(ev *event.Event, st *State, indexed bool) {
	st.generated = ""
	st.plain = !indexed
	list := s.nopn
	if ev.HasProgramName {
		list = s.pn
	}
	if !indexed {
		for _, t := range list {
			if s.tryTop(t, ev, st) {
				return
			}
		}
		return
	}
	cands := s.nopnIdx.candidates(ev.Log)
	if ev.HasProgramName {
		cands = s.pnIdx.candidates(ev.ProgramName, st)
	}
	for _, i := range cands {
		// The program name first: a short subject, and a failure there
		// spares the log scan the prefilter may need.
		t := list[i]
		if programOK(t, ev, st) && s.passes(&t.filt, ev) && s.tryPrematch(t, ev, st) {
			return
		}
	}
}

// tryTop tests one top-level node; when it matches, the node is committed
// and decoded (later nodes are never tried) and tryTop reports true.
func (s *Set) tryTop(t *topNode, ev *event.Event, st *State) bool {
	return programOK(t, ev, st) && s.tryPrematch(t, ev, st)
}

// programOK tests a node's program_name (PN list only).
func programOK(t *topNode, ev *event.Event, st *State) bool {
	if !ev.HasProgramName {
		return true
	}
	mark := st.budget.Mark()
	ok, cut := t.dec.programName.MatchStringIn(st.budget, ev.ProgramName)
	if cut {
		st.budget.Own(mark, "decoder", t.dec.ownName)
	}
	return ok
}

// tryPrematch is tryTop once the program name has matched.
func (s *Set) tryPrematch(t *topNode, ev *event.Event, st *State) bool {
	d := t.dec
	p := 0
	if d.prematch != nil {
		var ok bool
		if p, ok = st.find(d, d.prematch, ev.Log); !ok {
			return false
		}
	}
	s.commit(t, p, ev, st)
	return true
}

// run holds the offsets of one decoding pass. -1 stands for analysisd's
// NULL pointer (an offset that was never set).
type run struct {
	reporter      *decoder // lf->decoder_info
	afterParent   int      // lf->log_after_parent
	afterPrematch int      // lf->log_after_prematch
}

// commit decodes with the committed top-level node t whose prematch ended
// at p (the parent end).
func (s *Set) commit(t *topNode, p int, ev *event.Event, st *State) {
	r := run{reporter: t.dec, afterParent: -1, afterPrematch: p}
	if chain, start, c, ok := s.selectChild(t, p, ev, st, &r); ok {
		s.runChain(chain, start, p, c, ev, st, &r)
	}
	s.finish(&r, ev, st)
}

// selectChild picks the node whose regex/plugin runs: the top node itself
// when it has no children, else the first child whose prematch matches or
// the first child without prematch. It returns the list to follow, the
// index in it and C, the child end (-1 = unset).
func (s *Set) selectChild(t *topNode, p int, ev *event.Event, st *State, r *run) ([]*decoder, int, int, bool) {
	if len(t.children) == 0 {
		return t.self, 0, -1, true
	}
	kids := t.children
	for i := 0; i < len(kids); {
		c := kids[i]
		if c.prematch == nil {
			// Selected, but the reporting decoder stays the parent.
			return kids, i, p, true
		}
		subj, base := ev.Log, 0
		if c.preOffset == offAfterParent {
			subj, base = ev.Log[p:], p
		}
		var end int
		ok := st.plain || s.passesAt(c.filt, subj, ev)
		if ok {
			end, ok = st.find(c, c.prematch, subj)
		}
		if ok {
			r.reporter = c
			r.afterParent = p
			r.afterPrematch = base + end
			return kids, i, base + end, true
		}
		// A failing chain head skips its whole chain.
		if c.getNext {
			for i < len(kids) && kids[i].getNext {
				i++
			}
			if i >= len(kids) {
				return nil, 0, 0, false
			}
		}
		i++
	}
	return nil, 0, 0, false
}

// runChain runs the selected node and follows getNext through the list.
func (s *Set) runChain(list []*decoder, i, p, c int, ev *event.Event, st *State, r *run) {
	prev := -1 // end of the previous successful regex
	for i < len(list) {
		n := list[i]
		switch {
		case n.plugin != plugNone:
			s.runPlugin(n, ev, st, r)
		case n.regex != nil:
			start, ok := regexStart(n.regexOffset, p, c, prev)
			if !ok {
				return
			}
			subj := ev.Log[start:]
			var end int
			matched := st.plain || s.passesAt(n.regexFilt, subj, ev)
			if matched {
				if n.compact {
					end, matched = st.findCompact(n, n.regex, subj)
				} else {
					end, matched = st.find(n, n.regex, subj)
				}
			}
			if !matched {
				if n.getNext {
					i++
					continue
				}
				return
			}
			prev = start + end
			if len(ev.Dynamic) >= event.MaxDynamic {
				return // analysisd: "Regex has too many groups."
			}
			assign(n, ev, subj, st.caps)
		default:
			return
		}
		if !n.getNext {
			return
		}
		i++
	}
}

// regexStart resolves a regex offset to a position in the log.
func regexStart(o offset, p, c, prev int) (int, bool) {
	switch o {
	case offAfterParent:
		return p, true
	case offAfterPrematch:
		return c, c >= 0
	case offAfterRegex:
		if prev >= 0 {
			return prev, true
		}
		return c, c >= 0
	}
	return 0, true
}

// assign maps capture spans (relative to subj) to the order fields.
func assign(n *decoder, ev *event.Event, subj string, caps []int) {
	for k := 0; k+1 < len(caps) && k/2 < len(n.order); k += 2 {
		v := subj[caps[k]:caps[k+1]]
		o := &n.order[k/2]
		if o.dynamic != "" {
			ev.AddDynamic(o.dynamic, v)
		} else {
			ev.Set(o.static, v)
		}
	}
}

// finish reports the decoder and runs the accumulator.
func (s *Set) finish(r *run, ev *event.Event, st *State) {
	ev.Decoder = r.reporter.info
	if len(st.retyped) > 0 {
		if slot, ok := st.retyped[r.reporter]; ok && r.reporter.variants != nil {
			ev.Decoder = r.reporter.variants[slot]
		}
	}
	if ev.Decoder.Accumulate {
		st.acc.apply(ev)
	}
}

// retype records the type a plugin writes into the reporting decoder.
func (st *State) retype(d *decoder, slot typeSlot) {
	if st.retyped == nil {
		st.retyped = map[*decoder]typeSlot{}
	}
	st.retyped[d] = slot
}

// pluginInput chooses the plugin input by the reporting decoder's plugin
// offset, as JSON_Decoder does; ok is false for analysisd's NULL input.
func pluginInput(ev *event.Event, r *run) (string, bool) {
	switch r.reporter.plugOffset {
	case offNone:
		return ev.Log, true
	case offAfterParent:
		if r.afterParent < 0 {
			return "", false
		}
		return ev.Log[r.afterParent:], true
	case offAfterPrematch:
		if r.afterPrematch < 0 {
			return "", false
		}
		return ev.Log[r.afterPrematch:], true
	}
	return "", false
}

// runPlugin executes n's plugin. Only JSON_Decoder honours the plugin
// offset; the others read the whole log, like their C versions.
func (s *Set) runPlugin(n *decoder, ev *event.Event, st *State, r *run) {
	switch n.plugin {
	case plugJSON:
		if in, ok := pluginInput(ev, r); ok {
			decodeJSON(in, ev, r.reporter, &st.names, s.jsonUser)
		}
	case plugPF:
		decodePF(ev)
	case plugSymantecWS:
		decodeSymantecWS(ev)
	case plugSonicWall:
		decodeSonicWall(s.sonic, ev, st, r.reporter)
	case plugOSSECAlert:
		decodeOSSECAlert(ev, st, r.reporter)
	}
}
