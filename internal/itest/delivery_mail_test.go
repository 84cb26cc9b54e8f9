package itest

import (
	"encoding/json"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
	"github.com/gossec/gossec/internal/blackhole"
)

// Issue 8, findings 7 and 8: an SMTP server that accepts connections and
// never answers (a black hole) must not cost a single mail-level alert,
// must not keep a clean SIGTERM waiting, and the failure must show in
// gossec.log: once when it starts, then as summaries, not once per try.

// mailConfig sends every sshd failure (rule 250102, level 5) by mail to
// 127.0.0.1:port, with a cap high enough that email_maxperhour holds
// nothing back.
func mailConfig(port int) string {
	return fmt.Sprintf(`<ossec_config>
  <global>
    <email_notification>yes</email_notification>
    <email_to>soc@example.com</email_to>
    <email_from>gossec@example.com</email_from>
    <smtp_server>127.0.0.1</smtp_server>
    <smtp_port>%d</smtp_port>
    <email_maxperhour>9999</email_maxperhour>
  </global>
  <alerts>
    <email_alert_level>5</email_alert_level>
  </alerts>
  <localfile>
    <location>logsrc/app.log</location>
    <log_format>syslog</log_format>
    <only-future-events>no</only-future-events>
  </localfile>
</ossec_config>
`, port)
}

// mailUserRe finds the numbered user of uniqueLine in a mail or a spool
// record.
var mailUserRe = regexp.MustCompile(`for u(\d{8}) from`)

// mailSpoolUsers counts, per line number, the alerts in the mail spool.
func mailSpoolUsers(h *home) map[string]int {
	seen := map[string]int{}
	files, _ := filepath.Glob(h.path("queue/mail/*.json"))
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		var rec struct {
			Body string `json:"body"`
		}
		if json.Unmarshal(b, &rec) != nil {
			continue
		}
		for _, m := range mailUserRe.FindAllStringSubmatch(rec.Body, -1) {
			seen[m[1]]++
		}
	}
	return seen
}

// mailUsers counts, per line number, the mails that carry its alert
// (quoted-printable bodies decoded; the number appears in the rule
// description and the log, counted once per mail), and the largest number
// of alerts one mail carried.
func mailUsers(t *testing.T, mb *mailbox) (seen map[string]int, mails, biggest int) {
	seen = map[string]int{}
	msgs := mb.all()
	for _, raw := range msgs {
		body := decodeMail(t, raw)
		biggest = max(biggest, strings.Count(body, "--END OF NOTIFICATION"))
		in := map[string]bool{}
		for _, m := range mailUserRe.FindAllStringSubmatch(body, -1) {
			in[m[1]] = true
		}
		for u := range in {
			seen[u]++
		}
	}
	return seen, len(msgs), biggest
}

// mailStop sends SIGTERM and returns how long gossec took to exit (it is
// killed after limit).
func mailStop(t *testing.T, d *daemon, limit time.Duration) time.Duration {
	t.Helper()
	start := time.Now()
	d.cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan error, 1)
	go func() { done <- d.cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("gossec exited with %v; stderr:\n%s", err, d.stderr.String())
		}
	case <-time.After(limit):
		d.cmd.Process.Kill()
		<-done
		t.Errorf("gossec did not stop within %v of SIGTERM (killed)", limit)
	}
	return time.Since(start)
}

