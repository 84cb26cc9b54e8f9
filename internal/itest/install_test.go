package itest

import (
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// installTree lists the files of an installation with their contents,
// except the binary (rebuilt, equal or not, by every run).
func installTree(t *testing.T, root string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(root, func(p string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		if rel == filepath.Join("bin", "gossec") {
			out[rel] = "(binary)"
			return nil
		}
		b, err := os.ReadFile(p)
		out[rel] = string(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func runInstall(t *testing.T, prefix string) {
	t.Helper()
	cmd := exec.Command("../../install.sh", "--prefix", prefix, "--no-systemd", "--no-user")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("install.sh: %v\n%s", err, out)
	}
}

var rulesCount = regexp.MustCompile(`configuration ok: \d+ decoders, (\d+) rules`)

// checkInstalled runs `gossec run -t` of the installation and returns the
// number of rules it reports.
func checkInstalled(t *testing.T, prefix string) string {
	t.Helper()
	out, err := exec.Command(filepath.Join(prefix, "bin", "gossec"), "run", "-t", "--home", prefix,
		"-c", filepath.Join(prefix, "etc", "ossec.conf")).CombinedOutput()
	if err != nil {
		t.Fatalf("gossec run -t: %v\n%s", err, out)
	}
	m := rulesCount.FindSubmatch(out)
	if m == nil {
		t.Fatalf("gossec run -t said %q", out)
	}
	return string(m[1])
}

// TestInstallScript: install.sh installs a home that `gossec run -t`
// accepts; running it again changes nothing and keeps the operator's
// etc/ossec.conf and etc/rules/local_rules.xml.
func TestInstallScript(t *testing.T) {
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("no bash")
	}
	prefix := filepath.Join(t.TempDir(), "gossec home") // a space: quoting is tested too
	runInstall(t, prefix)
	rules1 := checkInstalled(t, prefix)
	first := installTree(t, prefix)

	conf := filepath.Join(prefix, "etc", "ossec.conf")
	local := filepath.Join(prefix, "etc", "rules", "local_rules.xml")
	b, err := os.ReadFile(conf)
	if err != nil {
		t.Fatal(err)
	}
	editedConf := strings.Replace(string(b), "</ossec_config>", `  <localfile>
    <location>/var/log/operator-edit.log</location>
    <log_format>syslog</log_format>
  </localfile>
</ossec_config>`, 1)
	if editedConf == string(b) {
		t.Fatal("installed ossec.conf has no </ossec_config>")
	}
	editedRules := `<group name="local,">
  <rule id="100001" level="5">
    <if_sid>250102</if_sid>
    <srcip>10.0.0.0/8</srcip>
    <description>operator's rule: failed login from the inside.</description>
  </rule>
</group>
`
	for p, s := range map[string]string{conf: editedConf, local: editedRules} {
		if err := os.WriteFile(p, []byte(s), 0o640); err != nil {
			t.Fatal(err)
		}
	}

	runInstall(t, prefix)
	second := installTree(t, prefix)
	if second["etc/ossec.conf"] != editedConf {
		t.Errorf("the second install changed the edited etc/ossec.conf:\n%s", second["etc/ossec.conf"])
	}
	if second["etc/rules/local_rules.xml"] != editedRules {
		t.Errorf("the second install changed the edited local_rules.xml:\n%s", second["etc/rules/local_rules.xml"])
	}
	// Idempotent: apart from the two edits, the same files with the same
	// contents (no *.new left for files nobody edited).
	first["etc/ossec.conf"], first["etc/rules/local_rules.xml"] = editedConf, editedRules
	var diff []string
	for k, v := range second {
		if fv, ok := first[k]; !ok {
			diff = append(diff, "added "+k)
		} else if fv != v {
			diff = append(diff, "changed "+k)
		}
	}
	for k := range first {
		if _, ok := second[k]; !ok {
			diff = append(diff, "removed "+k)
		}
	}
	slices.Sort(diff)
	if len(diff) > 0 {
		t.Errorf("the second install changed the installation: %v", diff)
	}
	if rules2 := checkInstalled(t, prefix); rules2 == rules1 {
		t.Errorf("gossec run -t reports %s rules before and after adding the operator's rule", rules1)
	}
}
