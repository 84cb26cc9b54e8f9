package itest

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Issue 10, item 7: README says "list the table in
// etc/lists/mysql-sensitive-tables to raise its changes to level 10". On
// a home made by install.sh that must work as written: a change of a table
// is level 7 until the operator lists it, level 10 after (restart), and
// an upgrade keeps the operator's lists.
func TestInstallMySQLLists(t *testing.T) {
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("no bash")
	}
	prefix := filepath.Join(t.TempDir(), "gossec home")
	runInstall(t, prefix)
	conf := filepath.Join(prefix, "etc", "ossec.conf")
	errlog := filepath.Join(prefix, "mysql-error.log")
	b, err := os.ReadFile(conf)
	if err != nil {
		t.Fatal(err)
	}
	// the operator points gossec at the MySQL error log
	edited := strings.Replace(string(b), "</ossec_config>", fmt.Sprintf(`  <localfile>
    <location>%s</location>
    <log_format>syslog</log_format>
    <only-future-events>no</only-future-events>
  </localfile>
</ossec_config>`, errlog), 1)
	if err := os.WriteFile(conf, []byte(edited), 0o640); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(errlog, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	h := &home{t: t, dir: prefix, conf: conf}

	change := func(n int) string {
		return fmt.Sprintf("2026-11-21 10:02:0%d Table: acme.orders: update(%d,1,19.90) by admin@localhost", n, n)
	}
	level := func(n int) (string, float64) {
		d := h.start()
		defer d.stop(t)
		f, err := os.OpenFile(errlog, os.O_WRONLY|os.O_APPEND, 0)
		if err != nil {
			t.Fatal(err)
		}
		f.WriteString(change(n) + "\n")
		f.Close()
		var hit map[string]any
		waitFor(t, 15*time.Second, "the alert for change "+fmt.Sprint(n), func() bool {
			for _, a := range h.alerts() {
				if fullLog(a) == change(n) {
					hit = a
					return true
				}
			}
			return false
		})
		rule, _ := hit["rule"].(map[string]any)
		lv, _ := rule["level"].(float64)
		return ruleID(hit), lv
	}

	if id, lv := level(1); lv != 7 {
		t.Errorf("orders not listed: rule %s level %v, want level 7", id, lv)
	}
	// README's step: list the table
	list := filepath.Join(prefix, "etc", "lists", "mysql-sensitive-tables")
	f, err := os.OpenFile(list, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o640)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString("orders:order book\n")
	f.Close()
	id, lv := level(2)
	t.Logf("after listing acme.orders: rule %s level %v", id, lv)
	if lv != 10 {
		t.Errorf("orders listed: rule %s level %v, want level 10 (rule 260603); etc/lists: %v", id, lv, klListFiles(t, prefix))
	}

	// an upgrade keeps the operator's lists and configuration
	lists := map[string]string{}
	for _, name := range []string{"mysql-sensitive-tables", "mysql-admin-accounts", "mysql-app-hosts"} {
		lists[name] = h.read(filepath.Join("etc", "lists", name))
	}
	lists["mysql-admin-accounts"] += "dba:operator's entry\n"
	if err := os.WriteFile(filepath.Join(prefix, "etc", "lists", "mysql-admin-accounts"), []byte(lists["mysql-admin-accounts"]), 0o640); err != nil {
		t.Fatal(err)
	}
	runInstall(t, prefix)
	for name, want := range lists {
		if got := h.read(filepath.Join("etc", "lists", name)); got != want {
			t.Errorf("the upgrade changed etc/lists/%s:\n%s\nwant:\n%s", name, got, want)
		}
		if _, err := os.Stat(filepath.Join(prefix, "etc", "lists", name+".new")); err == nil {
			t.Errorf("the upgrade left etc/lists/%s.new", name)
		}
	}
	if got := h.read("etc/ossec.conf"); got != edited {
		t.Errorf("the upgrade changed etc/ossec.conf")
	}
	checkInstalled(t, prefix)
	if _, lv := level(3); lv != 10 {
		t.Errorf("after the upgrade: level %v, want 10", lv)
	}
}

// TestInstallMySQLListsOldHome: a home whose etc/ossec.conf was written
// before the lists existed is upgraded without touching that file; the
// lists are created and install.sh says which <list> lines to add.
func TestInstallMySQLListsOldHome(t *testing.T) {
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("no bash")
	}
	prefix := t.TempDir()
	runInstall(t, prefix)
	conf := filepath.Join(prefix, "etc", "ossec.conf")
	b, err := os.ReadFile(conf)
	if err != nil {
		t.Fatal(err)
	}
	var old []string
	for _, line := range strings.SplitAfter(string(b), "\n") {
		if !strings.Contains(line, "<list>") {
			old = append(old, line)
		}
	}
	oldConf := strings.Join(old, "")
	if err := os.WriteFile(conf, []byte(oldConf), 0o640); err != nil {
		t.Fatal(err)
	}
	if err := os.RemoveAll(filepath.Join(prefix, "etc", "lists")); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("../../install.sh", "--prefix", prefix, "--no-systemd", "--no-user").CombinedOutput()
	if err != nil {
		t.Fatalf("install.sh: %v\n%s", err, out)
	}
	if got, _ := os.ReadFile(conf); string(got) != oldConf {
		t.Errorf("the upgrade changed the operator's etc/ossec.conf")
	}
	for _, name := range []string{"mysql-sensitive-tables", "mysql-admin-accounts", "mysql-app-hosts"} {
		if _, err := os.Stat(filepath.Join(prefix, "etc", "lists", name)); err != nil {
			t.Errorf("etc/lists/%s: %v", name, err)
		}
		if want := "add <list>etc/lists/" + name + "</list>"; !strings.Contains(string(out), want) {
			t.Errorf("install.sh did not say %q:\n%s", want, out)
		}
	}
}

// klListFiles names the files of etc/lists, for failure messages.
func klListFiles(t *testing.T, prefix string) []string {
	t.Helper()
	names, _ := filepath.Glob(filepath.Join(prefix, "etc", "lists", "*"))
	for i, n := range names {
		names[i] = filepath.Base(n)
	}
	return names
}
