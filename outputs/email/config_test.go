package email

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/gossec/gossec/internal/xmlconf"
)

func parse(t *testing.T, src string) ([]Config, []error) {
	t.Helper()
	nodes, err := xmlconf.Parse("ossec.conf", []byte(src))
	if err != nil {
		t.Fatalf("xml: %v", err)
	}
	return ParseConfig(nodes)
}

func TestParseConfig(t *testing.T) {
	pwFile := filepath.Join(t.TempDir(), "pw")
	if err := os.WriteFile(pwFile, []byte("from-file\nignored\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("GOSSEC_TEST_SMTP_PW", "from-env")
	src := `<ossec_config>
  <global>
    <email_notification>yes</email_notification>
    <email_to>a@example.com</email_to>
    <email_to>b@example.com</email_to>
    <email_from>ossec@example.com</email_from>
    <email_reply_to>soc@example.com</email_reply_to>
    <email_idsname>db1</email_idsname>
    <smtp_server>smtp.example.com</smtp_server>
    <helo_server>db1.example.com</helo_server>
    <email_maxperhour>30</email_maxperhour>
    <auth_smtp>yes</auth_smtp>
    <smtp_user>ossec</smtp_user>
    <smtp_password file="` + pwFile + `"/>
    <secure_smtp>tls</secure_smtp>
    <smtp_tls_verify>no</smtp_tls_verify>
    <email_spool_size>500</email_spool_size>
  </global>
  <alerts><email_alert_level>10</email_alert_level></alerts>
</ossec_config>
<ossec_config>
  <email_alerts>
    <email_to>dba@example.com</email_to>
    <email_to>dba2@example.com</email_to>
    <level>7</level>
    <group>mysql|sql_injection</group>
    <event_location>/var/lib/mysql/</event_location>
    <rule_id>100025, 100026</rule_id>
    <format>sms</format>
    <do_not_delay/>
    <do_not_group/>
  </email_alerts>
</ossec_config>`
	cfgs, errs := parse(t, src)
	if len(errs) != 0 || len(cfgs) != 1 {
		t.Fatalf("errs %v, %d configs", errs, len(cfgs))
	}
	c := cfgs[0]
	if !slices.Equal(c.To, []string{"a@example.com", "b@example.com"}) || c.From != "ossec@example.com" ||
		c.ReplyTo != "soc@example.com" || c.IDSName != "db1" || c.SMTPServer != "smtp.example.com" ||
		c.HeloServer != "db1.example.com" || c.MaxPerHour != 30 || !c.AuthSMTP || c.User != "ossec" ||
		c.Password != "from-file" || c.Security != ImplicitTLS || c.Port != 465 || c.TLSVerify ||
		c.AlertLevel != 10 || !c.Grouping || c.Product != DefaultProduct || c.SpoolSize != 500 {
		t.Errorf("config %+v", c)
	}
	if len(c.Granular) != 1 {
		t.Fatalf("granular %+v", c.Granular)
	}
	g := c.Granular[0]
	if !slices.Equal(g.To, []string{"dba@example.com", "dba2@example.com"}) || g.Level != 7 ||
		!slices.Equal(g.RuleIDs, []int{100025, 100026}) || g.Group != "mysql|sql_injection" ||
		g.Location != "/var/lib/mysql/" || g.Format != SMS || !g.DoNotDelay || !g.DoNotGroup ||
		g.group == nil || g.location == nil {
		t.Errorf("granular %+v", g)
	}

	// env: password and defaults.
	cfgs, errs = parse(t, `<ossec_config><global><email_notification>yes</email_notification>
<email_to>a@example.com</email_to><email_from>o@example.com</email_from><smtp_server>localhost</smtp_server>
<smtp_password>env:GOSSEC_TEST_SMTP_PW</smtp_password></global></ossec_config>`)
	if len(errs) != 0 || cfgs[0].Password != "from-env" || cfgs[0].Port != 25 || cfgs[0].MaxPerHour != 12 || !cfgs[0].TLSVerify || cfgs[0].Security != Plain {
		t.Errorf("defaults: %v %+v", errs, cfgs)
	}

	// Notification off: no output.
	cfgs, errs = parse(t, `<ossec_config><global><email_notification>no</email_notification><email_to>a@example.com</email_to></global></ossec_config>`)
	if len(errs) != 0 || len(cfgs) != 0 {
		t.Errorf("notification off: %v %v", errs, cfgs)
	}
}

func TestParseConfigErrors(t *testing.T) {
	head := "<ossec_config><global><email_notification>yes</email_notification><email_from>o@example.com</email_from><smtp_server>localhost</smtp_server><email_to>a@example.com</email_to>\n"
	tail := "\n</global></ossec_config>"
	for _, tc := range []struct{ name, body, want string }{
		{"yesno", "<auth_smtp>maybe</auth_smtp>", `ossec.conf:2:1: <auth_smtp> "maybe": want yes or no`},
		{"two addresses", "<email_to>x@example.com, y@example.com</email_to>", `ossec.conf:2:1: <email_to> "x@example.com, y@example.com": want one plain e-mail address`},
		{"crlf address", "<email_to>x@example.com&#13;&#10;Bcc: y@example.com</email_to>", "want one plain e-mail address"},
		{"display name", "<email_from>Evil &lt;x@example.com&gt;</email_from>", "want one plain e-mail address"},
		{"maxperhour", "<email_maxperhour>0</email_maxperhour>", `<email_maxperhour> "0": want a number from 1 to 9999`},
		{"port", "<smtp_port>70000</smtp_port>", "want a number from 1 to 65535"},
		{"sendmail", "<smtp_server>/usr/sbin/sendmail</smtp_server>", "sendmail binary is not supported"},
		{"secure", "<secure_smtp>always</secure_smtp>", `<secure_smtp> "always"`},
		{"env missing", "<smtp_password>env:GOSSEC_NO_SUCH_VAR_123</smtp_password>", "environment variable GOSSEC_NO_SUCH_VAR_123 is not set"},
		{"file missing", `<smtp_password file="/nonexistent/pw"/>`, `<smtp_password> file "/nonexistent/pw"`},
		{"auth without user", "<auth_smtp>yes</auth_smtp>", "<auth_smtp> yes needs <smtp_user> and <smtp_password>"},
		{"template", "<email_template>/nonexistent.tmpl</email_template>", `<email_template> "/nonexistent.tmpl"`},
		{"spool size", "<email_spool_size>0</email_spool_size>", `<email_spool_size> "0": want a number from 1 to 1000000`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, errs := parse(t, head+tc.body+tail)
			if len(errs) == 0 {
				t.Fatalf("no error, want %q", tc.want)
			}
			if !strings.Contains(errs[0].Error(), tc.want) {
				t.Errorf("error %q, want %q", errs[0], tc.want)
			}
		})
	}
	for _, tc := range []struct{ name, block, want string }{
		{"no criteria", "<email_to>x@example.com</email_to>", "ossec.conf:4:1: <email_alerts> needs at least one of"},
		{"no recipient", "<level>3</level>", "<email_alerts> needs at least one <email_to>"},
		{"bad rule id", "<email_to>x@example.com</email_to><rule_id>12,abc</rule_id>", `<rule_id> "12,abc": "abc" is not a rule id`},
		{"bad format", "<email_to>x@example.com</email_to><level>3</level><format>html</format>", `<format> "html": want full or sms`},
		{"unknown", "<email_to>x@example.com</email_to><level>3</level><colour>red</colour>", "unknown option <colour>"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, errs := parse(t, head+"</global>\n\n<email_alerts>"+tc.block+"</email_alerts></ossec_config>")
			if len(errs) == 0 || !strings.Contains(errs[0].Error(), tc.want) {
				t.Errorf("errors %v, want %q", errs, tc.want)
			}
		})
	}
}
