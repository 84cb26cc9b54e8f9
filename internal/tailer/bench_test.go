package tailer_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gossec/gossec/internal/tailer"
)

// BenchmarkRead measures lines read per second from a file written ahead:
// the tailer's own cost (open, read, split, one string per line, channel).
func BenchmarkRead(b *testing.B) {
	const lines = 200_000
	dir := b.TempDir()
	var sb strings.Builder
	for i := range lines {
		fmt.Fprintf(&sb, "2026-11-21T09:00:00.000000Z 0 [Note] Access denied for user 'u%d'@'10.0.0.5' (using password: YES)\n", i)
	}
	data := []byte(sb.String())
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		b.StopTimer()
		path := filepath.Join(dir, fmt.Sprintf("bench%d.log", n))
		n++
		if err := os.WriteFile(path, data, 0o644); err != nil {
			b.Fatal(err)
		}
		tl, err := tailer.New(tailer.Config{Patterns: []string{path}, NoNotify: true, PollInterval: time.Hour})
		if err != nil {
			b.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		out := make(chan tailer.Line, 1024)
		done := make(chan error)
		b.StartTimer()
		go func() { done <- tl.Run(ctx, out) }()
		for range lines {
			<-out
		}
		b.StopTimer()
		cancel()
		<-done
		os.Remove(path)
		b.StartTimer()
	}
	b.ReportMetric(float64(lines*b.N)/b.Elapsed().Seconds(), "lines/s")
}
