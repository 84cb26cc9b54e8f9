package daemon

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gossec/gossec/internal/config"
	"github.com/gossec/gossec/internal/logsink"
	"github.com/gossec/gossec/internal/xmlconf"
)

// syncBuf is a log buffer safe for the inputs' goroutines.
type syncBuf = logsink.Sink

// testDaemon is a daemon whose analyzer goroutine is the test: the test
// calls reload and pump itself, as loop would.
type testDaemon struct {
	*daemon
	t    *testing.T
	home string
	ctx  context.Context
	log  *syncBuf
}

func newTestDaemon(t *testing.T, conf string) *testDaemon {
	t.Helper()
	home := t.TempDir()
	td := &testDaemon{t: t, home: home, log: &syncBuf{}}
	td.writeConf(conf)
	opt := Options{ConfigPath: filepath.Join(home, "etc", "ossec.conf"), Home: home,
		Logger: slog.New(slog.NewTextHandler(td.log, nil))}
	opt.defaults()
	ld, errs := load(opt.ConfigPath, home, nil, nil, false) // as Run: outputs with their spools
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	d, err := newDaemon(opt, ld.Config, ld.Ruleset)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	td.daemon, td.ctx = d, ctx
	d.outs, d.an.outs = ld.outs, ld.outs
	ld.outs.start(ctx)
	for _, s := range d.specs(d.cfg) {
		d.inputs = append(d.inputs, d.start(ctx, s))
	}
	t.Cleanup(func() {
		cancel()
		d.stopInputs(ctx, d.inputs)
		d.outs.stop()
		d.close()
	})
	return td
}

func (td *testDaemon) writeConf(conf string) {
	td.t.Helper()
	p := filepath.Join(td.home, "etc", "ossec.conf")
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		td.t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(conf), 0o644); err != nil {
		td.t.Fatal(err)
	}
}

// pump analyses events until n have been analysed in all, then for
// settle more to show that no more come.
func (td *testDaemon) pump(n int64, settle time.Duration) {
	td.t.Helper()
	deadline := time.After(10 * time.Second)
	for td.stats.Events.Load() < n {
		select {
		case it := <-td.items:
			td.an.process(it)
		case <-deadline:
			td.t.Fatalf("%d events analysed, want %d", td.stats.Events.Load(), n)
		}
	}
	end := time.After(settle)
	for {
		select {
		case it := <-td.items:
			td.an.process(it)
		case <-end:
			if got := td.stats.Events.Load(); got != n {
				td.t.Fatalf("%d events analysed, want exactly %d", got, n)
			}
			return
		}
	}
}

func (td *testDaemon) appendLines(rel string, n int) {
	td.t.Helper()
	f, err := os.OpenFile(filepath.Join(td.home, rel), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		td.t.Fatal(err)
	}
	defer f.Close()
	for i := range n {
		fmt.Fprintf(f, "Nov 21 09:13:44 db1 sshd[2230]: Failed password for root from 10.0.0.%d port 22 ssh2\n", i)
	}
}

func freeTCPPort(t *testing.T) int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

func localfile(loc, extra string) string {
	return fmt.Sprintf(`  <localfile>
    <location>%s</location>
    <log_format>syslog</log_format>
    <only-future-events>no</only-future-events>
%s  </localfile>
`, loc, extra)
}

func remoteTCP(port int) string {
	return fmt.Sprintf(`  <remote>
    <connection>syslog</connection>
    <port>%d</port>
    <protocol>tcp</protocol>
    <local_ip>127.0.0.1</local_ip>
    <allowed-ips>127.0.0.1</allowed-ips>
  </remote>
`, port)
}

func conf(sections ...string) string {
	return "<ossec_config>\n" + strings.Join(sections, "") + "</ossec_config>\n"
}

