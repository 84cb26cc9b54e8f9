package itest

import (
	"os"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"
)

// BenchmarkAppendToAlert measures, per line, the time from its append to
// the file gossec follows until its alert is readable in alerts.json: a
// writer appends 10k lines/s for 3 s (100 lines every 10 ms), and a reader
// polls alerts.json every millisecond. Reports p50/p99/max in ms; the goal
// is p99 <= 50 ms. The poll interval adds up to 1 ms to every sample.
// A 1k lines/s run beside it separates the pipeline's own latency from
// queueing when the daemon cannot keep up with the rate.
func BenchmarkAppendToAlert(b *testing.B) {
	for _, rate := range []int{10000, 1000} {
		b.Run("rate="+strconv.Itoa(rate), func(b *testing.B) { benchAppendToAlert(b, rate) })
	}
}

func benchAppendToAlert(b *testing.B, rate int) {
	const (
		duration = 3 * time.Second
		tick     = 10 * time.Millisecond
	)
	for b.Loop() {
		b.StopTimer()
		h := newHome(b, rotateConfig)
		h.write("logsrc/app.log", "")
		d := h.start()
		h.waitLog(10*time.Second, "gossec running")
		total := rate * int(duration/time.Second)
		written := make([]time.Time, total+1)
		seen := make([]time.Time, total+1)

		var wg sync.WaitGroup
		stop := make(chan struct{})
		var got int
		wg.Add(1)
		go func() { // the alerts.json reader
			defer wg.Done()
			lt := newLineTail(h.path("logs/alerts/alerts.json"))
			for {
				now := time.Now()
				for _, raw := range lt.next() {
					m := lineNumRe.FindSubmatch(raw)
					if m == nil {
						continue
					}
					n, err := strconv.ParseInt(string(m[1]), 10, 64)
					if err == nil && n >= 1 && n <= int64(total) && seen[n].IsZero() {
						seen[n] = now
						got++
					}
				}
				if got == total {
					return
				}
				select {
				case <-stop:
					return
				case <-time.After(time.Millisecond):
				}
			}
		}()

		f, err := os.OpenFile(h.path("logsrc/app.log"), os.O_WRONLY|os.O_APPEND, 0)
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		tk := time.NewTicker(tick)
		perTick := rate * int(tick) / int(time.Second)
		var buf []byte
		for n := 1; n <= total; {
			<-tk.C
			buf = buf[:0]
			first := n
			for ; n <= total && n < first+perTick; n++ {
				buf = append(buf, uniqueLine(int64(n))...)
			}
			if _, err := f.Write(buf); err != nil {
				b.Fatal(err)
			}
			now := time.Now()
			for i := first; i < n; i++ {
				written[i] = now
			}
		}
		tk.Stop()
		f.Close()
		done := make(chan struct{})
		go func() { wg.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(30 * time.Second):
			close(stop)
			<-done
		}
		b.StopTimer()
		d.stop(b)
		// The daemon's CPU per line tells whether it is CPU-bound.
		ps := d.cmd.ProcessState
		b.ReportMetric(float64((ps.UserTime()+ps.SystemTime()).Microseconds())/float64(total), "daemon-cpu-us/line")

		lat := make([]float64, 0, total)
		missing := 0
		for i := 1; i <= total; i++ {
			if seen[i].IsZero() {
				missing++
				continue
			}
			lat = append(lat, float64(seen[i].Sub(written[i]))/float64(time.Millisecond))
		}
		if missing > 0 {
			b.Fatalf("%d of %d lines never alerted", missing, total)
		}
		slices.Sort(lat)
		pct := func(p float64) float64 { return lat[min(len(lat)-1, int(p*float64(len(lat))))] }
		b.ReportMetric(pct(0.50), "p50-ms")
		b.ReportMetric(pct(0.99), "p99-ms")
		b.ReportMetric(lat[len(lat)-1], "max-ms")
		b.ReportMetric(float64(total)/duration.Seconds(), "lines/s")
		if p99 := pct(0.99); p99 > 50 {
			b.Logf("p99 %.1f ms is above the 50 ms goal", p99)
		}
		b.StartTimer()
	}
}
