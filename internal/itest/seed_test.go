package itest

import (
	"io"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
)

// mailbox is a real SMTP server in the test process that keeps every
// message it is given.
type mailbox struct {
	mu   sync.Mutex
	msgs []string
	port int
}

func (m *mailbox) NewSession(*smtp.Conn) (smtp.Session, error) { return &mailSession{m: m}, nil }

type mailSession struct{ m *mailbox }

func (s *mailSession) Mail(string, *smtp.MailOptions) error { return nil }
func (s *mailSession) Rcpt(string, *smtp.RcptOptions) error { return nil }
func (s *mailSession) Reset()                               {}
func (s *mailSession) Logout() error                        { return nil }
func (s *mailSession) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.m.mu.Lock()
	s.m.msgs = append(s.m.msgs, string(b))
	s.m.mu.Unlock()
	return nil
}

func (m *mailbox) all() []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]string(nil), m.msgs...)
}

func startMailbox(t *testing.T) *mailbox {
	m := &mailbox{}
	srv := smtp.NewServer(m)
	srv.Domain = "localhost"
	srv.AllowInsecureAuth = true
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	m.port = l.Addr().(*net.TCPAddr).Port
	go srv.Serve(l)
	t.Cleanup(func() { srv.Close() })
	return m
}

// installRuleset copies the shipped default ruleset into the home, as
// install.sh does.
func installRuleset(t *testing.T, h *home) {
	for _, kind := range []string{"decoders", "rules"} {
		files, _ := filepath.Glob(filepath.Join("..", "..", kind, "default", "*.xml"))
		for _, f := range files {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			h.write(filepath.Join("ruleset", kind, filepath.Base(f)), string(b))
		}
	}
}

// TestSeedScenario is the classic OSSEC MySQL integrity setup: triggers
// write "Table: db.t: insert(...)" lines into the error log, read as
// syslog; local rule 100025 matches them; the notification mail arrives in
// the OSSEC layout.
func TestSeedScenario(t *testing.T) {
	mb := startMailbox(t)
	h := newHome(t, `<ossec_config>
  <global>
    <email_notification>yes</email_notification>
    <email_to>dba@example.com</email_to>
    <email_from>gossec@example.com</email_from>
    <smtp_server>127.0.0.1</smtp_server>
    <smtp_port>`+strconv.Itoa(mb.port)+`</smtp_port>
  </global>
  <alerts>
    <email_alert_level>7</email_alert_level>
  </alerts>
  <ruleset>
    <decoder_dir>ruleset/decoders</decoder_dir>
    <rule_dir>ruleset/rules</rule_dir>
    <rule_dir>etc/rules</rule_dir>
  </ruleset>
  <localfile>
    <location>mysql/errors.log</location>
    <log_format>syslog</log_format>
  </localfile>
</ossec_config>
`)
	installRuleset(t, h)
	h.write("etc/rules/local_rules.xml", `<group name="local,mysql,">
  <rule id="100025" level="7">
    <regex>^\d\d\d\d-\d\d-\d\d \d\d:\d\d:\d\d Table: \.</regex>
    <description>MySQL users table updated</description>
  </rule>
</group>
`)
	h.write("mysql/errors.log", "2011-01-08 00:30:00 [Note] mysqld: ready for connections.\n")
	d := h.start()
	defer d.stop(t)
	// only-future-events (the default): the line must arrive after the
	// tailer has fixed its start at the file's end.
	wmWaitFollowing(t, h, "mysql/errors.log", 20*time.Second)
	line := "2011-01-08 00:31:24 Table: acme.users: insert(8,brian,qavXvxlEVykwm) by admin@localhost"
	f, err := os.OpenFile(h.path("mysql/errors.log"), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString(line + "\n")
	f.Close()

	waitFor(t, 40*time.Second, "the notification mail", func() bool { return len(mb.all()) > 0 })
	body := decodeMail(t, mb.all()[0])
	for _, want := range []string{
		"OSSEC HIDS Notification.",
		"->" + h.path("mysql/errors.log"),
		`Rule: 100025 fired (level 7) -> "MySQL users table updated"`,
		"Portion of the log(s):\n\n" + line,
		"--END OF NOTIFICATION",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("mail lacks %q:\n%s", want, body)
		}
	}
	if got := len(h.alerts()); got != 1 {
		t.Errorf("%d alerts in alerts.json, want 1", got)
	}
}

// decodeMail returns the text body of a message, quoted-printable decoded.
func decodeMail(t *testing.T, raw string) string {
	msg, err := mail.ReadMessage(strings.NewReader(raw))
	if err != nil {
		t.Fatalf("unparsable mail: %v\n%s", err, raw)
	}
	var r io.Reader = msg.Body
	if strings.EqualFold(msg.Header.Get("Content-Transfer-Encoding"), "quoted-printable") {
		r = quotedprintable.NewReader(r)
	}
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return strings.ReplaceAll(string(b), "\r\n", "\n")
}
