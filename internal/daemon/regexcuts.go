package daemon

import (
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/gossec/gossec/internal/osregex"
	"github.com/gossec/gossec/internal/ratelog"
)

// regexCuts counts the backtracking regex matches the per-event budget
// cut (timed out, or skipped once the event's budget was spent), in total
// and per rule or decoder, and logs them through the analyzer's ratelog:
// a hostile sender can cut a match on every event, and the log must not
// grow with its rate, so each rule or decoder is logged at its first cut,
// then summarised once a minute while its cuts go on. A cut match counted
// as no match for its rule or decoder.
type regexCuts struct {
	timedOut, skipped, events atomic.Int64

	mu     sync.Mutex // owners: written by the analyzer, read by the state writer
	owners map[regexOwner]*regexOwnerCount
}

type regexOwner struct{ kind, name string }

type regexOwnerCount struct {
	n   int64
	key string // the owner's ratelog key, built once
}

// record counts the cuts of one event and logs them through rl.
func (c *regexCuts) record(cuts []osregex.Cut, rl *ratelog.Logger) {
	if len(cuts) == 0 {
		return
	}
	c.events.Add(1)
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.owners == nil {
		c.owners = map[regexOwner]*regexOwnerCount{}
	}
	for _, cut := range cuts {
		if cut.Skipped {
			c.skipped.Add(1)
		} else {
			c.timedOut.Add(1)
		}
		kind, name := cut.OwnerKind, cut.Owner
		if kind == "" {
			kind, name = "unknown", "unknown"
		}
		k := regexOwner{kind, name}
		oc := c.owners[k]
		if oc == nil {
			oc = &regexOwnerCount{key: kind + ":" + name}
			c.owners[k] = oc
		}
		oc.n++
		if rl.Again(oc.key) {
			continue // counted into the owner's next summary
		}
		how := "timed out"
		if cut.Skipped {
			how = "skipped, the event's regex budget was spent"
		}
		rl.Log(slog.LevelWarn, oc.key, "regex match cut: counted as no match", kind, name,
			"pattern", cut.Pattern.String(), "how", how)
	}
}

func (c *regexCuts) counters() []counter {
	return []counter{
		{"regex_timeouts", "backtracking regex matches stopped by their timeout, counted as no match", c.timedOut.Load()},
		{"regex_skipped", "backtracking regex matches not run because the event's regex budget was spent", c.skipped.Load()},
		{"regex_budget_events", "events with at least one cut (timed out or skipped) regex match", c.events.Load()},
	}
}

// snapshot returns the per-owner counts, sorted.
func (c *regexCuts) snapshot() ([]regexOwner, []int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	keys := make([]regexOwner, 0, len(c.owners))
	for k := range c.owners {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b regexOwner) int {
		if a.kind != b.kind {
			if a.kind < b.kind {
				return -1
			}
			return 1
		}
		if a.name < b.name {
			return -1
		}
		if a.name > b.name {
			return 1
		}
		return 0
	})
	ns := make([]int64, len(keys))
	for i, k := range keys {
		ns[i] = c.owners[k].n
	}
	return keys, ns
}

// appendState adds regex_timeouts:KIND:NAME='N' lines: the cut matches
// (timed out or skipped) of each rule and decoder.
func (c *regexCuts) appendState(b []byte) []byte {
	keys, ns := c.snapshot()
	for i, k := range keys {
		b = fmt.Appendf(b, "regex_timeouts:%s:%s='%d'\n", k.kind, k.name, ns[i])
	}
	return b
}

func (c *regexCuts) appendMetrics(b []byte) []byte {
	b = appendMetricHead(b, "gossec_regex_cut_total", "counter", "backtracking regex matches cut (timed out or skipped for the event budget), by rule or decoder")
	keys, ns := c.snapshot()
	for i, k := range keys {
		b = append(b, "gossec_regex_cut_total{kind=\""...)
		b = appendLabelValue(b, k.kind)
		b = append(b, "\",name=\""...)
		b = appendLabelValue(b, k.name)
		b = fmt.Appendf(b, "\"} %d\n", ns[i])
	}
	return b
}
