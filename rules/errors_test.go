package rules

import (
	"errors"
	"strings"
	"testing"

	"github.com/gossec/gossec/internal/xmlconf"
)

func TestThreeErrors(t *testing.T) {
	tree, errs := Load([]string{"testdata/base.xml", "testdata/three_errors.xml"}, LoadOptions{})
	want := []string{
		"testdata/three_errors.xml:4:5: invalid element <bogus> in rule 100",
		"testdata/three_errors.xml:10:5: rule 101: invalid osregex expression",
		"testdata/three_errors.xml:14:3: invalid use of frequency/context options",
	}
	if len(errs) != len(want) {
		t.Fatalf("got %d errors, want %d: %v", len(errs), len(want), errs)
	}
	for i, e := range errs {
		var xe *xmlconf.Error
		if !errors.As(e, &xe) {
			t.Errorf("error %d is %T, want *xmlconf.Error", i, e)
		}
		if !strings.HasPrefix(e.Error(), want[i]) {
			t.Errorf("error %d = %q, want prefix %q", i, e, want[i])
		}
	}
	if tree.Rule(103) == nil {
		t.Error("the good rule after the errors was not loaded")
	}
}

func TestLoadErrors(t *testing.T) {
	tests := []struct {
		name, xml, want string
	}{
		{"root not group", `<rules name="x"><rule id="100" level="1"><description>x</description></rule></rules>`, "invalid root element <rules>"},
		{"group attribute", `<group name="x" other="y"><rule id="100" level="1"><description>x</description></rule></group>`, "only the group name"},
		{"group without rules", `<group name="x"></group>`, "without any rule"},
		{"non-rule child", `<group name="x"><decoder/></group>`, "only <rule> is allowed"},
		{"missing level", `<group name="x"><rule id="100"><description>x</description></rule></group>`, "without id or level"},
		{"bad id", `<group name="x"><rule id="1234567" level="1"><description>x</description></rule></group>`, "invalid rule id"},
		{"level 17", `<group name="x"><rule id="100" level="17"><description>x</description></rule></group>`, "invalid level"},
		{"frequency 1", `<group name="x"><rule id="100" level="1" frequency="1"><if_matched_sid>1</if_matched_sid><description>x</description></rule></group>`, "invalid frequency"},
		{"bad attribute", `<group name="x"><rule id="100" level="1" foo="1"><description>x</description></rule></group>`, "invalid rule attribute"},
		{"bad overwrite", `<group name="x"><rule id="100" level="1" overwrite="YES"><description>x</description></rule></group>`, "invalid overwrite"},
		{"no description", `<group name="x"><rule id="100" level="1"><if_sid>1</if_sid></rule></group>`, "no description"},
		{"no option", `<group name="x"><rule id="100" level="1"></rule></group>`, "without any option"},
		{"same_* without context", `<group name="x"><rule id="100" level="1"><if_sid>1</if_sid><same_source_ip/><description>x</description></rule></group>`, "missing if_matched"},
		{"global_frequency without context", `<group name="x"><rule id="100" level="1"><if_sid>1</if_sid><global_frequency/><description>x</description></rule></group>`, "missing if_matched"},
		{"static field", `<group name="x"><rule id="100" level="1"><if_sid>1</if_sid><field name="srcip">x</field><description>x</description></rule></group>`, "is static"},
		{"field without name", `<group name="x"><rule id="100" level="1"><if_sid>1</if_sid><field>x</field><description>x</description></rule></group>`, "without attribute name"},
		{"bad option", `<group name="x"><rule id="100" level="1"><if_sid>1</if_sid><options>no_log,no_ar</options><description>x</description></rule></group>`, "invalid option"},
		{"bad category", `<group name="x"><rule id="100" level="1"><category>Syslog</category><description>x</description></rule></group>`, "invalid category"},
		{"bad compiled", `<group name="x"><rule id="100" level="1"><if_sid>1</if_sid><compiled_rule>nope</compiled_rule><description>x</description></rule></group>`, "compiled rule not found"},
		{"bad ip", `<group name="x"><rule id="100" level="1"><if_sid>1</if_sid><srcip>1.2.3</srcip><description>x</description></rule></group>`, "invalid ip address"},
		{"bad time", `<group name="x"><rule id="100" level="1"><if_sid>1</if_sid><time>25:00-26:00</time><description>x</description></rule></group>`, "invalid time"},
		{"bad weekday", `<group name="x"><rule id="100" level="1"><if_sid>1</if_sid><weekday>someday</weekday><description>x</description></rule></group>`, "invalid weekday"},
		{"list without field", `<group name="x"><rule id="100" level="1"><if_sid>1</if_sid><list lookup="match_key">a</list><description>x</description></rule></group>`, "requires the field"},
		{"list bad lookup", `<group name="x"><rule id="100" level="1"><if_sid>1</if_sid><list field="srcip" lookup="x">a</list><description>x</description></rule></group>`, "lookup \"x\" is not valid"},
		{"info bad type", `<group name="x"><rule id="100" level="1"><if_sid>1</if_sid><info type="url">a</info><description>x</description></rule></group>`, "invalid <info> type"},
		{"case-sensitive same_id", `<group name="x"><rule id="100" level="1"><if_matched_sid>1</if_matched_sid><Same_ID/><description>x</description></rule></group>`, "invalid element <Same_ID>"},
		{"bad pcre2", `<group name="x"><rule id="100" level="1"><if_sid>1</if_sid><match type="pcre2">(</match><description>x</description></rule></group>`, "invalid pcre2 expression"},
		{"unknown decoder", `<group name="x"><rule id="100" level="1"><decoded_as>nope</decoded_as><description>x</description></rule></group>`, "invalid decoder name \"nope\""},
		{"ignore empty word", `<group name="x"><rule id="100" level="1"><if_sid>1</if_sid><ignore>srcip,,user</ignore><description>x</description></rule></group>`, "wrong ignore option"},
	}
	opt := LoadOptions{DecoderExists: func(n string) bool { return n == "sshd" }}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := loadXML(t, opt, base, tc.xml)
			if len(res.errs) != 1 {
				t.Fatalf("got %d errors, want 1: %v", len(res.errs), res.errs)
			}
			if !strings.Contains(res.errs[0].Error(), tc.want) {
				t.Errorf("error %q does not contain %q", res.errs[0], tc.want)
			}
		})
	}
}

