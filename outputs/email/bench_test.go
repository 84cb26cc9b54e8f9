package email

import (
	"testing"
	"time"
)

func benchMailer(b *testing.B) *Mailer {
	b.Helper()
	cfg := Config{To: []string{"admin@example.com"}, From: "o@example.com", SMTPServer: "localhost",
		HeloServer: "gossec.test", QueueSize: 1 << 20,
		Granular: []Granular{
			{To: []string{"dba@example.com"}, Location: "/var/lib/mysql/"},
			{To: []string{"sec@example.com"}, Group: "authentication_failed|sql_injection", Level: 5},
		}}
	m, err := New(cfg)
	if err != nil {
		b.Fatal(err)
	}
	return m
}

// BenchmarkSendNoRecipient is the common case: the alert mails nobody and
// Send must not allocate.
func BenchmarkSendNoRecipient(b *testing.B) {
	m := benchMailer(b)
	a := mkAlert(5501, 3, "sshd: authentication success", "syslog,sshd,", "/var/log/secure", "Accepted password for root", false)
	b.ReportAllocs()
	for b.Loop() {
		if !m.Send(a) {
			b.Fatal("refused")
		}
	}
	if m.Stats().Received != 0 {
		b.Fatal("alert was routed")
	}
}

// BenchmarkSendRouted copies and enqueues a mailed alert.
func BenchmarkSendRouted(b *testing.B) {
	m := benchMailer(b)
	a := seedAlert()
	b.ReportAllocs()
	for b.Loop() {
		select {
		case <-m.queue:
		default:
		}
		m.Send(a)
	}
}

// BenchmarkRenderBody renders the OSSEC body into a reused buffer.
func BenchmarkRenderBody(b *testing.B) {
	s := NewSection(seedAlert(), DefaultProduct)
	buf := make([]byte, 0, 1024)
	b.ReportAllocs()
	for b.Loop() {
		buf = s.AppendBody(buf[:0])
	}
}

// BenchmarkComposeWire composes a grouped mail of 8 alerts and encodes it
// as go-mail would send it.
func BenchmarkComposeWire(b *testing.B) {
	m := benchMailer(b)
	secs := make([]*Section, 8)
	for i := range secs {
		secs[i] = NewSection(seedAlert(), DefaultProduct)
	}
	rc := newRcptSet([]string{"admin@example.com"})
	now := time.Date(2026, 11, 21, 10, 0, 0, 0, time.UTC)
	b.ReportAllocs()
	for b.Loop() {
		msg := m.compose(&batch{rcpts: rc, format: Full, sections: secs}, now)
		g, err := msg.build()
		if err != nil {
			b.Fatal(err)
		}
		if _, err := g.WriteTo(discard{}); err != nil {
			b.Fatal(err)
		}
	}
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }
