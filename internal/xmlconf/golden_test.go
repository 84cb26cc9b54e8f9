package xmlconf

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// sharedDir is the read-only reference material next to the checkout.
const sharedDir = "../../../shared"

func compatDir(t testing.TB) string {
	t.Helper()
	dir := filepath.Join(sharedDir, "compat")
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("reference rulesets not available: %v", err)
	}
	return dir
}

// stockFiles lists every stock XML file the engine may load.
func stockFiles(t testing.TB) []string {
	t.Helper()
	dir := compatDir(t)
	globs := []string{
		"wazuh-4.9.2/ruleset/decoders/*.xml",
		"wazuh-4.9.2/ruleset/rules/*.xml",
		"wazuh-4.9.2/etc/decoders/*.xml",
		"wazuh-4.9.2/etc/rules/*.xml",
		"wazuh-4.9.2/etc/ossec.conf",
		"ossec-4.2/etc/decoder.xml",
		"ossec-4.2/rules/*.xml",
	}
	var files []string
	for _, g := range globs {
		m, err := filepath.Glob(filepath.Join(dir, g))
		if err != nil || len(m) == 0 {
			t.Fatalf("glob %s: %v (no files)", g, err)
		}
		files = append(files, m...)
	}
	return files
}

func TestStockFilesParse(t *testing.T) {
	files := stockFiles(t)
	if len(files) < 300 {
		t.Errorf("only %d stock files found", len(files))
	}
	for _, f := range files {
		roots, err := ParseFile(f)
		if err != nil {
			t.Errorf("%v", err)
			continue
		}
		if len(roots) == 0 {
			t.Errorf("%s: no root elements", f)
		}
		checkTree(t, f, roots)
	}
}

// checkTree asserts invariants every parsed tree must hold.
func checkTree(t *testing.T, file string, nodes []*Node) {
	t.Helper()
	for _, n := range nodes {
		if n.Is("var") {
			t.Errorf("%s: <var> left in the tree", n.Pos)
		}
		if n.Pos.File != file || n.Pos.Line < 1 || n.Pos.Col < 1 {
			t.Errorf("%s: bad position for <%s>", n.Pos, n.Name)
		}
		for _, a := range n.Attrs {
			if a.Pos.Line < n.Pos.Line {
				t.Errorf("%s: attribute %q before its element", a.Pos, a.Name)
			}
		}
		checkTree(t, file, n.Children)
	}
}

// find returns the first element, depth first, for which ok holds.
func find(nodes []*Node, ok func(*Node) bool) *Node {
	for _, n := range nodes {
		if ok(n) {
			return n
		}
		if c := find(n.Children, ok); c != nil {
			return c
		}
	}
	return nil
}

func withAttr(name, value string) func(*Node) bool {
	return func(n *Node) bool {
		v, ok := n.Attr(name)
		return ok && v == value
	}
}

func parseStock(t *testing.T, rel string) []*Node {
	t.Helper()
	roots, err := ParseFile(filepath.Join(compatDir(t), rel))
	if err != nil {
		t.Fatal(err)
	}
	return roots
}

