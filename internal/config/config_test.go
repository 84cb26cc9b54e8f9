package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gossec/gossec/internal/xmlconf"
)

func TestWazuhFileOrder(t *testing.T) {
	home := filepath.Join("testdata", "home")
	var warnings []string
	cfg, errs := Load(filepath.Join(home, "etc", "ossec.conf"), func(p xmlconf.Pos, m string) { warnings = append(warnings, p.String()+": "+m) })
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	if cfg.Ruleset.Dialect != Wazuh || cfg.Alerts.LogAlertLevel != 3 || cfg.Alerts.EmailAlertLevel != 12 {
		t.Errorf("config: %+v", cfg)
	}
	if len(warnings) != 1 || !strings.Contains(warnings[0], "syscheck") {
		t.Errorf("warnings: %q", warnings)
	}
	f, errs := cfg.Ruleset.Resolve(home)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	base := func(s []string) string {
		var b []string
		for _, p := range s {
			b = append(b, filepath.Base(p))
		}
		return strings.Join(b, " ")
	}
	// Every file of every directory sorted together by base name; the
	// excluded file and non-.xml files left out.
	if got, want := base(f.Rules), "0005-early.xml 0010-x.xml 0300-y.xml local_rules.xml"; got != want {
		t.Errorf("rules: %s, want %s", got, want)
	}
	if got, want := base(f.Decoders), "0010-a.xml 0200-b.xml"; got != want {
		t.Errorf("decoders: %s, want %s", got, want)
	}
	if f.Lists["etc/lists/audit-keys"] != filepath.Join(home, "etc/lists/audit-keys") {
		t.Errorf("lists: %v", f.Lists)
	}
}