func TestLoadWarnings(t *testing.T) {
	res := loadXML(t, LoadOptions{}, base, group(
		`<rule id="100" level="1" noalert="2"><if_sid>1</if_sid><match negate="si" type="regexp">a</match><same_agent/><description>x</description></rule>`,
	))
	if len(res.errs) != 0 {
		t.Fatal(res.errs)
	}
	joined := strings.Join(res.warns, "\n")
	for _, w := range []string{"noalert", "negate", "attribute type", "deprecated option <same_agent>"} {
		if !strings.Contains(joined, w) {
			t.Errorf("no warning about %q in %s", w, joined)
		}
	}
}

func TestReadFileOption(t *testing.T) {
	files := map[string]string{"mem/a.xml": base, "mem/b.xml": group(`<rule id="100" level="3"><if_sid>1</if_sid><description>x</description></rule>`)}
	read := func(p string) ([]byte, error) {
		if s, ok := files[p]; ok {
			return []byte(s), nil
		}
		return nil, errors.New("no such file")
	}
	tree, errs := Load([]string{"mem/a.xml", "mem/b.xml"}, LoadOptions{ReadFile: read})
	if len(errs) != 0 || tree.Rule(100) == nil {
		t.Fatalf("errs %v", errs)
	}
	if tree.Rule(100).Pos.File != "mem/b.xml" {
		t.Errorf("pos %v", tree.Rule(100).Pos)
	}
	_, errs = Load([]string{"mem/missing.xml"}, LoadOptions{ReadFile: read})
	if len(errs) != 1 || !strings.Contains(errs[0].Error(), `"mem/missing.xml"`) {
		t.Errorf("errs %v", errs)
	}
}

func TestXMLErrorPositioned(t *testing.T) {
	res := loadXML(t, LoadOptions{}, `<group name="x"><rule id="1" level="0">`)
	if len(res.errs) != 1 {
		t.Fatalf("errs %v", res.errs)
	}
	var xe *xmlconf.Error
	if !errors.As(res.errs[0], &xe) || !strings.Contains(res.errs[0].Error(), "a_rules.xml:") {
		t.Errorf("error %q is not positioned", res.errs[0])
	}
}
