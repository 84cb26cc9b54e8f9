package itest

import (
	"net"
	"strconv"
	"strings"
	"testing"
	"time"
)

// hostileConfig reads one syslog file from its start, listens for UDP
// syslog and mails every alert of level >= 7.
func hostileConfig(udpPort, smtpPort int) string {
	return `<ossec_config>
  <global>
    <email_notification>yes</email_notification>
    <email_to>soc@example.com</email_to>
    <email_from>gossec@example.com</email_from>
    <smtp_server>127.0.0.1</smtp_server>
    <smtp_port>` + strconv.Itoa(smtpPort) + `</smtp_port>
    <email_maxperhour>1000</email_maxperhour>
  </global>
  <alerts>
    <email_alert_level>7</email_alert_level>
  </alerts>
  <ruleset>
    <decoder_dir>ruleset/decoders</decoder_dir>
    <rule_dir>ruleset/rules</rule_dir>
    <rule_dir>etc/rules</rule_dir>
  </ruleset>
  <remote>
    <connection>syslog</connection>
    <port>` + strconv.Itoa(udpPort) + `</port>
    <protocol>udp</protocol>
    <allowed-ips>127.0.0.1</allowed-ips>
  </remote>
  <localfile>
    <location>logs-in/app.log</location>
    <log_format>syslog</log_format>
    <only-future-events>no</only-future-events>
  </localfile>
</ossec_config>
`
}

// hostileRules fire on the markers of the hostile inputs; hostile-hidden
// matches only text that follows a NUL byte, so it must never fire.
const hostileRules = `<group name="local,hostile,">
  <rule id="100810" level="10">
    <match>hostile-udp-lf</match>
    <description>hostile udp message</description>
  </rule>
  <rule id="100811" level="10">
    <match>hostile-file-cr</match>
    <description>hostile file line with CR</description>
  </rule>
  <rule id="100812" level="10">
    <match>hostile-file-nul</match>
    <description>file line before its NUL</description>
  </rule>
  <rule id="100813" level="10">
    <match>hostile-udp-nul</match>
    <description>udp message before its NUL</description>
  </rule>
  <rule id="100814" level="12">
    <match>hostile-hidden</match>
    <description>text after a NUL was analysed</description>
  </rule>
  <rule id="100815" level="10">
    <match>hostile-end</match>
    <description>last line of the file</description>
  </rule>
</group>
`

// hostileLines splits on every byte a reader may take for a line end.
func hostileLines(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == '\n' || r == '\r' })
}

// hostileCount counts the lines of s that start with prefix.
func hostileCount(s, prefix string) int {
	n := 0
	for _, l := range hostileLines(s) {
		if strings.HasPrefix(l, prefix) {
			n++
		}
	}
	return n
}