// mailStartMailbox is startMailbox on a given port (the one the black
// hole held), retried while the kernel still holds the port.
func mailStartMailbox(t *testing.T, port int) *mailbox {
	t.Helper()
	m := &mailbox{port: port}
	srv := smtp.NewServer(m)
	srv.Domain = "localhost"
	var l net.Listener
	var err error
	for range 50 {
		if l, err = net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(port)); err == nil {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(l)
	t.Cleanup(func() { srv.Close() })
	return m
}

func mailWriteLines(t *testing.T, h *home, from, n int64) {
	t.Helper()
	var b strings.Builder
	for i := from; i < from+n; i++ {
		b.WriteString(uniqueLine(i))
	}
	f, err := os.OpenFile(h.path("logsrc/app.log"), os.O_APPEND|os.O_WRONLY|os.O_CREATE, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteString(b.String()); err != nil {
		t.Fatal(err)
	}
	f.Close()
}

// mailLogLines returns the gossec.log lines that contain every one of subs.
func mailLogLines(h *home, subs ...string) []string {
	var out []string
	for line := range strings.SplitSeq(h.read("logs/gossec.log"), "\n") {
		ok := true
		for _, s := range subs {
			ok = ok && strings.Contains(line, s)
		}
		if ok {
			out = append(out, line)
		}
	}
	return out
}

// TestMailBlackHoleNoLoss: 3,000 mail-level alerts while the SMTP server
// is a black hole, then a refusing port, then a real server on the same
// port: every alert arrives by mail exactly once.
func TestMailBlackHoleNoLoss(t *testing.T) {
	const n = 3000
	port := freePort(t)
	hole := blackhole.Listen(t, "127.0.0.1:"+strconv.Itoa(port))
	h := newHome(t, mailConfig(port))
	h.write("logsrc/app.log", "")
	d := h.start()
	defer d.stop(t)
	h.waitLog(10*time.Second, "gossec running")
	start := time.Now()
	mailWriteLines(t, h, 1, n)
	waitFor(t, 60*time.Second, "3000 alerts in alerts.json", func() bool { return h.state("alerts_written") >= n })
	waitFor(t, 10*time.Second, "a connection to the black hole", func() bool { return hole.Accepted() > 0 })
	// The mailer keeps the alerts, in its spool or (before the fix) in
	// its queue, or has dropped them; give it a few seconds of outage.
	time.Sleep(3 * time.Second)
	spooled := mailSpoolUsers(h)
	t.Logf("during the black hole (%v): %d of %d alerts in the spool, mail_dropped=%d, mail_pending=%d, mail_spool_lost=%d",
		time.Since(start).Round(time.Second), len(spooled), n, h.state("mail_dropped"), h.state("mail_pending"), h.state("mail_spool_lost"))

	// The black hole goes away: the port refuses for a few seconds (the
	// hung attempt fails, the next retry is refused), then a real server
	// answers on the same port.
	hole.Close()
	time.Sleep(6 * time.Second)
	mb := mailStartMailbox(t, port)
	var got map[string]int
	var mails, biggest int
	deadline := time.Now().Add(90 * time.Second)
	for time.Now().Before(deadline) {
		got, mails, biggest = mailUsers(t, mb)
		if len(got) >= n {
			break
		}
		time.Sleep(500 * time.Millisecond)
	}
	lost, dup := 0, 0
	for i := int64(1); i <= n; i++ {
		switch c := got[fmt.Sprintf("%08d", i)]; {
		case c == 0:
			lost++
		case c > 1:
			dup++
		}
	}
	t.Logf("after recovery (%v): %d of %d alerts mailed in %d mails, %d lost, %d duplicated, mail_dropped=%d, mail_spool_lost=%d",
		time.Since(start).Round(time.Second), len(got), n, mails, lost, dup, h.state("mail_dropped"), h.state("mail_spool_lost"))
	if lost > 0 {
		t.Errorf("%d of %d mail-level alerts never arrived by mail", lost, n)
	}
	if dup > 0 {
		t.Errorf("%d alerts arrived more than once", dup)
	}
	if dr := h.state("mail_dropped"); dr != 0 {
		t.Errorf("mail_dropped=%d, want 0", dr)
	}
	if biggest > 32 {
		t.Errorf("one mail carried %d alerts, more than a group's 32", biggest)
	}

	// gossec.log names the output, says the failure once when it starts
	// and sums the repeats up instead of one line per try.
	out := "email 127.0.0.1:" + strconv.Itoa(port)
	first := mailLogLines(h, "mail delivery failed", out)
	var once, summaries int
	for _, l := range first {
		if strings.Contains(l, "repeated") {
			summaries++
		} else {
			once++
		}
	}
	t.Logf("gossec.log: %d first-failure lines, %d summaries, %d recovery lines:\n%s", once, summaries,
		len(mailLogLines(h, "mail delivery recovered", out)), strings.Join(mailLogLines(h, out), "\n"))
	if once != 1 {
		t.Errorf("gossec.log has %d first-failure lines for %s, want 1:\n%s", once, out, strings.Join(first, "\n"))
	}
	if summaries < 1 {
		t.Errorf("gossec.log has no summary of the repeated failures for %s:\n%s", out, h.read("logs/gossec.log"))
	}
	if len(mailLogLines(h, "mail delivery recovered", out)) != 1 {
		t.Errorf("gossec.log does not say once that delivery to %s recovered:\n%s", out, h.read("logs/gossec.log"))
	}
}

// TestMailBlackHoleSIGTERM: a clean stop while the SMTP server hangs
// takes seconds, not the SMTP timeout, and leaves every alert spooled for
// the next run, which delivers them.
func TestMailBlackHoleSIGTERM(t *testing.T) {
	const n = 300
	port := freePort(t)
	hole := blackhole.Listen(t, "127.0.0.1:"+strconv.Itoa(port))
	h := newHome(t, mailConfig(port))
	h.write("logsrc/app.log", "")
	d := h.start()
	h.waitLog(10*time.Second, "gossec running")
	mailWriteLines(t, h, 1, n)
	waitFor(t, 30*time.Second, "alerts in alerts.json", func() bool { return h.state("alerts_written") >= n })
	waitFor(t, 10*time.Second, "a connection to the black hole", func() bool { return hole.Accepted() > 0 })
	time.Sleep(time.Second)

	took := mailStop(t, d, 40*time.Second)
	spooled := mailSpoolUsers(h)
	t.Logf("SIGTERM with a hung SMTP server: stopped in %v, %d of %d alerts spooled", took.Round(10*time.Millisecond), len(spooled), n)
	if took > 5*time.Second {
		t.Errorf("gossec took %v to stop while the SMTP server hung, want a few seconds", took)
	}
	if len(spooled) != n {
		t.Errorf("%d of %d alerts left in the spool after SIGTERM", len(spooled), n)
	}

	hole.Close()
	mb := mailStartMailbox(t, port)
	d = h.start()
	defer d.stop(t)
	var got map[string]int
	waitFor(t, 30*time.Second, "the spooled alerts by mail", func() bool {
		got, _, _ = mailUsers(t, mb)
		return len(got) >= n
	})
	if len(got) != n {
		t.Errorf("%d alerts mailed after the restart, want %d", len(got), n)
	}
}
