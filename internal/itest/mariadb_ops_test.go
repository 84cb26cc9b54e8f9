package itest

// Checks of the MariaDB end-to-end scenario for issue 10 (brute force
// counted once per failure, a restart raises nothing high). Helpers are
// prefixed mdb to keep clear of other files.

import (
	"fmt"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

func mdbGroups(a map[string]any) []any {
	r, _ := a["rule"].(map[string]any)
	g, _ := r["groups"].([]any)
	return g
}

func mdbLevel(a map[string]any) int {
	n, _ := strconv.Atoi(str(a, "rule", "level"))
	return n
}

// mdbCheckBruteForce: the ten wrong passwords and the empty-user attempt
// are in both logs; each alerts once (group mysql_login_failed), and one
// brute-force alert (group authentication_failures) comes after the 5th
// failure alert, i.e. at the 6th failure.
func mdbCheckBruteForce(t *testing.T, alerts []map[string]any) {
	t.Helper()
	failures, brute, at := 0, 0, -1
	for _, a := range alerts {
		g := mdbGroups(a)
		switch {
		case slices.Contains(g, any("authentication_failures")):
			brute++
			if at < 0 {
				at = failures + 1
			}
		case slices.Contains(g, any("mysql_login_failed")) && mdbLevel(a) > 0:
			failures++
		}
	}
	t.Logf("failed logins: %d failure alerts, %d brute-force alerts (first at failure %d)", failures, brute, at)
	if brute != 1 || at != 6 {
		t.Errorf("%d brute-force alerts, the first at failure %d; want exactly 1, at the 6th", brute, at)
	}
	// 10 wrong passwords + 1 empty user name, minus the 6th (the brute
	// force alert took it).
	if failures != 10 {
		t.Errorf("%d failed-login alerts, want 10 (one per failure, the 6th being the brute-force alert)", failures)
	}
}

// mdbCheckRestart: nothing a restart writes alerts at level 10 or more;
// the audit plugin stopping with the server is the low rule 260906.
func mdbCheckRestart(t *testing.T, alerts []map[string]any) {
	t.Helper()
	stopped := false
	for _, a := range alerts {
		if mdbLevel(a) >= 10 {
			t.Errorf("restart alert of level %d: %s %s", mdbLevel(a), ruleID(a), fullLog(a))
		}
		if strings.Contains(fullLog(a), "server_audit: STOPPED") {
			stopped = true
			if ruleID(a) != "260906" {
				t.Errorf("audit plugin stopped by the shutdown: rule %s level %d, want 260906", ruleID(a), mdbLevel(a))
			}
		}
	}
	if !stopped {
		t.Error("no alert for the audit plugin stopping with the server")
	}
}

// mdbMailsWith counts the mails whose decoded body contains s.
func mdbMailsWith(t *testing.T, mails []string, s string) int {
	n := 0
	for _, m := range mails {
		if strings.Contains(decodeMail(t, m), s) {
			n++
		}
	}
	return n
}

// mdbWaitFor is waitFor that reports a timeout as an error and goes on,
// so the checks after it still show what happened.
func mdbWaitFor(t *testing.T, d time.Duration, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !ok() {
		if time.Now().After(deadline) {
			t.Errorf("timed out after %v waiting for %s", d, what)
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestSeedRuleMailedByPackGroup: the classic local rule 100025 next to the
// MySQL pack, with the README's routing of mysql_table_changed to the DBA.
// As OSSEC wrote it (groups local,mysql) the rule takes the trigger lines
// and nothing is mailed, and `gossec check` says why; with the one-line
// change of samples/MYSQL.md (<group>mysql_table_changed,</group> in the
// rule) the check is quiet and the mail arrives, still "Rule: 100025
// fired (level 7)" as OSSEC wrote it.
func TestSeedRuleMailedByPackGroup(t *testing.T) {
	const classic = `<group name="local,mysql,">
  <rule id="100025" level="7">
    <regex>^\d\d\d\d-\d\d-\d\d \d\d:\d\d:\d\d Table: \.</regex>
    <description>MySQL users table updated</description>%s
  </rule>
</group>
`
	line := "2011-01-08 00:31:24 Table: acme.users: insert(8,brian,qavXvxlEVykwm) by admin@localhost"
	for _, tt := range []struct {
		name, extra string
		mailed      bool
	}{
		{"as OSSEC wrote it", "", false},
		{"with the pack's group", "\n    <group>mysql_table_changed,</group>", true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			mb := startMailbox(t)
			h := newHome(t, `<ossec_config>
  <global>
    <email_notification>yes</email_notification>
    <email_from>gossec@example.com</email_from>
    <smtp_server>127.0.0.1</smtp_server>
    <smtp_port>`+strconv.Itoa(mb.port)+`</smtp_port>
  </global>
  <alerts>
    <email_alert_level>16</email_alert_level>
  </alerts>
  <email_alerts>
    <email_to>dba@example.com</email_to>
    <group>mysql_table_changed</group>
    <do_not_delay />
  </email_alerts>
  <ruleset>
    <decoder_dir>ruleset/decoders</decoder_dir>
    <rule_dir>ruleset/rules</rule_dir>
    <rule_dir>etc/rules</rule_dir>
  </ruleset>
  <localfile>
    <location>mysql/errors.log</location>
    <log_format>syslog</log_format>
    <only-future-events>no</only-future-events>
  </localfile>
</ossec_config>
`)
			installRuleset(t, h)
			h.write("etc/rules/local_rules.xml", fmt.Sprintf(classic, tt.extra))
			out, err := exec.Command(gossecBin, "check", "--home", h.dir, "-c", h.conf).CombinedOutput()
			if err != nil {
				t.Fatalf("gossec check: %v\n%s", err, out)
			}
			warned := strings.Contains(string(out), "local rule 100025 takes the events MySQL pack rule 260600")
			if warned == tt.mailed {
				t.Errorf("gossec check warned %v, want %v:\n%s", warned, !tt.mailed, out)
			}
			h.write("mysql/errors.log", line+"\n")
			d := h.start()
			defer d.stop(t)
			waitFor(t, 20*time.Second, "the alert", func() bool { return len(h.alerts()) > 0 })
			a := h.alerts()[0]
			if ruleID(a) != "100025" || str(a, "rule", "level") != "7" || str(a, "data", "mysql", "table") != "users" {
				t.Errorf("alert %s level %s table %q, want 100025 level 7 with the pack's fields", ruleID(a), str(a, "rule", "level"), str(a, "data", "mysql", "table"))
			}
			if tt.mailed {
				waitFor(t, 15*time.Second, "the mail", func() bool { return len(mb.all()) > 0 })
				body := decodeMail(t, mb.all()[0])
				for _, want := range []string{`Rule: 100025 fired (level 7) -> "MySQL users table updated"`, line} {
					if !strings.Contains(body, want) {
						t.Errorf("mail lacks %q:\n%s", want, body)
					}
				}
			} else {
				time.Sleep(1500 * time.Millisecond)
				if n := len(mb.all()); n != 0 {
					t.Errorf("%d mails, want none (the group route does not see 100025)", n)
				}
			}
		})
	}
}

// mdbCheckBruteMail: the brute-force mail quotes each counted failure
// once (before issue 10 every error-log line appeared four times).
func mdbCheckBruteMail(t *testing.T, mails []string) {
	t.Helper()
	for _, m := range mails {
		body := decodeMail(t, m)
		if !strings.Contains(body, "Rule: 260120 fired") {
			continue
		}
		seen := map[string]int{}
		quoted := 0
		for _, l := range strings.Split(body, "\n") {
			if strings.Contains(l, "Access denied for user") || strings.Contains(l, `"status":1045`) {
				seen[l]++
				quoted++
			}
		}
		for l, n := range seen {
			if n > 1 {
				t.Errorf("brute-force mail quotes %q %d times", l, n)
			}
		}
		if quoted < 2 {
			t.Errorf("brute-force mail quotes %d failures:\n%s", quoted, body)
		}
		t.Logf("brute-force mail quotes %d failures, %d distinct", quoted, len(seen))
	}
}