func TestStockSpotChecks(t *testing.T) {
	t.Run("escaped lt stays in a decoder pattern", func(t *testing.T) {
		roots := parseStock(t, "wazuh-4.9.2/ruleset/decoders/0300-sophos_decoders.xml")
		if len(roots) != 11 {
			t.Errorf("%d root elements, want 11", len(roots))
		}
		d := find(roots, withAttr("name", "sophos-win"))
		if d == nil || len(d.Children) != 1 || d.Children[0].Name != "prematch" {
			t.Fatalf("decoder sophos-win not found as expected: %v", d)
		}
		if got, want := d.Children[0].Content, `\<log>\.+\</log>`; got != want {
			t.Errorf("prematch = %q, want %q", got, want)
		}
		if d.Pos.Line != 43 || d.Pos.Col != 1 {
			t.Errorf("decoder sophos-win at %s, want line 43 col 1", d.Pos)
		}
	})
	t.Run("frequency variable substituted", func(t *testing.T) {
		roots := parseStock(t, "wazuh-4.9.2/ruleset/rules/0220-msauth_rules.xml")
		if len(roots) != 1 || !roots[0].Is("group") {
			t.Fatalf("want one <group> root (the <var> removed), got %d roots", len(roots))
		}
		r := find(roots, withAttr("id", "18151"))
		if r == nil {
			t.Fatal("rule 18151 not found")
		}
		if f, _ := r.Attr("frequency"); f != "8" {
			t.Errorf("rule 18151 frequency = %q, want 8", f)
		}
		if r.Pos.Line != 1150 {
			t.Errorf("rule 18151 at %s, want line 1150", r.Pos)
		}
	})
	t.Run("variable substituted in content", func(t *testing.T) {
		roots := parseStock(t, "ossec-4.2/rules/attack_rules.xml")
		u := find(roots, func(n *Node) bool { return n.Is("user_pcre2") })
		if u == nil {
			t.Fatal("no <user_pcre2>")
		}
		if !strings.HasPrefix(u.Content, "^apache$|^mysql$|") || strings.Contains(u.Content, "SYS_USERS") {
			t.Errorf("<user_pcre2> = %.60q..., want the SYS_USERS value", u.Content)
		}
	})
	t.Run("field syntax kept where variables exist", func(t *testing.T) {
		roots := parseStock(t, "wazuh-4.9.2/ruleset/rules/0595-win-sysmon_rules.xml")
		r := find(roots, withAttr("id", "61642"))
		if f, _ := r.Attr("frequency"); f != "8" {
			t.Errorf("rule 61642 frequency = %q, want 8", f)
		}
		d := find(roots, func(n *Node) bool {
			return n.Is("description") && strings.HasPrefix(n.Content, "Sysmon - Event 3:")
		})
		want := "Sysmon - Event 3: Network connection to $(win.eventdata.destinationIp):" +
			"$(win.eventdata.destinationPort) by $(win.eventdata.image)"
		if d == nil || d.Content != want {
			t.Errorf("description = %v, want %q", d, want)
		}
	})
	t.Run("dollar untouched without definitions", func(t *testing.T) {
		roots := parseStock(t, "wazuh-4.9.2/ruleset/rules/0915-win-powershell_rules.xml")
		f := find(roots, func(n *Node) bool { return n.Is("field") && strings.Contains(n.Content, `\$PID`) })
		if f == nil {
			t.Error(`no <field> keeps "\$PID"`)
		}
	})
	t.Run("ossec.conf", func(t *testing.T) {
		roots := parseStock(t, "wazuh-4.9.2/etc/ossec.conf")
		if len(roots) != 1 || roots[0].Name != "ossec_config" {
			t.Fatalf("want one <ossec_config>, got %d roots", len(roots))
		}
		rs := find(roots, func(n *Node) bool { return n.Is("ruleset") })
		if rs == nil || find(rs.Children, func(n *Node) bool { return n.Is("decoder_dir") }) == nil {
			t.Error("no <ruleset><decoder_dir>")
		}
	})
}

func BenchmarkParseLargeRuleFile(b *testing.B) {
	path := filepath.Join(compatDir(b), "wazuh-4.9.2/ruleset/rules/0585-win-application_rules.xml")
	data, err := os.ReadFile(path)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse(path, data); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkParseAllStock measures loading every stock file (I/O included).
func BenchmarkParseAllStock(b *testing.B) {
	dir := compatDir(b)
	var files []string
	for _, g := range []string{"wazuh-4.9.2/ruleset/decoders/*.xml", "wazuh-4.9.2/ruleset/rules/*.xml"} {
		m, _ := filepath.Glob(filepath.Join(dir, g))
		files = append(files, m...)
	}
	b.ReportAllocs()
	for b.Loop() {
		for _, f := range files {
			if _, err := ParseFile(f); err != nil {
				b.Fatal(err)
			}
		}
	}
}
