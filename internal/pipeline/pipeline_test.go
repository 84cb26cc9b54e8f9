package pipeline

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gossec/gossec/internal/alert"
	"github.com/gossec/gossec/internal/config"
	"github.com/gossec/gossec/internal/engine"
)

// sampleLines are the sample logs of the repository (sshd, MySQL): they
// decode with several decoders and fire correlation rules (brute force).
func sampleLines(t testing.TB) []string {
	t.Helper()
	files, err := filepath.Glob("../../samples/logs/*.log")
	if err != nil || len(files) == 0 {
		t.Fatalf("no sample logs: %v", err)
	}
	var lines []string
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		lines = append(lines, strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")...)
	}
	return lines
}

// embedded loads the ruleset compiled into the binary.
func embedded(t testing.TB) *engine.Ruleset {
	t.Helper()
	rs, errs := engine.Load(config.Default(), engine.LoadOptions{})
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	return rs
}

func stepClock() func() time.Time {
	t := time.Date(2026, 11, 21, 10, 0, 0, 0, time.UTC)
	return func() time.Time { t = t.Add(time.Second); return t }
}

func newAnalyzer(rs *engine.Ruleset) *engine.Analyzer {
	return engine.NewAnalyzer(rs, engine.Options{Clock: stepClock(), Hostname: "manager.example.org"})
}

// render is what the tests compare: every event as JSON (the alert, rule
// or not) and its regex cuts.
func render(b []byte, res *engine.Result, a *alert.Alert) []byte {
	b = append(alert.AppendJSON(b, a), '\n')
	for _, c := range res.Cuts {
		b = append(b, c.Owner...)
		b = append(b, '\n')
	}
	return b
}

func sequential(rs *engine.Ruleset, lines []string) []byte {
	an := newAnalyzer(rs)
	var out []byte
	for _, l := range lines {
		res := an.Analyze("/var/log/test.log", l, nil)
		out = render(out, &res, an.Alert(res))
	}
	return out
}

func parallel(rs *engine.Ruleset, lines []string, cfg Config) []byte {
	an := newAnalyzer(rs)
	var out []byte
	cfg.Build = func(*engine.Result) bool { return true }
	cfg.Sink = func(items []Item) {
		for i := range items {
			out = render(out, &items[i].Result, items[i].Alert)
		}
	}
	p := Start(an, cfg)
	for i, l := range lines {
		p.Push("/var/log/test.log", l)
		if i%97 == 0 {
			p.Flush() // partial batches too
		}
	}
	p.Close()
	return out
}

// TestSameAsSequential: whatever the batch sizes, the pipeline gives every
// event the result and alert (time, id, previous output) the sequential
// Analyze gives it.
func TestSameAsSequential(t *testing.T) {
	rs := embedded(t)
	lines := sampleLines(t)
	lines = append(append(lines, lines...), lines...)
	want := sequential(rs, lines)
	if !bytes.Contains(want, []byte(`"frequency"`)) {
		t.Fatal("the sample lines fire no correlation rule: the test proves less than it says")
	}
	for _, cfg := range []Config{{}, {Batch: 1, Batches: 1}, {Batch: 3, Batches: 2}, {Batch: 256, Batches: 8}} {
		if got := parallel(rs, lines, cfg); !bytes.Equal(got, want) {
			t.Errorf("batch %d x %d: the pipeline's output differs from the sequential one", cfg.Batch, cfg.Batches)
		}
	}
}

// TestNoAllocsPerEvent: the pipeline allocates per run (goroutines,
// channels, and each slot's buffers growing once), not per event: what it
// allocates beyond the sequential path is the same for 4x the events.
func TestNoAllocsPerEvent(t *testing.T) {
	rs := embedded(t)
	lines := sampleLines(t)
	for len(lines) < 3000 {
		lines = append(lines, lines...)
	}
	cfg := Config{Batch: 16, Batches: 4}
	small := extraAllocs(rs, lines, cfg)
	large := extraAllocs(rs, append(append(append(lines, lines...), lines...), lines...), cfg)
	if limit := float64(40 + 10*cfg.Batch*cfg.Batches); small > limit {
		t.Errorf("the pipeline allocates %.0f times more than the sequential path for %d events: more than %.0f",
			small, len(lines), limit)
	}
	if large-small > 8 {
		t.Errorf("the pipeline's extra allocations grow with the events: %.0f for %d, %.0f for 4x",
			small, len(lines), large)
	}
}

// extraAllocs is how many more allocations a run of lines makes through
// the pipeline than through the sequential path.
func extraAllocs(rs *engine.Ruleset, lines []string, cfg Config) float64 {
	build := func(res *engine.Result) bool { return res.Match.Alert }
	seq := testing.AllocsPerRun(2, func() {
		an := newAnalyzer(rs)
		for _, l := range lines {
			if res := an.Analyze("f", l, nil); build(&res) {
				an.Alert(res)
			}
		}
	})
	par := testing.AllocsPerRun(2, func() {
		c := cfg
		c.Build = build
		p := Start(newAnalyzer(rs), c)
		for _, l := range lines {
			p.Push("f", l)
		}
		p.Close()
	})
	return par - seq
}

func benchLines(b *testing.B) []string {
	lines := sampleLines(b)
	for len(lines) < 4096 {
		lines = append(lines, lines...)
	}
	return lines
}

// BenchmarkSequential is the reference: Analyze and Alert on one
// goroutine, the alerts rendered as JSON.
func BenchmarkSequential(b *testing.B) {
	rs := embedded(b)
	lines := benchLines(b)
	an := newAnalyzer(rs)
	var buf []byte
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		res := an.Analyze("f", lines[i%len(lines)], nil)
		if res.Match.Alert {
			buf = alert.AppendJSON(buf[:0], an.Alert(res))
		}
	}
}

// BenchmarkPipeline is the same work through the pipeline (ns/op is per
// event; with GOMAXPROCS=1 it shows the pipeline's overhead).
func BenchmarkPipeline(b *testing.B) {
	rs := embedded(b)
	lines := benchLines(b)
	var buf []byte
	p := Start(newAnalyzer(rs), Config{
		Build: func(res *engine.Result) bool { return res.Match.Alert },
		Sink: func(items []Item) {
			for i := range items {
				if a := items[i].Alert; a != nil {
					buf = alert.AppendJSON(buf[:0], a)
				}
			}
		},
	})
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		p.Push("f", lines[i%len(lines)])
	}
	p.Close()
}
