package rules

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"testing"
	"time"

	"github.com/gossec/gossec/decoders"
	"github.com/gossec/gossec/internal/event"
	"github.com/gossec/gossec/internal/predecode"
	"github.com/gossec/gossec/internal/rulesettest"
)

func TestZZScratch(t *testing.T) {
	if os.Getenv("SCRATCH") == "" {
		t.Skip()
	}
	ossec := os.Getenv("SCRATCH") == "ossec"
	var dfiles, rfiles []string
	var tree *Tree
	if ossec {
		dfiles = []string{filepath.Join(shared, "ossec-4.2/etc/decoder.xml")}
		rfiles = ossecFiles(t)
		tree, _ = Load(rfiles, LoadOptions{OSSEC: true})
	} else {
		for _, dir := range []string{"ruleset/decoders", "etc/decoders"} {
			m, _ := filepath.Glob(filepath.Join(shared, "wazuh-4.9.2", dir, "*.xml"))
			dfiles = append(dfiles, m...)
		}
		sort.SliceStable(dfiles, func(i, j int) bool { return filepath.Base(dfiles[i]) < filepath.Base(dfiles[j]) })
		tree, _ = Load(wazuhFiles(t), LoadOptions{Lists: wazuhLists(t)})
	}
	ds, errs := decoders.Load(dfiles, decoders.LoadOptions{})
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	cases, _ := rulesettest.ReadDir(filepath.Join(shared, "wazuh-4.9.2/tests"), rulesettest.Wazuh, false)
	var evs []*event.Event
	dst := decoders.NewState()
	for _, c := range cases {
		for _, line := range c.Lines {
			h := predecode.Parse(line)
			ev := &event.Event{Location: "stdin", AgentID: "000", FullLog: line, Log: h.Log, Hostname: h.Hostname, ProgramName: h.ProgramName, HasProgramName: h.HasProgramName, Time: time.Unix(1700000000, 0)}
			ds.Decode(ev, dst)
			evs = append(evs, ev)
		}
	}
	cost := map[*Rule]time.Duration{}
	calls := map[*Rule]int{}
	st := NewState(tree, Config{})
	for _, ev := range evs {
		m := matcher{st: st, ev: ev}
		var visit func(nd *node) bool
		visit = func(nd *node) bool {
			s := time.Now()
			ok := m.conds(nd.rule)
			cost[nd.rule] += time.Since(s)
			calls[nd.rule]++
			if !ok {
				return false
			}
			for _, c := range nd.children {
				if visit(c) {
					return true
				}
			}
			return nd.rule.opts&optNoAlert == 0
		}
		cat := eventCategory(ev)
		for _, nd := range tree.top {
			if nd.rule.Category == cat && visit(nd) {
				break
			}
		}
	}
	var rs []*Rule
	var tot time.Duration
	totc := 0
	for r := range cost {
		rs = append(rs, r)
		tot += cost[r]
		totc += calls[r]
	}
	sort.Slice(rs, func(i, j int) bool { return cost[rs[i]] > cost[rs[j]] })
	fmt.Printf("events %d total %v calls %d\n", len(evs), tot, totc)
	for _, r := range rs[:40] {
		fmt.Printf("%6d %10v %6d dec=%q pcre=%d match=%v regex=%v\n", r.ID, cost[r], calls[r], r.cond.decodedAs, len(r.cond.ossec), r.cond.match != nil, r.cond.regex != nil)
	}
}
