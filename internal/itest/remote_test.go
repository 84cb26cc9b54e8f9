package itest

import (
	"fmt"
	"net"
	"os/exec"
	"strconv"
	"testing"
	"time"
)

func remoteConfig(udpPort, tcpPort int) string {
	return fmt.Sprintf(`<ossec_config>
  <remote>
    <connection>syslog</connection>
    <port>%d</port>
    <protocol>udp</protocol>
    <allowed-ips>127.0.0.1</allowed-ips>
  </remote>
  <remote>
    <connection>syslog</connection>
    <port>%d</port>
    <protocol>tcp</protocol>
    <allowed-ips>127.0.0.1</allowed-ips>
  </remote>
</ossec_config>
`, udpPort, tcpPort)
}

// startRemote starts a daemon with a UDP and a TCP syslog intake and waits
// until both listen.
func startRemote(t *testing.T) (h *home, d *daemon, udpPort, tcpPort int) {
	udpPort, tcpPort = freePort(t), freePort(t)
	for tcpPort == udpPort {
		tcpPort = freePort(t)
	}
	h = newHome(t, remoteConfig(udpPort, tcpPort))
	d = h.start()
	h.waitLog(10*time.Second, "remote syslog listening", "port="+strconv.Itoa(udpPort))
	h.waitLog(10*time.Second, "remote syslog listening", "port="+strconv.Itoa(tcpPort))
	return h, d, udpPort, tcpPort
}

// TestRemoteSyslogLogger sends with the real logger(1) over UDP and TCP:
// the messages reach the sshd rules, with the sender's address as
// location.
func TestRemoteSyslogLogger(t *testing.T) {
	if _, err := exec.LookPath("logger"); err != nil {
		t.Skip("logger (bsdutils) is not installed")
	}
	h, d, udpPort, tcpPort := startRemote(t)
	defer d.stop(t)
	for _, c := range []struct {
		proto, user string
		port        int
	}{{"--udp", "root", udpPort}, {"--tcp", "admin", tcpPort}} {
		msg := fmt.Sprintf("Failed password for %s from 1.2.3.4 port 22 ssh2", c.user)
		out, err := exec.Command("logger", "--server", "127.0.0.1", "--port", strconv.Itoa(c.port), c.proto,
			"-t", "sshd", msg).CombinedOutput()
		if err != nil {
			t.Fatalf("logger %s: %v: %s", c.proto, err, out)
		}
		var got map[string]any
		waitFor(t, 10*time.Second, "alert for "+c.proto, func() bool {
			for _, a := range h.alerts() {
				if contains(fullLog(a), msg) {
					got = a
					return true
				}
			}
			return false
		})
		if id := ruleID(got); id != "250102" {
			t.Errorf("%s: rule %s, want 250102: %v", c.proto, id, got)
		}
		if loc := str(got, "location"); loc != "127.0.0.1" {
			t.Errorf("%s: location %q, want 127.0.0.1", c.proto, loc)
		}
		if ip, user := str(got, "data", "srcip"), str(got, "data", "dstuser"); ip != "1.2.3.4" || user != c.user {
			t.Errorf("%s: srcip %q dstuser %q, want 1.2.3.4 %s: %v", c.proto, ip, user, c.user, got)
		}
	}
	waitFor(t, 5*time.Second, "remote_received = 2 in the state file", func() bool { return h.state("remote_received") == 2 })
}

// TestRemoteSyslogRefused: a sender that is not in allowed-ips (127.0.0.2,
// with only 127.0.0.1 allowed) is refused over UDP and TCP, counted and
// logged, and none of its messages reaches the rules.
func TestRemoteSyslogRefused(t *testing.T) {
	h, d, udpPort, tcpPort := startRemote(t)
	defer d.stop(t)
	from := net.ParseIP("127.0.0.2")
	msg := "<34>Nov 21 09:13:44 db1 sshd[1]: Failed password for eve from 5.6.7.8 port 22 ssh2"

	uc, err := net.DialUDP("udp", &net.UDPAddr{IP: from}, &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1), Port: udpPort})
	if err != nil {
		t.Skipf("cannot bind 127.0.0.2: %v", err)
	}
	uc.Write([]byte(msg))
	uc.Close()
	dialer := net.Dialer{LocalAddr: &net.TCPAddr{IP: from}, Timeout: 5 * time.Second}
	if tc, err := dialer.Dial("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(tcpPort))); err == nil {
		tc.Write([]byte(msg + "\n"))
		tc.SetReadDeadline(time.Now().Add(5 * time.Second))
		var b [1]byte
		tc.Read(b[:]) // returns when the server closes the refused connection
		tc.Close()
	}
	// The refusal warning is rate-limited to one a second: one line is
	// enough; the state file must count both.
	h.waitLog(10*time.Second, "syslog sender refused", "127.0.0.2")
	waitFor(t, 10*time.Second, "remote_refused = 2 in the state file", func() bool { return h.state("remote_refused") == 2 })

	// An allowed message sent after them is processed, theirs are not.
	ok := "<34>Nov 21 09:13:44 db1 sshd[1]: Failed password for bob from 5.6.7.8 port 22 ssh2"
	uc2, err := net.DialUDP("udp", nil, &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1), Port: udpPort})
	if err != nil {
		t.Fatal(err)
	}
	uc2.Write([]byte(ok))
	uc2.Close()
	waitFor(t, 10*time.Second, "the allowed sender's alert", func() bool {
		for _, a := range h.alerts() {
			if contains(fullLog(a), "for bob") {
				return true
			}
		}
		return false
	})
	for _, a := range h.alerts() {
		if contains(fullLog(a), "for eve") || str(a, "location") == "127.0.0.2" {
			t.Errorf("refused sender's message was analysed: %v", a)
		}
	}
	// The state file is rewritten every commit tick.
	waitFor(t, 5*time.Second, "remote_received = 1", func() bool { return h.state("remote_received") == 1 })
	if n := h.state("remote_refused"); n != 2 {
		t.Errorf("remote_refused = %d, want 2", n)
	}
}
