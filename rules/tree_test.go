package rules

import (
	"reflect"
	"strings"
	"testing"
)

// childIDs returns the ids of the children of the first node with id.
func childIDs(tr *Tree, id int) []int {
	var out []int
	walk(tr.top, func(nd *node) bool {
		if nd.rule.ID == id {
			for _, c := range nd.children {
				out = append(out, c.rule.ID)
			}
			return false
		}
		return true
	})
	return out
}

func countNodes(tr *Tree, id int) int {
	n := 0
	walk(tr.top, func(nd *node) bool {
		if nd.rule.ID == id {
			n++
		}
		return true
	})
	return n
}

func TestSiblingOrder(t *testing.T) {
	tree := mustLoad(t, group(
		`<rule id="100" level="3"><if_sid>1</if_sid><description>a</description></rule>`,
		`<rule id="101" level="5"><if_sid>1</if_sid><description>b</description></rule>`,
		`<rule id="102" level="0"><if_sid>1</if_sid><description>c</description></rule>`,
		`<rule id="103" level="3"><if_sid>1</if_sid><description>d</description></rule>`,
		`<rule id="104" level="16"><if_sid>1</if_sid><description>e</description></rule>`,
		`<rule id="105" level="1" accuracy="0"><if_sid>1</if_sid><description>f</description></rule>`,
		`<rule id="106" level="0"><if_sid>1</if_sid><description>g</description></rule>`,
	))
	// Level 0 first (9900), then descending, ties in load order,
	// accuracy="0" (unscaled) last.
	want := []int{102, 106, 104, 101, 100, 103, 105}
	if got := childIDs(tree, 1); !reflect.DeepEqual(got, want) {
		t.Errorf("children of 1 = %v, want %v", got, want)
	}
	if l := tree.Rule(105).Level; l != 1 {
		t.Errorf("accuracy=0 level = %d, want 1", l)
	}
}

func TestAccuracyQuirk(t *testing.T) {
	tree := mustLoad(t, group(`<rule id="100" level="0" accuracy="0"><if_sid>1</if_sid><description>a</description></rule>`))
	if l := tree.Rule(100).Level; l != 99 {
		t.Errorf("level-0 accuracy=0 rule level = %d, want 99 (quirk)", l)
	}
}

func TestPlacement(t *testing.T) {
	tree := mustLoad(t, group(
		`<rule id="100" level="3"><if_sid>1</if_sid><group>auth,authentication_failures,</group><description>a</description></rule>`,
		`<rule id="101" level="4"><if_sid>1</if_sid><group>auth_failed,</group><description>b</description></rule>`,
		`<rule id="102" level="2"><if_sid>100, 101</if_sid><description>multi parent</description></rule>`,
		// if_group uses OS_WordMatch: substring, so authentication_fail
		// also matches authentication_failures.
		`<rule id="103" level="8"><if_group>authentication_fail</if_group><description>c</description></rule>`,
		`<rule id="104" level="9"><if_group>nomatch|^test,auth_f</if_group><description>d</description></rule>`,
		// if_level: every rule with load-time level >= 4*100 (level-0
		// rules count as 9900).
		`<rule id="105" level="1"><if_level>4</if_level><description>e</description></rule>`,
		// Category placement: under the first top-level rule of the category.
		`<rule id="106" level="1"><category>firewall</category><description>f</description></rule>`,
		`<rule id="107" level="1"><description>default syslog</description></rule>`,
		// if_matched_sid without if_sid is an implicit if_sid.
		`<rule id="108" level="10"><if_matched_sid>100</if_matched_sid><description>g</description></rule>`,
		// if_sid: every node of 102 (they are in different sibling lists).
		`<rule id="109" level="1"><if_sid>102</if_sid><description>h</description></rule>`,
	))
	checks := []struct {
		id   int
		want []int
	}{
		{1, []int{101, 100, 105, 107}},
		{2, []int{105, 106}},
		{100, []int{108, 103, 102}},
		{101, []int{104, 102, 105}},
		{102, []int{109}},
	}
	for _, c := range checks {
		if got := childIDs(tree, c.id); !reflect.DeepEqual(got, c.want) {
			t.Errorf("children of %d = %v, want %v", c.id, got, c.want)
		}
	}
	if n := countNodes(tree, 102); n != 2 {
		t.Errorf("rule 102 has %d nodes, want 2", n)
	}
	if n := countNodes(tree, 109); n != 2 {
		t.Errorf("rule 109 has %d nodes, want 2", n)
	}
	// 105: levels >= 400 at its load: 1 (9900), 2 (9900), 101 (400), 103, 104.
	if n := countNodes(tree, 105); n != 5 {
		t.Errorf("rule 105 has %d nodes, want 5", n)
	}
	if c := tree.Rule(106).Category; c != "firewall" {
		t.Errorf("106 category %q", c)
	}
}

