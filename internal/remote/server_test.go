package remote

import (
	"bufio"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gossec/gossec/internal/testtls"
)

const waitFor = 5 * time.Second

// start binds a server on loopback port 0 and runs it until the test ends.
func start(t *testing.T, cfg Config) (*Server, <-chan Message) {
	t.Helper()
	if cfg.ListenAddr == "" {
		cfg.ListenAddr = "127.0.0.1"
	}
	s, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	out := make(chan Message, 64)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx, out) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("Run: %v", err)
			}
		case <-time.After(waitFor):
			t.Error("Run did not return after cancel")
		}
	})
	return s, out
}

func addrOf(t *testing.T, s *Server, network string) string {
	t.Helper()
	for _, a := range s.Addr() {
		if a.Network() == network {
			return a.String()
		}
	}
	t.Fatalf("no %s address in %v", network, s.Addr())
	return ""
}

func recv(t *testing.T, out <-chan Message) Message {
	t.Helper()
	select {
	case m := <-out:
		return m
	case <-time.After(waitFor):
		t.Fatal("no message received")
		return Message{}
	}
}

func expect(t *testing.T, out <-chan Message, loc string, texts ...string) {
	t.Helper()
	for _, want := range texts {
		m := recv(t, out)
		if m.Location != loc || m.Text != want {
			t.Errorf("got %+v, want {Location:%s Text:%q}", m, loc, want)
		}
	}
}

// eventually polls cond until it holds or the deadline passes.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(waitFor)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func sendUDP(t *testing.T, from, to string, msgs ...string) {
	t.Helper()
	var laddr *net.UDPAddr
	if from != "" {
		laddr = &net.UDPAddr{IP: net.ParseIP(from)}
	}
	raddr, err := net.ResolveUDPAddr("udp", to)
	if err != nil {
		t.Fatal(err)
	}
	c, err := net.DialUDP("udp", laddr, raddr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	for _, m := range msgs {
		if _, err := c.Write([]byte(m)); err != nil {
			t.Fatal(err)
		}
	}
}

func TestUDP(t *testing.T) {
	s, out := start(t, Config{Allowed: []string{"127.0.0.0/8"}})
	to := addrOf(t, s, "udp")
	sendUDP(t, "", to,
		"<13>Nov 21 09:30:00 web1 sshd[42]: Accepted password for root\n",
		"<14>1 2026-11-21T09:30:00Z web2 mysqld 7 - - ready for connections",
		"no header at all")
	expect(t, out, "127.0.0.1",
		"Nov 21 09:30:00 web1 sshd[42]: Accepted password for root",
		"2026-11-21T09:30:00+00:00 web2 mysqld[7]: ready for connections",
		"no header at all")
	if st := s.Stats(); st.Received != 3 || st.Malformed != 0 {
		t.Errorf("stats %+v", st)
	}
}

// TestUDPAccess: refused datagrams are counted; the first refusal is
// logged at once, the others only counted, then summarised when Run ends.
func TestUDPAccess(t *testing.T) {
	tests := []struct {
		name            string
		allowed, denied []string
		wantStats       Stats
		reason          string
	}{
		{"not allowed", []string{"127.0.0.2"}, nil, Stats{Received: 1, RefusedNotAllowed: 3}, `reason="not allowed"`},
		{"denied", []string{"127.0.0.0/8"}, []string{"127.0.0.1"}, Stats{Received: 1, RefusedDenied: 3}, "reason=denied"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			lb, log := newLogBuf()
			// Registered before start's, so it runs after Run has returned.
			t.Cleanup(func() {
				sum := lb.Lines(`msg="syslog sender refused (repeated)" addr=127.0.0.1 proto=udp `+tc.reason, "times=2 in=")
				if len(sum) != 1 {
					t.Errorf("no summary of the 2 later refusals when Run ended:\n%s", lb)
				}
			})
			s, out := start(t, Config{Allowed: tc.allowed, Denied: tc.denied, Logger: log})
			to := addrOf(t, s, "udp")
			// Datagrams on one socket are read in order: once the allowed
			// one arrives, the refused ones have been handled.
			sendUDP(t, "127.0.0.1", to, "<13>refused", "<13>refused", "<13>refused")
			sendUDP(t, "127.0.0.2", to, "<13>accepted")
			expect(t, out, "127.0.0.2", "accepted")
			if st := s.Stats(); st != tc.wantStats {
				t.Errorf("stats %+v, want %+v", st, tc.wantStats)
			}
			if got := lb.Lines("syslog sender refused"); len(got) != 1 || !strings.Contains(got[0], tc.reason) {
				t.Errorf("refusal lines %q, want the first only", got)
			}
		})
	}
}

