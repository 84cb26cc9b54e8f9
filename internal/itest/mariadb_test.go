package itest

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// mdbTools are the programs of a MariaDB (or MySQL) installation the
// end-to-end test drives. Missing ones make the test skip.
type mdbTools struct {
	server, installDB, client, config, make string
	pluginDir                               string // the server's own plugin_dir
}

func findMDBTools(t *testing.T) mdbTools {
	t.Helper()
	first := func(names ...string) string {
		for _, n := range names {
			if p, err := exec.LookPath(n); err == nil {
				return p
			}
			// Debian installs the server in /usr/sbin, often not in a
			// test runner's PATH.
			if p := filepath.Join("/usr/sbin", n); isExec(p) {
				return p
			}
		}
		return ""
	}
	tl := mdbTools{
		server:    first("mariadbd", "mysqld"),
		installDB: first("mariadb-install-db", "mysql_install_db"),
		client:    first("mariadb", "mysql"),
		config:    first("mariadb_config", "mysql_config"),
		make:      first("make"),
	}
	for what, p := range map[string]string{"mariadbd/mysqld": tl.server, "mariadb-install-db": tl.installDB,
		"mariadb client": tl.client, "mariadb_config/mysql_config": tl.config, "make": tl.make} {
		if p == "" {
			t.Skipf("%s not installed (apt-get install mariadb-server mariadb-client libmariadb-dev make)", what)
		}
	}
	tl.pluginDir = serverPluginDir(tl.server)
	if !fileExists(filepath.Join(tl.pluginDir, "server_audit.so")) {
		t.Skipf("server_audit.so not found in the server's plugin_dir %q", tl.pluginDir)
	}
	return tl
}

func isExec(p string) bool {
	st, err := os.Stat(p)
	return err == nil && !st.IsDir() && st.Mode()&0o111 != 0
}

func fileExists(p string) bool { _, err := os.Stat(p); return err == nil }

// serverPluginDir asks the server for its compiled-in plugin_dir (not
// mariadb_config --plugindir: that is the client library's folder).
func serverPluginDir(server string) string {
	out, _ := exec.Command(server, "--no-defaults", "--verbose", "--help").Output()
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) == 2 && f[0] == "plugin-dir" {
			return f[1]
		}
	}
	return "/usr/lib/mysql/plugin"
}

// mdbServer is a private MariaDB instance of one test.
type mdbServer struct {
	t        *testing.T
	tl       mdbTools
	dir      string
	sock     string
	port     int
	errorLog string
	auditLog string
	cmd      *exec.Cmd
	args     []string      // the server's command line, for a restart
	out      *bytes.Buffer // its stdout and stderr
	exited   chan struct{} // closed when the current process has exited
}

// startMariaDB builds the UDF into a private plugin_dir, creates a datadir
// and starts the server on 127.0.0.1 with its own port and socket, the
// error log and the server_audit log in files. The server is stopped by
// its PID when the test ends.
func startMariaDB(t *testing.T, tl mdbTools) *mdbServer {
	t.Helper()
	// Unix socket paths are limited to 108 bytes: keep the folder short.
	dir, err := os.MkdirTemp("", "gmdb")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	s := &mdbServer{t: t, tl: tl, dir: dir, sock: filepath.Join(dir, "sock"), port: freePort(t),
		errorLog: filepath.Join(dir, "error.log"), auditLog: filepath.Join(dir, "audit.log")}
	plugins := filepath.Join(dir, "plugins")
	if err := os.MkdirAll(plugins, 0o755); err != nil {
		t.Fatal(err)
	}
	udf, _ := filepath.Abs(filepath.Join("..", "..", "contrib", "mysql-udf"))
	mustRun(t, exec.Command(tl.make, "-s", "-C", udf, "OUT="+plugins, "CONFIG="+tl.config))
	if err := os.Symlink(filepath.Join(tl.pluginDir, "server_audit.so"), filepath.Join(plugins, "server_audit.so")); err != nil {
		t.Fatal(err)
	}
	var asUser []string
	if os.Geteuid() == 0 {
		asUser = []string{"--user=root"} // mariadbd refuses to run as root otherwise
	}
	data := filepath.Join(dir, "data")
	mustRun(t, exec.Command(tl.installDB, append([]string{"--no-defaults", "--datadir=" + data,
		"--auth-root-authentication-method=normal", "--skip-test-db"}, asUser...)...))
	args := append([]string{"--no-defaults"}, asUser...)
	args = append(args,
		"--datadir="+data,
		"--port="+strconv.Itoa(s.port),
		"--bind-address=127.0.0.1",
		// Addresses rather than names in the logs: srcip for the rules.
		"--skip-name-resolve",
		"--socket="+s.sock,
		"--pid-file="+filepath.Join(dir, "pid"),
		"--log-error="+s.errorLog,
		"--log-warnings=4",
		"--plugin-dir="+plugins,
		"--plugin-load-add=server_audit",
		"--server-audit-logging=ON",
		"--server-audit-file-path="+s.auditLog,
		"--secure-file-priv="+dir,
		"--innodb-buffer-pool-size=16M",
		"--skip-log-bin",
	)
	s.args = args
	t.Cleanup(func() { s.stop(s.exited) })
	s.launch()
	return s
}

// launch starts the server with s.args and waits until it answers.
func (s *mdbServer) launch() {
	t := s.t
	t.Helper()
	s.cmd = exec.Command(s.tl.server, s.args...)
	s.out = &bytes.Buffer{}
	s.cmd.Stdout, s.cmd.Stderr = s.out, s.out
	if err := s.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	cmd := s.cmd
	go func() { cmd.Wait(); close(exited) }()
	s.exited = exited
	deadline := time.Now().Add(30 * time.Second)
	for {
		if _, err := s.sql("SELECT 1"); err == nil {
			break
		}
		select {
		case <-exited:
			t.Fatalf("mariadbd exited: %s\n%s", s.out.String(), readTail(s.errorLog))
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("mariadbd not ready after 30s:\n%s", readTail(s.errorLog))
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// stop sends SIGTERM to the server's PID and waits; SIGKILL after 20s.
func (s *mdbServer) stop(exited chan struct{}) {
	if s.cmd.Process == nil {
		return
	}
	s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-exited:
	case <-time.After(20 * time.Second):
		s.cmd.Process.Kill()
		<-exited
	}
}

func readTail(path string) string {
	b, _ := os.ReadFile(path)
	if len(b) > 4000 {
		b = b[len(b)-4000:]
	}
	return string(b)
}

func mustRun(t *testing.T, cmd *exec.Cmd) {
	t.Helper()
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s: %v\n%s", strings.Join(cmd.Args, " "), err, out)
	}
}

// sql runs statements as root over the socket.
func (s *mdbServer) sql(stmts string) (string, error) {
	return s.client(nil, stmts, "--protocol=SOCKET", "--socket="+s.sock, "--user=root")
}

// tcp runs statements as user over TCP from 127.0.0.1 (what the logs
// show as the client's address).
func (s *mdbServer) tcp(user, password, stmts string) (string, error) {
	return s.client([]string{"MYSQL_PWD=" + password}, stmts, "--protocol=TCP", "--host=127.0.0.1",
		"--port="+strconv.Itoa(s.port), "--user="+user)
}

func (s *mdbServer) client(env []string, stmts string, args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, s.tl.client, append([]string{"--no-defaults", "-N", "-B"}, args...)...)
	cmd.Stdin = strings.NewReader(stmts)
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return string(out), fmt.Errorf("%w: %s", err, out)
	}
	return string(out), nil
}

func (s *mdbServer) mustSQL(stmts string) {
	s.t.Helper()
	if _, err := s.sql(stmts); err != nil {
		s.t.Fatalf("%s: %v", stmts, err)
	}
}

// mdbWant is an alert the scenario must produce: rule id, level, class
// group, and fields (dotted paths under data, or full_log).
type mdbWant struct {
	what   string
	id     string
	level  int
	group  string
	fields map[string]string
}

