package rules

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gossec/gossec/internal/osregex"
	"github.com/gossec/gossec/internal/xmlconf"
)

// TestMatchInBudget: twenty rules with a hostile backtracking pattern on
// one event share one budget: the event costs about the budget, every cut
// is labelled with its rule id, a cut element fails even when negated, and
// the ordinary rule after them still matches.
func TestMatchInBudget(t *testing.T) {
	var rs []string
	for i := 0; i < 20; i++ {
		rs = append(rs, `<rule id="`+strconv.Itoa(100+i)+`" level="5"><if_sid>1</if_sid><regex type="pcre2">(?=(a+)+b)</regex><description>hostile</description></rule>`)
	}
	rs = append(rs,
		`<rule id="200" level="5"><if_sid>1</if_sid><regex type="pcre2" negate="yes">(?=(a+)+b)</regex><description>negated hostile</description></rule>`,
		`<rule id="201" level="5"><if_sid>1</if_sid><match>a!</match><description>normal</description></rule>`)
	tree := mustLoad(t, group(rs...))
	st := NewState(tree, Config{})
	const limit = 30 * time.Millisecond
	b := osregex.NewBudget(limit, nil)
	b.Reset()
	start := time.Now()
	res := tree.MatchIn(mkEvent(strings.Repeat("a", 40)+"!"), st, nil, b)
	took := time.Since(start)
	if res.Rule == nil || res.Rule.ID != 201 {
		t.Fatalf("matched %v, want rule 201", res.Rule)
	}
	if took > limit+time.Second { // a sanity bound; the cuts are the property
		t.Errorf("event took %v with a %v budget", took, limit)
	}
	cuts := b.Cuts()
	if len(cuts) != 21 {
		t.Fatalf("%d cuts, want 21 (20 rules and the negated one)", len(cuts))
	}
	for i, c := range cuts {
		want := strconv.Itoa(100 + i)
		if i == 20 {
			want = "200"
		}
		if c.OwnerKind != "rule" || c.Owner != want {
			t.Errorf("cut %d owned by %s %s, want rule %s", i, c.OwnerKind, c.Owner, want)
		}
	}
	// Without a budget (Match), a quick subject still matches normally.
	if res := tree.Match(mkEvent("aab"), NewState(tree, Config{}), nil); res.Rule == nil || res.Rule.ID != 100 {
		t.Errorf("aab: matched %v, want rule 100", res.Rule)
	}
}

// TestHazardWarning: a backtracking pattern with a nested quantifier loads
// with a warning at its element's position; a linear one does not warn.
func TestHazardWarning(t *testing.T) {
	var at []string
	rules := group(
		`<rule id="100" level="5"><if_sid>1</if_sid>`,
		`  <regex type="pcre2">(?=(a+)+b)</regex><description>x</description></rule>`,
		`<rule id="101" level="5"><if_sid>1</if_sid><field name="f" type="pcre2">(?!y)(\w+\s?)+$</field><description>y</description></rule>`,
		`<rule id="102" level="5"><if_sid>1</if_sid><regex type="pcre2">(a+)+b</regex><description>z</description></rule>`,
	)
	res := loadXML(t, LoadOptions{Warn: func(pos xmlconf.Pos, msg string) {
		if strings.Contains(msg, "backtracking") {
			at = append(at, pos.String()+" "+msg)
		}
	}}, base, rules)
	if len(res.errs) != 0 || res.tree.Rule(100) == nil || res.tree.Rule(101) == nil {
		t.Fatalf("errs %v", res.errs)
	}
	if len(at) != 2 {
		t.Fatalf("warnings %q, want 2", at)
	}
	for i, want := range []string{rxPos(rules, "<regex") + " rule 100", rxPos(rules, "<field") + " rule 101"} {
		if !strings.Contains(at[i], want) {
			t.Errorf("warning %q, want position and rule %q", at[i], want)
		}
	}
}

// rxPos returns ":line:col" of the first sub in text.
func rxPos(text, sub string) string {
	i := strings.Index(text, sub)
	line := strings.Count(text[:i], "\n") + 1
	col := i - strings.LastIndex(text[:i], "\n")
	return ":" + strconv.Itoa(line) + ":" + strconv.Itoa(col)
}
