package engine

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestRegexBudgetShared: the decoders and the rules of one event share one
// regex budget, refilled for each event. With a fake monotonic clock on
// which every backtracking match costs 20 ms and a 100 ms or 40 ms budget, the
// decoder's match and the first rules' run, the rest are skipped and
// reported as cuts naming their rules; the event's result is the ordinary
// rule after them.
func TestRegexBudgetShared(t *testing.T) {
	// Options.RegexBudget: the decoder and rules 100-103 run.
	testRegexBudget(t, "", 100*time.Millisecond, 104)
	// <global><regex_budget_ms>40: the decoder and rule 100 run.
	testRegexBudget(t, "<global><regex_budget_ms>40</regex_budget_ms></global>", 0, 101)
}

func testRegexBudget(t *testing.T, global string, budget time.Duration, firstCut int) {
	t.Helper()
	home := t.TempDir()
	write := func(rel, s string) {
		p := filepath.Join(home, rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("etc/ossec.conf", `<ossec_config>`+global+`<ruleset><decoder_dir>etc/decoders</decoder_dir><rule_dir>etc/rules</rule_dir></ruleset></ossec_config>`)
	write("etc/decoders/t_decoders.xml", `<decoder name="bt"><prematch type="pcre2">(?=q)q</prematch></decoder>`)
	// Rule 1 is the syslog category template the rules hang from.
	rs := []string{`<rule id="1" level="0" noalert="1"><category>syslog</category><description>syslog</description></rule>`}
	for i := 0; i < 10; i++ {
		rs = append(rs, `<rule id="`+strconv.Itoa(100+i)+`" level="3"><if_sid>1</if_sid><decoded_as>bt</decoded_as><regex type="pcre2">(?=z)z\d</regex><description>bt</description></rule>`)
	}
	rs = append(rs, `<rule id="200" level="3"><if_sid>1</if_sid><decoded_as>bt</decoded_as><match>q</match><description>plain</description></rule>`)
	write("etc/rules/t_rules.xml", `<group name="t,">`+strings.Join(rs, "\n")+`</group>`)
	rset := loadHome(t, home)

	var now time.Duration
	an := NewAnalyzer(rset, Options{Hostname: "m", RegexBudget: budget,
		Monotonic: func() time.Duration { now += 20 * time.Millisecond; return now }})
	for round := 0; round < 2; round++ {
		checkBudgetResult(t, "Analyze", round, an.Analyze("t", "q line", nil), firstCut)
	}
	// Decoding ahead (as internal/pipeline does): each slot carries what
	// its decoder spent to its rules, whatever was decoded in between.
	var slots [3]Slot
	for i := range slots {
		an.Decode(&slots[i], "t", "q line")
	}
	for i := range slots {
		checkBudgetResult(t, "Decode ahead, Match", i, an.Match(&slots[i], nil), firstCut)
	}
}

func checkBudgetResult(t *testing.T, how string, round int, res Result, firstCut int) {
	t.Helper()
	if res.Event.Decoder == nil || res.Event.Decoder.Name != "bt" {
		t.Fatalf("%s %d: decoder %v", how, round, res.Event.Decoder)
	}
	if res.Match.Rule == nil || res.Match.Rule.ID != 200 {
		t.Fatalf("%s %d: rule %v, want 200", how, round, res.Match.Rule)
	}
	// 20 ms a match, run while more than the slack (about 11 ms) is
	// left; the rest are skipped.
	if len(res.Cuts) != 110-firstCut {
		t.Fatalf("%s %d: %d cuts %+v, want %d", how, round, len(res.Cuts), res.Cuts, 110-firstCut)
	}
	for i, c := range res.Cuts {
		if want := strconv.Itoa(firstCut + i); c.OwnerKind != "rule" || c.Owner != want || !c.Skipped {
			t.Errorf("%s %d: cut %d = %s %s skipped %v, want rule %s skipped", how, round, i, c.OwnerKind, c.Owner, c.Skipped, want)
		}
	}
}
