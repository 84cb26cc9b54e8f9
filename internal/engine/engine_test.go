package engine

import (
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/gossec/gossec/internal/config"
	"github.com/gossec/gossec/internal/event"
)

// sharedDir locates ../shared (the compatibility data) or skips the test.
func sharedDir(t testing.TB) string {
	t.Helper()
	d := filepath.Join("..", "..", "..", "shared")
	if _, err := os.Stat(filepath.Join(d, "compat")); err != nil {
		t.Skip("shared compatibility data not present")
	}
	return d
}

func loadHome(t testing.TB, home string) *Ruleset {
	t.Helper()
	cfg, errs := config.Load(filepath.Join(home, "etc", "ossec.conf"), nil)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	rs, errs := Load(cfg, LoadOptions{Home: home})
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	return rs
}

// fixedClock returns a clock that advances one second per call, so
// correlation windows behave as in a quick interactive session.
func fixedClock() func() time.Time {
	t := time.Date(2026, 11, 21, 10, 0, 0, 0, time.UTC)
	return func() time.Time { t = t.Add(time.Second); return t }
}

type want struct {
	rule, level int
	decoder     string
	fields      map[string]string // static names or dynamic names
}

func fieldOf(ev *event.Event, name string) (string, bool) {
	for f := event.Static(0); f < event.NumStatic; f++ {
		if f.String() == name {
			return ev.Get(f)
		}
	}
	return ev.Field(name)
}

func check(t *testing.T, an *Analyzer, lines []string, w want) {
	t.Helper()
	var res Result
	for _, l := range lines {
		res = an.Analyze("/var/log/test", l, nil)
	}
	ev := res.Event
	gotDec := ""
	if ev.Decoder != nil {
		gotDec = ev.Decoder.Name
	}
	gotRule, gotLevel := 0, -1
	if r := res.Match.Rule; r != nil {
		gotRule, gotLevel = r.ID, r.Level
	}
	if gotRule != w.rule || gotLevel != w.level || gotDec != w.decoder {
		t.Errorf("got rule %d level %d decoder %q, want %d %d %q", gotRule, gotLevel, gotDec, w.rule, w.level, w.decoder)
	}
	for k, v := range w.fields {
		if got, ok := fieldOf(ev, k); !ok || got != v {
			t.Errorf("field %s = %q (set %v), want %q", k, got, ok, v)
		}
	}
}

// TestOSSECRuleset runs typical lines through the unmodified OSSEC 4.2
// ruleset. Expected values come from reading its decoder.xml and rules:
// e.g. sshd_rules.xml 5716 (<pcre2>^Failed|^error: PAM: Authentication),
// syslog_rules.xml 10100 (if_group authentication_success + if_fts),
// firewall_rules.xml 4101 (<action>DROP</action> under category firewall),
// mysql_rules.xml 50105/50106/50121.
func TestOSSECRuleset(t *testing.T) {
	home := filepath.Join(sharedDir(t), "compat", "ossec-4.2")
	rs := loadHome(t, home)
	tests := []struct {
		name  string
		lines []string
		want
	}{
		{"sshd failed password", []string{
			"Nov 21 09:13:44 db1 sshd[2230]: Failed password for root from 203.0.113.9 port 41022 ssh2"},
			want{5716, 5, "sshd", map[string]string{"srcip": "203.0.113.9", "dstuser": "root"}}},
		{"sshd invalid user", []string{
			"Nov 21 09:13:50 db1 sshd[2230]: Failed password for invalid user admin from 203.0.113.9 port 41030 ssh2"},
			want{5710, 5, "sshd", map[string]string{"srcip": "203.0.113.9"}}},
		{"sshd first login is first-time-seen", []string{
			"Nov 21 09:12:01 db1 sshd[2211]: Accepted publickey for deploy from 10.0.4.17 port 50212 ssh2"},
			want{10100, 4, "sshd", map[string]string{"srcip": "10.0.4.17", "dstuser": "deploy"}}},
		{"sshd second login is plain success", []string{
			"Nov 21 09:12:01 db1 sshd[2211]: Accepted publickey for deploy from 10.0.4.17 port 50212 ssh2",
			"Nov 21 09:12:05 db1 sshd[2212]: Accepted publickey for deploy from 10.0.4.17 port 50213 ssh2"},
			want{5715, 3, "sshd", nil}},
		{"pam su failure", []string{
			"Nov 21 10:01:02 db1 su[3003]: pam_unix(su:auth): authentication failure; logname=bob uid=1000 euid=0 tty=pts/1 ruser=bob rhost=  user=root"},
			want{5503, 5, "pam", nil}},
		{"pam session opened", []string{
			"Nov 21 10:02:02 db1 sshd[3011]: pam_unix(sshd:session): session opened for user deploy by (uid=0)"},
			want{5501, 3, "pam", nil}},
		{"apache access sql injection", []string{
			`192.168.2.10 - - [21/Nov/2026:10:03:04 +0000] "GET /index.php?id=1%20UNION%20SELECT%20password%20FROM%20users HTTP/1.1" 200 512 "-" "Mozilla/5.0"`},
			want{31106, 6, "web-accesslog", map[string]string{"srcip": "192.168.2.10", "id": "200", "action": "GET"}}},
		{"apache 404", []string{
			`192.168.2.10 - - [21/Nov/2026:10:03:05 +0000] "GET /missing.html HTTP/1.1" 404 210 "-" "curl/8.0"`},
			want{31101, 5, "web-accesslog", map[string]string{"url": "/missing.html", "id": "404"}}},
		{"iptables drop", []string{
			"Nov 21 10:04:05 fw1 kernel: [12345.678901] DROP IN=eth0 OUT= MAC=00:11:22:33:44:55:66:77:88:99:aa:bb:08:00 SRC=198.51.100.7 DST=10.0.0.5 LEN=60 TOS=0x00 PREC=0x00 TTL=52 ID=54321 DF PROTO=TCP SPT=51515 DPT=3306 WINDOW=29200 RES=0x00 SYN URGP=0"},
			want{4101, 5, "iptables", map[string]string{"action": "DROP", "srcip": "198.51.100.7", "dstip": "10.0.0.5", "protocol": "TCP", "srcport": "51515", "dstport": "3306"}}},
		{"mysql_log connect", []string{"MySQL log: 081215 18:27:50 3 Connect root@localhost on"},
			want{50105, 3, "mysql_log", nil}},
		{"mysql_log access denied", []string{"MySQL log: 081215 18:27:51 4 Connect Access denied for user 'root'@'localhost' (using password: YES)"},
			want{50106, 9, "mysql_log", nil}},
		{"mysql_log startup", []string{"MySQL log: 081215 18:27:40 mysqld started"},
			want{50121, 3, "mysql_log", nil}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			an := NewAnalyzer(rs, Options{Clock: fixedClock(), Hostname: "manager", Logtest: true})
			check(t, an, tt.lines, tt.want)
		})
	}
}

