package email

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	netmail "net/mail"
	"time"

	mail "github.com/wneessen/go-mail"
)

// Kinds of message, for the counters.
const (
	kindFull   = "full"
	kindSMS    = "sms"
	kindDigest = "digest"
)

// outMsg is a composed message. It is also the spool record, so a retry
// sends exactly what the first attempt tried (same Message-ID and Date).
// It never holds credentials.
type outMsg struct {
	Kind     string    `json:"kind"`
	ID       string    `json:"message_id"`
	Date     time.Time `json:"date"`
	FromName string    `json:"from_name"`
	From     string    `json:"from"`
	To       string    `json:"to"`
	Cc       []string  `json:"cc,omitempty"`
	ReplyTo  string    `json:"reply_to,omitempty"`
	IDSName  string    `json:"ids_name,omitempty"`
	Subject  string    `json:"subject"`
	Body     string    `json:"body"`
	// Alerts is the number of alerts the message carries (for logs and
	// tests; a digest counts those it left out too).
	Alerts int `json:"alerts,omitempty"`
	// Uncharged marks a message spooled at shutdown before it took its
	// share of email_maxperhour (a group still waiting for its delay, a
	// digest waiting for the hour): the retry charges it.
	Uncharged bool `json:"uncharged,omitempty"`
}

// errBadMessage marks a message no server will ever accept; retrying it
// would block the spool.
var errBadMessage = errors.New("malformed message")

type transport interface {
	send(ctx context.Context, m *outMsg) error
}

type smtpTransport struct {
	client *mail.Client
}

func newSMTPTransport(c *Config, o Options) (*smtpTransport, error) {
	opts := []mail.Option{
		mail.WithPort(c.Port),
		mail.WithTimeout(c.Timeout),
		mail.WithTLSConfig(tlsConfigOf(c, o)),
	}
	switch c.Security {
	case Plain:
		opts = append(opts, mail.WithTLSPolicy(mail.NoTLS))
	case StartTLS:
		opts = append(opts, mail.WithTLSPolicy(mail.TLSMandatory))
	case ImplicitTLS:
		opts = append(opts, mail.WithSSL())
	}
	if c.HeloServer != "" {
		opts = append(opts, mail.WithHELO(c.HeloServer))
	}
	if c.AuthSMTP {
		opts = append(opts, mail.WithSMTPAuth(mail.SMTPAuthAutoDiscover),
			mail.WithUsername(c.User), mail.WithPassword(c.Password))
	}
	cl, err := mail.NewClient(c.SMTPServer, opts...)
	if err != nil {
		return nil, fmt.Errorf("smtp client for %q: %w", c.SMTPServer, err)
	}
	return &smtpTransport{client: cl}, nil
}

func tlsConfigOf(c *Config, o Options) *tls.Config {
	return &tls.Config{
		ServerName:         c.SMTPServer,
		RootCAs:            o.RootCAs,
		InsecureSkipVerify: !c.TLSVerify, //nolint:gosec // operator's explicit smtp_tls_verify no
		MinVersion:         tls.VersionTLS12,
	}
}

// build turns m into a go-mail message. Header values were cleaned when m
// was composed; go-mail adds RFC 2047 encoding for non-ASCII text and the
// quoted-printable body keeps lines within RFC 5322 limits.
func (m *outMsg) build() (*mail.Msg, error) {
	g := mail.NewMsg(mail.WithNoDefaultUserAgent(), mail.WithEncoding(mail.EncodingQP))
	// net/mail quotes or encodes the display name; go-mail's FromFormat
	// does not, and a '"' in the product name would break the header.
	g.FromMailAddress(&netmail.Address{Name: m.FromName, Address: m.From})
	if err := g.To(m.To); err != nil {
		return nil, fmt.Errorf("to %q: %w", m.To, err)
	}
	if len(m.Cc) > 0 {
		if err := g.Cc(m.Cc...); err != nil {
			return nil, fmt.Errorf("cc %q: %w", m.Cc, err)
		}
	}
	if m.ReplyTo != "" {
		g.ReplyToMailAddress(&netmail.Address{Name: m.FromName, Address: m.ReplyTo})
	}
	g.Subject(m.Subject)
	g.SetDateWithValue(m.Date)
	g.SetMessageIDWithValue(m.ID)
	if m.IDSName != "" {
		g.SetGenHeader(mail.Header("X-IDS-OSSEC"), m.IDSName)
	}
	g.SetGenHeader(mail.HeaderXMailer, "gossec")
	g.SetBodyString(mail.TypeTextPlain, m.Body)
	return g, nil
}

// send runs one SMTP conversation. go-mail honours ctx only while it
// dials; after that, a server that accepted and never answers holds the
// conversation until the connection deadline (the timeout). So the
// conversation runs in its own goroutine and send returns as soon as ctx
// ends: a shutdown does not wait for a hung server. The abandoned
// conversation ends by its deadline; if the server accepts the mail after
// all, the retry from the spool delivers it a second time (at least once,
// never lost).
func (t *smtpTransport) send(ctx context.Context, m *outMsg) error {
	g, err := m.build()
	if err != nil {
		return fmt.Errorf("%w: %w", errBadMessage, err)
	}
	done := make(chan error, 1)
	go func() { done <- t.client.DialAndSendWithContext(ctx, g) }()
	select {
	case err = <-done:
	case <-ctx.Done():
		err = ctx.Err()
	}
	if err != nil {
		return fmt.Errorf("smtp: %w", err)
	}
	return nil
}

// permanent reports an SMTP 5xx answer: the server will not take that
// mail as it is.
func permanent(err error) bool {
	var se *mail.SendError
	return errors.As(err, &se) && se.ErrorCode()/100 == 5
}
