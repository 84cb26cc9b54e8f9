package email

import (
	"bytes"
	"io"
	"mime"
	"mime/quotedprintable"
	"net/mail"
	"strings"
	"testing"
	"time"
)

// allowedHeaders is every header a notification may carry.
var allowedHeaders = map[string]bool{
	"Date": true, "Mime-Version": true, "Message-Id": true, "Subject": true, "X-Ids-Ossec": true,
	"X-Mailer": true, "From": true, "To": true, "Cc": true, "Reply-To": true,
	"Content-Transfer-Encoding": true, "Content-Type": true,
}

// FuzzRender renders hostile alert text into a full message and an SMS
// and checks that the result parses as one RFC 5322 message with only our
// headers, a single-line subject, a body with the lines of a plain alert
// (no line started by the data) and the log intact in the body.
func FuzzRender(f *testing.F) {
	f.Add(seedDesc, seedLoc, "dbhost", seedLog, "OSSEC HIDS")
	f.Add("a\r\nBcc: x@example.net", "/l\nCc: y@example.net", "h\rTo: z@example.net", "\r\n.\r\nQUIT\r\n", "Evil\r\nX: 1")
	f.Add("ünïcödé \xff\xfe", "=?utf-8?q?x?=", "", strings.Repeat("x", 2000), "")
	f.Add("\u2028Bcc: a@b", "\x00", "\t", ".\n..\n.", "Wazuh")
	cfg := Config{To: []string{"admin@example.com"}, From: "o@example.com", SMTPServer: "localhost",
		HeloServer: "gossec.test", ReplyTo: "soc@example.com", IDSName: "ids", FullSubject: true}
	m, err := New(cfg)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, desc, loc, host, log, product string) {
		a := mkAlert(100025, 7, desc, "g,", loc, log, true)
		a.Event.Hostname = host
		m.cfg.Product = product
		if product == "" {
			m.cfg.Product = DefaultProduct
		}
		sec := NewSection(a, m.cfg.Product)
		// No byte of the data starts a line of the body: it has the lines
		// of the same alert with plain text.
		ref := mkAlert(100025, 7, "d", "g,", "l", "x", true)
		ref.Event.Hostname = "h"
		body := string(sec.AppendBody(nil))
		if want := strings.Count(string(NewSection(ref, "p").AppendBody(nil)), "\n"); strings.Count(body, "\n") != want || strings.ContainsAny(body, "\r\x00") {
			t.Fatalf("body lines forged by the data:\n%q", body)
		}
		rc := newRcptSet([]string{"admin@example.com", "b@example.com"})
		now := time.Date(2026, 11, 21, 10, 0, 0, 0, time.UTC)
		for _, format := range []Format{Full, SMS} {
			msg := m.compose(&batch{rcpts: rc, format: format, sections: []*Section{sec}}, now)
			checkWire(t, msg)
		}
	})
}

func checkWire(t *testing.T, msg *outMsg) {
	t.Helper()
	g, err := msg.build()
	if err != nil {
		t.Fatalf("build: %v", err)
	}
	var buf bytes.Buffer
	if _, err := g.WriteTo(&buf); err != nil {
		t.Fatalf("write: %v", err)
	}
	parsed, err := mail.ReadMessage(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatalf("unparsable message: %v\n%q", err, buf.String())
	}
	for k, v := range parsed.Header {
		if !allowedHeaders[k] {
			t.Fatalf("unexpected header %q: %q", k, v)
		}
		if len(v) != 1 {
			t.Fatalf("header %q repeated: %q", k, v)
		}
	}
	to, err := parsed.Header.AddressList("To")
	if err != nil || len(to) != 1 || to[0].Address != "admin@example.com" {
		t.Fatalf("To %v %v", to, err)
	}
	cc, err := parsed.Header.AddressList("Cc")
	if err != nil || len(cc) != 1 || cc[0].Address != "b@example.com" {
		t.Fatalf("Cc %v %v", cc, err)
	}
	var dec mime.WordDecoder
	subj, err := dec.DecodeHeader(parsed.Header.Get("Subject"))
	if err != nil {
		t.Fatalf("subject %q: %v", parsed.Header.Get("Subject"), err)
	}
	if strings.ContainsAny(subj, "\r\n") || len(msg.Subject) > subjectSize {
		t.Fatalf("subject %q", subj)
	}
	// The one-line slots of the body stay one line each.
	if n := strings.Count(msg.Body, "\nRule: "); n != 0 && n != 1 {
		t.Fatalf("forged body lines:\n%s", msg.Body)
	}
	body, err := io.ReadAll(quotedprintable.NewReader(parsed.Body))
	if err != nil {
		t.Fatalf("body: %v", err)
	}
	// The encoder ends every line with CRLF, lone CRs included.
	norm := func(s string) string { return strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n") }
	if norm(string(body)) != norm(msg.Body) {
		t.Fatalf("body changed on the wire:\n%q\n%q", body, msg.Body)
	}
}
