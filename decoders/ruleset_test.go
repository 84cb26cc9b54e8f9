package decoders

import (
	"os"
	"path/filepath"
	"sort"
	"testing"

	"github.com/gossec/gossec/internal/xmlconf"
)

// sharedDir is the read-only reference data, relative to the package.
const sharedDir = "../../shared"

func wazuhHome(t testing.TB) string {
	t.Helper()
	home := filepath.Join(sharedDir, "compat", "wazuh-4.9.2")
	if _, err := os.Stat(home); err != nil {
		t.Skipf("reference data not available: %v", err)
	}
	return home
}

// wazuhDecoderFiles lists the packaged decoder directories sorted by base
// name, as analysisd orders them.
func wazuhDecoderFiles(t testing.TB) []string {
	home := wazuhHome(t)
	var files []string
	for _, dir := range []string{"ruleset/decoders", "etc/decoders"} {
		m, err := filepath.Glob(filepath.Join(home, dir, "*.xml"))
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, m...)
	}
	sort.SliceStable(files, func(i, j int) bool { return filepath.Base(files[i]) < filepath.Base(files[j]) })
	return files
}

func loadWazuh(t testing.TB) *Set {
	t.Helper()
	var warns []string
	s, errs := Load(wazuhDecoderFiles(t), LoadOptions{Warn: func(p xmlconf.Pos, m string) { warns = append(warns, p.String()+": "+m) }})
	for _, e := range errs {
		t.Error(e)
	}
	if len(errs) > 0 {
		t.FailNow()
	}
	for _, w := range warns {
		t.Log("warning:", w)
	}
	return s
}

func loadOSSEC(t testing.TB) *Set {
	t.Helper()
	f := filepath.Join(sharedDir, "compat", "ossec-4.2", "etc", "decoder.xml")
	if _, err := os.Stat(f); err != nil {
		t.Skipf("reference data not available: %v", err)
	}
	s, errs := Load([]string{f}, LoadOptions{})
	for _, e := range errs {
		t.Error(e)
	}
	if len(errs) > 0 {
		t.FailNow()
	}
	return s
}

func TestLoadWazuhRuleset(t *testing.T) {
	s := loadWazuh(t)
	t.Logf("pn %d nopn %d names %d", len(s.pn), len(s.nopn), len(s.Names()))
}

func TestLoadOSSECRuleset(t *testing.T) {
	s := loadOSSEC(t)
	t.Logf("pn %d nopn %d names %d", len(s.pn), len(s.nopn), len(s.Names()))
}
