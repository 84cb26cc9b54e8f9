package engine

// Tests of the MySQL pack (decoders/default/0005-gossec-mysql-json_decoders.xml,
// decoders/default/0500-gossec-mysql_decoders.xml,
// rules/default/0500-gossec-mysql_rules.xml): its .ini cases under
// samples/, the fields it decodes, how it behaves next to a classic local
// rule and next to the Wazuh ruleset.

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/gossec/gossec/internal/config"
	"github.com/gossec/gossec/internal/rulesettest"
	"github.com/gossec/gossec/internal/xmlconf"
)

const (
	packFirstID = 260000
	packLastID  = 269999
	packDecoder = "gossec-mysql"
)

var samplesDir = filepath.Join("..", "..", "samples")

// iniSession adapts an Analyzer to rulesettest, as `gossec test` does.
type iniSession struct{ an *Analyzer }

func (s iniSession) Process(line string) rulesettest.Outcome {
	res := s.an.Analyze("stdin", line, nil)
	var o rulesettest.Outcome
	if r := res.Match.Rule; r != nil {
		o.RuleID, o.Level = strconv.Itoa(r.ID), strconv.Itoa(r.Level)
	}
	if d := res.Event.Decoder; d != nil {
		o.Decoder = d.Name
	}
	return o
}

func runIni(t *testing.T, rs *Ruleset, dirs ...string) rulesettest.Report {
	t.Helper()
	var cases []rulesettest.Case
	for _, d := range dirs {
		c, err := rulesettest.ReadDir(d, rulesettest.Wazuh, false)
		if err != nil {
			t.Fatal(err)
		}
		cases = append(cases, c...)
	}
	if len(cases) == 0 {
		t.Fatalf("no cases in %v", dirs)
	}
	var ids []string
	for _, id := range rs.Rules.IDs() {
		ids = append(ids, strconv.Itoa(id))
	}
	r := &rulesettest.Runner{
		NewSession: func() rulesettest.Session {
			return iniSession{NewAnalyzer(rs, Options{Logtest: true, Hostname: "manager"})}
		},
		AllRules:    ids,
		AllDecoders: rs.Decoders.Names(),
	}
	rep := r.Run(cases)
	for _, res := range rep.Results {
		if !res.Passed {
			c := res.Case
			t.Errorf("%s:%d [%s]: got rule %q level %q decoder %q, want %q %q %q",
				c.File, c.Line, c.Section, res.Got.RuleID, res.Got.Level, res.Got.Decoder, c.Rule, c.Level, c.Decoder)
		}
	}
	return rep
}

// packRules lists the loaded rule ids of the pack.
func packRules(rs *Ruleset) []int {
	var out []int
	for _, id := range rs.Rules.IDs() {
		if id >= packFirstID && id <= packLastID {
			out = append(out, id)
		}
	}
	return out
}

// passThrough are the pack rules no event can end on: they pair a failed
// login with its twin of the other log and always hand the event to their
// level-0 child (260106, 260716), which the cases reach
// (TestMySQLPackTwinLogs checks the pairing itself).
var passThrough = map[int]bool{260105: true, 260715: true}

// checkCoverage fails for any pack rule or decoder no case ended on.
func checkCoverage(t *testing.T, rep rulesettest.Report) {
	t.Helper()
	for _, id := range rep.Rules.Missed {
		if n, err := strconv.Atoi(id); err == nil && n >= packFirstID && n <= packLastID && !passThrough[n] {
			t.Errorf("pack rule %s is exercised by no case", id)
		}
	}
	for _, name := range rep.Decoders.Missed {
		if strings.HasPrefix(name, packDecoder) {
			t.Errorf("pack decoder %s is exercised by no case", name)
		}
	}
}

// TestMySQLPackIni runs samples/tests through the embedded ruleset, as
// `gossec test samples/tests` does: every case passes and every pack rule
// and decoder that loads there is reached.
func TestMySQLPackIni(t *testing.T) {
	rs, errs := Load(nil, LoadOptions{})
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	if n := len(packRules(rs)); n < 40 {
		t.Fatalf("only %d pack rules loaded", n)
	}
	rep := runIni(t, rs, filepath.Join(samplesDir, "tests"))
	checkCoverage(t, rep)
}