// TestIfSidSiblingSkip: after a hit, _AddtoRule leaves the rest of that
// sibling list, so a node of the same rule in a later sibling's subtree is
// not a parent.
func TestIfSidSiblingSkip(t *testing.T) {
	tree := mustLoad(t, group(
		`<rule id="201" level="3"><if_sid>1</if_sid><match>y</match><description>Y</description></rule>`,
		`<rule id="202" level="5"><if_sid>1, 201</if_sid><match>x</match><description>X under 1 and 201</description></rule>`,
		`<rule id="203" level="7"><if_sid>202</if_sid><match>z</match><description>child of X</description></rule>`,
		`<rule id="204" level="7"><if_sid>202,</if_sid><match>w</match><description>trailing comma</description></rule>`,
	))
	if got := childIDs(tree, 1); !reflect.DeepEqual(got, []int{204, 202, 201}) {
		t.Errorf("children of 1 = %v", got)
	}
	if n := countNodes(tree, 203); n != 1 {
		t.Errorf("rule 203 has %d nodes, want 1", n)
	}
	st := NewState(tree, Config{})
	if got := run(tree, st, mkEvent("xz"), mkEvent("yxz")); !reflect.DeepEqual(got, []int{203, 203}) {
		t.Errorf("got %v", got)
	}
}

func TestPlacementSkips(t *testing.T) {
	res := loadXML(t, LoadOptions{}, base+group(
		`<rule id="100" level="3"><if_sid>999</if_sid><description>missing parent</description></rule>`,
		`<rule id="101" level="3"><if_sid>1,999</if_sid><description>one missing</description></rule>`,
		`<rule id="102" level="3"><if_sid>1|2</if_sid><description>bad syntax</description></rule>`,
		`<rule id="103" level="3"><if_group>nosuchgroup</if_group><description>no group</description></rule>`,
		`<rule id="104" level="3"><if_level>x</if_level><description>bad level</description></rule>`,
		`<rule id="105" level="3"><if_matched_sid>abc</if_matched_sid><description>bad sid</description></rule>`,
		`<rule id="106" level="3"><if_matched_sid>998</if_matched_sid><description>implicit missing</description></rule>`,
		`<rule id="107" level="3"><list field="srcip" lookup="address_match_key">etc/lists/none</list><description>no list</description></rule>`,
		`<rule id="108" level="3"><if_sid>107</if_sid><description>child of skipped</description></rule>`,
		`<rule id="101" level="3"><if_sid>1</if_sid><description>duplicate</description></rule>`,
		`<rule id="109" level="3" overwrite="yes"><if_sid>1</if_sid><description>overwrite missing</description></rule>`,
	))
	if len(res.errs) != 0 {
		t.Fatalf("errors: %v", res.errs)
	}
	for _, id := range []int{100, 102, 103, 104, 105, 106, 107, 108} {
		if res.tree.Rule(id) != nil {
			t.Errorf("rule %d loaded, want skipped", id)
		}
	}
	for _, id := range []int{101, 109} {
		if res.tree.Rule(id) == nil {
			t.Errorf("rule %d skipped, want loaded", id)
		}
	}
	if d := res.tree.Rule(101).Description; d != "one missing" {
		t.Errorf("duplicate replaced rule 101: %q", d)
	}
	joined := strings.Join(res.warns, "\n")
	for _, w := range []string{"signature id 999 not found", "invalid if_sid \"1|2\"", "duplicated rule id 101",
		"no rule matches if_group", "list \"etc/lists/none\" could not be loaded", "no rule to overwrite"} {
		if !strings.Contains(joined, w) {
			t.Errorf("no warning containing %q in:\n%s", w, joined)
		}
	}
}

