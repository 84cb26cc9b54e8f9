package engine

// Tests of the MySQL pack under real operations (issue 10): how often a
// burst of failed logins alerts, a failure written to two logs, the error
// log read through syslog.

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/gossec/gossec/internal/event"
	"github.com/gossec/gossec/internal/rulesettest"
)

// failureShapes are one refused login in every log shape the pack reads;
// %d is a sequence number (connection id, seconds).
var failureShapes = []struct {
	name, format, decoder string
	first                 int // rule of a plain failure
}{
	{"mariadb error log", "2026-11-21  8:50:%02[1]d %[1]d [Warning] Access denied for user 'app'@'192.0.2.7' (using password: YES)", "gossec-mysql-errorlog", 260100},
	{"mysql 5.5 error log", "261121  8:50:%02[1]d [Warning] Access denied for user 'app'@'192.0.2.7' (using password: YES)", "gossec-mysql-errorlog", 260100},
	{"mysql 8 error log", "2026-11-21T08:50:%02[1]d.000000Z %[1]d [Note] [MY-010926] [Server] Access denied for user 'app'@'192.0.2.7' (using password: YES)", "gossec-mysql-errorlog", 260100},
	{"error log through syslog", "Nov 21 08:50:%02[1]d db1 mysqld: 261121  8:50:%02[1]d [Warning] Access denied for user 'app'@'192.0.2.7' (using password: YES)", "gossec-mysql-errorlog", 260100},
	{"mysql_log", "MySQL log: 261121 08:50:%02[1]d %[1]d Connect     Access denied for user 'app'@'192.0.2.7' (using password: YES)", "gossec-mysql-log", 260130},
	{"json sink", `{ "prio" : 2, "err_code" : 10926, "subsystem" : "Server", "msg" : "Access denied for user 'app'@'192.0.2.7' (using password: YES)", "thread" : %[1]d, "label" : "Note" }`, "gossec-mysql-json", 260140},
	{"general log", "%[1]d Connect\tAccess denied for user 'app'@'192.0.2.7' (using password: YES)", "gossec-mysql-query", 260150},
	{"mariadb server_audit", `{"audit_record":{"name":"Connect","timestamp":"20261121 08:50:%02[1]d","connection_id":"%[1]d","status":1045,"user":"app","host":"192.0.2.7","db":"","server_host":"db1","query_id":"0","operation":"FAILED_CONNECT","object":""},"format":"mariadb-server-audit","mysql_audit_log":"percona"}`, "gossec-mysql-audit", 260710},
	{"percona json", `{"audit_record":{"name":"Connect","record":"%[1]d_2026-11-21T09:00:00","timestamp":"2026-11-21T09:00:%02[1]d UTC","connection_id":"%[1]d","status":1045,"user":"app","priv_user":"","os_login":"","proxy_user":"","host":"","ip":"192.0.2.7","db":""},"format":"percona-json","mysql_audit_log":"percona"}`, "gossec-mysql-audit", 260710},
	{"audit_login", `{"audit_record":{"name":"Connect","timestamp":"2026-11-21 11:00:%02[1]d","connection_id":"%[1]d","status":1045,"user":"app","priv_user":"","host":"web-32","ip":"192.0.2.7","login_type":"failed_login","server_host":"db2"},"format":"audit-login","mysql_audit_log":"percona"}`, "gossec-mysql-audit", 260710},
}

// result of one analysed line: rule id and level (0/-1 when none).
type packHit struct{ rule, level int }

func analyseAll(an *Analyzer, lines []string) []packHit {
	out := make([]packHit, len(lines))
	for i, l := range lines {
		res := an.Analyze("/var/log/mysql/error.log", l, nil)
		out[i] = packHit{0, -1}
		if r := res.Match.Rule; r != nil {
			out[i] = packHit{r.ID, r.Level}
		}
	}
	return out
}

// TestMySQLPackBruteForce: 20 failures from one address within the
// timeframe, in every shape: every line is checked. The 6th alerts (260120),
// then every 6th after it (12th, 18th): the alert marks its event and the
// newest one it counted, and a search stops at a marked event. Before
// issue 10 the error-log shapes alerted at the 3rd, 6th, 9th, ... failure
// (each failure stored four times).
func TestMySQLPackBruteForce(t *testing.T) {
	rs, errs := Load(nil, LoadOptions{})
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	for _, sh := range failureShapes {
		t.Run(sh.name, func(t *testing.T) {
			an := NewAnalyzer(rs, Options{Clock: fixedClock(), Hostname: "manager", Logtest: true})
			var lines []string
			for i := 1; i <= 20; i++ {
				lines = append(lines, fmt.Sprintf(sh.format, i))
			}
			for i, h := range analyseAll(an, lines) {
				n := i + 1
				want := packHit{sh.first, 5}
				if n%6 == 0 {
					want = packHit{260120, 10}
				}
				if h != want {
					t.Errorf("failure %d: rule %d level %d, want %d level %d", n, h.rule, h.level, want.rule, want.level)
				}
			}
		})
	}
}

