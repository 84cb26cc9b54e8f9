package email

import (
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gossec/gossec/internal/alert"
	"github.com/gossec/gossec/internal/event"
)

var update = flag.Bool("update", false, "rewrite golden files")

// t0 is the seed scenario's time (mysql-formats.md §2).
var t0 = time.Date(2011, 1, 8, 0, 31, 24, 0, time.UTC)

const (
	seedLog  = "2011-01-08 00:31:24 Table: acme.users: insert(8,brian,qavXvxlEVykwm) by admin@localhost"
	seedDesc = "MySQL users table updated"
	seedLoc  = "/var/lib/mysql/errors.log"
)

func testConfig(s *testServer, clk *fakeClock) Config {
	return Config{
		To:         []string{"admin@example.com"},
		From:       "ossecm@example.com",
		SMTPServer: "127.0.0.1",
		HeloServer: "gossec.test",
		Port:       s.port,
		Security:   StartTLS,
		TLSVerify:  true,
		MaxPerHour: 100,
		Grouping:   true,
		GroupDelay: 10 * time.Second,
		Timeout:    5 * time.Second,
		Clock:      clk,
	}
}

func newMailer(t *testing.T, cfg Config, s *testServer) *Mailer {
	t.Helper()
	m, err := New(cfg, Options{RootCAs: s.pool})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func mkAlert(id, level int, desc, groups, location, log string, mail bool) *alert.Alert {
	ev := &event.Event{Location: location, AgentID: "000", Hostname: "dbhost", FullLog: log}
	return &alert.Alert{
		Time:  t0,
		ID:    "1294446684.0",
		Rule:  &alert.Rule{ID: id, Level: level, Description: desc, Groups: groups, Mail: mail},
		Event: ev,
	}
}

func seedAlert() *alert.Alert {
	return mkAlert(100025, 7, seedDesc, "local,mysql,", seedLoc, seedLog, true)
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs:\n--- got\n%s\n--- want\n%s", name, got, want)
	}
}

// TestSeedMail is the classic OSSEC notification of mysql-formats.md §2:
// body as in the document, subject and headers fixed by a golden file.
func TestSeedMail(t *testing.T) {
	for _, tc := range []struct {
		name, golden string
		agent        bool
		from         string
	}{
		{"local", "seed_local.eml", false, "dbhost->/var/lib/mysql/errors.log"},
		{"agent", "seed_agent.eml", true, "(xxxxx) xx.xxx.xxx.xxx->/var/lib/mysql/errors.log"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newTestServer(t, false)
			clk := newFakeClock(t0)
			cfg := testConfig(s, clk)
			cfg.ReplyTo = "soc@example.com"
			cfg.IDSName = "acme-db"
			m := newMailer(t, cfg, s)
			runMailer(t, m)
			a := seedAlert()
			if tc.agent {
				a.Event.AgentID = "001"
				a.Event.Location = "(xxxxx) xx.xxx.xxx.xxx->" + seedLoc
			}
			if !m.Send(a) {
				t.Fatal("Send refused")
			}
			// The analyzer reuses the event: the mail must not see this.
			a.Event.FullLog, a.Event.Location = "clobbered", "clobbered"
			m.syncLoop()
			if n := len(s.all()); n != 0 {
				t.Fatalf("%d mails before the group delay", n)
			}
			clk.Advance(10 * time.Second)
			got := s.wait(1)[0]
			want := "OSSEC HIDS Notification.\n" +
				"2011 Jan 08 00:31:24\n" +
				"\n" +
				"Received From: " + tc.from + "\n" +
				"Rule: 100025 fired (level 7) -> \"MySQL users table updated\"\n" +
				"Portion of the log(s):\n" +
				"\n" +
				seedLog + "\n" +
				"\n" +
				"--END OF NOTIFICATION\n"
			if got.body != want {
				t.Errorf("body:\n%s\nwant:\n%s", got.body, want)
			}
			if got.from != "ossecm@example.com" || !slices.Equal(got.rcpts, []string{"admin@example.com"}) {
				t.Errorf("envelope %q -> %q", got.from, got.rcpts)
			}
			golden(t, tc.golden, got.raw)
		})
	}
}

