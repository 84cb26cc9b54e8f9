package itest

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

const reloadConfig = `<ossec_config>
  <ruleset>
    <decoder_dir>etc/decoders</decoder_dir>
    <rule_dir>etc/rules</rule_dir>
  </ruleset>
  <localfile>
    <location>logsrc/auth.log</location>
    <log_format>syslog</log_format>
    <only-future-events>no</only-future-events>
  </localfile>
</ossec_config>
`

// localRules builds etc/rules/local_rules.xml: a rule for alice's failed
// logins, a frequency rule over it, and extra text (more rules, or broken
// ones).
func localRules(extra string) string {
	return `<group name="local,">
  <rule id="100010" level="8">
    <if_sid>250102</if_sid>
    <user>^alice$</user>
    <description>failed login for alice</description>
  </rule>

  <rule id="100011" level="12" frequency="4" timeframe="600">
    <if_matched_sid>100010</if_matched_sid>
    <description>alice failed 4 times</description>
  </rule>
` + extra + `</group>
`
}

// brokenRules has three errors, each at a known place (an element, an
// attribute, an element's content).
const brokenRules = `
  <rule id="100020" level="3">
    <if_sid>250102</if_sid>
    <bogus_option>x</bogus_option>
    <description>unknown element</description>
  </rule>

  <rule id="100021" level="17">
    <if_sid>250102</if_sid>
    <description>level out of range</description>
  </rule>

  <rule id="100022" level="3">
    <if_sid>250102</if_sid>
    <srcip>1.2.3</srcip>
    <description>bad address</description>
  </rule>
`

const newRule = `
  <rule id="100012" level="9">
    <if_sid>250102</if_sid>
    <user>^carol$</user>
    <description>failed login for carol</description>
  </rule>
`

// posOf returns "file:line:col" of the first occurrence of sub in text.
func posOf(file, text, sub string) string {
	i := strings.Index(text, sub)
	if i < 0 {
		panic("posOf: " + sub + " not in text")
	}
	line := strings.Count(text[:i], "\n") + 1
	col := i - strings.LastIndex(text[:i], "\n")
	return fmt.Sprintf("%s:%d:%d", file, line, col)
}

// copyDefaults copies gossec's own default decoders and rules (the files
// embedded in the binary) into the home, so that a <ruleset> can add a
// local rules file to them.
func copyDefaults(t *testing.T, h *home) {
	for src, dst := range map[string]string{"../../decoders/default": "etc/decoders", "../../rules/default": "etc/rules"} {
		files, err := filepath.Glob(filepath.Join(src, "*.xml"))
		if err != nil || len(files) == 0 {
			t.Fatalf("no default files in %s: %v", src, err)
		}
		for _, f := range files {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			h.write(filepath.Join(dst, filepath.Base(f)), string(b))
		}
	}
}

// TestSIGHUPReload: a broken rules file and SIGHUP keep the running
// ruleset and log every error with file:line:col; a fixed file with a new
// rule and SIGHUP installs it, keeping the correlation state (a frequency
// rule counts events from before and after the reload together).
func TestSIGHUPReload(t *testing.T) {
	h := newHome(t, reloadConfig)
	copyDefaults(t, h)
	h.write("etc/rules/local_rules.xml", localRules(""))
	h.write("logsrc/auth.log", "")
	d := h.start()
	defer d.stop(t)
	h.waitLog(10*time.Second, "gossec running")

	f, err := os.OpenFile(h.path("logsrc/auth.log"), os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	n := 0
	// send writes a failed login of user and returns the rule of its alert.
	send := func(user string) string {
		t.Helper()
		n++
		marker := fmt.Sprintf("from 10.9.9.%d port", n) // a new source each time: 250103 never fires
		fmt.Fprintf(f, "Nov 21 09:13:44 db1 sshd[2230]: Failed password for %s %s 22 ssh2\n", user, marker)
		var id string
		waitFor(t, 10*time.Second, "alert of line "+marker, func() bool {
			for _, a := range h.alerts() {
				if contains(fullLog(a), marker) {
					id = ruleID(a)
					return true
				}
			}
			return false
		})
		return id
	}
	hup := func() {
		t.Helper()
		if err := d.cmd.Process.Signal(syscall.SIGHUP); err != nil {
			t.Fatal(err)
		}
	}

	if id := send("alice"); id != "100010" {
		t.Fatalf("alice #1: rule %s, want 100010", id)
	}

	broken := localRules(brokenRules)
	h.write("etc/rules/local_rules.xml", broken)
	hup()
	waitFor(t, 10*time.Second, "three reload errors in gossec.log", func() bool {
		return strings.Count(h.read("logs/gossec.log"), "reload failed") >= 3
	})
	log := h.read("logs/gossec.log")
	file := h.path("etc/rules/local_rules.xml")
	for _, at := range []string{"<bogus_option>", `level="17"`, "<srcip>"} {
		if pos := posOf(file, broken, at); !strings.Contains(log, pos) {
			t.Errorf("gossec.log has no error at %s (%s); log:\n%s", pos, at, log)
		}
	}
	if id := send("alice"); id != "100010" {
		t.Errorf("alice #2 after the failed reload: rule %s, want 100010 (the old ruleset)", id)
	}
	waitFor(t, 5*time.Second, "reload_failures = 1", func() bool { return h.state("reload_failures") == 1 })

	h.write("etc/rules/local_rules.xml", localRules(newRule))
	hup()
	h.waitLog(10*time.Second, "configuration and ruleset reloaded")
	if id := send("carol"); id != "100012" {
		t.Errorf("carol after the reload: rule %s, want the new rule 100012", id)
	}
	if id := send("alice"); id != "100010" {
		t.Errorf("alice #3: rule %s, want 100010", id)
	}
	// Two alice events before the reloads, two after: frequency 4 fires
	// only if the reload kept the correlation state.
	if id := send("alice"); id != "100011" {
		t.Errorf("alice #4: rule %s, want 100011 (frequency 4 counting across the reload)", id)
	}
	if got := strings.Count(h.read("logs/gossec.log"), "reload failed"); got != 3 {
		t.Errorf("%d reload errors logged, want 3", got)
	}
}
