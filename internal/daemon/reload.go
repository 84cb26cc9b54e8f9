package daemon

import (
	"context"
	"fmt"
	"slices"
	"sort"

	"github.com/gossec/gossec/internal/config"
	"github.com/gossec/gossec/internal/engine"
	"github.com/gossec/gossec/internal/xmlconf"
)

// reload re-reads configuration and ruleset (SIGHUP). Everything is
// loaded and checked first: on any error it logs every one and changes
// nothing (inputs, ruleset and outputs keep running untouched). Otherwise:
//
//  1. inputs whose <localfile>/<remote> section was removed or changed are
//     stopped, and every event they sent is analysed (with the running
//     ruleset, as is everything queued before the reload);
//  2. alerts are flushed and positions committed, so a restarted tailer
//     resumes exactly after the lines already analysed;
//  3. the new ruleset is installed, keeping the correlation state;
//  4. new and changed inputs start; unchanged ones were never touched;
//  5. outputs are applied (outputs.apply);
//  6. what changed is logged: rules added and removed per file (a rule
//     file that vanished is a WARN naming it), decoders, inputs started
//     and stopped, outputs, and the settings that need a restart.
func (d *daemon) reload(ctx context.Context) {
	warn := func(p xmlconf.Pos, m string) { d.log.Warn(m, "at", p.String()) }
	ld, errs := load(d.opt.ConfigPath, d.opt.Home, warn, d.log, false)
	if len(errs) > 0 {
		for _, e := range errs {
			d.log.Error("reload failed, keeping the running configuration and ruleset", "error", e)
		}
		d.stats.ReloadFailures.Add(1)
		d.log.Error("reload refused: nothing changed", "errors", len(errs))
		return
	}
	cfg := ld.Config
	// The alert files were opened with the <global> settings of the start;
	// changes to them are reported as not applied, and not half-applied.
	restart := globalChanges(d.cfg.Global, cfg.Global)
	if len(restart) > 0 {
		c := *cfg
		c.Global.AlertsLog, c.Global.JSONOut = d.cfg.Global.AlertsLog, d.cfg.Global.JSONOut
		c.Global.LogAll, c.Global.LogAllJSON = d.cfg.Global.LogAll, d.cfg.Global.LogAllJSON
		cfg = &c
	}

	kept, stop, start := planInputs(d.inputs, d.specs(cfg))
	d.stopInputs(ctx, stop) // analyses the stopped inputs' events, and what was queued
	if err := d.an.commit(); err != nil {
		d.log.Error("commit before reload", "error", err)
	}
	old := d.an.rs
	d.cfg = cfg
	d.an.swap(ld.Ruleset, cfg)
	running := kept
	for _, s := range start {
		running = append(running, d.start(ctx, s))
	}
	d.inputs = running
	var outChanges []string
	if d.outs != nil {
		outChanges = d.outs.apply(ld.outs, d.log)
	}
	d.stats.Reloads.Add(1)

	added, removed := d.logRuleChanges(old, ld.Ruleset)
	for _, in := range stop {
		d.log.Info("reload: input stopped", "input", in.name)
	}
	for _, s := range start {
		d.log.Info("reload: input started", "input", s.name)
	}
	for _, c := range outChanges {
		d.log.Info("reload: output changed", "change", c)
	}
	for _, r := range restart {
		d.log.Warn("reload: setting not applied, it needs a restart", "setting", r)
	}
	d.log.Info(MsgReloaded,
		"rules", len(ld.Ruleset.Rules.IDs()), "rules_added", added, "rules_removed", removed,
		"decoders", len(ld.Ruleset.Decoders.Names()), "decoders_before", len(old.Decoders.Names()),
		"inputs_kept", len(kept), "inputs_stopped", len(stop), "inputs_started", len(start),
		"output_changes", len(outChanges), "not_applied", len(restart))
}

// globalChanges names the <global> settings that differ and that only a
// restart applies (the alert files are opened once).
func globalChanges(was, now config.Global) []string {
	var out []string
	for _, c := range []struct {
		name     string
		was, now bool
	}{
		{"<alerts_log>", was.AlertsLog, now.AlertsLog},
		{"<jsonout_output>", was.JSONOut, now.JSONOut},
		{"<logall>", was.LogAll, now.LogAll},
		{"<logall_json>", was.LogAllJSON, now.LogAllJSON},
	} {
		if c.was != c.now {
			out = append(out, fmt.Sprintf("%s %v -> %v", c.name, yesNo(c.was), yesNo(c.now)))
		}
	}
	return out
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// rulesByFile maps each rule file to the ids of the rules it defines in
// the ruleset (an overwritten rule counts for the file that overwrote it).
func rulesByFile(rs *engine.Ruleset) map[string][]int {
	m := map[string][]int{}
	if rs.Files != nil {
		for _, f := range rs.Files.Rules {
			m[f] = nil
		}
	}
	for _, id := range rs.Rules.IDs() {
		f := rs.Rules.Rule(id).Pos.File
		m[f] = append(m[f], id)
	}
	return m
}

// logRuleChanges logs, per rule file, the rules added and removed by a
// reload; a file no longer loaded is a WARN naming it. It returns the
// totals.
func (d *daemon) logRuleChanges(old, now *engine.Ruleset) (added, removed int) {
	was, is := rulesByFile(old), rulesByFile(now)
	files := make([]string, 0, len(was)+len(is))
	for f := range was {
		files = append(files, f)
	}
	for f := range is {
		if _, ok := was[f]; !ok {
			files = append(files, f)
		}
	}
	sort.Strings(files)
	for _, f := range files {
		before, inOld := was[f]
		after, inNew := is[f]
		plus, minus := idDiff(before, after)
		added += len(plus)
		removed += len(minus)
		switch {
		case inOld && !inNew:
			d.log.Warn("reload: rule file no longer loaded, its rules removed", "file", f, "rules_removed", len(minus), "ids", idList(minus))
		case !inOld && inNew:
			d.log.Info("reload: rule file added", "file", f, "rules_added", len(plus), "ids", idList(plus))
		case len(plus) > 0 || len(minus) > 0:
			d.log.Info("reload: rules changed", "file", f, "rules_added", len(plus), "rules_removed", len(minus),
				"added_ids", idList(plus), "removed_ids", idList(minus))
		}
	}
	return added, removed
}

// idDiff returns the ids of b not in a, and of a not in b, sorted.
func idDiff(a, b []int) (plus, minus []int) {
	set := func(l []int) map[int]bool {
		m := make(map[int]bool, len(l))
		for _, id := range l {
			m[id] = true
		}
		return m
	}
	inA, inB := set(a), set(b)
	for _, id := range b {
		if !inA[id] {
			plus = append(plus, id)
		}
	}
	for _, id := range a {
		if !inB[id] {
			minus = append(minus, id)
		}
	}
	slices.Sort(plus)
	slices.Sort(minus)
	return plus, minus
}

// idList renders up to 20 ids for a log line.
func idList(ids []int) string {
	const show = 20
	s := fmt.Sprint(ids[:min(len(ids), show)])
	if len(ids) > show {
		s += fmt.Sprintf(" and %d more", len(ids)-show)
	}
	return s
}
