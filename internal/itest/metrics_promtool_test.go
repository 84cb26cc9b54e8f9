package itest

import (
	"bytes"
	"io"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

// mtOddFile is a tailed file whose name needs escaping in a Prometheus
// label value: a double quote, a backslash, a newline, a tab, a non-ASCII
// letter, a no-break space (U+00A0, which Go's strconv.Quote turns into
// \u00a0, an escape Prometheus does not know) and a byte that is not
// UTF-8. The configuration finds it by a wildcard.
const mtOddFile = "logsrc/odd\"b\\s\n\tü\u00a0\xff.log"

// mtConfig tails two files with a small ruleset of its own: alerts of
// three levels and a rule and a decoder whose backtracking patterns the
// regex budget cuts, so that every labelled series of /metrics has values.
// The decoder name has a quote and a backslash so that its label needs
// escaping too.
const mtConfig = `<ossec_config>
  <ruleset>
    <decoder_dir>etc/decoders</decoder_dir>
    <rule_dir>etc/rules</rule_dir>
  </ruleset>
  <localfile>
    <location>logsrc/plain.log</location>
    <log_format>syslog</log_format>
    <only-future-events>no</only-future-events>
  </localfile>
  <localfile>
    <location>logsrc/odd*.log</location>
    <log_format>syslog</log_format>
    <only-future-events>no</only-future-events>
  </localfile>
</ossec_config>
`

const mtRules = `<group name="local,">
  <rule id="100300" level="3">
    <match>mt-low</match>
    <description>low</description>
  </rule>
  <rule id="100301" level="10">
    <match>mt-high</match>
    <description>high</description>
  </rule>
  <rule id="100302" level="15">
    <match>mt-top</match>
    <description>top</description>
  </rule>
  <rule id="100303" level="5">
    <pcre2>(?=(a+)+b)</pcre2>
    <description>hostile look-ahead</description>
  </rule>
</group>
`

const mtDecoders = `<decoder name='mt"hostile\x'>
  <prematch type="pcre2">(?=(x+)+y)</prematch>
</decoder>
`

// mtStart starts `gossec run` with extra arguments.
func mtStart(h *home, args ...string) *daemon {
	h.t.Helper()
	d := &daemon{cmd: exec.Command(gossecBin, append([]string{"run", "--home", h.dir, "-c", h.conf}, args...)...)}
	d.cmd.Stderr = &d.stderr
	if err := d.cmd.Start(); err != nil {
		h.t.Fatal(err)
	}
	return d
}

var mtAddrRe = regexp.MustCompile(`metrics listening.*addr=(\S+)`)

// TestMetricsPromtool: /metrics of a running daemon that has alerted at
// several levels, cut regex matches of a rule and a decoder and read a
// file with an awkward name passes `promtool check metrics` (the text
// format parser and its lint) without a single complaint.
func TestMetricsPromtool(t *testing.T) {
	// $PROMTOOL names a promtool outside PATH, e.g. unpacked from the
	// Debian package (dpkg-deb -x) without installing the Prometheus
	// server and its service.
	promtool := os.Getenv("PROMTOOL")
	if promtool == "" {
		var err error
		if promtool, err = exec.LookPath("promtool"); err != nil {
			t.Skip("promtool not installed (Debian package prometheus, or $PROMTOOL)")
		}
	}
	h := newHome(t, mtConfig)
	copyDefaults(t, h)
	h.write("etc/rules/mt_rules.xml", mtRules)
	h.write("etc/decoders/mt_decoders.xml", mtDecoders)
	h.write("logsrc/plain.log", "")
	h.write(mtOddFile, "")

	d := mtStart(h, "--metrics", "127.0.0.1:0")
	defer d.stop(t)
	line := h.waitLog(10*time.Second, "metrics listening")
	m := mtAddrRe.FindStringSubmatch(line)
	if m == nil {
		t.Fatalf("no address in %q", line)
	}
	url := "http://" + strings.Trim(m[1], `"`) + "/metrics"
	h.waitLog(10*time.Second, "gossec running")

	lines := []string{
		"Nov 21 09:13:44 db1 app: mt-low one",
		"Nov 21 09:13:44 db1 app: mt-high two",
		"Nov 21 09:13:44 db1 app: mt-top three",
		"Nov 21 09:13:44 db1 app: " + strings.Repeat("a", 40) + "!",
		strings.Repeat("x", 40) + "!",
	}
	mtAppend(t, h.path("logsrc/plain.log"), strings.Join(lines, "\n")+"\n")
	mtAppend(t, h.path(mtOddFile), "Nov 21 09:13:44 db1 app: mt-low odd\n")

	var body string
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("last /metrics:\n%s\ngossec.log:\n%s\nstate:\n%s", body, h.read("logs/gossec.log"), h.read("var/run/gossec.state"))
		}
	})
	waitFor(t, 20*time.Second, "alerts of levels 3, 10 and 15, both regex cuts and both files in /metrics", func() bool {
		body = mtGet(t, url)
		for _, want := range []string{
			`gossec_alerts_total{level="3"} 2`,
			`gossec_alerts_total{level="10"} 1`,
			`gossec_alerts_total{level="15"} 1`,
			`gossec_regex_cut_total{kind="rule",name="100303"} `,
			`gossec_regex_cut_total{kind="decoder",name="mt\"hostile\\x"} `,
		} {
			if !strings.Contains(body, want) {
				return false
			}
		}
		return strings.Count(body, "\ngossec_file_lines_read_total{") == 2
	})
	// A level that goes down is a gauge: no _total suffix.
	if !strings.Contains(body, "# TYPE gossec_mail_pending gauge\ngossec_mail_pending 0\n") {
		t.Errorf("/metrics has no gauge gossec_mail_pending")
	}
	if want := `gossec_file_lines_read_total{path="` + mtEscape(h.path(mtOddFile)) + `"} 1`; !strings.Contains(body, want) {
		t.Errorf("/metrics has no line\n%s", want)
	}

	cmd := exec.Command(promtool, "check", "metrics")
	cmd.Stdin = strings.NewReader(body)
	out, err := cmd.CombinedOutput()
	if err != nil || len(bytes.TrimSpace(out)) > 0 {
		t.Errorf("promtool check metrics: %v\n%s", err, out)
	}
	if t.Failed() {
		return
	}
	t.Logf("/metrics: %d bytes, %d series, promtool check metrics: clean", len(body), strings.Count(body, "\n")-2*strings.Count(body, "# TYPE"))

	// A reload keeps the endpoint and its output valid.
	d.cmd.Process.Signal(syscall.SIGHUP)
	h.waitLog(10*time.Second, "configuration and ruleset reloaded")
	cmd = exec.Command(promtool, "check", "metrics")
	cmd.Stdin = strings.NewReader(mtGet(t, url))
	if out, err := cmd.CombinedOutput(); err != nil || len(bytes.TrimSpace(out)) > 0 {
		t.Errorf("promtool check metrics after a reload: %v\n%s", err, out)
	}
}

func mtAppend(t *testing.T, path, s string) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteString(s); err != nil {
		t.Fatal(err)
	}
}

func mtGet(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %s %v", url, resp.Status, err)
	}
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/plain; version=0.0.4") {
		t.Errorf("Content-Type %q", ct)
	}
	return string(b)
}

// mtEscape renders s as the text format writes a label value: UTF-8 (a
// byte that is not becomes U+FFFD), with backslash, double quote and
// newline escaped.
func mtEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`).Replace(strings.ToValidUTF8(s, "\uFFFD"))
}