// TestMySQLPackLists loads the pack from the source tree with its sample
// CDB lists (samples/etc/ossec-mysql.conf): the list rules load, both .ini
// folders pass, and every pack rule is reached.
func TestMySQLPackLists(t *testing.T) {
	cfg, errs := config.Load(filepath.Join(samplesDir, "etc", "ossec-mysql.conf"), nil)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	var warnings []string
	rs, errs := Load(cfg, LoadOptions{Home: samplesDir, Warn: func(_ xmlconf.Pos, msg string) { warnings = append(warnings, msg) }})
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	for _, w := range warnings {
		t.Errorf("warning: %s", w)
	}
	for _, id := range []int{260603, 260706, 260708, 260709} {
		if rs.Rules.Rule(id) == nil {
			t.Errorf("list rule %d not loaded", id)
		}
	}
	rep := runIni(t, rs, filepath.Join(samplesDir, "tests"), filepath.Join(samplesDir, "tests-lists"))
	checkCoverage(t, rep)
}

// TestMySQLPackConventions checks what operators and SIEM searches rely
// on: ids in the pack's range carry the group "mysql", and the pack's
// decoders are named gossec-mysql*.
func TestMySQLPackConventions(t *testing.T) {
	rs, errs := Load(nil, LoadOptions{})
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	for _, id := range packRules(rs) {
		r := rs.Rules.Rule(id)
		if !hasGroup(r.Groups, "mysql") {
			t.Errorf("rule %d groups %q lack mysql", id, r.Groups)
		}
		if r.Level >= 3 && !hasClassGroup(r.Groups) {
			t.Errorf("rule %d (level %d) has no class group: %q", id, r.Level, r.Groups)
		}
	}
	n := 0
	for _, name := range rs.Decoders.Names() {
		if strings.HasPrefix(name, packDecoder) {
			n++
		}
	}
	if n != 6 {
		t.Errorf("%d gossec-mysql decoders, want 6", n)
	}
}

func hasGroup(groups, g string) bool {
	for _, s := range strings.Split(groups, ",") {
		if strings.TrimSpace(s) == g {
			return true
		}
	}
	return false
}

// hasClassGroup: one of the class groups of the pack's table. Rule 260005
// (a trigger line that could not be decoded) is the one alerting rule
// outside the table.
func hasClassGroup(groups string) bool {
	for _, g := range []string{"authentication_success", "authentication_failed", "authentication_failures",
		"mysql_root_login", "mysql_anonymous", "mysql_no_credentials", "service_availability",
		"mysql_table_changed", "mysql_privilege_change", "mysql_global_privilege", "mysql_schema_change",
		"mysql_data_export", "mysql_audit_disabled", "mysql_integrity_disabled", "mysql_firewall", "mysql_error"} {
		if hasGroup(groups, g) {
			return true
		}
	}
	return strings.TrimSpace(groups) == "mysql," // 260005
}

