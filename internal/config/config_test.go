package config

import (
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