// TestRouting checks each <email_alerts> criterion on its own and that the
// global recipient only gets alerts with the mail flag.
func TestRouting(t *testing.T) {
	s := newTestServer(t, false)
	clk := newFakeClock(t0)
	cfg := testConfig(s, clk)
	cfg.Grouping = false
	cfg.Granular = []Granular{
		{To: []string{"high@example.com"}, Level: 10},
		{To: []string{"ids@example.com"}, RuleIDs: []int{100025, 100026}},
		{To: []string{"grp@example.com"}, Group: "authentication_failed|sql_injection"},
		{To: []string{"loc@example.com"}, Location: "/var/lib/mysql/"},
		{To: []string{"both@example.com"}, Level: 5, Location: "^/var/log/secure$"},
	}
	m := newMailer(t, cfg, s)
	runMailer(t, m)
	cases := []struct {
		a    *alert.Alert
		want []string // nil = no mail
	}{
		{mkAlert(1, 3, "d", "syslog,", "/var/log/messages", "l", false), nil},
		{mkAlert(1, 3, "d", "syslog,", "/var/log/messages", "l", true), []string{"admin@example.com"}},
		{mkAlert(2, 10, "d", "syslog,", "/var/log/messages", "l", false), []string{"high@example.com"}},
		{mkAlert(100026, 3, "d", "syslog,", "/var/log/x", "l", false), []string{"ids@example.com"}},
		{mkAlert(3, 3, "d", "web,sql_injection,", "/var/log/x", "l", false), []string{"grp@example.com"}},
		{mkAlert(4, 3, "d", "web,", "/var/lib/mysql/errors.log", "l", false), []string{"loc@example.com"}},
		{mkAlert(5, 5, "d", "web,", "/var/log/secure", "l", false), []string{"both@example.com"}},
		{mkAlert(5, 4, "d", "web,", "/var/log/secure", "l", false), nil},
		{mkAlert(5, 6, "d", "web,", "/var/log/secure.1", "l", false), nil},
		{seedAlert(), []string{"admin@example.com", "ids@example.com", "loc@example.com"}},
		// no_email_alert keeps the rule out of granular blocks too.
		{noEmail(mkAlert(2, 10, "d", "syslog,", "/var/log/messages", "l", false)), nil},
	}
	seen := 0
	for i, tc := range cases {
		m.Send(tc.a)
		m.syncLoop()
		msgs := s.all()
		if tc.want == nil {
			if len(msgs) != seen {
				t.Errorf("case %d: unexpected mail to %q", i, msgs[len(msgs)-1].rcpts)
			}
			continue
		}
		msgs = s.wait(seen + 1)
		seen++
		if len(msgs) != seen {
			t.Fatalf("case %d: %d mails, want %d", i, len(msgs), seen)
		}
		got := msgs[seen-1].rcpts
		slices.Sort(got)
		if !slices.Equal(got, tc.want) {
			t.Errorf("case %d: recipients %q, want %q", i, got, tc.want)
		}
	}
}

// TestGroupingPerRecipientSet: grouped mails only carry alerts every
// recipient of the mail was due (wazuh#439, #10764, #33000).
func TestGroupingPerRecipientSet(t *testing.T) {
	s := newTestServer(t, false)
	clk := newFakeClock(t0)
	cfg := testConfig(s, clk)
	cfg.Granular = []Granular{
		{To: []string{"alice@example.com"}, Location: "/var/log/a"},
		{To: []string{"bob@example.com"}, Location: "/var/log/b"},
	}
	m := newMailer(t, cfg, s)
	runMailer(t, m)
	m.Send(mkAlert(101, 3, "A1", "g,", "/var/log/a", "log A1", false))
	m.Send(mkAlert(201, 3, "B1", "g,", "/var/log/b", "log B1", false))
	m.Send(mkAlert(102, 12, "A2", "g,", "/var/log/a", "log A2", true))
	m.Send(mkAlert(202, 5, "B2", "g,", "/var/log/b", "log B2", false))
	m.Send(mkAlert(103, 4, "A3", "g,", "/var/log/a", "log A3", false))
	m.syncLoop()
	clk.Advance(10 * time.Second)
	msgs := s.wait(3)
	got := map[string][]string{}
	for _, r := range msgs {
		rc := slices.Clone(r.rcpts)
		slices.Sort(rc)
		key := strings.Join(rc, " ")
		for _, l := range strings.Split(r.body, "\n") {
			if strings.HasPrefix(l, "log ") {
				got[key] = append(got[key], strings.TrimPrefix(l, "log "))
			}
		}
		if key == "alice@example.com" && r.hdr.Get("Subject") != "OSSEC Notification - dbhost - Alert level 4" {
			t.Errorf("group subject %q: want the highest level's", r.hdr.Get("Subject"))
		}
	}
	want := map[string][]string{
		"alice@example.com":                   {"A1", "A3"},
		"bob@example.com":                     {"B1", "B2"},
		"admin@example.com alice@example.com": {"A2"},
	}
	if len(got) != len(want) {
		t.Fatalf("mails %v, want %v", got, want)
	}
	for k, v := range want {
		if !slices.Equal(got[k], v) {
			t.Errorf("%s got %v, want %v", k, got[k], v)
		}
	}
	m.syncLoop()
	if n := len(s.all()); n != 3 {
		t.Errorf("%d mails, want 3", n)
	}
}

