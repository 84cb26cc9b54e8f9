package cli

import (
	"bufio"
	"flag"
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
	"syscall"
	"time"

	"github.com/gossec/gossec/internal/engine"
	"github.com/gossec/gossec/internal/rulesettest"
)

// Bench runs `gossec bench`: replay a corpus through the analysis path and
// print throughput, allocations per line and peak RSS.
func Bench(args []string, s Streams) int {
	tuneGC()
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(s.Err)
	var c commonFlags
	c.register(fs)
	corpus := fs.String("corpus", "", "file of log lines (one per line)")
	ini := fs.String("ini", "", "build the corpus from the log lines of the .ini files in this folder")
	minLines := fs.Int("lines", 1_000_000, "replay the corpus until at least this many lines were analysed")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the timed replay to this file")
	memProfile := fs.String("memprofile", "", "write an allocation profile (go tool pprof -sample_index=alloc_objects) to this file")
	if err := fs.Parse(args); err != nil {
		return ExitUsage
	}
	lines, err := benchCorpus(*corpus, *ini)
	if err != nil || len(lines) == 0 {
		fmt.Fprintf(s.Err, "gossec bench: no corpus (%v); give --corpus or --ini\n", err)
		return ExitUsage
	}
	c.defaultHome()
	rs, code := c.loadRuleset(s, quietWarn)
	if code != ExitOK {
		return code
	}
	an := engine.NewAnalyzer(rs, engine.Options{})
	for _, l := range lines { // warm-up pass
		an.Analyze("bench", l, nil)
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	if *cpuProfile != "" {
		stop, err := startProfile(*cpuProfile)
		if err != nil {
			fmt.Fprintf(s.Err, "gossec bench: %v\n", err)
			return ExitUsage
		}
		defer stop()
	}
	start := time.Now()
	n := 0
	for n < *minLines {
		for _, l := range lines {
			an.Analyze("bench", l, nil)
		}
		n += len(lines)
	}
	elapsed := time.Since(start)
	runtime.ReadMemStats(&after)
	if *memProfile != "" {
		if err := writeAllocProfile(*memProfile); err != nil {
			fmt.Fprintf(s.Err, "gossec bench: %v\n", err)
			return ExitUsage
		}
	}
	fmt.Fprintf(s.Out, "corpus: %d distinct lines, %d analysed\n", len(lines), n)
	fmt.Fprintf(s.Out, "lines/s: %.0f\n", float64(n)/elapsed.Seconds())
	fmt.Fprintf(s.Out, "allocs/line: %.2f\n", float64(after.Mallocs-before.Mallocs)/float64(n))
	fmt.Fprintf(s.Out, "bytes/line: %.1f\n", float64(after.TotalAlloc-before.TotalAlloc)/float64(n))
	fmt.Fprintf(s.Out, "peak RSS: %.1f MB\n", peakRSSMB())
	return ExitOK
}

func benchCorpus(corpus, iniDir string) ([]string, error) {
	if corpus != "" {
		f, err := os.Open(corpus)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		var lines []string
		sc := bufio.NewScanner(f)
		sc.Buffer(make([]byte, maxLine), maxLine)
		for sc.Scan() {
			if sc.Text() != "" {
				lines = append(lines, sc.Text())
			}
		}
		return lines, sc.Err()
	}
	if iniDir == "" {
		return nil, fmt.Errorf("no corpus given")
	}
	cases, err := readCases([]string{iniDir}, rulesettest.Wazuh, false)
	if err != nil {
		return nil, err
	}
	var lines []string
	for _, c := range cases {
		lines = append(lines, c.Lines...)
	}
	return lines, nil
}

// peakRSSMB is the process's maximum resident set size (Linux reports KB).
func peakRSSMB() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return float64(ru.Maxrss) / 1024
}

func startProfile(path string) (func(), error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() { pprof.StopCPUProfile(); f.Close() }, nil
}

func writeAllocProfile(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := pprof.Lookup("allocs").WriteTo(f, 0); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