// TestMySQLPackFields checks the decoded fields per input shape.
func TestMySQLPackFields(t *testing.T) {
	rs, errs := Load(nil, LoadOptions{})
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	tests := []struct {
		name string
		line string
		want
	}{
		{"trigger row with commas, parentheses, spaces and ') by '",
			"2026-11-21 08:44:20 Table: acme.notes: update(3,it's (really) a note, with commas) by x) by app@10.0.0.8",
			want{260600, 7, "gossec-mysql-integrity", map[string]string{
				"mysql.db": "acme", "mysql.table": "notes", "mysql.operation": "update",
				"mysql.row": "3,it's (really) a note, with commas) by x", "dstuser": "app",
				"mysql.host": "10.0.0.8", "srcip": "10.0.0.8"}}},
		{"trigger delete of an empty row",
			"2026-11-21 08:44:21 Table: shop.t: delete() by root@localhost",
			want{260601, 8, "gossec-mysql-integrity", map[string]string{
				"mysql.db": "shop", "mysql.table": "t", "mysql.operation": "delete", "mysql.row": "",
				"dstuser": "root", "mysql.host": "localhost"}}},
		{"mariadb access denied",
			"2026-11-21  8:42:34 13 [Warning] Access denied for user 'bob'@'10.0.0.5' (using password: YES)",
			want{260100, 5, "gossec-mysql-errorlog", map[string]string{
				"dstuser": "bob", "mysql.host": "10.0.0.5", "srcip": "10.0.0.5", "mysql.connection_id": "13"}}},
		{"mysql 8 codes",
			"2026-11-21T08:04:00.000000Z 0 [ERROR] [MY-012592] [InnoDB] Operating system error number 2 in a file operation.",
			want{260300, 5, "gossec-mysql-errorlog", map[string]string{"mysql.err_code": "12592", "mysql.subsystem": "InnoDB"}}},
		{"json sink",
			`{ "prio" : 2, "err_code" : 10926, "subsystem" : "Server", "msg" : "Access denied for user 'bob'@'10.0.0.5' (using password: YES)", "thread" : 14, "label" : "Note" }`,
			want{260140, 5, "gossec-mysql-json", map[string]string{
				"mysql.err_code": "10926", "mysql.subsystem": "Server", "mysql.connection_id": "14",
				"dstuser": "bob", "srcip": "10.0.0.5", "label": "Note"}}},
		{"crashed table",
			"2026-11-21  8:50:00 0 [ERROR] mariadbd: Table './shop/orders' is marked as crashed and should be repaired",
			want{260206, 8, "gossec-mysql-errorlog", map[string]string{"mysql.db": "shop", "mysql.table": "orders"}}},
		{"firewall",
			"2026-11-21T08:03:00.000000Z 11 [Warning] [MY-011071] [Server] ACCESS DENIED for 'app'@'10.0.0.8'. Reason: No match in allowlist. Statement: SELECT * FROM mysql.user",
			want{260500, 8, "gossec-mysql-errorlog", map[string]string{
				"dstuser": "app", "mysql.host": "10.0.0.8", "mysql.sqltext": "SELECT * FROM mysql.user"}}},
		{"general log connect",
			"261121  8:50:01\t   21 Connect\tapp@10.0.0.8 on shop using TCP/IP",
			want{260110, 3, "gossec-mysql-query", map[string]string{
				"action": "Connect", "mysql.connection_id": "21", "dstuser": "app", "mysql.host": "10.0.0.8",
				"srcip": "10.0.0.8", "mysql.db": "shop"}}},
		{"general log query",
			"\t\t   22 Query\tGRANT ALL PRIVILEGES ON *.* TO 'eve'@'%'",
			want{260811, 10, "gossec-mysql-query", map[string]string{
				"action": "Query", "mysql.connection_id": "22", "mysql.sqltext": "GRANT ALL PRIVILEGES ON *.* TO 'eve'@'%'"}}},
		{"audit statement",
			`{"audit_record":{"name":"Query","record":"3_2026-11-20T13:00:00","timestamp":"2026-11-20T13:00:09 UTC","command_class":"drop_db","connection_id":"32","status":0,"sqltext":"DROP DATABASE \"old\"","user":"admin[admin] @ localhost []","os_user":"","host":"localhost","ip":"","db":""},"format":"percona-json","mysql_audit_log":"percona"}`,
			want{260820, 7, "gossec-mysql-audit", map[string]string{
				"dstuser": "admin", "status": "0", "mysql.connection_id": "32", "mysql.command_class": "drop_db",
				"mysql.sqltext": `DROP DATABASE \"old\"`, "mysql.host": "localhost", "audit_record.name": "Query"}}},
		{"audit failed login, server_audit (host is the address)",
			`{"audit_record":{"name":"Connect","timestamp":"20261121 08:42:31","connection_id":"14","status":1045,"user":"bob","host":"10.0.0.5","db":"","server_host":"db1","query_id":"0","operation":"FAILED_CONNECT","object":""},"format":"mariadb-server-audit","mysql_audit_log":"percona"}`,
			want{260710, 5, "gossec-mysql-audit", map[string]string{
				"dstuser": "bob", "srcip": "10.0.0.5", "status": "1045", "mysql.host": "10.0.0.5"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			an := NewAnalyzer(rs, Options{Clock: fixedClock(), Hostname: "manager", Logtest: true})
			check(t, an, []string{tt.line}, tt.want)
		})
	}
}

// classicRule is the local rule of the classic OSSEC trigger setup
// (docs/mysql-formats.md section 2).
const classicRule = `<group name="local,">
  <rule id="100025" level="7">
    <regex>^\d\d\d\d-\d\d-\d\d \d\d:\d\d:\d\d Table: \.</regex>
    <description>MySQL users table updated</description>
  </rule>
</group>
`

// writeConf writes an ossec.conf with the given <ruleset> body to a temp
// folder and returns its path.
func writeConf(t *testing.T, dir, ruleset string) string {
	t.Helper()
	p := filepath.Join(dir, "ossec.conf")
	data := "<ossec_config>\n  <ruleset>\n" + ruleset + "  </ruleset>\n</ossec_config>\n"
	if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func loadConf(t *testing.T, path, home string) *Ruleset {
	t.Helper()
	cfg, errs := config.Load(path, nil)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	rs, errs := Load(cfg, LoadOptions{Home: home})
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	return rs
}

func packDirs(t *testing.T) (dec, rul string) {
	t.Helper()
	dec, err := filepath.Abs(filepath.Join("..", "..", "decoders", "default"))
	if err != nil {
		t.Fatal(err)
	}
	rul, err = filepath.Abs(filepath.Join("..", "..", "rules", "default"))
	if err != nil {
		t.Fatal(err)
	}
	return dec, rul
}

// TestMySQLPackClassicRule: with the classic rule 100025 loaded after the
// pack, trigger lines keep ending on 100025 (level 7), now with the pack's
// fields; without it the pack's 260600/260601 fire.
func TestMySQLPackClassicRule(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "rules"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "rules", "local_rules.xml"), []byte(classicRule), 0o644); err != nil {
		t.Fatal(err)
	}
	dec, rul := packDirs(t)
	conf := writeConf(t, dir, "    <decoder_dir>"+dec+"</decoder_dir>\n    <rule_dir>"+rul+"</rule_dir>\n    <rule_dir>rules</rule_dir>\n")
	rs := loadConf(t, conf, dir)
	lines := []string{
		"2011-01-07 16:38:30 Table: acme.users: insert(7,xavier,zZDDIZ0NOlPzw) by admin@localhost",
		"2011-01-07 16:38:35 Table: acme.users: update(7,xavier,RjdqndSkxdjeX) by admin@localhost",
		"2011-01-07 16:38:53 Table: acme.users: delete(7,xavier,RjdqndSkxdjeX) by admin@localhost",
	}
	fields := map[string]string{"mysql.db": "acme", "mysql.table": "users", "dstuser": "admin"}
	for _, l := range lines {
		an := NewAnalyzer(rs, Options{Clock: fixedClock(), Hostname: "manager", Logtest: true})
		check(t, an, []string{l}, want{100025, 7, "gossec-mysql-integrity", fields})
	}
	// samples/MYSQL.md's change: the pack's groups in the rule, so routing
	// by mysql_table_changed sees it; it still fires as before.
	fixed := strings.Replace(classicRule, "</description>", "</description>\n    <group>mysql,mysql_table_changed,</group>", 1)
	if err := os.WriteFile(filepath.Join(dir, "rules", "local_rules.xml"), []byte(fixed), 0o644); err != nil {
		t.Fatal(err)
	}
	rs = loadConf(t, conf, dir)
	for _, l := range lines {
		an := NewAnalyzer(rs, Options{Clock: fixedClock(), Hostname: "manager", Logtest: true})
		check(t, an, []string{l}, want{100025, 7, "gossec-mysql-integrity", fields})
		if g := rs.Rules.Rule(100025).Groups; !hasGroup(g, "mysql_table_changed") {
			t.Errorf("groups %q", g)
		}
	}
	emb, errs := Load(nil, LoadOptions{})
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	for i, w := range []int{260600, 260600, 260601} {
		an := NewAnalyzer(emb, Options{Clock: fixedClock(), Hostname: "manager", Logtest: true})
		lvl := 7
		if w == 260601 {
			lvl = 8
		}
		check(t, an, []string{lines[i]}, want{w, lvl, "gossec-mysql-integrity", fields})
	}
}