func TestDoNotDelayAndDoNotGroup(t *testing.T) {
	s := newTestServer(t, false)
	clk := newFakeClock(t0)
	cfg := testConfig(s, clk)
	cfg.To = nil
	cfg.Granular = []Granular{
		{To: []string{"now@example.com"}, Level: 12, DoNotDelay: true},
		{To: []string{"one@example.com"}, RuleIDs: []int{7}, DoNotGroup: true},
	}
	m := newMailer(t, cfg, s)
	runMailer(t, m)
	m.Send(mkAlert(1, 12, "first", "g,", "/l", "x1", false))
	m.Send(mkAlert(1, 13, "second", "g,", "/l", "x2", false))
	m.syncLoop()
	msgs := s.wait(1)
	if !strings.Contains(msgs[0].body, "x1") {
		t.Errorf("do_not_delay mail lacks the first alert:\n%s", msgs[0].body)
	}
	m.Send(mkAlert(7, 3, "a", "g,", "/l", "y1", false))
	m.Send(mkAlert(7, 3, "b", "g,", "/l", "y2", false))
	m.syncLoop()
	msgs = s.wait(4)
	for _, r := range msgs[2:] {
		if strings.Count(r.body, "--END OF NOTIFICATION") != 1 || r.rcpts[0] != "one@example.com" {
			t.Errorf("do_not_group mail to %q:\n%s", r.rcpts, r.body)
		}
	}
}