// TestReloadInputs: a reload keeps the inputs whose section did not change
// (the same objects, never stopped), restarts a changed one, and a failed
// reload changes nothing.
func TestReloadInputs(t *testing.T) {
	port := freeTCPPort(t)
	a, b := localfile("a.log", ""), localfile("b.log", "")
	td := newTestDaemon(t, conf(a, b, remoteTCP(port)))
	td.appendLines("a.log", 0)
	td.appendLines("b.log", 0)
	before := append([]*input(nil), td.inputs...)

	cases := []struct {
		name     string
		conf     string
		keep     []int // indexes of before kept, in the new order
		started  int
		failures int64
	}{
		{"unchanged", conf(a, b, remoteTCP(port)), []int{0, 1, 2}, 0, 0},
		{"moved sections only", conf(remoteTCP(port), b, a), []int{1, 0, 2}, 0, 0}, // localfiles first
		{"broken configuration", conf(a, b, remoteTCP(port)) + "<ossec_config><localfile>", []int{0, 1, 2}, 0, 1},
		{"unknown log_format", conf(a, localfile("b.log", "<log_format>nope</log_format>\n"), remoteTCP(port)), []int{0, 1, 2}, 0, 2},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rs := td.an.rs
			td.writeConf(c.conf)
			td.reload(td.ctx)
			if got := td.stats.ReloadFailures.Load(); got != c.failures {
				t.Fatalf("reload failures %d, want %d; log:\n%s", got, c.failures, td.log)
			}
			if len(td.inputs) != len(c.keep)+c.started {
				t.Fatalf("%d inputs, want %d", len(td.inputs), len(c.keep)+c.started)
			}
			for i, k := range c.keep {
				if td.inputs[i] != before[k] {
					t.Errorf("input %d (%s) is not the one that ran before", i, td.inputs[i].name)
				}
			}
			for _, in := range before {
				select {
				case <-in.done:
					t.Errorf("input %s was stopped", in.name)
				default:
				}
			}
			if c.failures > 0 && td.an.rs != rs {
				t.Error("a failed reload installed a new ruleset")
			}
			before = make([]*input, len(c.keep))
			for i := range c.keep {
				before[i] = td.inputs[i]
			}
		})
	}

	// b.log changed (an alias): only its input restarts.
	td.writeConf(conf(a, localfile("b.log", "<alias>bee</alias>\n"), remoteTCP(port)))
	old := append([]*input(nil), td.inputs...)
	td.reload(td.ctx)
	byName := map[string]*input{}
	for _, in := range old {
		byName[in.name] = in
	}
	for _, in := range td.inputs {
		prev := byName[in.name]
		if in.name == "localfile b.log" {
			if in == prev {
				t.Error("the changed localfile was not restarted")
			}
			select {
			case <-prev.done:
			default:
				t.Error("the old input of the changed localfile still runs")
			}
			continue
		}
		if in != prev {
			t.Errorf("%s was restarted though its section did not change", in.name)
		}
	}
	log := td.log.String()
	if !strings.Contains(log, "reload: input stopped") || !strings.Contains(log, "reload: input started") ||
		!strings.Contains(log, "inputs_kept=2 inputs_stopped=1 inputs_started=1") {
		t.Errorf("the reload does not log the inputs it stopped and started:\n%s", log)
	}
}

// TestReloadPositionsAcrossRestart: lines still queued from a localfile
// whose section changed are analysed and committed before its new tailer
// starts: each line is analysed exactly once across the restart.
func TestReloadPositionsAcrossRestart(t *testing.T) {
	td := newTestDaemon(t, conf(localfile("a.log", "")))
	td.appendLines("a.log", 3)
	td.pump(3, 0)
	td.appendLines("a.log", 4) // read by the old tailer or the new one, once
	time.Sleep(100 * time.Millisecond)
	td.writeConf(conf(localfile("a.log", "<alias>renamed</alias>\n")))
	td.reload(td.ctx)
	td.appendLines("a.log", 2)
	td.pump(9, 500*time.Millisecond)
}