// TestMySQLPackTwinLogs: MariaDB writes a refused login to the error log
// and to server_audit with the same connection id. Read both, each failure
// alerts once (the twin processed second ends on a level-0 rule) and the
// brute-force count is the count of failures, whichever log comes first.
func TestMySQLPackTwinLogs(t *testing.T) {
	rs, errs := Load(nil, LoadOptions{})
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	errLine := func(i int) string {
		return fmt.Sprintf("2026-11-21 10:19:%02d %d [Warning] Access denied for user 'app'@'127.0.0.1' (using password: YES)", i, 100+i)
	}
	auditLine := func(i int) string {
		return fmt.Sprintf(`{"audit_record":{"name":"Connect","timestamp":"20261121 10:19:%02d","connection_id":"%d","status":1045,"user":"app","host":"127.0.0.1","db":"","server_host":"vm","query_id":"0","operation":"FAILED_CONNECT","object":""},"format":"mariadb-server-audit","mysql_audit_log":"percona"}`, i, 100+i)
	}
	for _, tt := range []struct {
		name          string
		first, second func(int) string
		firstRule     int
		silenced      int
	}{
		{"error log first", errLine, auditLine, 260100, 260716},
		{"audit log first", auditLine, errLine, 260710, 260106},
	} {
		t.Run(tt.name, func(t *testing.T) {
			an := NewAnalyzer(rs, Options{Clock: fixedClock(), Hostname: "manager", Logtest: true})
			var lines []string
			for i := 1; i <= 18; i++ {
				lines = append(lines, tt.first(i), tt.second(i))
			}
			hits := analyseAll(an, lines)
			var brute []int
			for i := 0; i < len(hits); i += 2 {
				n := i/2 + 1
				want := packHit{tt.firstRule, 5}
				if n%6 == 0 {
					want = packHit{260120, 10}
					brute = append(brute, n)
				}
				if hits[i] != want {
					t.Errorf("failure %d, first log: rule %d level %d, want %d level %d", n, hits[i].rule, hits[i].level, want.rule, want.level)
				}
				if hits[i+1] != (packHit{tt.silenced, 0}) {
					t.Errorf("failure %d, second log: rule %d level %d, want %d level 0", n, hits[i+1].rule, hits[i+1].level, tt.silenced)
				}
			}
			if !slices.Equal(brute, []int{6, 12, 18}) {
				t.Errorf("brute force at failures %v", brute)
			}
		})
	}
	// Different connection ids are different failures: no pairing.
	an := NewAnalyzer(rs, Options{Clock: fixedClock(), Hostname: "manager", Logtest: true})
	hits := analyseAll(an, []string{errLine(1), strings.Replace(auditLine(1), `"101"`, `"102"`, 1)})
	if hits[1] != (packHit{260710, 5}) {
		t.Errorf("audit failure of another connection: %+v, want 260710 level 5", hits[1])
	}
}