// TestWazuhCorrelation checks a frequency rule end to end: Wazuh's sshd
// brute-force rule 5712 (frequency 8 of 5710, same source) fires on the
// eighth event, not before.
func TestWazuhCorrelation(t *testing.T) {
	home := filepath.Join(sharedDir(t), "compat", "wazuh-4.9.2")
	rs := loadHome(t, home)
	an := NewAnalyzer(rs, Options{Clock: fixedClock(), Hostname: "manager", Logtest: true})
	line := func(i int) string {
		return "Nov 21 09:13:50 db1 sshd[2230]: Invalid user u" + strconv.Itoa(i) + " from 203.0.113.9 port 41030"
	}
	for i := 1; i <= 8; i++ {
		res := an.Analyze("stdin", line(i), nil)
		id := res.Match.Rule.ID
		if i < 8 && id != 5710 {
			t.Fatalf("event %d: rule %d, want 5710", i, id)
		}
		if i == 8 && id != 5712 {
			t.Fatalf("event 8: rule %d, want 5712", id)
		}
	}
	an.Reset()
	if id := an.Analyze("stdin", line(9), nil).Match.Rule.ID; id != 5710 {
		t.Errorf("after Reset: rule %d, want 5710 (fresh session)", id)
	}
}

// TestEmbeddedRuleset runs the shipped sample log through the embedded
// default ruleset.
func TestEmbeddedRuleset(t *testing.T) {
	rs, errs := Load(nil, LoadOptions{})
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	an := NewAnalyzer(rs, Options{Clock: fixedClock(), Hostname: "manager"})
	tests := []struct {
		line string
		want
	}{
		{"Nov 21 09:12:01 db1 sshd[2211]: Accepted publickey for deploy from 10.0.4.17 port 50212 ssh2",
			want{250101, 3, "gossec-sshd", map[string]string{"status": "Accepted", "dstuser": "deploy", "srcip": "10.0.4.17", "srcport": "50212"}}},
		{"Nov 21 09:13:44 db1 sshd[2230]: Failed password for root from 203.0.113.9 port 41022 ssh2",
			want{250102, 5, "gossec-sshd", map[string]string{"dstuser": "root"}}},
		{"Nov 21 09:13:50 db1 sshd[2230]: Failed password for invalid user admin from 203.0.113.9 port 41030 ssh2",
			want{250102, 5, "gossec-sshd", map[string]string{"dstuser": "admin", "srcip": "203.0.113.9"}}},
		{"Nov 21 09:20:10 db1 sshd[2301]: Accepted password for root from 198.51.100.23 port 60001 ssh2",
			want{250104, 7, "gossec-sshd", nil}},
		{"Nov 21 09:25:00 db1 sudo:   deploy : TTY=pts/0 ; PWD=/home/deploy ; USER=root ; COMMAND=/usr/bin/systemctl restart mariadb",
			want{250201, 3, "gossec-sudo", map[string]string{"srcuser": "deploy", "dstuser": "root", "command": "/usr/bin/systemctl restart mariadb"}}},
		{`{"event":"login","user":"app","srcip":"10.0.4.20"}`,
			want{250300, 0, "gossec-json", map[string]string{"srcip": "10.0.4.20", "dstuser": "app"}}},
	}
	for _, tt := range tests {
		check(t, an, []string{tt.line}, tt.want)
	}
}

// BenchmarkAnalyzeNoDecoder measures a line no decoder matches: the
// target is zero allocations.
func BenchmarkAnalyzeNoDecoder(b *testing.B) {
	home := filepath.Join(sharedDir(b), "compat", "ossec-4.2")
	rs := loadHome(b, home)
	an := NewAnalyzer(rs, Options{Hostname: "manager"})
	line := "Nov 21 10:00:00 host unknownprog[1]: nothing any decoder knows about here"
	b.ReportAllocs()
	for b.Loop() {
		an.Analyze("bench", line, nil)
	}
}
