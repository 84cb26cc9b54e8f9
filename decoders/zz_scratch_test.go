package decoders

import (
	"fmt"
	"os"
	"sort"
	"testing"
	"time"
)

func TestZZScratch(t *testing.T) {
	if os.Getenv("SCRATCH") == "" {
		t.Skip()
	}
	s := loadWazuh(t)
	if os.Getenv("SCRATCH") == "ossec" {
		s = loadOSSEC(t)
	}
	cost := map[*topNode]time.Duration{}
	calls := map[*topNode]int{}
	st := NewState()
	var commitT time.Duration
	npn, nnopn := 0, 0
	for _, c := range readIniCases(t) {
		ev := eventFor(c.line)
		list := s.nopn
		var cand []int32
		lowered := false
		if ev.HasProgramName {
			list = s.pn
			cand = append([]int32(nil), s.pnIdx.candidates(ev.ProgramName, st)...)
			npn++
		} else {
			nnopn++
			for _, i := range s.nopnIdx.candidates(ev.Log) {
				if s.nopnIdx.mayMatch(i, ev.Log, st, &lowered) {
					cand = append(cand, i)
				}
			}
		}
		for _, i := range cand {
			tn := list[i]
			st0 := time.Now()
			d := tn.dec
			ok := true
			if ev.HasProgramName && !d.programName.MatchString(ev.ProgramName) {
				ok = false
			}
			if ok && d.prematch != nil {
				_, _, ok = d.prematch.Find(ev.Log, st.caps[:0])
			}
			cost[tn] += time.Since(st0)
			calls[tn]++
			if ok {
				st1 := time.Now()
				s.commit(tn, 0, ev, st)
				commitT += time.Since(st1)
				break
			}
		}
	}
	var ns []*topNode
	var tot time.Duration
	totc := 0
	for n := range cost {
		ns = append(ns, n)
		tot += cost[n]
		totc += calls[n]
	}
	sort.Slice(ns, func(i, j int) bool { return cost[ns[i]] > cost[ns[j]] })
	fmt.Printf("pn %d nopn %d total %v calls %d commit %v\n", npn, nnopn, tot, totc, commitT)
	for _, n := range ns[:30] {
		pm, pn := "", ""
		if n.dec.prematch != nil {
			pm = n.dec.prematch.String()
		}
		if n.dec.programName != nil {
			pn = n.dec.programName.String()
		}
		fmt.Printf("%-25s %10v %6d pn=%q pm=%q\n", n.dec.ownName, cost[n], calls[n], pn, pm)
	}
}