func TestUDPOversize(t *testing.T) {
	s, out := start(t, Config{Allowed: []string{"any"}, MaxMessage: 100})
	sendUDP(t, "", addrOf(t, s, "udp"), "<13>"+strings.Repeat("x", 146), "<13>short")
	expect(t, out, "127.0.0.1", strings.Repeat("x", 96), "short")
	if st := s.Stats(); st.Oversize != 1 {
		t.Errorf("oversize = %d, want 1", st.Oversize)
	}
}

func dialTCP(t *testing.T, addr string) net.Conn {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func write(t *testing.T, c net.Conn, s string) {
	t.Helper()
	if _, err := io.WriteString(c, s); err != nil {
		t.Fatal(err)
	}
}

func TestTCPNewlineFraming(t *testing.T) {
	s, out := start(t, Config{Protocol: "tcp", Allowed: []string{"127.0.0.1"}, MaxMessage: 40})
	c := dialTCP(t, addrOf(t, s, "tcp"))
	write(t, c, "<13>first\n<13>second\r\n<13>thi")
	expect(t, out, "127.0.0.1", "first", "second")
	write(t, c, "rd\n"+"2024-01-02 starts with digits\n"+strings.Repeat("y", 50)+"\n<13>after long\n<13>no newline at close")
	c.Close()
	expect(t, out, "127.0.0.1", "third", "2024-01-02 starts with digits", strings.Repeat("y", 40), "after long", "no newline at close")
	if st := s.Stats(); st.Oversize != 1 || st.Received != 7 {
		t.Errorf("stats %+v", st)
	}
}

func octet(msg string) string { return strconv.Itoa(len(msg)) + " " + msg }

func TestTCPOctetCounting(t *testing.T) {
	s, out := start(t, Config{Protocol: "tcp", Allowed: []string{"127.0.0.1"}, MaxMessage: 44})
	c := dialTCP(t, addrOf(t, s, "tcp"))
	multi := "<13>line one\nline two"
	long := "<13>" + strings.Repeat("z", 50)
	write(t, c, octet("<13>hello")+octet(multi)+"\n"+octet(long)+octet("<13>1 2026-11-21T09:30:00Z h app - - - m"))
	expect(t, out, "127.0.0.1", "hello", "line one\nline two", strings.Repeat("z", 40), "2026-11-21T09:30:00+00:00 h app: m")
	// A broken count cannot be resynchronised: the connection is closed.
	write(t, c, "12x <13>broken")
	c.SetReadDeadline(time.Now().Add(waitFor))
	if _, err := c.Read(make([]byte, 1)); !errors.Is(err, io.EOF) && !isReset(err) {
		t.Errorf("read after bad frame: %v, want EOF", err)
	}
	if st := s.Stats(); st.Malformed != 1 || st.Oversize != 1 || st.Received != 4 {
		t.Errorf("stats %+v", st)
	}
}

func isReset(err error) bool {
	return err != nil && strings.Contains(err.Error(), "connection reset")
}

func TestTCPAccessIPv6(t *testing.T) {
	if ln, err := net.Listen("tcp", "[::1]:0"); err != nil {
		t.Skipf("no IPv6 loopback: %v", err)
	} else {
		ln.Close()
	}
	t.Run("allowed", func(t *testing.T) {
		s, out := start(t, Config{Protocol: "tcp", ListenAddr: "::1", Allowed: []string{"::1/128"}})
		c := dialTCP(t, addrOf(t, s, "tcp"))
		write(t, c, "<13>over v6\n")
		expect(t, out, "::1", "over v6")
	})
	t.Run("denied", func(t *testing.T) {
		s, out := start(t, Config{Protocol: "tcp", ListenAddr: "::1", Allowed: []string{"any"}, Denied: []string{"::/0"}})
		c := dialTCP(t, addrOf(t, s, "tcp"))
		write(t, c, "<13>should not pass\n")
		c.SetReadDeadline(time.Now().Add(waitFor))
		if _, err := c.Read(make([]byte, 1)); !errors.Is(err, io.EOF) && !isReset(err) {
			t.Errorf("read on refused connection: %v", err)
		}
		if st := s.Stats(); st.RefusedDenied != 1 || st.Received != 0 {
			t.Errorf("stats %+v", st)
		}
		select {
		case m := <-out:
			t.Errorf("refused connection delivered %+v", m)
		default:
		}
	})
}

// selfSigned writes a fresh certificate for 127.0.0.1 and returns the
// file names and a pool trusting it.
func selfSigned(t *testing.T) (certFile, keyFile string, pool *x509.CertPool) {
	c := testtls.New(t)
	certFile, keyFile = c.WriteFiles(t)
	return certFile, keyFile, c.Pool
}

func TestTLS(t *testing.T) {
	certFile, keyFile, pool := selfSigned(t)
	s, out := start(t, Config{Protocol: "tcp", Allowed: []string{"127.0.0.1"}, CertFile: certFile, KeyFile: keyFile})
	addr := addrOf(t, s, "tcp")
	for _, framing := range []string{"newline", "octet"} {
		c, err := tls.Dial("tcp", addr, &tls.Config{RootCAs: pool})
		if err != nil {
			t.Fatal(err)
		}
		msg := "<13>over tls " + framing
		if framing == "octet" {
			write(t, c, octet(msg))
		} else {
			write(t, c, msg+"\n")
		}
		expect(t, out, "127.0.0.1", "over tls "+framing)
		c.Close()
	}
	// A plain-text client fails the handshake and is counted.
	c := dialTCP(t, addr)
	write(t, c, "<13>plain text to a TLS port\n")
	eventually(t, "failed handshake counted", func() bool { return s.Stats().Malformed == 1 })
	if st := s.Stats(); st.Received != 2 {
		t.Errorf("stats %+v", st)
	}
}

func TestBothProtocolsSharePort(t *testing.T) {
	s, out := start(t, Config{Protocol: "udp,tcp", Allowed: []string{"127.0.0.1"}})
	udp, tcp := addrOf(t, s, "udp"), addrOf(t, s, "tcp")
	if _, up, _ := net.SplitHostPort(udp); !strings.HasSuffix(tcp, ":"+up) {
		t.Errorf("udp %s and tcp %s on different ports", udp, tcp)
	}
	sendUDP(t, "", udp, "<13>via udp")
	expect(t, out, "127.0.0.1", "via udp")
	c := dialTCP(t, tcp)
	write(t, c, "<13>via tcp\n")
	expect(t, out, "127.0.0.1", "via tcp")
}

func TestRunStopsWhileBlocked(t *testing.T) {
	s, err := New(Config{ListenAddr: "127.0.0.1", Protocol: "udp,tcp", Allowed: []string{"any"}})
	if err != nil {
		t.Fatal(err)
	}
	out := make(chan Message) // nobody reads: delivery blocks
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx, out) }()
	sendUDP(t, "", addrOf(t, s, "udp"), "<13>stuck")
	c := dialTCP(t, addrOf(t, s, "tcp"))
	write(t, c, "<13>stuck too\n")
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Run: %v", err)
		}
	case <-time.After(waitFor):
		t.Fatal("Run blocked after cancel")
	}
}