// TestMySQLPackBesideWazuh loads the pack next to the Wazuh 4.9.2 ruleset
// (as extra decoder and rule folders) and runs Wazuh's own .ini cases with
// and without it: every case must end on the same rule, level and decoder.
// It also checks who gets the audit JSON: gossec's mysql_audit output goes
// to the pack, a raw Percona line read as json stays with Wazuh's decoder.
func TestMySQLPackBesideWazuh(t *testing.T) {
	home, err := filepath.Abs(filepath.Join(sharedDir(t), "compat", "wazuh-4.9.2"))
	if err != nil {
		t.Fatal(err)
	}
	base := `    <decoder_dir>ruleset/decoders</decoder_dir>
    <rule_dir>ruleset/rules</rule_dir>
    <rule_exclude>0215-policy_rules.xml</rule_exclude>
    <list>etc/lists/audit-keys</list>
    <list>etc/lists/amazon/aws-eventnames</list>
    <list>etc/lists/security-eventchannel</list>
    <decoder_dir>etc/decoders</decoder_dir>
    <rule_dir>etc/rules</rule_dir>
`
	// Only the pack's files: gossec's base files (sshd, sudo, json) would
	// compete with Wazuh's decoders of the same logs.
	dec, rul := packDirs(t)
	include := ""
	for _, g := range []struct{ elem, pattern string }{
		{"decoder_include", filepath.Join(dec, "*-gossec-mysql*.xml")},
		{"rule_include", filepath.Join(rul, "*-gossec-mysql*.xml")},
	} {
		files, err := filepath.Glob(g.pattern)
		if err != nil || len(files) == 0 {
			t.Fatalf("no pack files %s (%v)", g.pattern, err)
		}
		for _, f := range files {
			include += "    <" + g.elem + ">" + f + "</" + g.elem + ">\n"
		}
	}
	plain := loadConf(t, writeConf(t, t.TempDir(), base), home)
	withPack := loadConf(t, writeConf(t, t.TempDir(), base+include), home)
	if len(packRules(withPack)) == 0 {
		t.Fatal("pack rules not loaded beside Wazuh")
	}
	tests := filepath.Join(home, "tests")
	a := runIni(t, plain, tests)
	b := runIni(t, withPack, tests)
	if len(a.Results) != len(b.Results) || a.Passed != b.Passed {
		t.Fatalf("without pack %d/%d passed, with pack %d/%d", a.Passed, len(a.Results), b.Passed, len(b.Results))
	}
	for i := range a.Results {
		if a.Results[i].Got != b.Results[i].Got {
			c := a.Results[i].Case
			t.Errorf("%s:%d [%s]: %+v without the pack, %+v with it", c.File, c.Line, c.Section, a.Results[i].Got, b.Results[i].Got)
		}
	}

	own := `{"audit_record":{"name":"Connect","timestamp":"20261121 08:42:31","connection_id":"14","status":1045,"user":"bob","host":"10.0.0.5","db":""},"format":"mariadb-server-audit","mysql_audit_log":"percona"}`
	raw := `{"audit_record":{"name":"Connect","record":"4_2026-11-21T09:00:00","timestamp":"2026-11-21T09:00:07 UTC","connection_id":"33","status":1045,"user":"root","host":"","ip":"198.51.100.4","db":""},"mysql_audit_log":"percona"}`
	an := NewAnalyzer(withPack, Options{Clock: fixedClock(), Hostname: "manager", Logtest: true})
	check(t, an, []string{own}, want{260710, 5, "gossec-mysql-audit", map[string]string{"srcip": "10.0.0.5"}})
	check(t, an, []string{raw}, want{88003, 9, "json", nil})
}

