package rules

import (
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gossec/gossec/internal/osregex"
	"github.com/gossec/gossec/internal/xmlconf"
)

// dumpPlacement writes what placement decides: the tree in preorder with
// depths, and each rule's category and correlation lists.
func dumpPlacement(t *Tree) string {
	var b strings.Builder
	var visit func(list []*node, depth int)
	visit = func(list []*node, depth int) {
		for _, nd := range list {
			r := nd.rule
			fmt.Fprintf(&b, "%s%d cat=%s scaled=%d sid=%d/%d grp=%d/%v\n", strings.Repeat(" ", depth), r.ID, r.Category,
				r.scaled, r.corr.storeSid, r.corr.sidList, r.corr.groupList, r.corr.storeGroups)
			visit(nd.children, depth+1)
		}
	}
	visit(t.top, 0)
	fmt.Fprintf(&b, "nSid=%d nGroup=%d rules=%d\n", t.nSid, t.nGroup, len(t.rules))
	return b.String()
}

// loadPlacement loads files placing rules through the index, or by the
// reference walk when ref is set, and returns the dump and the warnings.
func loadPlacement(files []string, opt LoadOptions, ref bool) (string, []string, []error) {
	var warns []string
	opt.Warn = func(pos xmlconf.Pos, msg string) { warns = append(warns, pos.String()+": "+msg) }
	l := newLoader(opt)
	l.refPlacement = ref
	for _, f := range files {
		l.loadFile(f)
	}
	l.finish()
	return dumpPlacement(l.t), warns, l.errs
}

func comparePlacement(t *testing.T, files []string, opt LoadOptions) {
	t.Helper()
	got, gotWarns, gotErrs := loadPlacement(files, opt, false)
	want, wantWarns, wantErrs := loadPlacement(files, opt, true)
	if got != want {
		t.Errorf("placement through the index differs from the walk:\n%s", firstDiff(got, want))
	}
	if strings.Join(gotWarns, "\n") != strings.Join(wantWarns, "\n") {
		t.Errorf("warnings differ:\n%s", firstDiff(strings.Join(gotWarns, "\n"), strings.Join(wantWarns, "\n")))
	}
	if fmt.Sprint(gotErrs) != fmt.Sprint(wantErrs) {
		t.Errorf("errors differ: %v, want %v", gotErrs, wantErrs)
	}
}

func firstDiff(got, want string) string {
	g, w := strings.Split(got, "\n"), strings.Split(want, "\n")
	for i := 0; i < len(g) && i < len(w); i++ {
		if g[i] != w[i] {
			return fmt.Sprintf("line %d: got %q, want %q", i+1, g[i], w[i])
		}
	}
	return fmt.Sprintf("%d lines, want %d", len(g), len(w))
}

// TestPlacementIndexQuirks compares the index with the walk on the shapes
// where _AddtoRule's walk does not reach every node of an id: an id
// listed twice, a rule placed under itself, a rule placed twice in one
// list by if_group and reached again below a later sibling, overwrites
// that change the groups.
func TestPlacementIndexQuirks(t *testing.T) {
	cases := map[string][]string{
		"repeated if_sid": {group(
			`<rule id="100" level="3"><if_sid>1,1</if_sid><description>twice under 1</description></rule>`,
			`<rule id="101" level="4"><if_sid>100</if_sid><description>under the first 100 only</description></rule>`,
			`<rule id="102" level="5"><if_sid>1 0,</if_sid><description>category and id 0</description></rule>`,
			`<rule id="103" level="5"><if_sid>102</if_sid><description>x</description></rule>`,
		)},
		"self parent": {group(
			`<rule id="100" level="3"><if_sid>1,100</if_sid><description>under 1 then under itself</description></rule>`,
			`<rule id="101" level="4"><if_sid>100</if_sid><description>x</description></rule>`,
		)},
		"if_group in a sibling subtree": {group(
			`<rule id="100" level="3"><if_sid>1</if_sid><group>a,</group><description>a</description></rule>`,
			`<rule id="101" level="2"><if_sid>1</if_sid><group>b,</group><description>b</description></rule>`,
			`<rule id="102" level="9"><if_sid>101</if_sid><group>a,</group><description>a below b</description></rule>`,
			`<rule id="103" level="5"><if_group>a</if_group><group>c,</group><description>under 100 and 102</description></rule>`,
			`<rule id="104" level="6"><if_sid>103</if_sid><description>walk stops at the first 103 of a list</description></rule>`,
			`<rule id="105" level="1"><if_level>3</if_level><description>by level</description></rule>`,
			`<rule id="106" level="1"><if_sid>105</if_sid><description>x</description></rule>`,
			`<rule id="107" level="7" frequency="3" timeframe="60"><if_matched_group>a</if_matched_group><description>grp</description></rule>`,
			`<rule id="108" level="7" frequency="3" timeframe="60"><if_matched_sid>103</if_matched_sid><description>sid</description></rule>`,
			`<rule id="109" level="7" frequency="3" timeframe="60"><if_matched_sid>999</if_matched_sid><if_sid>1</if_sid><description>none</description></rule>`,
		)},
		"overwrite changes groups": {group(
			`<rule id="100" level="3"><if_sid>1</if_sid><group>a,</group><description>a</description></rule>`,
			`<rule id="100" level="3" overwrite="yes"><if_sid>1</if_sid><group>z,</group><description>now z</description></rule>`,
			`<rule id="101" level="4"><if_group>a</if_group><description>no a left but the group name</description></rule>`,
			`<rule id="102" level="4"><if_group>z</if_group><description>under 100</description></rule>`,
			`<rule id="103" level="7" frequency="3" timeframe="60"><if_matched_group>z</if_matched_group><description>grp</description></rule>`,
		)},
	}
	for name, rules := range cases {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			var files []string
			for i, f := range append([]string{base}, rules...) {
				p := filepath.Join(dir, fmt.Sprintf("%d_rules.xml", i))
				if err := os.WriteFile(p, []byte(f), 0o600); err != nil {
					t.Fatal(err)
				}
				files = append(files, p)
			}
			comparePlacement(t, files, LoadOptions{})
		})
	}
}

func TestPlacementIndexRulesets(t *testing.T) {
	skipWithoutShared(t)
	t.Run("wazuh", func(t *testing.T) { comparePlacement(t, wazuhFiles(t), LoadOptions{Lists: wazuhLists(t)}) })
	t.Run("ossec", func(t *testing.T) { comparePlacement(t, ossecFiles(t), LoadOptions{OSSEC: true}) })
}

// TestWordMatchLowered compares the lowered word match with
// osregex.WordMatch on random patterns and group strings.
func TestWordMatchLowered(t *testing.T) {
	r := rand.New(rand.NewSource(7))
	alphabet := []string{"a", "A", "b", "B", "|", "^", "$", ",", "\x00", "é", "Z", "z"}
	gen := func(n int) string {
		var b strings.Builder
		for i := r.Intn(n + 1); i > 0; i-- {
			b.WriteString(alphabet[r.Intn(len(alphabet))])
		}
		return b.String()
	}
	for i := 0; i < 200000; i++ {
		p, s := gen(5), gen(8)
		if got, want := wordMatchLowered(lowerCString(p), lowerCString(s)), osregex.WordMatch(p, s); got != want {
			t.Fatalf("WordMatch(%q, %q): lowered %v, want %v", p, s, got, want)
		}
	}
}
