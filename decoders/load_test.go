package decoders

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gossec/gossec/internal/xmlconf"
)

func loadFiles(t *testing.T, files ...string) (*Set, []string) {
	t.Helper()
	var warns []string
	var paths []string
	for _, f := range files {
		paths = append(paths, filepath.Join("testdata", f))
	}
	s, errs := Load(paths, LoadOptions{Warn: func(p xmlconf.Pos, m string) { warns = append(warns, p.String()+": "+m) }})
	for _, e := range errs {
		t.Errorf("load: %v", e)
	}
	if s == nil {
		t.FailNow()
	}
	return s, warns
}

// writeDecoders writes an ad-hoc decoder file and returns its path.
func writeDecoders(t *testing.T, text string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "d.xml")
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestLoadErrors(t *testing.T) {
	cases := []struct {
		file, want string
		line       int
	}{
		{"after_parent_top.xml", `offset "after_parent" needs a <parent>`, 3},
		{"after_prematch_noprematch.xml", `offset "after_prematch" needs a <prematch>`, 6},
		{"after_regex_top.xml", `offset "after_regex" needs a <parent>`, 3},
		{"after_regex_first.xml", `offset "after_regex" needs an earlier block`, 4},
		{"prematch_offset.xml", `invalid <prematch> offset "after_prematch"`, 6},
		{"prematch_offset_top.xml", `offset "after_parent" needs a <parent>`, 2},
		{"second_offset.xml", `only the first <regex> may have an offset`, 4},
		{"plugin_offset_top.xml", `plugin offset "after_parent" needs a <parent>`, 1},
		{"plugin_offset_noprematch.xml", `plugin offset "after_prematch" needs a <prematch>`, 1},
		{"plugin_offset_invalid.xml", `invalid offset "somewhere" in <plugin_decoder>`, 3},
		{"plugin_regex.xml", `cannot be combined with <regex>`, 1},
		{"plugin_unknown.xml", `unknown plugin_decoder "json_decoder"`, 3},
		{"regex_noorder.xml", `<regex> needs an <order>`, 1},
		{"order_noregex.xml", `<order> and <fts> need a <regex>`, 1},
		{"regex_nogroup.xml", `regex "\\S+" has no capture group`, 3},
		{"regex_syntax.xml", `invalid prematch "^p(a|b)"`, 2},
		{"pcre2_syntax.xml", `invalid prematch "^p("`, 2},
		{"unknown_element.xml", `invalid element <prematch_regex>`, 3},
		{"unknown_attribute.xml", `invalid attribute "negate" in <prematch>`, 2},
		{"type_case.xml", `invalid element <Type>`, 3},
		{"type_invalid.xml", `invalid decoder type "Firewall"`, 3},
		{"no_prematch.xml", `needs <prematch> or <program_name>`, 1},
		{"parent_missing.xml", `parent decoder "nothere" not found`, 1},
		{"order_empty.xml", `wrong field "" in <order>`, 4},
		{"order_toomany.xml", `<order> has too many fields`, 4},
		{"fts_wrong.xml", `wrong field "dyn" in <fts>`, 5},
		{"fts_noregex.xml", `<order> and <fts> need a <regex>`, 1},
		{"chain_prematch.xml", `repeated decoder name cannot have a <prematch>`, 9},
		{"chain_noregex.xml", `needs a <regex> or <plugin_decoder> in every block`, 8},
		{"chain_fts.xml", `repeated decoder name cannot have <fts>`, 9},
		{"root_element.xml", `invalid root element "group"`, 1},
		{"root_attrs.xml", `invalid attribute "id"`, 1},
		{"root_noname.xml", `needs a name attribute first`, 1},
		{"too_long.xml", `<prematch> is too long`, 3},
		{"empty_file.xml", `no decoder in file`, 1},
		{"ossec_pcre2_type.xml", `invalid attribute "type" in <prematch_pcre2>`, 2},
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			s, errs := Load([]string{filepath.Join("testdata", "errors", c.file)}, LoadOptions{})
			if s != nil || len(errs) == 0 {
				t.Fatalf("loaded without error")
			}
			var xe *xmlconf.Error
			if !errors.As(errs[0], &xe) {
				t.Fatalf("error %v is %T, not *xmlconf.Error", errs[0], errs[0])
			}
			if !strings.Contains(errs[0].Error(), c.want) {
				t.Errorf("error %q does not contain %q", errs[0], c.want)
			}
			if xe.Pos.Line != c.line || !strings.HasSuffix(xe.Pos.File, c.file) {
				t.Errorf("error at %s, want line %d of %s", xe.Pos, c.line, c.file)
			}
		})
	}
}