// TestReloadSyslogOutput: an unchanged <syslog_output> keeps running; a
// changed one is replaced, the old one stopped once its queue is
// delivered, and alerts go to the new one.
func TestReloadSyslogOutput(t *testing.T) {
	rx := make([]net.PacketConn, 3)
	for i := range rx {
		pc, err := net.ListenPacket("udp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer pc.Close()
		rx[i] = pc
	}
	out := func(pc net.PacketConn) string {
		return fmt.Sprintf("  <syslog_output>\n    <server>127.0.0.1</server>\n    <port>%d</port>\n  </syslog_output>\n",
			pc.LocalAddr().(*net.UDPAddr).Port)
	}
	td := newTestDaemon(t, conf(out(rx[0]), out(rx[1])))
	first, second := td.outs.syslogs[0], td.outs.syslogs[1]
	td.writeConf(conf(out(rx[0]), out(rx[2])))
	td.reload(td.ctx)
	if got := td.outs.syslogs[0]; got != first {
		t.Error("the unchanged syslog_output was replaced")
	}
	if got := td.outs.syslogs[1]; got == second || !strings.HasSuffix(got.Addr(), fmt.Sprint(rx[2].LocalAddr().(*net.UDPAddr).Port)) {
		t.Errorf("the changed syslog_output is %s, want the new destination", got.Addr())
	}
	select {
	case <-second.done:
	case <-time.After(5 * time.Second):
		t.Fatal("the replaced syslog_output was not stopped")
	}
	for end := time.Now().Add(5 * time.Second); !strings.Contains(td.log.String(), "replaced syslog output delivered its queue and stopped"); {
		if time.Now().After(end) {
			t.Fatalf("no log of the replaced output:\n%s", td.log)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestPlanInputs(t *testing.T) {
	ended := make(chan struct{})
	close(ended)
	mk := func(keys ...string) []*input {
		var l []*input
		for _, k := range keys {
			in := &input{key: k, name: k}
			if strings.HasPrefix(k, "dead") {
				in.done = ended
			}
			l = append(l, in)
		}
		return l
	}
	spec := func(keys ...string) []inputSpec {
		var l []inputSpec
		for _, k := range keys {
			l = append(l, inputSpec{key: k, name: k})
		}
		return l
	}
	for _, c := range []struct {
		name                string
		running             []string
		want                []string
		kept, stop, started string
	}{
		{"same", []string{"a", "b"}, []string{"a", "b"}, "a,b", "", ""},
		{"reordered", []string{"a", "b"}, []string{"b", "a"}, "b,a", "", ""},
		{"changed", []string{"a", "b"}, []string{"a", "c"}, "a", "b", "c"},
		{"duplicate kept twice", []string{"a", "a"}, []string{"a", "a"}, "a,a", "", ""},
		{"one duplicate removed", []string{"a", "a"}, []string{"a"}, "a", "a", ""},
		{"all new", nil, []string{"x"}, "", "", "x"},
		{"ended input started again", []string{"a", "dead"}, []string{"a", "dead"}, "a", "dead", "dead"},
	} {
		t.Run(c.name, func(t *testing.T) {
			running := mk(c.running...)
			kept, stop, start := planInputs(running, spec(c.want...))
			k := names(kept, func(i *input) string { return i.key })
			s := names(stop, func(i *input) string { return i.key })
			st := names(start, func(i inputSpec) string { return i.key })
			if strings.ReplaceAll(k, " ", "") != c.kept || strings.ReplaceAll(s, " ", "") != c.stop || strings.ReplaceAll(st, " ", "") != c.started {
				t.Errorf("kept %q stop %q start %q; want %q %q %q", k, s, st, c.kept, c.stop, c.started)
			}
			seen := map[*input]bool{}
			for _, in := range append(kept, stop...) {
				if seen[in] {
					t.Errorf("input %s both kept and stopped", in.key)
				}
				seen[in] = true
			}
		})
	}
}

func TestSettingsKeyIgnoresPosition(t *testing.T) {
	a := config.LocalFile{Location: "x", Labels: []config.Label{{Key: "k", Value: "v"}}, Pos: xmlconf.Pos{File: "f", Line: 1}}
	b := a
	b.Pos.Line = 9
	if settingsKey(a) != settingsKey(b) {
		t.Error("the position changes the key")
	}
	b.Labels = []config.Label{{Key: "k", Value: "w"}}
	if settingsKey(a) == settingsKey(b) {
		t.Error("a label value does not change the key")
	}
}

// TestReloadDrainsReplacedOutput: alerts queued in a syslog_output whose
// server is down when a reload replaces it are delivered to it once it is
// back, before the old output stops: a reload loses none.
func TestReloadDrainsReplacedOutput(t *testing.T) {
	port := freeTCPPort(t) // nothing listens there yet
	out := func(port int) string {
		return fmt.Sprintf("  <syslog_output>\n    <server>127.0.0.1</server>\n    <port>%d</port>\n    <protocol>tcp</protocol>\n  </syslog_output>\n", port)
	}
	lf := localfile("a.log", "")
	td := newTestDaemon(t, conf(lf, out(port)))
	old := td.outs.syslogs[0]
	td.appendLines("a.log", 3)
	td.pump(3, 0)
	if n := old.sends.Load(); n != 3 {
		t.Fatalf("%d alerts handed to the output, want 3", n)
	}
	td.writeConf(conf(lf, out(freeTCPPort(t))))
	td.reload(td.ctx)
	if old.delivered() {
		t.Fatal("the queue was delivered with the server down")
	}
	ln, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", port))
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	got := make(chan int, 1)
	go func() {
		c, err := ln.Accept()
		if err != nil {
			got <- 0
			return
		}
		defer c.Close()
		c.SetReadDeadline(time.Now().Add(10 * time.Second))
		var all []byte
		buf := make([]byte, 4096)
		for bytes.Count(all, []byte("\n")) < 3 {
			n, err := c.Read(buf)
			all = append(all, buf[:n]...)
			if err != nil {
				break
			}
		}
		got <- bytes.Count(all, []byte("Failed password"))
	}()
	select {
	case n := <-got:
		if n != 3 {
			t.Errorf("the old destination got %d of the 3 queued alerts", n)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("the queued alerts never reached the old destination")
	}
	select {
	case <-old.done:
	case <-time.After(5 * time.Second):
		t.Fatal("the replaced output did not stop after delivering its queue")
	}
	// The replaced output's counters stay in the totals.
	for end := time.Now().Add(5 * time.Second); ; {
		var sent int64 = -1
		for _, c := range td.outs.counters() {
			if c.name == "syslog_sent" {
				sent = c.value
			}
		}
		if sent == 3 {
			break
		}
		if time.Now().After(end) {
			t.Fatalf("syslog_sent = %d after the replaced output delivered 3", sent)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestReloadMail: unchanged mail settings keep the running mailer; changed
// ones replace it (the old one spools what it holds first).
func TestReloadMail(t *testing.T) {
	mail := func(server string) string {
		return "  <global>\n    <email_notification>yes</email_notification>\n    <email_to>ops@example.com</email_to>\n" +
			"    <email_from>gossec@example.com</email_from>\n    <smtp_server>" + server + "</smtp_server>\n  </global>\n"
	}
	td := newTestDaemon(t, conf(mail("127.0.0.1")))
	first := td.outs.mailers[0]
	td.reload(td.ctx)
	if td.outs.mailers[0] != first {
		t.Fatal("unchanged mail settings replaced the mailer")
	}
	td.writeConf(conf(mail("127.0.0.2")))
	td.reload(td.ctx)
	if len(td.outs.mailers) != 1 || td.outs.mailers[0] == first {
		t.Fatal("changed mail settings kept the old mailer")
	}
	select {
	case <-first.done:
	default:
		t.Error("the old mailer still runs")
	}
	if !strings.Contains(td.log.String(), "mail settings: 1 mailer(s) replaced by 1") {
		t.Errorf("the mail change is not logged:\n%s", td.log)
	}
}

// TestRemoteKeyFollowsCertificate: a certificate renewed under the same
// name changes the <remote>'s key, so a reload restarts its listener with
// the new certificate; an unchanged one does not.
func TestRemoteKeyFollowsCertificate(t *testing.T) {
	home := t.TempDir()
	d := &daemon{opt: Options{Home: home}}
	write := func(content string) {
		for _, f := range []string{"cert.pem", "key.pem"} {
			if err := os.WriteFile(filepath.Join(home, f), []byte(content), 0o600); err != nil {
				t.Fatal(err)
			}
		}
	}
	cfg := &config.Config{Remotes: []config.Remote{{Port: 6514, Protocol: "tcp", CertFile: "cert.pem", KeyFile: "key.pem"}}}
	write("first")
	k1 := d.specs(cfg)[0].key
	if k2 := d.specs(cfg)[0].key; k2 != k1 {
		t.Fatal("the same certificate gives another key")
	}
	write("renewed")
	if k3 := d.specs(cfg)[0].key; k3 == k1 {
		t.Error("a renewed certificate keeps the key: the listener would keep the old certificate")
	}
}

// TestReloadGlobalNotApplied: alert-file settings changed in <global> are
// reported as needing a restart and are not half-applied (the archive
// switch of the analyzer stays as the alert files were opened).
func TestReloadGlobalNotApplied(t *testing.T) {
	td := newTestDaemon(t, conf(localfile("a.log", "")))
	td.writeConf(conf("  <global>\n    <logall>yes</logall>\n  </global>\n", localfile("a.log", "")))
	td.reload(td.ctx)
	if td.an.logAll || td.cfg.Global.LogAll {
		t.Error("<logall> was applied to the analyzer though the archive file is not open")
	}
	if log := td.log.String(); !strings.Contains(log, `setting="<logall> no -> yes"`) || !strings.Contains(log, "needs a restart") {
		t.Errorf("the setting not applied is not logged:\n%s", log)
	}
	if got := td.stats.Reloads.Load(); got != 1 {
		t.Errorf("reloads = %d, want 1 (the rest was applied)", got)
	}
}
