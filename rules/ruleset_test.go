package rules

import (
	"os"
	"path/filepath"
	"sort"
	"testing"

	"github.com/gossec/gossec/internal/cdb"
	"github.com/gossec/gossec/internal/xmlconf"
)

const shared = "../../shared/compat"

func skipWithoutShared(t testing.TB) {
	t.Helper()
	if _, err := os.Stat(shared); err != nil {
		t.Skip("shared compat data not present")
	}
}

// wazuhFiles returns the rule files of the packaged configuration sorted
// by base name, without 0215-policy_rules.xml.
func wazuhFiles(t testing.TB) []string {
	home := filepath.Join(shared, "wazuh-4.9.2")
	var files []string
	for _, dir := range []string{"ruleset/rules", "etc/rules"} {
		m, err := filepath.Glob(filepath.Join(home, dir, "*.xml"))
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range m {
			if filepath.Base(f) != "0215-policy_rules.xml" {
				files = append(files, f)
			}
		}
	}
	sort.Slice(files, func(i, j int) bool { return filepath.Base(files[i]) < filepath.Base(files[j]) })
	return files
}

func wazuhLists(t testing.TB) map[string]*cdb.List {
	home := filepath.Join(shared, "wazuh-4.9.2")
	lists := map[string]*cdb.List{}
	for _, p := range []string{"etc/lists/audit-keys", "etc/lists/amazon/aws-eventnames", "etc/lists/security-eventchannel"} {
		l, err := cdb.Load(filepath.Join(home, p))
		if err != nil {
			t.Fatal(err)
		}
		lists[p] = l
	}
	return lists
}

func TestLoadWazuhRuleset(t *testing.T) {
	skipWithoutShared(t)
	var warns []string
	tree, errs := Load(wazuhFiles(t), LoadOptions{
		Lists: wazuhLists(t),
		Warn:  func(pos xmlconf.Pos, msg string) { warns = append(warns, pos.String()+": "+msg) },
	})
	for _, e := range errs {
		t.Error(e)
	}
	for _, w := range warns {
		t.Log("warning:", w)
	}
	t.Logf("%d rules, %d warnings", tree.Len(), len(warns))
}

// ossecFiles returns the <include> files of the OSSEC 4.2 ossec.conf.
func ossecFiles(t testing.TB) []string {
	home := filepath.Join(shared, "ossec-4.2")
	roots, err := xmlconf.ParseFile(filepath.Join(home, "etc/ossec.conf"))
	if err != nil {
		t.Fatal(err)
	}
	var files []string
	var visit func(ns []*xmlconf.Node)
	visit = func(ns []*xmlconf.Node) {
		for _, n := range ns {
			if n.Is("include") {
				files = append(files, filepath.Join(home, "rules", n.Content))
			}
			visit(n.Children)
		}
	}
	visit(roots)
	if len(files) == 0 {
		t.Fatal("no <include> in ossec.conf")
	}
	return files
}

func TestLoadOSSECRuleset(t *testing.T) {
	skipWithoutShared(t)
	var warns int
	tree, errs := Load(ossecFiles(t), LoadOptions{
		OSSEC: true,
		Warn:  func(pos xmlconf.Pos, msg string) { warns++; t.Log("warning:", pos, msg) },
	})
	for _, e := range errs {
		t.Error(e)
	}
	t.Logf("%d rules, %d warnings", tree.Len(), warns)
}