// FuzzMySQLPack feeds arbitrary lines through the embedded ruleset. Beyond
// not panicking: whatever a pack decoder extracts is text of the line.
func FuzzMySQLPack(f *testing.F) {
	for _, s := range []string{
		"2011-01-07 16:38:30 Table: acme.users: insert(7,xavier,zZDDIZ0NOlPzw) by admin@localhost",
		"2026-11-21  8:42:34 13 [Warning] Access denied for user 'bob'@'10.0.0.5' (using password: YES)",
		"2026-11-21T08:00:00.000000Z 0 [System] [MY-010116] [Server] starting as process 1",
		"261121  8:50:01\t   21 Connect\tapp@10.0.0.8 on shop using TCP/IP",
		`{"audit_record":{"name":"Query","status":0,"sqltext":"GRANT ALL ON *.* TO x","user":"root","ip":"1.2.3.4"},"format":"x","mysql_audit_log":"percona"}`,
		`{ "prio" : 1, "err_code" : 1, "subsystem" : "Server", "msg" : "Access denied for user ''@'h'" }`,
		"MySQL log: 061121 08:00:01 mysqld started",
		"Sep 16 21:30:26 host mysqld: 130916 21:30:26 [Warning] Access denied for user 'hacker'@'74.207.241.159' (using password: YES)",
		"Nov 21 08:44:10 db1 mariadbd[4101]: 2026-11-21 08:44:10 Table: acme.orders: insert(42,1) by app@10.0.0.8",
		"2026-11-21T08:01:00.000000+00:00 db1 mysqld[1234]: 2019-03-05T10:11:12.123456Z 7 [Note] Access denied for user 'a'@'h'",
	} {
		f.Add(s)
	}
	rs, errs := Load(nil, LoadOptions{})
	if len(errs) > 0 {
		f.Fatal(errs)
	}
	an := NewAnalyzer(rs, Options{Clock: fixedClock(), Hostname: "manager", Logtest: true})
	f.Fuzz(func(t *testing.T, line string) {
		if strings.ContainsAny(line, "\n\r\x00") {
			return
		}
		res := an.Analyze("stdin", line, nil)
		ev := res.Event
		if ev.Decoder == nil || !strings.HasPrefix(ev.Decoder.Name, packDecoder) || ev.Decoder.Name == "gossec-mysql-audit" || ev.Decoder.Name == "gossec-mysql-json" {
			return // JSON_Decoder values are unescaped, so not substrings
		}
		for _, name := range []string{"mysql.row", "mysql.db", "mysql.table", "mysql.sqltext", "mysql.host"} {
			if v, ok := ev.Field(name); ok && !strings.Contains(line, v) {
				t.Errorf("%s = %q is not part of %q", name, v, line)
			}
		}
	})
}

// BenchmarkMySQLPack analyses the pack's sample error-log and trigger
// lines through the embedded ruleset.
func BenchmarkMySQLPack(b *testing.B) {
	rs, errs := Load(nil, LoadOptions{})
	if len(errs) > 0 {
		b.Fatal(errs)
	}
	var lines []string
	for _, f := range []string{"mariadb-error.log", "mysql80-error.log", "mysql-general.log"} {
		data, err := os.ReadFile(filepath.Join(samplesDir, "logs", f))
		if err != nil {
			b.Fatal(err)
		}
		lines = append(lines, strings.Split(strings.TrimSpace(string(data)), "\n")...)
	}
	an := NewAnalyzer(rs, Options{Hostname: "manager"})
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		an.Analyze("/var/log/mysql/error.log", lines[i%len(lines)], nil)
	}
}