// TestMySQLPackSyslogForms: an error-log line read through syslog (any of
// the server's program names, with or without its own stamp) decodes
// exactly like the line read from the file: same decoder, rule, level and
// fields.
func TestMySQLPackSyslogForms(t *testing.T) {
	rs, errs := Load(nil, LoadOptions{})
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	lines := []string{
		"130916 21:30:26 [Warning] Access denied for user 'hacker'@'74.207.241.159' (using password: YES)",
		"2026-11-21  8:42:34 13 [Warning] Access denied for user 'root'@'203.0.113.9' (using password: YES)",
		"2026-11-21  8:42:36 15 [Warning] Access denied for user 'eve'@'localhost' to database 'mysql'",
		"2026-11-21  8:45:00 0 [ERROR] mariadbd got signal 11",
		"2026-11-21  8:50:00 0 [ERROR] mariadbd: Table './shop/orders' is marked as crashed and should be repaired",
		"2026-11-21 10:19:13 0 [Note] /usr/sbin/mariadbd (initiated by: unknown): Normal shutdown",
		"2026-11-21  8:43:00 16 [Warning] Aborted connection 16 to db: 'unconnected' user: 'unauthenticated' host: '10.0.0.9' (This connection closed normally without authentication)",
		"261121 10:19:13 server_audit: logging was stopped.",
		"130916 21:30:25 mysqld_safe Starting mysqld daemon with databases from /var/lib/mysql",
	}
	// The file form of MySQL 8 lines loses its stamp to the pre-decoder;
	// through syslog it arrives without one.
	stampless := []struct{ file, syslog string }{
		{"2026-11-21T08:01:00.000000+00:00 8 [Note] [MY-010926] [Server] Access denied for user 'root'@'198.51.100.7' (using password: YES)",
			"[Note] [MY-010926] [Server] Access denied for user 'root'@'198.51.100.7' (using password: YES)"},
		{"2026-11-21T08:04:00.000000+01:00 0 [ERROR] [MY-012592] [InnoDB] Operating system error number 2 in a file operation.",
			"[ERROR] [MY-012592] [InnoDB] Operating system error number 2 in a file operation."},
	}
	type form struct{ file, syslog string }
	var forms []form
	for _, l := range lines {
		for _, prog := range []string{"mysqld", "mysqld[1234]", "mariadbd[4101]", "mysqld_safe", "mysqld-debug"} {
			forms = append(forms, form{l, "Nov 21 08:42:34 db1 " + prog + ": " + l})
		}
		// RFC 5424 after the remote intake rewrote its header.
		forms = append(forms, form{l, "2026-11-21T08:42:34.000000+00:00 db1 mariadbd[4101]: " + l})
	}
	for _, s := range stampless {
		forms = append(forms, form{s.file, "Nov 21 08:01:00 db1 mysqld[1234]: " + s.syslog})
	}
	// Trigger lines reach the journal when the server has no log_error.
	for _, l := range []string{
		"2026-11-21 08:44:10 Table: acme.orders: insert(42,1,19.90,'2026-11-21') by app@10.0.0.8",
		"2026-11-21 08:44:53 Table: acme.users: delete(7,xav,NULL) by app@127.0.0.1",
	} {
		forms = append(forms, form{l, "Nov 21 08:44:10 db1 mariadbd[4101]: " + l}, form{l, "Nov 21 08:44:10 db1 mysqld: " + l})
	}
	for _, f := range forms {
		a := NewAnalyzer(rs, Options{Clock: fixedClock(), Hostname: "manager", Logtest: true}).Analyze("/var/log/mysql/error.log", f.file, nil)
		b := NewAnalyzer(rs, Options{Clock: fixedClock(), Hostname: "manager", Logtest: true}).Analyze("/var/log/syslog", f.syslog, nil)
		if a.Event.Decoder == nil || a.Match.Rule == nil {
			t.Fatalf("file form not decoded: %q", f.file)
		}
		if b.Event.Decoder == nil || b.Match.Rule == nil {
			t.Errorf("syslog form not decoded: %q", f.syslog)
			continue
		}
		if a.Event.Decoder.Name != b.Event.Decoder.Name || a.Match.Rule.ID != b.Match.Rule.ID || a.Match.Rule.Level != b.Match.Rule.Level {
			t.Errorf("%q: %s %d/%d from the file, %s %d/%d through syslog", f.syslog,
				a.Event.Decoder.Name, a.Match.Rule.ID, a.Match.Rule.Level, b.Event.Decoder.Name, b.Match.Rule.ID, b.Match.Rule.Level)
		}
		if fa, fb := packFields(a.Event), packFields(b.Event); fa != fb {
			// The syslog form may know the thread id the file form's
			// pre-decoder cut off; nothing else may differ.
			if strings.Replace(fb, "mysql.connection_id=8 ", "", 1) != fa {
				t.Errorf("%q: fields %s from the file, %s through syslog", f.syslog, fa, fb)
			}
		}
	}
}

// packFields renders the decoded fields of an event (static ones other
// than what the syslog header sets, and dynamic ones) in a fixed order.
func packFields(ev *event.Event) string {
	var b strings.Builder
	for f := event.Static(0); f < event.NumStatic; f++ {
		if v, ok := ev.Get(f); ok {
			b.WriteString(f.String() + "=" + v + " ")
		}
	}
	dyn := append([]event.Field(nil), ev.Dynamic...)
	slices.SortStableFunc(dyn, func(x, y event.Field) int { return strings.Compare(x.Name, y.Name) })
	for _, d := range dyn {
		b.WriteString(d.Name + "=" + d.Value + " ")
	}
	return strconv.Quote(b.String())
}