func TestGroupsAndDescription(t *testing.T) {
	tree := mustLoad(t, `<group name="syslog,sshd">
<rule id="100" level="3"><if_sid>1</if_sid><group>pci_dss_10.2.4,</group><group>gdpr_IV_35.7.d,</group>
<description>first
line</description><description> second</description></rule></group>`)
	r := tree.Rule(100)
	// Quirk: the root name has no trailing comma, so the tokens merge.
	if r.Groups != "syslog,sshdpci_dss_10.2.4,gdpr_IV_35.7.d," {
		t.Errorf("groups = %q", r.Groups)
	}
	if r.Description != "first line second" {
		t.Errorf("description = %q", r.Description)
	}
}

func TestOptions(t *testing.T) {
	tree := mustLoad(t, group(
		`<rule id="100" level="12"><if_sid>1</if_sid><description>mail by level</description></rule>`,
		`<rule id="101" level="3"><if_sid>1</if_sid><options>no_counter</options><options>no_log</options><description>quirk</description></rule>`,
		`<rule id="102" level="3"><if_sid>1</if_sid><options>no_log</options><options>no_counter</options><description>order</description></rule>`,
		`<rule id="103" level="13"><if_sid>1</if_sid><options>no_counter</options><options>no_email_alert</options><description>mail quirk</description></rule>`,
		`<rule id="104" level="0"><if_sid>1</if_sid><options>alert_by_email</options><options>no_full_log</options><options>no_ar</options><description>x</description></rule>`,
	))
	type flags struct{ mail, log, noCounter, noFull, noAR bool }
	get := func(id int) flags {
		r := tree.Rule(id)
		return flags{r.Mail, r.Log, r.NoCounter, r.NoFullLog, r.NoAR}
	}
	want := map[int]flags{
		100: {mail: true, log: true},
		101: {},                // no_log cleared no_counter too
		102: {noCounter: true}, // no_counter after no_log survives
		103: {log: true},
		104: {mail: true, noFull: true, noAR: true},
	}
	for id, w := range want {
		if g := get(id); g != w {
			t.Errorf("rule %d flags = %+v, want %+v", id, g, w)
		}
	}
}

func TestFrequencyField(t *testing.T) {
	tree := mustLoad(t, group(
		`<rule id="100" level="3"><if_sid>1</if_sid><description>a</description></rule>`,
		`<rule id="101" level="5"><if_matched_sid>100</if_matched_sid><description>b</description></rule>`,
		`<rule id="102" level="5" frequency="8" timeframe="60"><if_matched_sid>100</if_matched_sid><description>c</description></rule>`,
		`<rule id="103" level="5" frequency="2"><if_sid>1</if_sid><description>freq 2 without context is accepted</description></rule>`,
		`<rule id="104" level="5"><if_matched_group>test</if_matched_group><description>d</description></rule>`,
	))
	for id, want := range map[int]int{100: 0, 101: 2, 102: 8, 103: 0, 104: 2} {
		if got := tree.Rule(id).Frequency; got != want {
			t.Errorf("rule %d Frequency = %d, want %d", id, got, want)
		}
	}
	if tf := tree.Rule(100).Timeframe; tf != 360 {
		t.Errorf("default timeframe = %d", tf)
	}
}