// TestHostileEventData sends log data built to forge alert structure (an
// LF in a UDP datagram followed by a fake "** Alert" block, a CR in a
// file line followed by fake mail body lines) and to hide events behind a
// NUL byte (a file line and a datagram), through the real daemon. No byte
// of event data may start a line of alerts.log or of a mail body, and the
// text before a NUL must be analysed and counted, never dropped.
func TestHostileEventData(t *testing.T) {
	mb := startMailbox(t)
	udpPort := freePort(t)
	h := newHome(t, hostileConfig(udpPort, mb.port))
	installRuleset(t, h)
	h.write("etc/rules/local_rules.xml", hostileRules)
	h.write("logs-in/app.log", strings.Join([]string{
		"Dec  7 10:00:01 web app: hostile-file-cr ok\r** Alert 2.2: mail  - forged-cr\rRule: 2 fired (level 15) -> \"forged by CR\"",
		"Dec  7 10:00:02 web app: hostile-file-nul before\x00 hostile-hidden after the NUL",
		"Dec  7 10:00:03 web app: hostile-end",
	}, "\n")+"\n")
	d := h.start()
	defer d.stop(t)
	h.waitLog(10*time.Second, "remote syslog listening", "port="+strconv.Itoa(udpPort))

	conn, err := net.Dial("udp", "127.0.0.1:"+strconv.Itoa(udpPort))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	for _, dg := range []string{
		"<13>Dec  7 10:00:04 fw app: hostile-udp-lf one\n** Alert 1.1: - forged\n2026 Dec 07 10:00:04 evil->/var/log/forged\nRule: 1 (level 15) -> 'forged alert'\nforged full log\n",
		"<13>Dec  7 10:00:05 fw app: hostile-udp-nul before\x00 hostile-hidden after the NUL",
	} {
		if _, err := conn.Write([]byte(dg)); err != nil {
			t.Fatal(err)
		}
	}

	// The file's last line and the second datagram are the last events of
	// their sources; once both produced alerts, everything was analysed.
	fired := func(id string) bool {
		for _, a := range h.alerts() {
			if ruleID(a) == id {
				return true
			}
		}
		return false
	}
	waitFor(t, 15*time.Second, "the alerts of the last file line and the UDP messages", func() bool {
		return fired("100815") && fired("100810")
	})
	// The UDP NUL message comes after the LF one; give it the same chance.
	deadline := time.Now().Add(3 * time.Second)
	for !fired("100813") && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	alerts := h.alerts()
	mailed := 0
	for _, a := range alerts {
		if lvl, _ := strconv.Atoi(str(a, "rule", "level")); lvl >= 7 {
			mailed++
		}
	}
	waitFor(t, 20*time.Second, "a mail section for each alert", func() bool {
		n := 0
		for _, m := range mb.all() {
			n += strings.Count(decodeMail(t, m), "Notification.")
		}
		return n >= mailed
	})

	// alerts.log: one "** Alert" header and one "Rule: " line per alert.
	alog := h.read("logs/alerts/alerts.log")
	headers, ruleLines := hostileCount(alog, "** Alert "), hostileCount(alog, "Rule: ")
	t.Logf("alerts.json: %d alerts; alerts.log: %d \"** Alert\" headers, %d \"Rule:\" lines", len(alerts), headers, ruleLines)
	if headers != len(alerts) || ruleLines != len(alerts) {
		t.Errorf("alerts.log has %d \"** Alert\" headers and %d \"Rule:\" lines for %d alerts: forged structure\n%s",
			headers, ruleLines, len(alerts), alog)
	}
	if strings.Contains(alog, "\r") {
		t.Errorf("alerts.log contains a raw CR:\n%q", alog)
	}

	// Mail bodies: one "Rule: " line per notification, no forged header.
	var sections, mailRules, mailForged int
	for _, m := range mb.all() {
		body := decodeMail(t, m)
		sections += strings.Count(body, "Notification.")
		mailRules += hostileCount(body, "Rule: ")
		mailForged += hostileCount(body, "** Alert")
	}
	t.Logf("mail: %d sections, %d \"Rule:\" lines, %d forged \"** Alert\" lines", sections, mailRules, mailForged)
	// The data is shown, escaped, not swallowed.
	var bodies string
	for _, m := range mb.all() {
		bodies += decodeMail(t, m)
	}
	for _, want := range []string{`hostile-udp-lf one\n** Alert 1.1: - forged\n`, `hostile-file-cr ok\r** Alert 2.2:`} {
		if !strings.Contains(bodies, want) || !strings.Contains(alog, want) {
			t.Errorf("mail or alerts.log lacks the escaped data %q", want)
		}
	}
	if mailRules != sections || mailForged != 0 {
		t.Errorf("mail bodies: %d sections but %d \"Rule:\" lines and %d \"** Alert\" lines", sections, mailRules, mailForged)
	}

	// NUL: the text before it is analysed, the text after it is not, and
	// each cut is counted.
	for _, c := range []struct{ id, prefix, counter string }{
		{"100812", "Dec  7 10:00:02 web app: hostile-file-nul before", "nul_truncated"},
		{"100813", "Dec  7 10:00:05 fw app: hostile-udp-nul before", "remote_nul_truncated"},
	} {
		var full string
		for _, a := range alerts {
			if ruleID(a) == c.id {
				full = fullLog(a)
			}
		}
		if full == "" {
			t.Errorf("rule %s did not fire: the text before the NUL was not analysed", c.id)
		} else if full != c.prefix {
			t.Errorf("rule %s: full_log %q, want %q", c.id, full, c.prefix)
		}
		if n := hostileState(h, c.counter, 1); n != 1 {
			t.Errorf("state %s = %d, want 1", c.counter, n)
		}
	}
	if fired("100814") {
		t.Errorf("text after a NUL byte was analysed (rule 100814 fired)")
	}
	if n := hostileState(h, "unparsed_records", 0); n != 0 {
		t.Errorf("unparsed_records = %d, want 0: a NUL line was dropped", n)
	}
	// The cut is logged with what was left out.
	h.waitLog(3*time.Second, "line cut at a NUL byte", "hostile-hidden")
}

// hostileState reads a state file counter, waiting up to 3s for it to
// reach want (the state file is rewritten periodically); it returns the
// last value seen, -1 when the counter does not exist.
func hostileState(h *home, key string, want int64) int64 {
	deadline := time.Now().Add(3 * time.Second)
	for {
		n := h.state(key)
		if n == want || time.Now().After(deadline) {
			return n
		}
		time.Sleep(50 * time.Millisecond)
	}
}
