package email

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gossec/gossec/internal/fakeclock"
	"github.com/gossec/gossec/internal/testtls"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// received is one message as the test SMTP server got it.
type received struct {
	from  string
	rcpts []string
	raw   string // DATA with CRLF turned into LF
	hdr   mail.Header
	body  string // decoded body, LF line ends
	user  string // authenticated user
}

// testServer is a real SMTP server (emersion/go-smtp) on 127.0.0.1 with
// STARTTLS on a self-signed certificate and optional AUTH.
type testServer struct {
	t       *testing.T
	srv     *smtp.Server
	addr    string
	port    int
	pool    *x509.CertPool
	mechs   []string // AUTH mechanisms offered; nil = no AUTH
	user    string
	pass    string
	reject  atomic.Bool  // answer MAIL FROM with 451
	rcptErr atomic.Int32 // answer RCPT TO with this code (0: accept)
	dataErr atomic.Int32 // answer the end of DATA with this code (0: accept)
	// poison: a message whose data holds this text is refused with 554,
	// as a content filter does (empty: none).
	poison  atomic.Pointer[string]
	mu      sync.Mutex
	msgs    []received
	arrived chan struct{}
}

func newTestServer(t *testing.T, implicitTLS bool, mechs ...string) *testServer {
	return newTestServerOn(t, "127.0.0.1:0", implicitTLS, mechs...)
}

// newTestServerOn is newTestServer on a given address.
func newTestServerOn(t *testing.T, addr string, implicitTLS bool, mechs ...string) *testServer {
	t.Helper()
	cert, pool := selfSigned(t)
	s := &testServer{t: t, pool: pool, mechs: mechs, user: "ossec", pass: "s3cret", arrived: make(chan struct{}, 10000)}
	s.srv = smtp.NewServer(s)
	s.srv.Domain = "localhost"
	s.srv.TLSConfig = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	s.srv.ReadTimeout = 5 * time.Second
	s.srv.WriteTimeout = 5 * time.Second
	var l net.Listener
	var err error
	if implicitTLS {
		l, err = tls.Listen("tcp", addr, s.srv.TLSConfig)
	} else {
		l, err = net.Listen("tcp", addr)
	}
	if err != nil {
		t.Fatal(err)
	}
	s.addr = l.Addr().String()
	s.port = l.Addr().(*net.TCPAddr).Port
	go func() { _ = s.srv.Serve(l) }()
	t.Cleanup(func() { _ = s.srv.Close() })
	return s
}

func selfSigned(t *testing.T) (tls.Certificate, *x509.CertPool) {
	c := testtls.New(t)
	return c.TLS, c.Pool
}

// NewSession implements smtp.Backend.
func (s *testServer) NewSession(c *smtp.Conn) (smtp.Session, error) {
	return &session{s: s, conn: c}, nil
}

type session struct {
	s     *testServer
	conn  *smtp.Conn
	user  string
	from  string
	rcpts []string
}

func (x *session) AuthMechanisms() []string { return x.s.mechs }

func (x *session) Auth(mech string) (sasl.Server, error) {
	check := func(user, pass string) error {
		if _, isTLS := x.conn.TLSConnectionState(); !isTLS {
			return errors.New("auth before TLS")
		}
		if user != x.s.user || pass != x.s.pass {
			return smtp.ErrAuthFailed
		}
		x.user = user
		return nil
	}
	switch mech {
	case sasl.Plain:
		return sasl.NewPlainServer(func(_, u, p string) error { return check(u, p) }), nil
	case sasl.Login:
		return &loginServer{check: check}, nil
	}
	return nil, smtp.ErrAuthUnknownMechanism
}

func (x *session) Mail(from string, _ *smtp.MailOptions) error {
	if x.s.reject.Load() {
		return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "try later"}
	}
	if len(x.s.mechs) > 0 && x.user == "" {
		return smtp.ErrAuthRequired
	}
	x.from = from
	return nil
}

func (x *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	if c := x.s.rcptErr.Load(); c != 0 {
		return &smtp.SMTPError{Code: int(c), Message: "recipient refused for now"}
	}
	x.rcpts = append(x.rcpts, to)
	return nil
}

func (x *session) Data(r io.Reader) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	if c := x.s.dataErr.Load(); c != 0 {
		return &smtp.SMTPError{Code: int(c), Message: "message refused for now"}
	}
	if p := x.s.poison.Load(); p != nil && *p != "" && bytes.Contains(data, []byte(*p)) {
		return &smtp.SMTPError{Code: 554, EnhancedCode: smtp.EnhancedCode{5, 7, 1}, Message: "message content rejected"}
	}
	raw := strings.ReplaceAll(string(data), "\r\n", "\n")
	msg, err := mail.ReadMessage(bytes.NewReader(data))
	if err != nil {
		x.s.t.Errorf("server: unparsable message: %v\n%s", err, raw)
		return err
	}
	body, err := io.ReadAll(msg.Body)
	if err != nil {
		return err
	}
	if strings.EqualFold(msg.Header.Get("Content-Transfer-Encoding"), "quoted-printable") {
		if body, err = io.ReadAll(quotedprintable.NewReader(bytes.NewReader(body))); err != nil {
			x.s.t.Errorf("server: bad quoted-printable: %v", err)
		}
	}
	x.s.mu.Lock()
	x.s.msgs = append(x.s.msgs, received{
		from: x.from, rcpts: append([]string(nil), x.rcpts...), raw: raw, hdr: msg.Header,
		body: strings.ReplaceAll(string(body), "\r\n", "\n"), user: x.user,
	})
	x.s.mu.Unlock()
	x.s.arrived <- struct{}{}
	return nil
}

func (x *session) Reset()        { x.from, x.rcpts = "", nil }
func (x *session) Logout() error { return nil }

// loginServer is the server side of AUTH LOGIN (go-sasl ships only the
// client side).
type loginServer struct {
	check func(user, pass string) error
	step  int
	user  string
}

func (l *loginServer) Next(resp []byte) ([]byte, bool, error) {
	switch l.step {
	case 0:
		l.step++
		if len(resp) > 0 { // initial response carries the user name
			l.user = string(resp)
			l.step++
			return []byte("Password:"), false, nil
		}
		return []byte("Username:"), false, nil
	case 1:
		l.user = string(resp)
		l.step++
		return []byte("Password:"), false, nil
	default:
		return nil, true, l.check(l.user, string(resp))
	}
}

// wait returns once n messages in total have arrived, or fails the test.
func (s *testServer) wait(n int) []received {
	s.t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		s.mu.Lock()
		got := len(s.msgs)
		s.mu.Unlock()
		if got >= n {
			break
		}
		select {
		case <-s.arrived:
		case <-deadline:
			s.t.Fatalf("waited for %d messages, have %d", n, got)
		}
	}
	return s.all()
}

func (s *testServer) all() []received {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]received(nil), s.msgs...)
}

// fakeClock is a Clock the test moves by hand.
type fakeClock = fakeclock.Clock

func newFakeClock(t time.Time) *fakeClock { return fakeclock.New(t) }

// runMailer starts m.Run and stops it at the end of the test.
func runMailer(t *testing.T, m *Mailer) (stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := m.Run(ctx); err != nil {
			t.Errorf("Run: %v", err)
		}
	}()
	var once sync.Once
	stop = func() {
		once.Do(func() {
			cancel()
			<-done
		})
	}
	t.Cleanup(stop)
	return stop
}