// TestHourlyCap: one budget for full and SMS mails; what is over it goes
// out next hour as one digest per recipient set, size-capped.
func TestHourlyCap(t *testing.T) {
	s := newTestServer(t, false)
	clk := newFakeClock(t0)
	cfg := testConfig(s, clk)
	cfg.MaxPerHour = 3
	cfg.Grouping = false
	cfg.DigestMaxBytes = 250
	cfg.Granular = []Granular{{To: []string{"pager@example.com"}, Level: 10, Format: SMS}}
	m := newMailer(t, cfg, s)
	runMailer(t, m)
	for i := range 4 {
		m.Send(mkAlert(500+i, 12, "over cap", "g,", "/var/log/x", "line "+string(rune('a'+i)), true))
	}
	m.syncLoop()
	msgs := s.wait(3)
	m.syncLoop()
	if n := len(s.all()); n != 3 {
		t.Fatalf("%d mails in the first hour, want 3 (cap)", n)
	}
	sms := 0
	for _, r := range msgs {
		if r.rcpts[0] == "pager@example.com" {
			sms++
			if subj := r.hdr.Get("Subject"); !strings.HasPrefix(subj, "OSSEC 12 - 50") || !strings.HasSuffix(subj, " - over cap") {
				t.Errorf("sms subject %q", r.hdr.Get("Subject"))
			}
		}
	}
	if sms != 2 {
		t.Errorf("%d SMS in the first hour, want 2", sms)
	}
	st := m.Stats()
	if st.Held != 5 {
		t.Errorf("held %d, want 5", st.Held)
	}
	// 00:59:59 is still the same hour.
	clk.Advance(28*time.Minute + 35*time.Second)
	m.syncLoop()
	if n := len(s.all()); n != 3 {
		t.Fatalf("digest sent before the hour turned (%d mails)", n)
	}
	clk.Advance(time.Second)
	msgs = s.wait(5)[3:]
	m.syncLoop()
	var full, short *received
	for i := range msgs {
		if msgs[i].rcpts[0] == "pager@example.com" {
			short = &msgs[i]
		} else {
			full = &msgs[i]
		}
	}
	if full == nil || short == nil {
		t.Fatalf("digests: %+v", msgs)
	}
	if got := full.hdr.Get("Subject"); got != "OSSEC Notification digest - 3 alerts held by email_maxperhour" {
		t.Errorf("digest subject %q", got)
	}
	if !strings.Contains(full.body, "line b") || !strings.Contains(full.body, "2 more not shown.") {
		t.Errorf("full digest body:\n%s", full.body)
	}
	if strings.Contains(full.body, "line c") {
		t.Errorf("digest exceeded its size cap:\n%s", full.body)
	}
	if !strings.Contains(short.body, "2 alerts held") || strings.Count(short.body, "OSSEC 12 - ") != 2 {
		t.Errorf("sms digest body:\n%s", short.body)
	}
	st = m.Stats()
	if st.Digests != 2 || st.NotShown != 2 || st.Mails != 5 || st.SMS != 2 {
		t.Errorf("stats %+v", st)
	}
	// The new hour's budget has one mail left after two digests.
	m.Send(mkAlert(600, 3, "after", "g,", "/var/log/x", "after", true))
	m.Send(mkAlert(601, 3, "after", "g,", "/var/log/x", "after2", true))
	m.syncLoop()
	s.wait(6)
	m.syncLoop()
	if st := m.Stats(); st.Held != 6 {
		t.Errorf("held %d after rollover, want 6", st.Held)
	}
}

func TestLimiterRollover(t *testing.T) {
	l := limiter{max: 2}
	base := time.Date(2026, 11, 21, 10, 59, 58, 0, time.UTC)
	steps := []struct {
		after time.Duration
		want  bool
	}{
		{0, true}, {time.Second, true}, {time.Second + 500*time.Millisecond, false},
		{2 * time.Second, true}, {2 * time.Second, true}, {time.Hour, false},
		{time.Hour + 2*time.Second, true}, {time.Hour + 3*time.Second, true},
		{time.Hour + 4*time.Second, false}, {24 * time.Hour, true},
	}
	for i, s := range steps {
		if got := l.take(base.Add(s.after)); got != s.want {
			t.Errorf("step %d (+%v): take %v, want %v", i, s.after, got, s.want)
		}
	}
	// Half-hour zones turn over at the local hour.
	ist := time.FixedZone("IST", 5*3600+1800)
	l = limiter{max: 1}
	at := time.Date(2026, 11, 21, 10, 59, 0, 0, ist)
	if !l.take(at) || l.take(at.Add(30*time.Second)) || !l.take(at.Add(time.Minute)) {
		t.Error("local-hour rollover in a +05:30 zone")
	}
}