// TestLoadReportsEveryError checks that loading goes on after an error.
func TestLoadReportsEveryError(t *testing.T) {
	files := []string{
		filepath.Join("testdata", "errors", "regex_noorder.xml"),
		filepath.Join("testdata", "errors", "type_invalid.xml"),
		filepath.Join("testdata", "errors", "does-not-exist.xml"),
		writeDecoders(t, `<decoder name="a"><prematch>^a</prematch><bogus/></decoder>
<decoder name="b"><prematch>^b</prematch><regex>(x)</regex></decoder>
<decoder name="ok"><prematch>^ok</prematch></decoder>
<decoder name="kid"><parent>a</parent><regex>(x)</regex><order>id</order></decoder>`),
	}
	_, errs := Load(files, LoadOptions{})
	if len(errs) != 5 {
		t.Fatalf("got %d errors, want 5 (a child of a failed decoder is not reported again):\n%v", len(errs), errs)
	}
}

func TestLoadWarnings(t *testing.T) {
	path := writeDecoders(t, `<decoder name="w">
  <prematch type="osmatch">^w </prematch>
  <regex type="perl" offset="after_nothing">^w (\S+)</regex>
  <order>id</order>
  <program_name type="bogus">w</program_name>
</decoder>
<decoder name="v"><prematch>^v</prematch></decoder>
<decoder name="w-child">
  <parent>v</parent>
  <prematch offset="later">^w </prematch>
  <json_null_field>empty</json_null_field>
  <json_array_structure>list</json_array_structure>
  <plugin_decoder>JSON_Decoder</plugin_decoder>
</decoder>`)
	var warns []string
	s, errs := Load([]string{path}, LoadOptions{Warn: func(p xmlconf.Pos, m string) { warns = append(warns, p.String()+": "+m) }})
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	want := []string{
		`:2:3: decoder "w": invalid type "osmatch" in <prematch>; using osregex`,
		`:3:3: decoder "w": invalid offset "after_nothing" in <regex>; ignored`,
		`:3:3: decoder "w": invalid type "perl" in <regex>; using osregex`,
		`:5:3: decoder "w": invalid type "bogus" in <program_name>; using osmatch`,
		`:10:3: decoder "w-child": invalid offset "later" in <prematch>; ignored`,
		`:11:3: decoder "w-child": json_null_field "empty" is deprecated`,
		`:12:3: decoder "w-child": invalid json_array_structure "list"`,
	}
	if len(warns) != len(want) {
		t.Fatalf("warnings:\n%s", strings.Join(warns, "\n"))
	}
	for i := range want {
		if !strings.Contains(warns[i], want[i]) {
			t.Errorf("warning %d = %q, want %q", i, warns[i], want[i])
		}
	}
	// The fallbacks apply: the osmatch prematch became OS_Regex and the
	// invalid regex offset was dropped.
	ev := newEvent("w abc", "w", true)
	s.Decode(ev, NewState())
	if v, _ := ev.Get(idField); v != "abc" {
		t.Errorf("id = %q", v)
	}
}

func TestNamesAndHas(t *testing.T) {
	s, _ := loadFiles(t, "features.xml")
	if !s.Has("quiet-child") || !s.Has("prog") || !s.Has("syscheck_new_entry") || s.Has("Prog") || s.Has("nothing") {
		t.Error("Has is wrong")
	}
	names := s.Names()
	if len(names) == 0 || names[0] != "acc" || strings.Contains(strings.Join(names, ","), "syscheck") {
		t.Errorf("names = %v", names)
	}
	for i := 1; i < len(names); i++ {
		if names[i-1] >= names[i] {
			t.Errorf("names not sorted and unique: %v", names)
		}
	}
}

func TestWazuhListShapes(t *testing.T) {
	home := wazuhHome(t)
	files, _ := filepath.Glob(filepath.Join(home, "ruleset", "decoders", "*.xml"))
	s, errs := Load(files, LoadOptions{})
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	// Counts measured on the C engine (docs/wazuh-engine.md §2.2).
	if len(s.pn) != 109 || len(s.nopn) != 98 {
		t.Errorf("top-level lists: %d with program_name, %d without; want 109 and 98", len(s.pn), len(s.nopn))
	}
	if got := len(s.Names()); got != 633 {
		t.Errorf("%d distinct names, want 633", got)
	}
	// Children: distinct blocks, those with prematch, distinct parents and
	// same-name chains (groups of blocks sharing parent and own name).
	seen := map[*decoder]bool{}
	parents := map[string]bool{}
	groups := map[[2]string]int{}
	withPrematch := 0
	for _, list := range [][]*topNode{s.pn, s.nopn} {
		for _, top := range list {
			for _, c := range top.children {
				if seen[c] {
					continue
				}
				seen[c] = true
				parents[c.parent] = true
				groups[[2]string{c.parent, c.ownName}]++
				if c.prematch != nil {
					withPrematch++
				}
			}
		}
	}
	chains, chained := 0, 0
	for _, n := range groups {
		if n > 1 {
			chains++
			chained += n
		}
	}
	if len(seen) != 1360 || withPrematch != 403 || len(parents) != 131 || chains != 83 || chained != 968 {
		t.Errorf("children %d (with prematch %d), parents %d, chains %d of %d blocks; want 1360 (403), 131, 83 of 968",
			len(seen), withPrematch, len(parents), chains, chained)
	}
}
