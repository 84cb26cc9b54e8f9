package rules

import (
	"fmt"
	"path/filepath"
	"sort"
	"testing"
	"time"

	"github.com/gossec/gossec/decoders"
	"github.com/gossec/gossec/internal/event"
	"github.com/gossec/gossec/internal/predecode"
	"github.com/gossec/gossec/internal/rulesettest"
)

// iniEvents decodes every log line of Wazuh's .ini test files with the
// given decoders, in file order, one second apart: a stream with enough
// repetition to exercise firedtimes, correlation and if_fts.
func iniEvents(t testing.TB, dec *decoders.Set) []*event.Event {
	t.Helper()
	cases, err := rulesettest.ReadDir(filepath.Join(shared, "wazuh-4.9.2", "tests"), rulesettest.Wazuh, false)
	if err != nil {
		t.Fatal(err)
	}
	st := decoders.NewState()
	var evs []*event.Event
	for _, c := range cases {
		for _, line := range c.Lines {
			line = predecode.TrimAtNUL(line)
			h := predecode.Parse(line)
			ev := &event.Event{
				Location: "stdin", AgentID: "000", FullLog: line, Log: h.Log,
				Timestamp: h.Timestamp, Hostname: h.Hostname, ProgramName: h.ProgramName,
				HasProgramName: h.HasProgramName, Time: t0.Add(time.Duration(len(evs)) * time.Second),
			}
			if !h.HasHostname {
				ev.Hostname = "manager"
			}
			dec.Decode(ev, st)
			evs = append(evs, ev)
		}
	}
	return evs
}

func wazuhDecoders(t testing.TB) *decoders.Set {
	home := filepath.Join(shared, "wazuh-4.9.2")
	var files []string
	for _, dir := range []string{"ruleset/decoders", "etc/decoders"} {
		m, err := filepath.Glob(filepath.Join(home, dir, "*.xml"))
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, m...)
	}
	sort.SliceStable(files, func(i, j int) bool { return filepath.Base(files[i]) < filepath.Base(files[j]) })
	return mustDecoders(t, files)
}

func ossecDecoders(t testing.TB) *decoders.Set {
	return mustDecoders(t, []string{filepath.Join(shared, "ossec-4.2", "etc", "decoder.xml")})
}

func mustDecoders(t testing.TB, files []string) *decoders.Set {
	t.Helper()
	s, errs := decoders.Load(files, decoders.LoadOptions{})
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	return s
}

// resultKey renders everything a Result reports.
func resultKey(r Result) string {
	if r.Rule == nil {
		return "no rule"
	}
	prev := make([]string, len(r.Previous))
	for i, p := range r.Previous {
		prev[i] = p.FullLog
	}
	return fmt.Sprintf("rule %d fired %d alert %v previous %q", r.Rule.ID, r.FiredTimes, r.Alert, prev)
}

// TestFastPathMatchesPlain runs the decoded .ini stream through the fast
// path and the plain ordered evaluation, each with its own State, and
// requires identical results event by event, for both rulesets and both
// session modes.
func TestFastPathMatchesPlain(t *testing.T) {
	skipWithoutShared(t)
	for _, rs := range []struct {
		name string
		tree func(testing.TB) *Tree
		dec  func(testing.TB) *decoders.Set
	}{
		{"wazuh", func(t testing.TB) *Tree { return mustTree(t, wazuhFiles(t), LoadOptions{Lists: wazuhLists(t)}) }, wazuhDecoders},
		{"ossec", func(t testing.TB) *Tree { return mustTree(t, ossecFiles(t), LoadOptions{OSSEC: true}) }, ossecDecoders},
	} {
		t.Run(rs.name, func(t *testing.T) {
			tree, evs := rs.tree(t), iniEvents(t, rs.dec(t))
			matched := 0
			for _, logtest := range []bool{false, true} {
				cfg := Config{LogAlertLevel: 3, MemorySize: 64, Logtest: logtest}
				fast, plain := NewState(tree, cfg), NewState(tree, cfg)
				for i, ev := range evs {
					a := resultKey(tree.match(ev, fast, nil, false, nil))
					b := resultKey(tree.match(ev, plain, nil, true, nil))
					if a != b {
						t.Fatalf("event %d %q: fast path %q, plain %q", i, ev.FullLog, a, b)
					}
					if a != "no rule" {
						matched++
					}
				}
			}
			t.Logf("%d events, %d matches", 2*len(evs), matched)
		})
	}
}