// TestOutageSpoolRecovery: while the server refuses, mails go to the disk
// spool after one failed attempt; after recovery every one arrives once.
func TestOutageSpoolRecovery(t *testing.T) {
	s := newTestServer(t, false)
	s.reject.Store(true)
	clk := newFakeClock(t0)
	cfg := testConfig(s, clk)
	cfg.Grouping = false
	cfg.Home = t.TempDir()
	m := newMailer(t, cfg, s)
	runMailer(t, m)
	for i := range 5 {
		m.Send(mkAlert(700+i, 12, "outage", "g,", "/l", "outage "+string(rune('0'+i)), true))
	}
	m.syncLoop()
	files, _ := filepath.Glob(filepath.Join(cfg.Home, "queue", "mail", "*.json"))
	st := m.Stats()
	if len(files) != 5 || st.Pending != 5 || st.Failures != 1 {
		t.Fatalf("spool files %d, stats %+v; want 5 files, 5 pending, 1 failure", len(files), st)
	}
	clk.Advance(minBackoff) // still down: one more attempt, backoff doubles
	m.syncLoop()
	if st := m.Stats(); st.Failures != 2 || st.Pending != 5 {
		t.Fatalf("after first retry: %+v", st)
	}
	s.reject.Store(false)
	clk.Advance(minBackoff) // not yet: the backoff doubled to 10s
	m.syncLoop()
	if n := len(s.all()); n != 0 {
		t.Fatalf("retried before the backoff (%d mails)", n)
	}
	clk.Advance(minBackoff)
	msgs := s.wait(5)
	m.syncLoop()
	seen := map[string]int{}
	for _, r := range msgs {
		for _, l := range strings.Split(r.body, "\n") {
			if strings.HasPrefix(l, "outage ") {
				seen[l]++
			}
		}
	}
	for i := range 5 {
		if k := "outage " + string(rune('0'+i)); seen[k] != 1 {
			t.Errorf("%s delivered %d times", k, seen[k])
		}
	}
	files, _ = filepath.Glob(filepath.Join(cfg.Home, "queue", "mail", "*"))
	files = slices.DeleteFunc(files, func(f string) bool { return filepath.Base(f) == budgetName })
	if len(files) != 0 || m.Stats().Pending != 0 {
		t.Errorf("spool not empty after recovery: %v", files)
	}
}

// TestRestartSendsSpool: a Mailer stopped during an outage leaves its
// spooled and still-grouped mails on disk; the next one sends them.
func TestRestartSendsSpool(t *testing.T) {
	s := newTestServer(t, false)
	s.reject.Store(true)
	clk := newFakeClock(t0)
	cfg := testConfig(s, clk)
	cfg.Home = t.TempDir()
	cfg.Granular = []Granular{{To: []string{"now@example.com"}, Level: 10, DoNotDelay: true}}
	m1 := newMailer(t, cfg, s)
	stop := runMailer(t, m1)
	m1.Send(mkAlert(801, 12, "failed", "g,", "/l", "failed send", false))  // tried, spooled
	m1.Send(mkAlert(802, 3, "grouped", "g,", "/l", "waiting group", true)) // waits for its group
	m1.syncLoop()
	stop()
	files, _ := filepath.Glob(filepath.Join(cfg.Home, "queue", "mail", "*.json"))
	if len(files) != 2 {
		t.Fatalf("%d spool files after stop, want 2", len(files))
	}
	s.reject.Store(false)
	m2 := newMailer(t, cfg, s)
	if m2.Stats().Pending != 2 {
		t.Fatalf("restart sees %d pending", m2.Stats().Pending)
	}
	runMailer(t, m2)
	msgs := s.wait(2)
	if !strings.Contains(msgs[0].body, "failed send") || !strings.Contains(msgs[1].body, "waiting group") {
		t.Errorf("order or content after restart:\n%s\n%s", msgs[0].body, msgs[1].body)
	}
}

// TestHeaderInjection: hostile rule text, location, host and log cannot
// add headers or recipients.
func TestHeaderInjection(t *testing.T) {
	s := newTestServer(t, false)
	clk := newFakeClock(t0)
	cfg := testConfig(s, clk)
	cfg.Grouping = false
	cfg.FullSubject = true
	m := newMailer(t, cfg, s)
	runMailer(t, m)
	a := mkAlert(1, 12, "pwn\r\nBcc: evil@example.net\r\nX-Evil: 1", "g,",
		"/var/log/x\nCc: evil2@example.net", "\r\n.\r\nMAIL FROM:<evil@example.net>\r\nX-Log: 1", true)
	a.Event.Hostname = "host\rTo: evil3@example.net"
	m.Send(a)
	m.syncLoop()
	r := s.wait(1)[0]
	if !slices.Equal(r.rcpts, []string{"admin@example.com"}) {
		t.Errorf("envelope recipients %q", r.rcpts)
	}
	for _, h := range []string{"Bcc", "X-Evil", "X-Log"} {
		if _, ok := r.hdr[h]; ok {
			t.Errorf("injected header %s present", h)
		}
	}
	if len(r.hdr["To"]) != 1 || len(r.hdr["Cc"]) != 0 || len(r.hdr["Subject"]) != 1 {
		t.Errorf("headers: %v", r.hdr)
	}
	// The description reaches the subject escaped as in the body.
	if subj := r.hdr.Get("Subject"); strings.ContainsAny(subj, "\r\n") || !strings.Contains(subj, `pwn\r\nBcc: evil@example.net`) {
		t.Errorf("subject %q", subj)
	}
	if !strings.Contains(r.body, "MAIL FROM:<evil@example.net>") {
		t.Errorf("log text lost from the body:\n%s", r.body)
	}
}

