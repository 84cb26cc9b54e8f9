package rules

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/gossec/gossec/internal/event"
)

// TestSrcIndexMatchesPlainScan runs random event sequences through the
// same rules twice, with and without the source-IP index, and requires the
// same rule, fired count, alert flag and previous events every time.
func TestSrcIndexMatchesPlainScan(t *testing.T) {
	rules := group(
		`<rule id="100" level="3"><match>failed</match><description>failure</description></rule>`,
		`<rule id="101" level="10" frequency="4" timeframe="30">
		   <if_matched_sid>100</if_matched_sid><same_source_ip />
		   <description>burst from one source</description></rule>`,
		`<rule id="102" level="12" frequency="3" timeframe="20">
		   <if_matched_sid>101</if_matched_sid><same_source_ip /><same_user />
		   <description>bursts of bursts</description></rule>`,
		`<rule id="103" level="5"><match>denied</match><group>deny,</group><description>deny</description></rule>`,
		`<rule id="104" level="9" frequency="3" timeframe="15">
		   <if_matched_group>deny</if_matched_group><same_source_ip />
		   <description>denies from one source</description></rule>`,
		`<rule id="105" level="8" frequency="5" timeframe="40">
		   <if_matched_sid>100</if_matched_sid>
		   <description>failures from anywhere</description></rule>`,
	)
	tree := mustLoad(t, rules)
	for seed := uint64(1); seed <= 30; seed++ {
		rng := rand.New(rand.NewPCG(seed, 7))
		var evs []*event.Event
		sec := 0
		for i := 0; i < 400; i++ {
			if rng.IntN(4) == 0 {
				sec += rng.IntN(12)
			}
			msg := "login failed"
			if rng.IntN(3) == 0 {
				msg = "access denied"
			}
			opts := []evOpt{at(sec), withStatic(event.DstUser, fmt.Sprintf("u%d", rng.IntN(3)))}
			if rng.IntN(10) != 0 {
				opts = append(opts, withStatic(event.SrcIP, fmt.Sprintf("10.0.0.%d", rng.IntN(6))))
			}
			evs = append(evs, mkEvent(msg, opts...))
		}
		// A small memory forces trimming, which the index must follow.
		withIdx := runSeq(tree, evs, true)
		plain := runSeq(tree, evs, false)
		for i := range withIdx {
			if withIdx[i] != plain[i] {
				t.Fatalf("seed %d event %d: index %s, plain scan %s", seed, i, withIdx[i], plain[i])
			}
		}
	}
}

func runSeq(tree *Tree, evs []*event.Event, index bool) []string {
	useSrcIndex = index
	defer func() { useSrcIndex = true }()
	st := NewState(tree, Config{MemorySize: 64})
	out := make([]string, len(evs))
	for i, ev := range evs {
		r := tree.Match(ev, st, nil)
		id := 0
		if r.Rule != nil {
			id = r.Rule.ID
		}
		prev := ""
		for _, p := range r.Previous {
			prev += p.FullLog + p.Time.String() + ";"
		}
		out[i] = fmt.Sprintf("rule=%d fired=%d alert=%v prev=%s", id, r.FiredTimes, r.Alert, prev)
	}
	return out
}

// BenchmarkSameSourceManySources: a brute-force rule fed by many sources,
// the case the index is for.
func BenchmarkSameSourceManySources(b *testing.B) {
	tree := mustLoad(b, group(
		`<rule id="100" level="5"><match>failed</match><description>failure</description></rule>`,
		`<rule id="101" level="10" frequency="8" timeframe="120">
		   <if_matched_sid>100</if_matched_sid><same_source_ip />
		   <description>burst</description></rule>`))
	st := NewState(tree, Config{})
	evs := make([]*event.Event, 4096)
	for i := range evs {
		evs[i] = mkEvent("login failed", withStatic(event.SrcIP, fmt.Sprintf("10.%d.%d.%d", i>>16&255, i>>8&255, i&255)))
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		tree.Match(evs[i%len(evs)], st, nil)
		i++
	}
}