func mustTree(t testing.TB, files []string, opt LoadOptions) *Tree {
	t.Helper()
	tree, errs := Load(files, opt)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	return tree
}

// TestChildIndexOrder checks the merge of named and unnamed children.
func TestChildIndexOrder(t *testing.T) {
	var kids []*node
	names := []string{"a", "", "b", "a", "", "", "b", "a", "c", ""}
	for _, n := range names {
		r := &Rule{}
		r.cond.decodedAs, r.cond.hasDecoded = n, n != ""
		kids = append(kids, &node{rule: r})
	}
	nd := &node{children: kids}
	buildIndex(nd)
	if nd.index == nil {
		t.Fatal("no index built")
	}
	for _, c := range []struct {
		dec  string
		want []int32
	}{
		{"a", []int32{0, 1, 3, 4, 5, 7, 9}},
		{"b", []int32{1, 2, 4, 5, 6, 9}},
		{"c", []int32{1, 4, 5, 8, 9}},
		{"zzz", []int32{1, 4, 5, 9}},
	} {
		got := nd.index.candidates(&event.Event{Decoder: &event.DecoderInfo{Name: c.dec}})
		if fmtInts(got) != fmtInts(c.want) {
			t.Errorf("decoder %q: %v, want %v", c.dec, got, c.want)
		}
	}
	if got := nd.index.candidates(&event.Event{}); fmtInts(got) != fmtInts([]int32{1, 4, 5, 9}) {
		t.Errorf("no decoder: %v", got)
	}
}

func fmtInts(v []int32) string {
	return fmt.Sprint(v)
}

// BenchmarkMatchIni matches the decoded .ini stream with the fast path and
// with the plain ordered evaluation.
func BenchmarkMatchIni(b *testing.B) {
	skipWithoutShared(b)
	for _, rs := range []struct {
		name string
		tree func(testing.TB) *Tree
		dec  func(testing.TB) *decoders.Set
	}{
		{"wazuh", func(t testing.TB) *Tree { return mustTree(t, wazuhFiles(t), LoadOptions{Lists: wazuhLists(t)}) }, wazuhDecoders},
		{"ossec", func(t testing.TB) *Tree { return mustTree(t, ossecFiles(t), LoadOptions{OSSEC: true}) }, ossecDecoders},
	} {
		tree, evs := rs.tree(b), iniEvents(b, rs.dec(b))
		for _, plain := range []bool{false, true} {
			name := rs.name + "/fast"
			if plain {
				name = rs.name + "/plain"
			}
			b.Run(name, func(b *testing.B) {
				st := NewState(tree, Config{})
				b.ReportAllocs()
				for i := 0; b.Loop(); i++ {
					tree.match(evs[i%len(evs)], st, nil, plain, nil)
				}
			})
		}
	}
}

// BenchmarkLogScan measures the literal scan of the log alone.
func BenchmarkLogScan(b *testing.B) {
	skipWithoutShared(b)
	tree := mustTree(b, wazuhFiles(b), LoadOptions{Lists: wazuhLists(b)})
	evs := iniEvents(b, wazuhDecoders(b))
	n := 0
	for _, ev := range evs {
		n += len(ev.Log)
	}
	var buf []uint64
	b.ReportAllocs()
	b.ReportMetric(float64(n)/float64(len(evs)), "bytes/log")
	for i := 0; b.Loop(); i++ {
		buf = tree.lits.Scan(evs[i%len(evs)].Log, buf)
	}
}
