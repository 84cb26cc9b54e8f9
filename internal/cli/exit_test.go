package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSameErrorSameExitCode: `check -c` and `run -t` exit with one code per
// kind of error (3 configuration, 4 ruleset), and both warn about a
// <localfile> whose file is missing, naming the path, reason and account.
func TestSameErrorSameExitCode(t *testing.T) {
	const badRule = `<group name="x,"><rule id="100001" level="3"><regex>(</regex><description>x</description></rule></group>`
	tests := []struct {
		name     string
		conf     string
		rules    string
		code     int
		stderrIn string
	}{
		{"ok with a missing log", `<localfile><location>logs/nope.log</location><log_format>syslog</log_format></localfile>`, "", ExitOK, "logs/nope.log: no such file or directory"},
		{"configuration error", `<localfile><location>x.log</location><log_format>bogus</log_format></localfile>`, "", ExitConfigError, "bogus"},
		{"ruleset error", `<ruleset><rule_dir>rules</rule_dir></ruleset>`, badRule, ExitRulesetError, "unbalanced"},
		{"rule_dir matching nothing", `<ruleset><rule_dir pattern="\.rules$">rules</rule_dir></ruleset>`, badRule, ExitOK, `matches pattern "\.rules$"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			home := t.TempDir()
			for _, d := range []string{"etc", "rules", "logs"} {
				if err := os.Mkdir(filepath.Join(home, d), 0o755); err != nil {
					t.Fatal(err)
				}
			}
			conf := filepath.Join(home, "etc", "ossec.conf")
			if err := os.WriteFile(conf, []byte("<ossec_config>"+tc.conf+"</ossec_config>"), 0o644); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(home, "rules", "a.xml"), []byte(tc.rules), 0o644); err != nil {
				t.Fatal(err)
			}
			for _, cmd := range []struct {
				name string
				fn   func([]string, Streams) int
				args []string
			}{
				{"check", Check, []string{"-c", conf}},
				{"run -t", Run, []string{"-t", "-c", conf}},
			} {
				code, _, stderr := run(t, cmd.fn, cmd.args, "")
				if code != tc.code {
					t.Errorf("%s: exit %d, want %d\n%s", cmd.name, code, tc.code, stderr)
				}
				if !strings.Contains(stderr, tc.stderrIn) {
					t.Errorf("%s: stderr lacks %q:\n%s", cmd.name, tc.stderrIn, stderr)
				}
				if tc.code == ExitOK && strings.Contains(tc.stderrIn, "nope.log") && !strings.Contains(stderr, "checked as user ") {
					t.Errorf("%s: the warning does not say which account was checked:\n%s", cmd.name, stderr)
				}
			}
		})
	}
}

// TestChecksWriteNothing: `check -c` and `run -t` with a mail output create
// nothing in the home (a check run as root must not create
// queue/mail with an owner the service cannot write).
func TestChecksWriteNothing(t *testing.T) {
	home := t.TempDir()
	if err := os.Mkdir(filepath.Join(home, "etc"), 0o755); err != nil {
		t.Fatal(err)
	}
	conf := filepath.Join(home, "etc", "ossec.conf")
	src := `<ossec_config><global><email_notification>yes</email_notification><email_to>a@example.com</email_to>
<email_from>g@example.com</email_from><smtp_server>127.0.0.1</smtp_server></global></ossec_config>`
	if err := os.WriteFile(conf, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"-c", conf}, {"-t", "-c", conf}} {
		fn := Check
		if args[0] == "-t" {
			fn = Run
		}
		if code, _, stderr := run(t, fn, args, ""); code != ExitOK {
			t.Fatalf("%v: exit %d\n%s", args, code, stderr)
		}
	}
	ents, _ := os.ReadDir(home)
	if len(ents) != 1 {
		var names []string
		for _, e := range ents {
			names = append(names, e.Name())
		}
		t.Errorf("the checks created %v in the home", names)
	}
}
