package syslog

import (
	"context"
	"crypto/tls"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gossec/gossec/internal/testtls"

	"github.com/gossec/gossec/internal/alert"
)

// fastConfig reconnects quickly, for tests.
func fastConfig(f Format, proto Protocol, port int) Config {
	c := testConfig(f, RFC3164)
	c.Protocol, c.Port = proto, port
	c.BackoffMin, c.BackoffMax = 5*time.Millisecond, 20*time.Millisecond
	c.DialTimeout = time.Second
	return c
}

func newOutput(t testing.TB, c Config) *Output {
	t.Helper()
	o, err := New(c)
	if err != nil {
		t.Fatal(err)
	}
	return o
}

// numbered returns alert i, recognisable by its log line.
func numbered(i int) *alert.Alert {
	a := findSample("sshd-failed").alert()
	a.Event.FullLog = fmt.Sprintf("line %04d", i)
	return a
}

func logOf(msg string) string {
	return msg[strings.LastIndex(msg, " ")+1:]
}

func TestDeliverEachTransport(t *testing.T) {
	a := findSample("hostile").alert()
	for _, tc := range []struct {
		proto Protocol
		fr    Framing
	}{{UDP, NewlineFraming}, {TCP, NewlineFraming}, {TCP, OctetCounting}} {
		t.Run(tc.proto.String()+fmt.Sprint(tc.fr), func(t *testing.T) {
			var r *receiver
			port := 0
			if tc.proto == UDP {
				r, port = startUDPReceiver(t)
			} else {
				port = freePort(t)
				r = startReceiver(t, port, tc.fr, nil)
			}
			c := fastConfig(FormatCEF, tc.proto, port)
			c.Framing = tc.fr
			o := newOutput(t, c)
			runOutput(t, o)
			for range 3 {
				if !o.Send(a) {
					t.Fatal("dropped")
				}
			}
			want, _ := newTestFormatter(t, c).appendMessage(nil, a)
			if tc.proto == TCP && tc.fr == NewlineFraming {
				want = appendFrame(nil, want, NewlineFraming)
				want = want[:len(want)-1]
			}
			for _, got := range r.expect(3, 5*time.Second) {
				if got != string(want) {
					t.Errorf("got  %q\nwant %q", got, want)
				}
			}
			// The receiver may see the frame before Run counts it.
			waitFor(t, "3 sent", func() bool { return o.Stats().Sent == 3 })
			if s := o.Stats(); s.Dropped != 0 || s.Queued != 0 || s.Errors != 0 {
				t.Errorf("stats %+v", s)
			}
		})
	}
}

// TestReceiverDownThenUp: while the server is down the messages wait in
// the queue; when it comes up every one arrives, in order.
func TestReceiverDownThenUp(t *testing.T) {
	port := freePort(t)
	c := fastConfig(FormatDefault, TCP, port)
	c.QueueSize = 50
	o := newOutput(t, c)
	runOutput(t, o)
	for i := range 50 {
		if !o.Send(numbered(i)) {
			t.Fatalf("alert %d dropped", i)
		}
	}
	waitFor(t, "failed dials", func() bool { return o.Stats().Errors >= 3 })
	r := startReceiver(t, port, NewlineFraming, nil)
	got := r.expect(50, 5*time.Second)
	for i, m := range got {
		if want := fmt.Sprintf("%04d", i); logOf(m) != want {
			t.Fatalf("message %d carries %q", i, logOf(m))
		}
	}
	waitFor(t, "50 sent", func() bool { return o.Stats().Sent == 50 })
	if s := o.Stats(); s.Dropped != 0 {
		t.Errorf("stats %+v", s)
	}
}

// TestQueueOverflowDropsOldest: beyond the queue the oldest messages go,
// counted; the newest arrive.
func TestQueueOverflowDropsOldest(t *testing.T) {
	port := freePort(t)
	c := fastConfig(FormatDefault, TCP, port)
	c.QueueSize = 50
	c.Framing = OctetCounting
	o := newOutput(t, c)
	drops := 0
	for i := range 80 {
		if !o.Send(numbered(i)) {
			drops++
		}
	}
	if s := o.Stats(); drops != 30 || s.Dropped != 30 || s.Queued != 50 {
		t.Fatalf("drops %d, stats %+v", drops, s)
	}
	r := startReceiver(t, port, OctetCounting, nil)
	runOutput(t, o)
	for i, m := range r.expect(50, 5*time.Second) {
		if want := fmt.Sprintf("%04d", i+30); logOf(m) != want {
			t.Fatalf("message %d carries %q, want %s", i, logOf(m), want)
		}
	}
	r.quiet(20 * time.Millisecond)
}

