package alert_test

import (
	"bufio"
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/gossec/gossec/internal/alert"
	"github.com/gossec/gossec/internal/config"
	"github.com/gossec/gossec/internal/engine"
)

// corpusLines is the benchmark corpus (scripts/bench-corpus): the log
// lines of the Wazuh 4.9.2 .ini test cases, read from ../shared. The test
// skips when they are absent.
func corpusLines(t testing.TB, n string) []string {
	root := filepath.Join("..", "..")
	if _, err := os.Stat(filepath.Join(root, "..", "shared", "compat", "wazuh-4.9.2", "tests")); err != nil {
		t.Skip("../shared/compat/wazuh-4.9.2/tests not present")
	}
	out, err := exec.Command("bash", filepath.Join(root, "scripts", "bench-corpus"), n).Output()
	if err != nil {
		t.Fatalf("bench-corpus: %v", err)
	}
	var lines []string
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		lines = append(lines, sc.Text())
	}
	return lines
}

// corpusAlerts runs lines through the ruleset under ../shared/compat/NAME
// and returns the alert model of every event (rule or not).
func corpusAlerts(t testing.TB, name string, lines []string, logtest bool) []*alert.Alert {
	home := filepath.Join("..", "..", "..", "shared", "compat", name)
	cfg, errs := config.Load(filepath.Join(home, "etc", "ossec.conf"), nil)
	if len(errs) > 0 {
		t.Fatalf("config: %v", errs)
	}
	rs, errs := engine.Load(cfg, engine.LoadOptions{Home: home})
	if len(errs) > 0 {
		t.Fatalf("ruleset: %v", errs)
	}
	// A fixed processing time: the alerts of a run that straddles a
	// second boundary would otherwise alternate between two seconds and
	// miss the time stamp cache (which holds the latest second, as
	// alerts come in time order), making the no-allocation test flaky.
	now := time.Date(2026, 12, 8, 3, 0, 0, 0, time.UTC)
	an := engine.NewAnalyzer(rs, engine.Options{Logtest: logtest, Hostname: "manager", Clock: func() time.Time { return now }})
	var out []*alert.Alert
	for _, l := range lines {
		out = append(out, an.Alert(an.Analyze("/var/log/syslog", l, nil)))
	}
	return out
}

// stampTimes are the processing times the differential test renders with:
// several locations, and instants sharing and not sharing their second,
// so that the time stamp cache hits and misses.
var stampTimes = func() []time.Time {
	east := time.FixedZone("", 5*3600+30*60)
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		ny = time.FixedZone("EST", -5*3600)
	}
	base := time.Date(2026, 3, 8, 6, 59, 59, 999_999_999, time.UTC)
	var ts []time.Time
	for _, loc := range []*time.Location{time.UTC, time.Local, east, ny} {
		for _, d := range []time.Duration{0, 1, time.Millisecond, 999 * time.Millisecond, time.Second, time.Hour} {
			ts = append(ts, base.Add(d).In(loc))
		}
	}
	return append(ts, time.Date(12345, 1, 1, 0, 0, 0, 5e8, time.UTC), time.Date(-1, 1, 1, 0, 0, 0, 0, time.UTC))
}()

// TestRenderMatchesReference: AppendJSON and AppendLog give the bytes of
// the renderers before the caches, on every event of the corpus with the
// OSSEC 4.2 and the Wazuh 4.9.2 rulesets.
func TestRenderMatchesReference(t *testing.T) {
	lines := corpusLines(t, "4000")
	for _, rs := range []string{"ossec-4.2", "wazuh-4.9.2"} {
		for _, logtest := range []bool{false, true} {
			alerts := corpusAlerts(t, rs, lines, logtest)
			for i, a := range alerts {
				a.Time = stampTimes[i%len(stampTimes)]
				checkSame(t, rs, "json", alert.AppendJSON(nil, a), alert.RefAppendJSON(nil, a))
				if a.Rule != nil {
					checkSame(t, rs, "log", alert.AppendLog(nil, a), alert.RefAppendLog(nil, a))
				}
			}
		}
	}
}

func checkSame(t *testing.T, rs, kind string, got, want []byte) {
	t.Helper()
	if !bytes.Equal(got, want) {
		t.Fatalf("%s %s differs:\n got %s\nwant %s", rs, kind, got, want)
	}
}

// benchAlerts are the alerts (events with a rule) of the corpus under the
// OSSEC 4.2 ruleset, with a processing time a few ms apart as in a burst.
func benchAlerts(b *testing.B) []*alert.Alert {
	all := corpusAlerts(b, "ossec-4.2", corpusLines(b, "4000"), false)
	var out []*alert.Alert
	t0 := time.Date(2026, 11, 21, 9, 5, 7, 0, time.Local)
	for _, a := range all {
		if a.Rule != nil {
			a.Time = t0.Add(time.Duration(len(out)) * 3 * time.Millisecond)
			out = append(out, a)
		}
	}
	return out
}

func benchRender(b *testing.B, render func([]byte, *alert.Alert) []byte) {
	alerts := benchAlerts(b)
	buf := make([]byte, 0, 64<<10)
	b.ReportAllocs()
	b.ResetTimer()
	i := 0
	for b.Loop() {
		buf = render(buf[:0], alerts[i%len(alerts)])
		i++
	}
}

func BenchmarkCorpusJSON(b *testing.B)          { benchRender(b, alert.AppendJSON) }
func BenchmarkCorpusJSONReference(b *testing.B) { benchRender(b, alert.RefAppendJSON) }
func BenchmarkCorpusLog(b *testing.B)           { benchRender(b, alert.AppendLog) }
func BenchmarkCorpusLogReference(b *testing.B)  { benchRender(b, alert.RefAppendLog) }

// TestCorpusJSONNoAllocs: rendering a corpus alert into a buffer with room
// allocates nothing once its rule's groups are cached.
func TestCorpusJSONNoAllocs(t *testing.T) {
	alerts := corpusAlerts(t, "ossec-4.2", corpusLines(t, "4000"), false)
	buf := make([]byte, 0, 64<<10)
	for _, a := range alerts {
		buf = alert.AppendJSON(buf[:0], a) // warm the caches
	}
	n := testing.AllocsPerRun(5, func() {
		for _, a := range alerts {
			buf = alert.AppendJSON(buf[:0], a)
			if a.Rule != nil {
				buf = alert.AppendLog(buf[:0], a)
			}
		}
	})
	if n != 0 {
		t.Errorf("rendering %d corpus alerts allocates %v times", len(alerts), n)
	}
}