// TestShadowedPack: which local rules `gossec check` reports for taking
// the MySQL pack's sample lines.
func TestShadowedPack(t *testing.T) {
	dec, rul := packDirs(t)
	tests := []struct {
		name  string
		local string
		want  []string // "local>pack missing"
	}{
		{"classic rule 100025", classicRule, []string{"100025>260600 mysql,mysql_table_changed", "100025>260601 mysql,mysql_table_changed"}},
		{"classic rule with the pack's groups", strings.Replace(classicRule, "</description>", "</description>\n    <group>mysql,mysql_table_changed,</group>", 1), nil},
		{"child of a pack rule (tuning)", `<group name="local,">
  <rule id="100102" level="12"><if_sid>260600, 260601</if_sid>
    <field name="mysql.table">^users$</field>
    <description>users changed</description></rule>
</group>
`, nil},
		{"rule outside the local range", strings.Replace(classicRule, `id="100025"`, `id="99025"`, 1), nil},
		// Level-0 roots are tried first: a top-level local rule on the
		// pack's lines never sees them.
		{"top-level local rule on failed logins", `<group name="local,">
  <rule id="100200" level="9">
    <match>Access denied for user</match>
    <description>db login failure</description></rule>
</group>
`, nil},
		{"local rule under a pack root, above the pack's class rule", `<group name="local,">
  <rule id="100201" level="7"><if_sid>260004</if_sid>
    <field name="audit_record.name">^Connect$</field>
    <description>db connect record</description></rule>
</group>
`, []string{"100201>260710 mysql,authentication_failed,mysql_login_failed"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			if err := os.MkdirAll(filepath.Join(dir, "rules"), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, "rules", "local_rules.xml"), []byte(tt.local), 0o644); err != nil {
				t.Fatal(err)
			}
			conf := writeConf(t, dir, "    <decoder_dir>"+dec+"</decoder_dir>\n    <rule_dir>"+rul+"</rule_dir>\n    <rule_dir>rules</rule_dir>\n")
			var got []string
			for _, sh := range ShadowedPack(loadConf(t, conf, dir)) {
				got = append(got, fmt.Sprintf("%d>%d %s", sh.By.ID, sh.Pack.ID, strings.Join(sh.Missing, ",")))
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
	emb, errs := Load(nil, LoadOptions{})
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	if sh := ShadowedPack(emb); len(sh) != 0 {
		t.Errorf("embedded ruleset shadows itself: %+v", sh)
	}
}

// TestMySQLPackRealMariaDBErrorLog replays the error log a real MariaDB
// 10.11 wrote during the end-to-end scenario (samples/logs/mariadb-real-
// error.log: 10 wrong passwords and an empty user name, trigger lines,
// server_audit_logging=OFF, a restart) and counts the alerts per rule: one
// brute-force alert, the audit log switched off on the running server high
// (260902), the plugin stopping with the server low (260906), nothing else
// of the restart at level 10 or more.
func TestMySQLPackRealMariaDBErrorLog(t *testing.T) {
	rs, errs := Load(nil, LoadOptions{})
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	data, err := os.ReadFile(filepath.Join(samplesDir, "logs", "mariadb-real-error.log"))
	if err != nil {
		t.Fatal(err)
	}
	an := NewAnalyzer(rs, Options{Clock: fixedClock(), Hostname: "manager"})
	got := map[int]int{}
	for _, l := range strings.Split(strings.TrimRight(string(data), "\n"), "\n") {
		if r := an.Analyze("/var/log/mysql/error.log", l, nil).Match.Rule; r != nil && r.Level > 0 {
			got[r.ID]++
		}
	}
	want := map[int]int{
		260100: 9, 260101: 1, 260120: 1, // 11 failures, the 6th is the brute-force alert
		260201: 2, 260200: 2, 260202: 2, // start, ready twice; shutdown start and end
		260300: 1,            // the event scheduler's error
		260600: 2, 260601: 1, // insert, update, delete through the triggers
		260902: 1, 260906: 1, // logging stopped on a running server; STOPPED at shutdown
	}
	for id := range want {
		if got[id] != want[id] {
			t.Errorf("rule %d: %d alerts, want %d", id, got[id], want[id])
		}
	}
	for id, n := range got {
		if _, ok := want[id]; !ok {
			t.Errorf("rule %d: %d unexpected alerts", id, n)
		}
	}
}

// TestMySQLPackDescriptions: no pack alert of the .ini cases shows an
// empty placeholder ("[]", "()", "from ." or "@ ").
func TestMySQLPackDescriptions(t *testing.T) {
	rs, errs := Load(nil, LoadOptions{})
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	cases, err := rulesettest.ReadDir(filepath.Join(samplesDir, "tests"), rulesettest.Wazuh, false)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, c := range cases {
		an := NewAnalyzer(rs, Options{Clock: fixedClock(), Hostname: "manager", Logtest: true})
		for _, l := range c.Lines {
			res := an.Analyze("/var/log/mysql/error.log", l, nil)
			r := res.Match.Rule
			if r == nil || r.Level == 0 || r.ID < packFirstID || r.ID > packLastID {
				continue
			}
			n++
			d := r.ExpandDescription(res.Event)
			for _, bad := range []string{"[]", "()", "from .", "from  ", "@ ", "@."} {
				if strings.Contains(d, bad) {
					t.Errorf("rule %d: %q shows %q (line %q)", r.ID, d, bad, l)
				}
			}
		}
	}
	if n < 100 {
		t.Fatalf("only %d pack alerts checked", n)
	}
}