func TestAuthAndTLS(t *testing.T) {
	for _, tc := range []struct {
		name     string
		implicit bool
		mech     string
		pass     string
		ok       bool
	}{
		{"starttls-plain", false, "PLAIN", "s3cret", true},
		{"starttls-login", false, "LOGIN", "s3cret", true},
		{"implicit-plain", true, "PLAIN", "s3cret", true},
		{"bad-password", false, "PLAIN", "wrong", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newTestServer(t, tc.implicit, tc.mech)
			clk := newFakeClock(t0)
			cfg := testConfig(s, clk)
			cfg.Grouping = false
			cfg.AuthSMTP, cfg.User, cfg.Password = true, "ossec", tc.pass
			if tc.implicit {
				cfg.Security = ImplicitTLS
			}
			m := newMailer(t, cfg, s)
			runMailer(t, m)
			m.Send(seedAlert())
			m.syncLoop()
			if !tc.ok {
				if st := m.Stats(); st.Failures != 1 || st.Pending != 1 || len(s.all()) != 0 {
					t.Errorf("bad password: %+v", st)
				}
				return
			}
			if r := s.wait(1)[0]; r.user != "ossec" {
				t.Errorf("authenticated as %q", r.user)
			}
		})
	}
}

func TestTLSVerifyRejectsUnknownCA(t *testing.T) {
	s := newTestServer(t, false)
	clk := newFakeClock(t0)
	cfg := testConfig(s, clk)
	cfg.Grouping = false
	m, err := New(cfg) // system roots do not know the test CA
	if err != nil {
		t.Fatal(err)
	}
	runMailer(t, m)
	m.Send(seedAlert())
	m.syncLoop()
	if st := m.Stats(); st.Failures != 1 || len(s.all()) != 0 {
		t.Errorf("unverified server accepted: %+v", st)
	}
}

func TestSendNeverBlocks(t *testing.T) {
	s := newTestServer(t, false)
	cfg := testConfig(s, newFakeClock(t0))
	cfg.QueueSize = 2
	m := newMailer(t, cfg, s) // Run not started: nothing drains the queue
	quiet := mkAlert(1, 3, "d", "g,", "/l", "l", false)
	for range 5 {
		if !m.Send(quiet) {
			t.Fatal("an alert with no recipient was refused")
		}
	}
	results := []bool{m.Send(seedAlert()), m.Send(seedAlert()), m.Send(seedAlert())}
	if !slices.Equal(results, []bool{true, true, false}) {
		t.Errorf("Send results %v", results)
	}
	if st := m.Stats(); st.Received != 2 || st.Dropped != 1 {
		t.Errorf("stats %+v", st)
	}
}

// TestSendWaitsForRunningConsumer: a burst larger than the queue is not
// dropped while Run drains it: Send waits for room (back-pressure).
func TestSendWaitsForRunningConsumer(t *testing.T) {
	s := newTestServer(t, false)
	cfg := testConfig(s, newFakeClock(t0))
	cfg.QueueSize = 1
	cfg.MaxPerHour = 0
	m := newMailer(t, cfg, s)
	runMailer(t, m)
	for !m.running.Load() {
		time.Sleep(time.Millisecond) // Run's goroutine has not started yet
	}
	const burst = 3000
	for i := range burst {
		if !m.Send(seedAlert()) {
			t.Fatalf("alert %d of a burst dropped while the consumer runs", i)
		}
	}
	if st := m.Stats(); st.Dropped != 0 || st.Received != burst {
		t.Errorf("stats %+v, want %d received and none dropped", st, burst)
	}
}

