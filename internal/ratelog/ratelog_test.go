package ratelog

import (
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/gossec/gossec/internal/fakeclock"
	"github.com/gossec/gossec/internal/logsink"
)

// fakeClock fires After channels when the test advances it.
type fakeClock = fakeclock.Clock

// buf is the log sink; summaries are written by timer goroutines.
type buf = logsink.Sink

// waitLines waits until the sink holds n lines (summaries are written by
// a timer goroutine).
func waitLines(t *testing.T, b *buf, n int) []string {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		l := b.Lines()
		if len(l) >= n || time.Now().After(deadline) {
			return l
		}
		time.Sleep(time.Millisecond)
	}
}

func newTest() (*Logger, *fakeClock, *buf) {
	clk := fakeclock.New(time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC))
	out := &buf{}
	h := slog.NewTextHandler(out, &slog.HandlerOptions{ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
		if a.Key == slog.TimeKey {
			return slog.Attr{}
		}
		return a
	}})
	return New(slog.New(h), time.Minute, clk, "output", "email mx:25"), clk, out
}

// advance moves the clock once the timer goroutines have armed.
func advance(t *testing.T, clk *fakeClock, d time.Duration, armed int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for clk.Pending() < armed {
		if time.Now().After(deadline) {
			t.Fatalf("%d timers armed, want %d", clk.Pending(), armed)
		}
		time.Sleep(time.Millisecond)
	}
	clk.Advance(d)
}

func TestFirstThenSummary(t *testing.T) {
	l, clk, out := newTest()
	for i := range 100 {
		l.Log(slog.LevelWarn, "send", "mail delivery failed", "error", "try "+string(rune('0'+i%10)))
	}
	if got := out.Lines(); len(got) != 1 || got[0] != `level=WARN msg="mail delivery failed" output="email mx:25" error="try 0"` {
		t.Fatalf("first minute: %q", got)
	}
	advance(t, clk, time.Minute, 1)
	got := waitLines(t, out, 2)
	want := `level=WARN msg="mail delivery failed (repeated)" output="email mx:25" error="try 9" times=99 in=1m0s`
	if len(got) != 2 || got[1] != want {
		t.Fatalf("after a minute: %q, want second line %q", got, want)
	}
	// A quiet minute ends the episode; the next one is logged at once.
	advance(t, clk, time.Minute, 1)
	waitEpisodeEnd(t, l, "send")
	l.Log(slog.LevelWarn, "send", "mail delivery failed", "error", "again")
	if got := out.Lines(); len(got) != 3 || !strings.Contains(got[2], `error=again`) || strings.Contains(got[2], "repeated") {
		t.Fatalf("new episode: %q", got)
	}
}

func waitEpisodeEnd(t *testing.T, l *Logger, key string) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		l.mu.Lock()
		_, open := l.keys[key]
		l.mu.Unlock()
		if !open {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("episode %q still open", key)
		}
		time.Sleep(time.Millisecond)
	}
}

func TestKeysAreIndependent(t *testing.T) {
	l, _, out := newTest()
	for range 3 {
		l.Log(slog.LevelWarn, "send", "mail delivery failed")
		l.Log(slog.LevelError, "spool_full", "mail spool full, mail dropped")
	}
	got := out.Lines()
	if len(got) != 2 || !strings.Contains(got[0], "delivery failed") || !strings.Contains(got[1], "level=ERROR") {
		t.Fatalf("%q", got)
	}
}

func TestResolveAndClose(t *testing.T) {
	for _, tc := range []struct {
		name   string
		occurs int
		want   []string
		total  int
	}{
		{"none", 0, nil, 0},
		{"once", 1, []string{`level=WARN msg=failed output="email mx:25"`}, 1},
		{"thrice", 3, []string{`level=WARN msg=failed output="email mx:25"`,
			`level=WARN msg="failed (repeated)" output="email mx:25" times=2 in=0s`}, 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l, _, out := newTest()
			for range tc.occurs {
				l.Log(slog.LevelWarn, "k", "failed")
			}
			if n := l.Resolve("k"); n != tc.total {
				t.Errorf("Resolve = %d, want %d", n, tc.total)
			}
			if got := out.Lines(); strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("got %q\nwant %q", got, tc.want)
			}
			// Close writes what is pending, once.
			l2, _, out2 := newTest()
			for range tc.occurs {
				l2.Log(slog.LevelWarn, "k", "failed")
			}
			l2.Close()
			l2.Close()
			if got := out2.Lines(); strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("Close: got %q\nwant %q", got, tc.want)
			}
		})
	}
}

func TestNilLogsNothing(t *testing.T) {
	var l *Logger
	l.Log(slog.LevelWarn, "k", "x")
	if l.Resolve("k") != 0 {
		t.Error("nil Resolve")
	}
	l.Close()
	New(nil, 0, nil).Log(slog.LevelWarn, "k", "x")
}

func BenchmarkLogRepeated(b *testing.B) {
	l := New(slog.New(slog.DiscardHandler), time.Hour, nil, "output", "bench")
	defer l.Close()
	b.ReportAllocs()
	for b.Loop() {
		l.Log(slog.LevelWarn, "k", "failed", "error", "x")
	}
}

func TestAgainCountsWithoutArguments(t *testing.T) {
	l, _, out := newTest()
	if l.Again("drop") {
		t.Fatal("Again counted a key with no open episode")
	}
	l.Log(slog.LevelError, "drop", "queue full", "queue_size", 2)
	for range 4 {
		if !l.Again("drop") {
			t.Fatal("Again did not count")
		}
	}
	if n := l.Resolve("drop"); n != 5 {
		t.Errorf("Resolve = %d, want 5", n)
	}
	want := []string{`level=ERROR msg="queue full" output="email mx:25" queue_size=2`,
		`level=ERROR msg="queue full (repeated)" output="email mx:25" queue_size=2 times=4 in=0s`}
	if got := out.Lines(); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got %q\nwant %q", got, want)
	}
	l.Log(slog.LevelError, "hot", "x")
	if a := testing.AllocsPerRun(100, func() { l.Again("hot") }); a != 0 {
		t.Errorf("Again allocates %.1f times", a)
	}
}