func TestNewErrors(t *testing.T) {
	certFile, keyFile, _ := selfSigned(t)
	tests := []struct {
		name string
		cfg  Config
		want string
	}{
		{"no allowed ips", Config{}, "no allowed-ips"},
		{"bad protocol", Config{Protocol: "sctp", Allowed: []string{"any"}}, `invalid <protocol> "sctp"`},
		{"bad allowed", Config{Allowed: []string{"10.0.0.300"}}, `<allowed-ips> "10.0.0.300"`},
		{"bad denied", Config{Allowed: []string{"any"}, Denied: []string{"x"}}, `<denied-ips> "x"`},
		{"tls over udp", Config{Allowed: []string{"any"}, CertFile: certFile, KeyFile: keyFile}, "has no tcp"},
		{"missing key", Config{Protocol: "tcp", Allowed: []string{"any"}, CertFile: certFile, KeyFile: certFile + ".none"}, "load TLS key pair"},
		{"bad address", Config{Allowed: []string{"any"}, ListenAddr: "256.0.0.1"}, "listen udp"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, err := New(tc.cfg)
			if err == nil {
				s.Close()
				t.Fatal("New succeeded")
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q does not mention %q", err, tc.want)
			}
		})
	}
	if _, err := New(Config{}); !errors.Is(err, ErrNoAllowedIPs) {
		t.Errorf("missing allowed-ips: %v, want ErrNoAllowedIPs", err)
	}
}