func TestNoFullLogAndTemplate(t *testing.T) {
	s := newTestServer(t, false)
	clk := newFakeClock(t0)
	cfg := testConfig(s, clk)
	cfg.Grouping = false
	tmpl := filepath.Join(t.TempDir(), "body.tmpl")
	if err := os.WriteFile(tmpl, []byte("{{.Product}}: rule {{.RuleID}} ({{.Level}}) {{.Description}} on {{.ReceivedFrom}}\n{{range .Logs}}> {{.}}\n{{end}}"), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg.TemplateFile = tmpl
	m := newMailer(t, cfg, s)
	runMailer(t, m)
	a := seedAlert()
	m.Send(a)
	b := seedAlert()
	b.Rule.NoFullLog = true
	m.Send(b)
	m.syncLoop()
	msgs := s.wait(2)
	want := "OSSEC HIDS: rule 100025 (7) MySQL users table updated on dbhost->/var/lib/mysql/errors.log\n> " + seedLog + "\n"
	if msgs[0].body != want {
		t.Errorf("template body %q, want %q", msgs[0].body, want)
	}
	if strings.Contains(msgs[1].body, "qavXvxlEVykwm") {
		t.Errorf("no_full_log leaked the log:\n%s", msgs[1].body)
	}
}

func TestNoFullLogDefaultLayout(t *testing.T) {
	a := seedAlert()
	a.Rule.NoFullLog = true
	a.Event.Set(event.SrcIP, "10.0.0.1")
	a.Event.Set(event.DstUser, "root")
	got := string(NewSection(a, DefaultProduct).AppendBody(nil))
	want := "OSSEC HIDS Notification.\n2011 Jan 08 00:31:24\n\nReceived From: dbhost->/var/lib/mysql/errors.log\n" +
		"Rule: 100025 fired (level 7) -> \"MySQL users table updated\"\nSrc IP: 10.0.0.1\nUser: root\n" +
		"Portion of the log(s):\n\n\n--END OF NOTIFICATION\n"
	if got != want {
		t.Errorf("got %q\nwant %q", got, want)
	}
}

func noEmail(a *alert.Alert) *alert.Alert {
	a.Rule.NoEmail = true
	return a
}

// TestCapAcrossRestart: email_maxperhour counts what a previous process
// sent in the same hour, and a mail spooled at shutdown before it was
// charged (a group still waiting) takes its share when it is resent.
func TestCapAcrossRestart(t *testing.T) {
	s := newTestServer(t, false)
	clk := newFakeClock(t0)
	cfg := testConfig(s, clk)
	cfg.Home = t.TempDir()
	cfg.MaxPerHour = 2
	cfg.Granular = []Granular{{To: []string{"now@example.com"}, Level: 10, DoNotDelay: true}}

	m1 := newMailer(t, cfg, s)
	stop := runMailer(t, m1)
	m1.Send(mkAlert(901, 12, "first", "g,", "/l", "sent before the restart", false))
	m1.Send(mkAlert(902, 3, "grouped", "g,", "/l", "waiting in its group", true))
	m1.syncLoop()
	s.wait(1)
	stop()

	// Same hour, new process: one mail of the budget is left, and the
	// spooled group takes it.
	m2 := newMailer(t, cfg, s)
	stop = runMailer(t, m2)
	msgs := s.wait(2)
	if !strings.Contains(msgs[1].body, "waiting in its group") {
		t.Fatalf("second mail:\n%s", msgs[1].body)
	}
	m2.Send(mkAlert(903, 12, "over", "g,", "/l", "over the cap", false))
	m2.syncLoop()
	if n := len(s.all()); n != 2 {
		t.Fatalf("%d mails in one hour across a restart, want 2 (cap)", n)
	}
	if st := m2.Stats(); st.Held != 1 {
		t.Errorf("held %d, want 1", st.Held)
	}
	stop()

	// The held alert was spooled as an uncharged digest; after a restart
	// in the same hour it still waits for the next hour.
	m3 := newMailer(t, cfg, s)
	runMailer(t, m3)
	m3.syncLoop()
	if n := len(s.all()); n != 2 {
		t.Fatalf("%d mails before the hour turned, want 2", n)
	}
	clk.Advance(time.Hour)
	m3.syncLoop()
	msgs = s.wait(3)
	if !strings.Contains(msgs[2].body, "over the cap") {
		t.Errorf("digest after the hour:\n%s", msgs[2].body)
	}
}