func (w mdbWant) matches(a map[string]any) bool {
	// An empty id accepts any rule of the group (a refused and an accepted
	// anonymous login are both the class wanted).
	if w.id != "" && (ruleID(a) != w.id || str(a, "rule", "level") != strconv.Itoa(w.level)) {
		return false
	}
	groups, _ := a["rule"].(map[string]any)["groups"].([]any)
	if !slices.Contains(groups, any(w.group)) || !slices.Contains(groups, any("mysql")) {
		return false
	}
	for k, v := range w.fields {
		if k == "full_log" {
			if !strings.Contains(fullLog(a), v) {
				return false
			}
		} else if str(a, append([]string{"data"}, strings.Split(k, ".")...)...) != v {
			return false
		}
	}
	return true
}

// TestMariaDBEndToEnd drives a real MariaDB through logins, failed logins,
// a global grant, a DROP TABLE, a data export, row changes of a table
// watched by the triggers of `gossec mysql triggers` (the log_error UDF
// built from contrib/mysql-udf), turning the audit log off and a shutdown,
// while `gossec run` reads the error log (syslog) and the server_audit log
// (mysql_audit) with the embedded ruleset; then checks the alerts and the
// one mail routed for a table change.
func TestMariaDBEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a MariaDB server")
	}
	tl := findMDBTools(t)
	start := time.Now()
	srv := startMariaDB(t, tl)
	t.Logf("MariaDB up in %v", time.Since(start).Round(time.Millisecond))

	mb := startMailbox(t)
	h := newHome(t, `<ossec_config>
  <global>
    <email_notification>yes</email_notification>
    <email_to>soc@example.com</email_to>
    <email_from>gossec@example.com</email_from>
    <smtp_server>127.0.0.1</smtp_server>
    <smtp_port>`+strconv.Itoa(mb.port)+`</smtp_port>
  </global>
  <alerts>
    <log_alert_level>1</log_alert_level>
    <email_alert_level>10</email_alert_level>
  </alerts>
  <email_alerts>
    <email_to>dba@example.com</email_to>
    <group>mysql_table_changed</group>
    <rule_id>260601</rule_id>
    <do_not_delay />
  </email_alerts>
  <localfile>
    <location>`+srv.errorLog+`</location>
    <log_format>syslog</log_format>
    <only-future-events>no</only-future-events>
  </localfile>
  <localfile>
    <location>`+srv.auditLog+`</location>
    <log_format>mysql_audit</log_format>
    <only-future-events>no</only-future-events>
  </localfile>
</ossec_config>
`)
	d := h.start()
	stopped := false
	t.Cleanup(func() {
		if !stopped {
			d.stop(t)
		}
	})

	// Schema, an application account, and the integrity triggers as the
	// operator would set them up: columns read from information_schema.
	srv.mustSQL(`CREATE DATABASE acme;
CREATE TABLE acme.users (id INT PRIMARY KEY, login VARCHAR(32), password_hash VARCHAR(64), note TEXT);
CREATE TABLE acme.old_orders (id INT);
CREATE USER 'app'@'127.0.0.1' IDENTIFIED BY 'app-pw';
GRANT SELECT, INSERT, UPDATE, DELETE ON acme.* TO 'app'@'127.0.0.1';`)
	gen := exec.Command(gossecBin, "mysql", "triggers", "--dsn", "root@unix("+srv.sock+")/acme",
		"--client", tl.client, "--table", "users", "--exclude-columns", "password_hash")
	var genErr bytes.Buffer
	gen.Stderr = &genErr
	script, err := gen.Output()
	if err != nil {
		t.Fatalf("gossec mysql triggers: %v\n%s", err, genErr.String())
	}
	srv.mustSQL(string(script))

	// A login, then failures from one address: a wrong password for a real
	// account and an account that does not exist.
	if _, err := srv.tcp("app", "app-pw", "SELECT 1"); err != nil {
		t.Fatal(err)
	}
	// Ten wrong passwords from one address (7 for a real account, 3 for
	// one that does not exist): each is in the error log and in the audit
	// log; one brute-force alert, at the 6th.
	for i := range 7 {
		if _, err := srv.tcp("app", "wrong"+strconv.Itoa(i), "SELECT 1"); err == nil {
			t.Fatal("login with a wrong password succeeded")
		}
	}
	for range 3 {
		if _, err := srv.tcp("mallory", "guess", "SELECT 1"); err == nil {
			t.Fatal("login of an unknown user succeeded")
		}
	}
	// Privileges, schema, export: as root. The export reads mysql.global_priv,
	// the table behind the mysql.user view since MariaDB 10.4: MariaDB
	// 10.11.14 refuses SELECT ... INTO OUTFILE through that SQL SECURITY
	// DEFINER view (error 1356).
	srv.mustSQL(`CREATE USER 'eve'@'%' IDENTIFIED BY 'eve-pw';
GRANT ALL ON *.* TO 'eve'@'%';
DROP TABLE acme.old_orders;
SELECT User, Host FROM mysql.global_priv INTO OUTFILE '` + filepath.Join(srv.dir, "users.csv") + `';`)
	// Row changes of the watched table by the application; a value with
	// commas, parentheses and spaces, and a NULL.
	if _, err := srv.tcp("app", "app-pw", `INSERT INTO acme.users VALUES (7, 'xavier', 'zZDDIZ0NOlPzw', 'a, (b) c');
UPDATE acme.users SET login = 'xav', note = NULL WHERE id = 7;
DELETE FROM acme.users WHERE id = 7;`); err != nil {
		t.Fatal(err)
	}
	// An empty user name, as a scanner or a misconfigured client sends it.
	if _, err := anonymousLogin("127.0.0.1:" + strconv.Itoa(srv.port)); err != nil {
		t.Fatalf("anonymous login attempt: %v", err)
	}
	// A server [ERROR] line: the event scheduler logs a failing event there.
	srv.mustSQL(`SET GLOBAL event_scheduler = ON;
CREATE EVENT acme.broken ON SCHEDULE AT CURRENT_TIMESTAMP DO INSERT INTO acme.no_such_table VALUES (1);`)
	waitFor(t, 15*time.Second, "the event scheduler's error line", func() bool {
		return strings.Contains(readTail(srv.errorLog), "no_such_table")
	})
	// File access the server refuses: LOAD DATA outside secure_file_priv
	// (1290), and LOAD DATA LOCAL with the client's local infile off.
	srv.mustSQL("CREATE TABLE acme.imp (line TEXT)")
	if _, err := srv.sql("LOAD DATA INFILE '/etc/hostname' INTO TABLE acme.imp"); err == nil {
		t.Fatal("LOAD DATA outside secure_file_priv succeeded")
	}
	if _, err := srv.client(nil, "LOAD DATA LOCAL INFILE '/etc/hostname' INTO TABLE acme.imp", "--protocol=SOCKET",
		"--socket="+srv.sock, "--user=root", "--local-infile=0"); err == nil {
		t.Fatal("LOAD DATA LOCAL with local infile off succeeded")
	}
	// Integrity monitoring switched off: the insert trigger dropped, the
	// UDF dropped (the other triggers now fail), the audit log turned off.
	srv.mustSQL("DROP TRIGGER acme.gossec_users_ai")
	srv.mustSQL("DROP FUNCTION log_error")
	srv.mustSQL("SET GLOBAL server_audit_logging = OFF")

	wants := []mdbWant{
		{"server start", "260201", 3, "service_availability", nil},
		{"server ready", "260200", 3, "service_availability", nil},
		{"app login (audit)", "260700", 3, "authentication_success",
			map[string]string{"dstuser": "app", "srcip": "127.0.0.1"}},
		{"root login over the socket (audit)", "260719", 3, "mysql_root_login",
			map[string]string{"dstuser": "root", "mysql.host": "localhost"}},
		// One alert per failure, from whichever log gossec read first.
		{"wrong password", "", 0, "authentication_failed",
			map[string]string{"dstuser": "app", "srcip": "127.0.0.1"}},
		{"unknown user", "", 0, "authentication_failed",
			map[string]string{"dstuser": "mallory", "srcip": "127.0.0.1"}},
		{"brute force from one address", "260120", 10, "authentication_failures",
			map[string]string{"srcip": "127.0.0.1"}},
		{"create user", "260810", 8, "mysql_privilege_change",
			map[string]string{"dstuser": "root", "mysql.command_class": "create_user"}},
		{"global grant", "260811", 10, "mysql_global_privilege",
			map[string]string{"dstuser": "root", "mysql.sqltext": "GRANT ALL ON *.* TO 'eve'@'%'"}},
		{"drop table", "260820", 7, "mysql_schema_change",
			map[string]string{"mysql.command_class": "drop_table", "mysql.sqltext": "DROP TABLE acme.old_orders"}},
		{"export", "260830", 8, "mysql_data_export", map[string]string{"dstuser": "root"}},
		{"insert", "260600", 7, "mysql_table_changed", map[string]string{"mysql.db": "acme", "mysql.table": "users",
			"mysql.operation": "insert", "mysql.row": "7,xavier,a, (b) c", "dstuser": "app", "srcip": "127.0.0.1"}},
		{"update", "260600", 7, "mysql_table_changed", map[string]string{"mysql.db": "acme", "mysql.table": "users",
			"mysql.operation": "update", "mysql.row": "7,xav,NULL", "dstuser": "app", "mysql.host": "127.0.0.1"}},
		{"delete", "260601", 8, "mysql_table_changed", map[string]string{"mysql.db": "acme", "mysql.table": "users",
			"mysql.operation": "delete", "mysql.row": "7,xav,NULL", "dstuser": "app"}},
		{"empty user name", "", 0, "mysql_anonymous", nil},
		{"server error line", "260300", 5, "mysql_error", nil},
		{"refused LOAD DATA (secure_file_priv)", "260831", 6, "mysql_data_export",
			map[string]string{"status": "1290", "mysql.sqltext": "LOAD DATA INFILE '/etc/hostname' INTO TABLE acme.imp"}},
		{"refused LOAD DATA LOCAL", "260831", 6, "mysql_data_export",
			map[string]string{"mysql.sqltext": "LOAD DATA LOCAL INFILE '/etc/hostname' INTO TABLE acme.imp"}},
		{"integrity trigger dropped", "260910", 12, "mysql_integrity_disabled",
			map[string]string{"mysql.sqltext": "DROP TRIGGER acme.gossec_users_ai"}},
		{"log_error UDF dropped", "260911", 12, "mysql_integrity_disabled",
			map[string]string{"mysql.sqltext": "DROP FUNCTION log_error"}},
		{"audit logging turned off (audit)", "260901", 12, "mysql_integrity_disabled", nil},
		{"audit logging stopped (error log)", "260902", 10, "mysql_audit_disabled", nil},
	}
	missing := func() []string {
		alerts := h.alerts()
		var miss []string
		for _, w := range wants {
			if !slices.ContainsFunc(alerts, w.matches) {
				miss = append(miss, w.what)
			}
		}
		return miss
	}
	deadline := time.Now().Add(20 * time.Second)
	for len(missing()) > 0 && time.Now().Before(deadline) {
		time.Sleep(100 * time.Millisecond)
	}
	if miss := missing(); len(miss) > 0 {
		t.Errorf("alerts missing: %s", strings.Join(miss, "; "))
		for _, a := range h.alerts() {
			t.Logf("alert %s level %s groups %s data %s: %.160s", ruleID(a), str(a, "rule", "level"),
				str(a, "rule", "groups"), str(a, "data"), fullLog(a))
		}
	}
	// The excluded column never reaches the error log's trigger lines.
	for _, a := range h.alerts() {
		if str(a, "decoder", "name") == "gossec-mysql-integrity" && strings.Contains(fullLog(a), "zZDDIZ0NOlPzw") {
			t.Errorf("excluded column logged: %s", fullLog(a))
		}
	}

	mdbCheckBruteForce(t, h.alerts())

	// A restart is alerts too, none of them high: stop the server by its
	// PID while gossec still reads the error log, then start it again.
	// The audit plugin stops with the server: that is not the audit log
	// switched off on a running server.
	before := len(h.alerts())
	srv.cmd.Process.Signal(syscall.SIGTERM)
	shutdown := mdbWant{"shutdown", "260202", 5, "service_availability", nil}
	waitFor(t, 20*time.Second, "the shutdown alert", func() bool {
		return slices.ContainsFunc(h.alerts(), shutdown.matches)
	})
	// One shutdown is two alerts, its start and its end; InnoDB's own
	// "Shutdown completed; log sequence number" step is noise (260402).
	shutdownAlerts := func() (n int, ended bool) {
		for _, a := range h.alerts() {
			if shutdown.matches(a) {
				n++
				ended = ended || strings.Contains(fullLog(a), ": Shutdown complete")
			}
		}
		return n, ended
	}
	waitFor(t, 20*time.Second, "the end-of-shutdown alert", func() bool { _, ended := shutdownAlerts(); return ended })
	if n, _ := shutdownAlerts(); n != 2 {
		t.Errorf("%d shutdown alerts (260202), want 2: start and end", n)
	}
	select {
	case <-srv.exited:
	case <-time.After(20 * time.Second):
		t.Fatal("mariadbd did not exit after SIGTERM")
	}
	srv.launch()
	ready := mdbWant{"ready", "260200", 3, "service_availability", nil}
	waitFor(t, 20*time.Second, "the second ready alert", func() bool {
		n := 0
		for _, a := range h.alerts() {
			if ready.matches(a) {
				n++
			}
		}
		return n == 2
	})
	mdbCheckRestart(t, h.alerts()[before:])

	// Mails: the delete, routed by group and rule id; the alerts of level
	// 10 or more (the integrity ones among them); nothing of the restart.
	mdbWaitFor(t, 15*time.Second, "the notification mails", func() bool {
		return mdbMailsWith(t, mb.all(), "Rule: 260601 fired") > 0 && mdbMailsWith(t, mb.all(), "Rule: 260911 fired") > 0
	})
	time.Sleep(1500 * time.Millisecond) // a late mail would be a routing bug
	for _, m := range mb.all() {
		for _, l := range strings.Split(decodeMail(t, m), "\n") {
			if strings.HasPrefix(l, "Rule: ") {
				t.Logf("mail: %s", l)
			}
		}
	}
	stopped = true
	d.stop(t)
	mails := mb.all()
	if n := mdbMailsWith(t, mails, "Rule: 260601 fired"); n != 1 {
		t.Errorf("%d mails of the delete, want 1", n)
	}
	for _, want := range []string{"Rule: 260120 fired (level 10)",
		"Rule: 260910 fired (level 12) -> \"MySQL: integrity trigger dropped or replaced [root conn ",
		"]: DROP TRIGGER acme.gossec_users_ai\"",
		"Rule: 260911 fired (level 12)", "]: DROP FUNCTION log_error\"",
		"Rule: 260901 fired (level 12)", "]: SET GLOBAL server_audit_logging = OFF\""} {
		if mdbMailsWith(t, mails, want) == 0 {
			t.Errorf("no mail with %q", want)
		}
	}
	if n := mdbMailsWith(t, mails, "Rule: 260120 fired"); n != 1 {
		t.Errorf("%d brute-force mails, want 1", n)
	}
	mdbCheckBruteMail(t, mails)
	for _, restart := range []string{"Normal shutdown", "server_audit: STOPPED", "ready for connections", "Shutdown complete"} {
		if n := mdbMailsWith(t, mails, restart); n > 0 {
			t.Errorf("%d mails about the restart (%q)", n, restart)
		}
	}
	for _, m := range mails {
		body := decodeMail(t, m)
		if !strings.Contains(body, "Rule: 260601 fired") {
			continue
		}
		for _, want := range []string{
			"OSSEC HIDS Notification.",
			"->" + srv.errorLog,
			"Rule: 260601 fired (level 8)",
			"Table: acme.users: delete(7,xav,NULL) by app@127.0.0.1",
			"--END OF NOTIFICATION",
		} {
			if !strings.Contains(body, want) {
				t.Errorf("mail lacks %q:\n%s", want, body)
			}
		}
	}
	t.Logf("scenario done in %v", time.Since(start).Round(time.Millisecond))
	keepMariaDBLogs(t, srv)
}

// keepMariaDBLogs copies the server's logs to $GOSSEC_KEEP_MARIADB_LOGS
// when set: how samples/logs/mariadb-real-*.log were made.
func keepMariaDBLogs(t *testing.T, srv *mdbServer) {
	dst := os.Getenv("GOSSEC_KEEP_MARIADB_LOGS")
	if dst == "" {
		return
	}
	for _, p := range []string{srv.errorLog, srv.auditLog} {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dst, filepath.Base(p)), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