func TestMitreInfo(t *testing.T) {
	tree := mustLoad(t, group(`<rule id="100" level="3"><if_sid>1</if_sid>
<mitre><id>T1110</id><id>T1021</id></mitre><mitre><id>T1110</id></mitre>
<info type="link">http://a</info><info>b</info><cve>CVE-1</cve>
<description>a</description></rule>`,
		`<rule id="101" level="3"><if_sid>1</if_sid><mitre><tacticID>TA0006</tacticID><techniqueID>T1110</techniqueID></mitre><description>b</description></rule>`))
	r := tree.Rule(100)
	if !reflect.DeepEqual(r.Mitre, []string{"T1110", "T1021"}) || r.Info != "http://ab" || r.CVE != "CVE-1" {
		t.Errorf("mitre %v info %q cve %q", r.Mitre, r.Info, r.CVE)
	}
	r = tree.Rule(101)
	if !reflect.DeepEqual(r.MitreTactics, []string{"TA0006"}) || !reflect.DeepEqual(r.MitreTechniques, []string{"T1110"}) {
		t.Errorf("new format %v %v", r.MitreTactics, r.MitreTechniques)
	}
}

func TestOverwrite(t *testing.T) {
	tree := mustLoad(t, group(
		`<rule id="100" level="3"><if_sid>1</if_sid><match>first</match><description>orig</description></rule>`,
		`<rule id="101" level="5"><if_sid>1</if_sid><match>sibling</match><description>sibling</description></rule>`,
		`<rule id="102" level="2"><if_sid>100</if_sid><match>child</match><description>child</description></rule>`,
	), group(
		`<rule id="100" level="9" overwrite="yes"><if_sid>1</if_sid><match>second</match><description>new</description></rule>`,
		`<rule id="100" level="10" overwrite="yes"><if_sid>1</if_sid><match>third</match><description>newer</description></rule>`,
	))
	r := tree.Rule(100)
	if r.Level != 10 || r.Description != "newer" {
		t.Errorf("overwritten rule level %d description %q", r.Level, r.Description)
	}
	// Position is kept (not re-sorted by the new level); children kept.
	if got := childIDs(tree, 1); !reflect.DeepEqual(got, []int{101, 100}) {
		t.Errorf("children of 1 = %v", got)
	}
	st := NewState(tree, Config{})
	if id := matchID(tree, st, mkEvent("first")); id != 0 {
		t.Errorf("old expression still matches (%d)", id)
	}
	if id := matchID(tree, st, mkEvent("third")); id != 100 {
		t.Errorf("new expression: got %d", id)
	}
	if id := matchID(tree, st, mkEvent("third child")); id != 102 {
		t.Errorf("child kept: got %d", id)
	}
}

func TestOverwriteContext(t *testing.T) {
	rules := group(
		`<rule id="100" level="3"><if_sid>1</if_sid><match>a</match><description>a</description></rule>`,
		`<rule id="101" level="8"><if_matched_sid>100</if_matched_sid><match>b</match><description>b after a</description></rule>`,
	)
	for _, tc := range []struct {
		name, over string
		want       []int
	}{
		{"keeps search", `<rule id="101" level="9" overwrite="yes"><if_matched_sid>100</if_matched_sid><match>b</match><description>new</description></rule>`, []int{100, 100, 101}},
		// Without if_matched_* the copied context flag is off: no search.
		{"drops search", `<rule id="101" level="9" overwrite="yes"><if_sid>100</if_sid><match>b</match><description>new</description></rule>`, []int{101, 100, 101}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tree := mustLoad(t, rules, group(tc.over))
			got := run(tree, NewState(tree, Config{}), mkEvent("ab"), mkEvent("a"), mkEvent("ab"))
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}