// TestLogger sends with util-linux logger(1), in its default RFC 5424
// form and in RFC 3164, over UDP and TCP.
func TestLogger(t *testing.T) {
	bin, err := exec.LookPath("logger")
	if err != nil {
		t.Skip("logger not installed (apt-get install bsdutils)")
	}
	s, out := start(t, Config{Protocol: "udp,tcp", Allowed: []string{"127.0.0.1"}})
	_, port, _ := net.SplitHostPort(addrOf(t, s, "tcp"))
	tests := []struct{ name, proto, format string }{
		{"udp 5424", "--udp", "--rfc5424"},
		{"tcp 5424", "--tcp", "--rfc5424"},
		{"udp 3164", "--udp", "--rfc3164"},
		{"tcp 3164 octet", "--tcp", "--rfc3164"},
	}
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			msg := fmt.Sprintf("gossec logger test %d", i)
			args := []string{"--server", "127.0.0.1", "--port", port, tc.proto, tc.format, "-t", "gossectest", msg}
			if strings.HasSuffix(tc.name, "octet") {
				args = append([]string{"--octet-count"}, args...)
			}
			if b, err := exec.Command(bin, args...).CombinedOutput(); err != nil {
				t.Fatalf("logger %v: %v\n%s", args, err, b)
			}
			m := recv(t, out)
			if m.Location != "127.0.0.1" || !strings.HasSuffix(m.Text, " gossectest: "+msg) {
				t.Errorf("got %+v", m)
			}
			if tc.format == "--rfc5424" && !isISOHeader(m.Text) {
				t.Errorf("5424 text %q does not start with an ISO time the pre-decoder knows", m.Text)
			}
		})
	}
}

// isISOHeader checks the pre-decoder's ISO tests (wazuh-engine.md 5.2).
func isISOHeader(s string) bool {
	if len(s) < 26 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || s[16] != ':' {
		return false
	}
	switch {
	case s[19] != '.':
		return s[22] == ':' && s[25] == ' '
	case s[26] == ':':
		return s[29] == ' '
	default:
		return len(s) > 32 && s[29] == ':' && s[32] == ' '
	}
}

func TestOctetDetection(t *testing.T) {
	for in, want := range map[string]bool{
		"12 <13>hello": true, "1 <": true, "12 hello": false, "012 <13>": false,
		"2024-01-01 x": false, "<13>x": false, "123456789012 <": false, "": false,
	} {
		if got := isOctetCounted(bufio.NewReader(strings.NewReader(in))); got != want {
			t.Errorf("isOctetCounted(%q) = %v, want %v", in, got, want)
		}
	}
}

// FuzzFraming drives both TCP framings over arbitrary streams: they must
// terminate, never deliver more than MaxMessage bytes, and count every
// truncation.
func FuzzFraming(f *testing.F) {
	for _, s := range []string{"5 <13>a\n5 <13>b", "<13>a\n<13>b", "99999999999 <", "3 <1>", "\n\n\r", "1 <13>" + strings.Repeat("q", 40)} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		s := newServer(Config{MaxMessage: 16})
		out := make(chan Message, len(data)+1)
		r := bufio.NewReaderSize(strings.NewReader(string(data)), s.cfg.MaxMessage+1)
		conv := newConverter(time.Now)
		if isOctetCounted(r) {
			s.readOctetCounted(context.Background(), r, conv, "127.0.0.1", out)
		} else {
			s.readLines(context.Background(), r, conv, "127.0.0.1", out)
		}
		close(out)
		for m := range out {
			if len(m.Text) > 16+32 { // a 5424 rewrite may add a sender address and a zone
				t.Errorf("message of %d bytes over a 16-byte limit: %q", len(m.Text), m.Text)
			}
		}
	})
}

// BenchmarkTCPIntake measures messages per second through a real loopback
// connection, framing and conversion included.
func BenchmarkTCPIntake(b *testing.B) {
	s, err := New(Config{ListenAddr: "127.0.0.1", Protocol: "tcp", Allowed: []string{"127.0.0.1"}})
	if err != nil {
		b.Fatal(err)
	}
	out := make(chan Message, 1024)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go s.Run(ctx, out)
	c, err := net.Dial("tcp", s.Addr()[0].String())
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	line := []byte("<13>Nov 21 09:30:00 web1 sshd[42]: Accepted password for root from 10.0.0.1 port 22 ssh2\n")
	b.ReportAllocs()
	b.SetBytes(int64(len(line)))
	go func() {
		w := bufio.NewWriter(c)
		for range b.N {
			w.Write(line)
		}
		w.Flush()
	}()
	for range b.N {
		<-out
	}
}