// TestReceiverRestart: a server restarted while the connection sat idle
// does not swallow the next message.
func TestReceiverRestart(t *testing.T) {
	port := freePort(t)
	r := startReceiver(t, port, NewlineFraming, nil)
	o := newOutput(t, fastConfig(FormatDefault, TCP, port))
	runOutput(t, o)
	o.Send(numbered(1))
	r.expect(1, 5*time.Second)
	r.stop()
	r2 := startReceiver(t, port, NewlineFraming, nil)
	for i := 2; i <= 4; i++ {
		o.Send(numbered(i))
		if got := r2.expect(1, 5*time.Second); logOf(got[0]) != fmt.Sprintf("%04d", i) {
			t.Fatalf("got %q", got[0])
		}
	}
	waitFor(t, "4 sent", func() bool { return o.Stats().Sent == 4 })
	if s := o.Stats(); s.Reconnects < 1 {
		t.Errorf("stats %+v", s)
	}
}

// TestNoBusyLoop: with the server down, dials follow the backoff.
func TestNoBusyLoop(t *testing.T) {
	c := fastConfig(FormatDefault, TCP, freePort(t))
	c.BackoffMin, c.BackoffMax = 20*time.Millisecond, 40*time.Millisecond
	o := newOutput(t, c)
	runOutput(t, o)
	o.Send(numbered(1))
	time.Sleep(300 * time.Millisecond)
	// 300ms at 16..48ms per try: about 8; a busy loop makes thousands.
	if n := o.Stats().Errors; n < 3 || n > 20 {
		t.Errorf("%d dial attempts in 300ms", n)
	}
}

func TestRunStopsWhileDown(t *testing.T) {
	o := newOutput(t, fastConfig(FormatDefault, TCP, freePort(t)))
	o.Send(numbered(1))
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if err := o.Run(ctx); err != nil {
		t.Fatal(err)
	}
}

func TestFilters(t *testing.T) {
	sshd := findSample("sshd-failed").alert()   // 5716, level 5, /var/log/auth.log
	mysql := findSample("agent-mysql").alert()  // 50120, level 12, (db01) 10.0.0.5->/var/log/mysql/error.log
	hidden := findSample("no-full-log").alert() // 100100, level 15
	for _, tc := range []struct {
		name string
		set  func(*Config)
		want []bool
	}{
		{"none", func(*Config) {}, []bool{true, true, true}},
		{"level", func(c *Config) { c.Level = 12 }, []bool{false, true, true}},
		{"rule_id", func(c *Config) { c.RuleIDs = []int{5716, 100100} }, []bool{true, false, true}},
		{"group-joined", func(c *Config) { c.Group = "sshd,auth" }, []bool{true, false, false}},
		{"group-one", func(c *Config) { c.Group = "^authentication_failed$" }, []bool{true, true, false}},
		{"group-compliance-hidden", func(c *Config) { c.Group = "pci_dss" }, []bool{false, false, false}},
		{"location-headless", func(c *Config) { c.Location = "^/var/log/mysql" }, []bool{false, true, false}},
		{"location-full", func(c *Config) { c.Location = "^(db01)" }, []bool{false, true, false}},
		{"location-negated", func(c *Config) { c.Location = "!auth.log" }, []bool{false, true, true}},
	} {
		c := testConfig(FormatDefault, RFC3164)
		tc.set(&c)
		o := newOutput(t, c)
		for i, a := range []*alert.Alert{sshd, mysql, hidden} {
			before := o.Stats().Queued
			o.Send(a)
			if sent := o.Stats().Queued > before; sent != tc.want[i] {
				t.Errorf("%s: alert %d sent=%v", tc.name, i, sent)
			}
		}
	}
	o := newOutput(t, testConfig(FormatDefault, RFC3164))
	if !o.Send(&alert.Alert{Event: sshd.Event}) || o.Stats().Filtered != 1 || o.Stats().Queued != 0 {
		t.Errorf("an alert without a rule: %+v", o.Stats())
	}
}

