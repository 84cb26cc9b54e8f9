package rules

import (
	"testing"
)

// TestGlobalListDifferential checks the global list kept by reslicing and
// appendGlobal against the plain model (append, then drop the 10 oldest
// past memory_size), across memory sizes that make the array grow,
// compact and regrow.
func TestGlobalListDifferential(t *testing.T) {
	tree := mustLoad(t, group(
		`<rule id="100" level="3"><if_sid>1</if_sid><match>a</match><description>a</description></rule>`,
	))
	r := tree.byID[100]
	for _, mem := range []int{1, 2, 11, 12, 13, 64, 100, 1000} {
		st := NewState(tree, Config{MemorySize: mem})
		var model []*stored
		for i := 0; i < 5*mem+300; i++ {
			st.store(mkEvent("a"), r, 0)
			// The new event is the last one, unless the trim it caused
			// dropped it too (memory_size under 10): nil stands for it.
			var last *stored
			if len(st.global) > 0 {
				last = st.global[len(st.global)-1]
			}
			model = append(model, last)
			if len(model) > mem {
				n := min(10, len(model))
				for _, e := range model[:n] {
					if e != nil && !e.dead {
						t.Fatalf("mem %d event %d: trimmed event not marked dead", mem, i)
					}
				}
				model = model[n:]
			}
			if len(model) != len(st.global) {
				t.Fatalf("mem %d event %d: global holds %d events, model %d", mem, i, len(st.global), len(model))
			}
			for j := range model {
				if model[j] != st.global[j] {
					t.Fatalf("mem %d event %d: global[%d] differs from the model", mem, i, j)
				}
			}
		}
	}
}

// BenchmarkStoreFullMemory measures storing into a full correlation
// memory (the steady state of a long replay).
func BenchmarkStoreFullMemory(b *testing.B) {
	tree := mustLoad(b, group(
		`<rule id="100" level="3"><if_sid>1</if_sid><match>a</match><description>a</description></rule>`,
	))
	r := tree.byID[100]
	st := NewState(tree, Config{})
	ev := mkEvent("a")
	for i := 0; i < 3*8192; i++ {
		st.store(ev, r, 0)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		st.store(ev, r, 0)
	}
}
