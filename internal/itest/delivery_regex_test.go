package itest

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// rxConfig tails one syslog file with the default ruleset plus
// etc/rules/rx_rules.xml and etc/decoders/rx_decoders.xml.
const rxConfig = `<ossec_config>
  <ruleset>
    <decoder_dir>etc/decoders</decoder_dir>
    <rule_dir>etc/rules</rule_dir>
  </ruleset>
  <localfile>
    <location>logsrc/rx.log</location>
    <log_format>syslog</log_format>
    <only-future-events>no</only-future-events>
  </localfile>
</ossec_config>
`

// rxRules: 100100 has a look-ahead (so it runs on the backtracking engine)
// with a nested quantifier, exponential on a run of 'a' without a 'b';
// 100101 is an ordinary rule whose alerts the test times.
const rxRules = `<group name="local,">
  <rule id="100100" level="5">
    <pcre2>(?=(a+)+b)</pcre2>
    <description>hostile look-ahead</description>
  </rule>
  <rule id="100101" level="5">
    <match>rx-normal-event</match>
    <description>normal event</description>
  </rule>
</group>
`

// rxDecoders: a decoder whose prematch has the same shape on 'x'.
const rxDecoders = `<decoder name="rx-hostile">
  <prematch type="pcre2">(?=(x+)+y)</prematch>
</decoder>
`

// TestRegexBudgetNormalLinesNotDelayed: ten hostile lines a second (half
// for the rule, half for the decoder) interleaved with two normal lines a
// second for about 5 s; every normal line's alert must appear within 2 s of
// its write, the cut matches are counted per rule and per decoder in the
// state file, gossec.log names the rule and the decoder, and check warns
// about both patterns at their file:line:col.
func TestRegexBudgetNormalLinesNotDelayed(t *testing.T) {
	h := newHome(t, rxConfig)
	copyDefaults(t, h)
	h.write("etc/rules/rx_rules.xml", rxRules)
	h.write("etc/decoders/rx_decoders.xml", rxDecoders)
	h.write("logsrc/rx.log", "")

	rxCheckWarns(t, h)

	d := h.start()
	defer d.stop(t)
	h.waitLog(10*time.Second, "gossec running")

	f, err := os.OpenFile(h.path("logsrc/rx.log"), os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()

	// 41-byte hostile lines: catastrophic for each pattern.
	hostileA := strings.Repeat("a", 40) + "!"
	hostileX := strings.Repeat("x", 40) + "!"
	const (
		seconds = 5
		perSec  = 10 // hostile lines a second
	)
	// The delay of a normal line is from its write to the first poll of
	// alerts.json that sees its alert; polls run every 10 ms, between the
	// writes too.
	written := map[string]time.Time{}
	seen := map[string]time.Duration{}
	tail := newLineTail(h.path("logs/alerts/alerts.json"))
	poll := func() {
		for _, b := range tail.next() {
			var a map[string]any
			if json.Unmarshal(b, &a) != nil || ruleID(a) != "100101" {
				continue
			}
			fl := fullLog(a)
			if w, ok := written[fl]; ok {
				if _, dup := seen[fl]; !dup {
					seen[fl] = time.Since(w)
				}
			}
		}
	}
	start := time.Now()
	for i := 0; i < seconds*perSec; i++ {
		next := start.Add(time.Duration(i) * time.Second / perSec)
		for time.Now().Before(next) {
			poll()
			time.Sleep(min(10*time.Millisecond, time.Until(next)))
		}
		line := hostileA
		if i%2 == 1 {
			line = hostileX
		}
		n := ""
		if i%5 == 0 {
			// Two normal lines a second, each written right after a
			// hostile one so that it queues behind it.
			n = fmt.Sprintf("rx-normal-event %d", i)
			line += "\n" + n
		}
		if _, err := f.WriteString(line + "\n"); err != nil {
			t.Fatal(err)
		}
		if n != "" {
			written[n] = time.Now()
		}
	}
	deadline := time.Now().Add(60 * time.Second)
	for len(seen) < len(written) && time.Now().Before(deadline) {
		poll()
		time.Sleep(10 * time.Millisecond)
	}
	var worst time.Duration
	for _, d := range seen {
		worst = max(worst, d)
	}
	t.Logf("normal lines: %d written, %d alerted; max delay from write to alert %v", len(written), len(seen), worst.Round(time.Millisecond))
	if len(seen) != len(written) {
		t.Fatalf("%d of %d normal lines never alerted within 60 s", len(written)-len(seen), len(written))
	}
	// The alerts.json poll above sees a line only once it is flushed.
	if worst > 2*time.Second {
		t.Errorf("a normal line waited %v behind hostile lines, want <= 2s", worst.Round(time.Millisecond))
	}

	// The cut matches are counted per rule and per decoder.
	waitFor(t, 10*time.Second, "regex_timeouts:rule:100100 and regex_timeouts:decoder:rx-hostile in the state file", func() bool {
		return h.state("regex_timeouts:rule:100100") > 0 && h.state("regex_timeouts:decoder:rx-hostile") > 0
	})
	t.Logf("state: rule 100100 %d, decoder rx-hostile %d, timed out %d, skipped %d",
		h.state("regex_timeouts:rule:100100"), h.state("regex_timeouts:decoder:rx-hostile"),
		h.state("regex_timeouts"), h.state("regex_skipped"))
	h.waitLog(5*time.Second, "regex match cut", "rule=100100", "(?=(a+)+b)")
	h.waitLog(5*time.Second, "regex match cut", "decoder=rx-hostile", "(?=(x+)+y)")
	// Rate-limited: far fewer log lines than cut matches.
	if n := strings.Count(h.read("logs/gossec.log"), "regex match cut"); n > 4 {
		t.Errorf("%d 'regex match cut' log lines for %d hostile lines, want rate-limited", n, seconds*perSec)
	}
}

// rxCheckWarns runs gossec check on the home: it must succeed (the rules
// load) and warn about both patterns at their element's position.
func rxCheckWarns(t *testing.T, h *home) {
	t.Helper()
	out, err := rxRun(h, "check", "--home", h.dir, "-c", h.conf)
	if err != nil {
		t.Fatalf("gossec check failed (a backtracking shape must only warn): %v\n%s", err, out)
	}
	for _, w := range []struct{ file, text, sub string }{
		{"etc/rules/rx_rules.xml", rxRules, "<pcre2>"},
		{"etc/decoders/rx_decoders.xml", rxDecoders, "<prematch"},
	} {
		pos := posOf(h.path(w.file), w.text, w.sub)
		found := false
		for _, line := range strings.Split(out, "\n") {
			if strings.Contains(line, pos) && strings.Contains(line, "backtracking") {
				found = true
			}
		}
		if !found {
			t.Errorf("gossec check: no backtracking warning at %s:\n%s", pos, out)
		}
	}
}

// rxRun runs the gossec binary and returns its combined output.
func rxRun(_ *home, args ...string) (string, error) {
	out, err := exec.Command(gossecBin, args...).CombinedOutput()
	return string(out), err
}
