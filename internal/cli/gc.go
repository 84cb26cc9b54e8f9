package cli

import (
	"os"
	"runtime/debug"
	"sync"
)

// gcPercent is the collector target (GOGC) of a process that has loaded a
// ruleset. What such a process keeps is long-lived: the ruleset and the
// correlation memory (memory_size events), together most of the live
// heap, while each event leaves only short-lived garbage. The default 100
// lets the heap grow to twice all that before a collection; 60 keeps the
// peak (RSS) of a replay of the benchmark corpus with the OSSEC ruleset
// about 7 MB lower (53 -> 46 MB) for about 3-4% more CPU (gctrace: the
// collector's CPU grows from about 110 to 177 ms of a 2.3 s replay).
const gcPercent = 60

var tuneGCOnce sync.Once

// tuneGC sets gcPercent once per process, unless the environment sets
// GOGC: an operator's choice wins. The commands that hold a ruleset call
// it (a process-wide setting belongs to the program, not to the engine
// library).
func tuneGC() {
	tuneGCOnce.Do(func() {
		if _, set := os.LookupEnv("GOGC"); set {
			return
		}
		debug.SetGCPercent(gcPercent)
	})
}