func TestErrorsCarryPositions(t *testing.T) {
	src := `<ossec_config>
  <ruleset>
    <decoder_dir></decoder_dir>
    <bogus>x</bogus>
  </ruleset>
  <alerts><log_alert_level>99</log_alert_level></alerts>
  <global><alerts_log>maybe</alerts_log></global>
</ossec_config>`
	roots, err := xmlconf.Parse("t.conf", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	_, errs := FromNodes(roots, nil)
	want := []string{"t.conf:3:", "t.conf:4:", "t.conf:6:", "t.conf:7:"}
	if len(errs) != len(want) {
		t.Fatalf("got %d errors %v, want %d", len(errs), errs, len(want))
	}
	for i, w := range want {
		if !strings.HasPrefix(errs[i].Error(), w) {
			t.Errorf("error %d = %q, want prefix %q", i, errs[i], w)
		}
	}
}

func TestOSSECDefaults(t *testing.T) {
	src := `<ossec_config><rules><include>sshd_rules.xml</include><include>local_rules.xml</include></rules></ossec_config>`
	roots, err := xmlconf.Parse("o.conf", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	cfg, errs := FromNodes(roots, nil)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	f, _ := cfg.Ruleset.Resolve("/var/ossec")
	if got := strings.Join(f.Rules, " "); got != "/var/ossec/rules/sshd_rules.xml /var/ossec/rules/local_rules.xml" {
		t.Errorf("rules: %s", got)
	}
	if got := strings.Join(f.Decoders, " "); got != "/var/ossec/etc/decoder.xml" {
		t.Errorf("decoders: %s", got)
	}
}

func TestLocalFileAndRemote(t *testing.T) {
	src := `<ossec_config>
  <localfile>
    <location>/var/log/mysql/error.log</location>
    <log_format>syslog</log_format>
  </localfile>
  <localfile>
    <location>/var/lib/mysql/audit.log</location>
    <log_format>mysql_audit</log_format>
    <only-future-events>no</only-future-events>
    <label key="mysql_audit_log">percona</label>
  </localfile>
  <localfile>
    <location>/var/log/app.log</location>
    <log_format>multi-line: 3</log_format>
  </localfile>
  <localfile>
    <log_format>full_command</log_format>
    <command>df -P</command>
    <frequency>60</frequency>
  </localfile>
  <remote>
    <connection>syslog</connection>
    <port>5514</port>
    <protocol>tcp</protocol>
    <allowed-ips>10.0.0.0/8</allowed-ips>
    <denied-ips>10.0.0.66</denied-ips>
  </remote>
</ossec_config>`
	roots, err := xmlconf.Parse("l.conf", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	cfg, errs := FromNodes(roots, nil)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	if len(cfg.LocalFiles) != 4 {
		t.Fatalf("localfiles: %+v", cfg.LocalFiles)
	}
	a := cfg.LocalFiles[1]
	if a.LogFormat != "mysql_audit" || a.OnlyFutureEvents || len(a.Labels) != 1 || a.Labels[0] != (Label{"mysql_audit_log", "percona"}) {
		t.Errorf("audit localfile: %+v", a)
	}
	if !cfg.LocalFiles[0].OnlyFutureEvents {
		t.Error("only-future-events must default to yes")
	}
	if cfg.LocalFiles[2].LogFormat != "multi-line:3" {
		t.Errorf("multi-line: %q", cfg.LocalFiles[2].LogFormat)
	}
	if c := cfg.LocalFiles[3]; c.Command != "df -P" || c.LogFormat != "full_command" || c.Frequency.Seconds() != 60 {
		t.Errorf("command: %+v", c)
	}
	r := cfg.Remotes[0]
	if r.Port != 5514 || r.Protocol != "tcp" || r.AllowedIPs[0] != "10.0.0.0/8" || r.DeniedIPs[0] != "10.0.0.66" {
		t.Errorf("remote: %+v", r)
	}
}

func TestLocalFileErrors(t *testing.T) {
	src := `<ossec_config>
  <localfile><log_format>syslog</log_format></localfile>
  <localfile><location>/x</location><log_format>bogus</log_format></localfile>
  <localfile><location>/x</location><colour>red</colour></localfile>
  <remote><connection>syslog</connection></remote>
</ossec_config>`
	roots, err := xmlconf.Parse("e.conf", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	_, errs := FromNodes(roots, nil)
	if len(errs) != 4 {
		t.Fatalf("want 4 errors, got %v", errs)
	}
	for i, line := range []string{":2:", ":3:", ":4:", ":5:"} {
		if !strings.Contains(errs[i].Error(), line) {
			t.Errorf("error %d %q, want line %s", i, errs[i], line)
		}
	}
}

// TestDirPatternMatchesNothing: a <rule_dir>/<decoder_dir> whose pattern
// matches no file of the folder is a warning naming the folder, the
// pattern and the entry's position; one that matches is not.
func TestDirPatternMatchesNothing(t *testing.T) {
	tests := []struct {
		name    string
		files   []string
		pattern string
		warn    bool
	}{
		{"matches", []string{"a.xml"}, ".xml$", false},
		{"typo in pattern", []string{"a.xml"}, ".xlm$", true},
		{"empty folder", nil, ".xml$", true},
		{"only other files", []string{"a.xml.bak", "README"}, ".xml$", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			for _, f := range tc.files {
				if err := os.WriteFile(filepath.Join(dir, f), nil, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			rs := Ruleset{Dialect: Wazuh, RuleDirs: []DirEntry{{Path: dir, Pattern: tc.pattern, Pos: xmlconf.Pos{File: "c.conf", Line: 7}}}}
			f, errs := rs.Resolve("")
			if len(errs) > 0 {
				t.Fatal(errs)
			}
			if got := len(f.Warnings) > 0; got != tc.warn {
				t.Fatalf("warnings %v, want a warning: %v", f.Warnings, tc.warn)
			}
			if tc.warn {
				w := f.Warnings[0]
				if w.Pos.Line != 7 || !strings.Contains(w.Msg, dir) || !strings.Contains(w.Msg, tc.pattern) {
					t.Errorf("warning %+v does not name the entry, folder and pattern", w)
				}
			}
		})
	}
}