// TestSendCopies: the analyzer reuses the Event after Send.
func TestSendCopies(t *testing.T) {
	r, port := startUDPReceiver(t)
	o := newOutput(t, fastConfig(FormatDefault, UDP, port))
	a := numbered(7)
	o.Send(a)
	a.Event.FullLog = "clobbered"
	a.Rule.Description = "clobbered"
	runOutput(t, o)
	if got := r.expect(1, 5*time.Second)[0]; strings.Contains(got, "clobbered") || logOf(got) != "0007" {
		t.Errorf("got %q", got)
	}
}

func TestHostName(t *testing.T) {
	h, err := os.Hostname()
	if err != nil {
		t.Skip(err)
	}
	c := DefaultConfig()
	short, err := hostName(&c)
	if err != nil || strings.Contains(short, ".") || !strings.HasPrefix(h, short) {
		t.Errorf("short %q of %q (%v)", short, h, err)
	}
	c.UseFQDN = true
	long, err := hostName(&c)
	if err != nil || !strings.HasPrefix(long, short) {
		t.Errorf("fqdn %q of %q (%v)", long, h, err)
	}
}

// testCert makes a CA-less self-signed certificate for 127.0.0.1 and
// writes it as a PEM file.
func testCert(t testing.TB) (tls.Certificate, string) {
	c := testtls.New(t)
	certFile, _ := c.WriteFiles(t)
	return c.TLS, certFile
}

func TestTLS(t *testing.T) {
	cert, caFile := testCert(t)
	port := freePort(t)
	r := startReceiver(t, port, OctetCounting, &tls.Config{Certificates: []tls.Certificate{cert}})

	c := fastConfig(FormatJSONFull, TLS, port)
	c.Framing, c.TLSCA = OctetCounting, caFile
	o := newOutput(t, c)
	runOutput(t, o)
	o.Send(numbered(1))
	if got := r.expect(1, 5*time.Second)[0]; !strings.Contains(got, `"full_log":"line 0001"`) {
		t.Errorf("got %q", got)
	}

	// Without the CA the server is not trusted: nothing is sent.
	c.TLSCA = ""
	bad := newOutput(t, c)
	runOutput(t, bad)
	bad.Send(numbered(2))
	waitFor(t, "handshake failures", func() bool { return bad.Stats().Errors >= 2 })
	r.quiet(20 * time.Millisecond)
	if bad.Stats().Sent != 0 {
		t.Errorf("sent to an untrusted server")
	}

	// tls_verify=no trusts it anyway.
	c.TLSVerify = false
	insecure := newOutput(t, c)
	runOutput(t, insecure)
	insecure.Send(numbered(3))
	r.expect(1, 5*time.Second)
}

func TestNewErrors(t *testing.T) {
	c := DefaultConfig()
	if _, err := New(c); err == nil {
		t.Error("no server accepted")
	}
	c.Server, c.Protocol, c.TLSCA = "127.0.0.1", TLS, filepath.Join(t.TempDir(), "missing.pem")
	if _, err := New(c); err == nil || !strings.Contains(err.Error(), "missing.pem") {
		t.Errorf("missing CA: %v", err)
	}
	c.TLSCA, c.Group = "", "bad|"
	if _, err := New(c); err != nil {
		t.Logf("group %q: %v", c.Group, err)
	}
}

// TestAbandonAfterRepeatedFailures: a server that fails every connection
// at once costs one message after maxWriteTries, not the whole queue, and
// is not redialled in a busy loop. (A real TCP server cannot do this
// deterministically: the kernel accepts the first writes before the close
// arrives, so the hook hands out pipes whose other end is already shut.)
func TestAbandonAfterRepeatedFailures(t *testing.T) {
	o := newOutput(t, fastConfig(FormatDefault, TCP, freePort(t)))
	var dials atomic.Int32
	o.tr.dialHook = func(context.Context) (net.Conn, error) {
		dials.Add(1)
		c, s := net.Pipe()
		s.Close()
		return c, nil
	}
	runOutput(t, o)
	o.Send(numbered(1))
	o.Send(numbered(2))
	waitFor(t, "2 abandoned", func() bool { return o.Stats().Abandoned == 2 })
	if s := o.Stats(); s.Sent != 0 || s.Errors != 2*maxWriteTries || dials.Load() != 2*maxWriteTries {
		t.Errorf("stats %+v, %d dials", s, dials.Load())
	}
}
