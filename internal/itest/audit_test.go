package itest

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

const auditConfig = `<ossec_config>
  <global>
    <logall_json>yes</logall_json>
  </global>
  <localfile>
    <location>logsrc/*.audit</location>
    <log_format>mysql_audit</log_format>
    <only-future-events>no</only-future-events>
  </localfile>
</ossec_config>
`

// auditFixture is one file of internal/auditlog/testdata with what its
// records say, read from the fixture by hand: the record names in order
// and, per record index, fields of the normalised audit_record.
type auditFixture struct {
	file   string
	xml    bool // records end at </AUDIT_RECORD> or "/>", not at every line
	names  []string
	fields map[int]map[string]string
}

var auditFixtures = []auditFixture{
	{file: "mysql-xml-new.xml", xml: true, names: []string{"Audit", "Connect", "Query", "Quit"},
		fields: map[int]map[string]string{
			1: {"user": "mallory", "ip": "10.0.0.23", "status": "1045", "host": "db-client-3", "connection_id": "7"},
			2: {"command_class": "drop_table", "connection_id": "8", "ip": "127.0.0.1"},
			3: {"connection_id": "8", "status": "0"},
		}},
	{file: "mysql-xml-old.xml", xml: true, names: []string{"Audit", "Connect", "Query"},
		fields: map[int]map[string]string{
			1: {"user": "app", "db": "shop", "ip": "10.0.0.5", "status": "0", "priv_user": "app"},
			2: {"status": "1051", "command_class": "drop_table", "sqltext": `DROP TABLE "missing"`},
		}},
	{file: "percona-json.log", names: []string{"Audit", "Connect", "Query", "Quit"},
		fields: map[int]map[string]string{
			1: {"user": "root", "ip": "198.51.100.4", "status": "1045", "connection_id": "31"},
			2: {"command_class": "drop_db", "sqltext": "DROP DATABASE \"old\"\n/* bye */"},
			3: {"user": "admin", "host": "localhost"},
		}},
	{file: "mariadb-server_audit.log", names: nil, // names are the plugin's operations, checked by count and fields
		fields: map[int]map[string]string{
			0: {"user": "root", "host": "localhost", "connection_id": "13"},
			1: {"user": "bob", "host": "10.0.0.5", "connection_id": "14", "status": "1045"},
			2: {"db": "acme", "sqltext": "DROP DATABASE x"},
			5: {"db": "mysql"},
		}},
	{file: "audit-login.log", names: nil,
		fields: map[int]map[string]string{
			0: {"user": "app", "ip": "10.0.0.31"},
			1: {"user": "backup_user", "ip": "10.0.0.32"},
			2: {"ip": "10.0.0.99"},
		}},
}

// records of the mariadb and audit-login fixtures: one per line.
var auditCounts = map[string]int{"mariadb-server_audit.log": 7, "audit-login.log": 3}

func (f auditFixture) count() int {
	if f.names != nil {
		return len(f.names)
	}
	return auditCounts[f.file]
}

// splitRecords cuts a fixture into write units that each end with a
// record's end (header and trailer lines go with their neighbours), as an
// audit plugin writes them.
func splitRecords(data string, xml bool) []string {
	var out []string
	var cur strings.Builder
	for line := range strings.SplitAfterSeq(data, "\n") {
		cur.WriteString(line)
		t := strings.TrimSpace(line)
		end := !xml && t != "" && t != "[" && t != "]"
		if xml {
			// An OLD record ends with "/>" (a NEW record's empty child
			// element, like <OS_LOGIN/>, does not end the record).
			oldEnd := strings.HasSuffix(t, "/>") && (!strings.HasPrefix(t, "<") || strings.HasPrefix(t, "<AUDIT_RECORD"))
			end = strings.HasSuffix(t, "</AUDIT_RECORD>") || oldEnd
		}
		if end {
			out = append(out, cur.String())
			cur.Reset()
		}
	}
	if cur.Len() > 0 {
		out = append(out, cur.String())
	}
	return out
}

// auditEvents reads archives.json: the normalised events per location.
func auditEvents(t testing.TB, h *home) map[string][]map[string]any {
	t.Helper()
	out := map[string][]map[string]any{}
	for _, a := range h.jsonLines("logs/archives/archives.json") {
		var ev map[string]any
		if err := json.Unmarshal([]byte(fullLog(a)), &ev); err != nil {
			t.Errorf("archived event of %s is not JSON: %v: %q", str(a, "location"), err, fullLog(a))
			continue
		}
		loc := str(a, "location")
		out[loc] = append(out[loc], ev)
	}
	return out
}

func readFixture(t testing.TB, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "auditlog", "testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestAuditFiles appends the audit fixtures to files read with
// log_format mysql_audit, record by record (waiting for each record's
// event) and in odd-sized chunks: one event per record, with its fields.
func TestAuditFiles(t *testing.T) {
	for _, mode := range []string{"records", "chunks"} {
		t.Run(mode, func(t *testing.T) {
			h := newHome(t, auditConfig)
			h.write("logsrc/.keep", "")
			d := h.start()
			defer d.stop(t)
			rng := rand.New(rand.NewPCG(3, 5))
			for _, fx := range auditFixtures {
				path := h.path("logsrc/" + fx.file + ".audit")
				f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
				if err != nil {
					t.Fatal(err)
				}
				data := readFixture(t, fx.file)
				if mode == "records" {
					recs := 0
					for _, unit := range splitRecords(data, fx.xml) {
						f.WriteString(unit)
						if strings.Contains(unit, "AUDIT_RECORD") || !fx.xml {
							recs++
						}
						deadline := time.Now().Add(10 * time.Second)
						for len(auditEvents(t, h)[path]) < recs {
							if time.Now().After(deadline) {
								t.Fatalf("%s: no event for record %d after writing %q; events: %v; log:\n%s",
									fx.file, recs, unit, auditEvents(t, h)[path], h.read("logs/gossec.log"))
							}
							time.Sleep(5 * time.Millisecond) // polling archives.json
						}
					}
				} else {
					for len(data) > 0 {
						n := min(len(data), 1+2*rng.IntN(40)) // odd sizes, 1..79 bytes
						f.WriteString(data[:n])
						data = data[n:]
						// Pace the writer so the tailer reads partial
						// records; this is not a synchronisation.
						time.Sleep(time.Millisecond)
					}
				}
				f.Close()
			}
			for _, fx := range auditFixtures {
				path := h.path("logsrc/" + fx.file + ".audit")
				waitFor(t, 10*time.Second, fx.file+" events", func() bool { return len(auditEvents(t, h)[path]) >= fx.count() })
			}
			// Let a wrong extra event (a replay, a split record) arrive.
			time.Sleep(1200 * time.Millisecond)
			evs := auditEvents(t, h)
			for _, fx := range auditFixtures {
				checkAuditEvents(t, fx, evs[h.path("logsrc/"+fx.file+".audit")])
			}
			waitFor(t, 5*time.Second, "the state file", func() bool { return h.state("unparsed_records") >= 0 })
			if n := h.state("unparsed_records"); n != 0 {
				t.Errorf("unparsed_records = %d, want 0; log:\n%s", n, h.read("logs/gossec.log"))
			}
		})
	}
}

func checkAuditEvents(t *testing.T, fx auditFixture, evs []map[string]any) {
	t.Helper()
	if len(evs) != fx.count() {
		t.Errorf("%s: %d events, want %d: %v", fx.file, len(evs), fx.count(), evs)
		return
	}
	for i, ev := range evs {
		if got := str(ev, "mysql_audit_log"); got != "percona" {
			t.Errorf("%s #%d: mysql_audit_log = %q, want percona", fx.file, i, got)
		}
		if fx.names != nil {
			if got := str(ev, "audit_record", "name"); got != fx.names[i] {
				t.Errorf("%s #%d: name = %q, want %q", fx.file, i, got, fx.names[i])
			}
		}
		for k, want := range fx.fields[i] {
			if got := str(ev, "audit_record", k); got != want {
				t.Errorf("%s #%d: audit_record.%s = %q, want %q (event %v)", fx.file, i, k, got, want, ev)
			}
		}
	}
}

// TestAuditCorruptRecord: a corrupted record between two good ones is
// counted in the state file and logged with its file and offset; the good
// ones still give events.
func TestAuditCorruptRecord(t *testing.T) {
	h := newHome(t, auditConfig)
	good1 := `{"audit_record":{"name":"Connect","record":"1_x","status":0,"user":"a"}}` + "\n"
	bad := `{"audit_record":{"name":"Query",}}` + "\n"
	good2 := `{"audit_record":{"name":"Quit","record":"3_x","status":0,"user":"a"}}` + "\n"
	h.write("logsrc/corrupt.audit", good1+bad+good2)
	path := h.path("logsrc/corrupt.audit")
	d := h.start()
	defer d.stop(t)
	waitFor(t, 10*time.Second, "two events", func() bool { return len(auditEvents(t, h)[path]) >= 2 })
	waitFor(t, 10*time.Second, "unparsed_records in the state file", func() bool { return h.state("unparsed_records") >= 1 })
	line := h.waitLog(5*time.Second, "record not parsed", path, fmt.Sprintf("offset %d", len(good1)))
	t.Logf("log: %s", line)
	time.Sleep(1200 * time.Millisecond)
	if n := h.state("unparsed_records"); n != 1 {
		t.Errorf("unparsed_records = %d, want 1", n)
	}
	evs := auditEvents(t, h)[path]
	if len(evs) != 2 || str(evs[0], "audit_record", "name") != "Connect" || str(evs[1], "audit_record", "name") != "Quit" {
		t.Errorf("events = %v, want Connect and Quit", evs)
	}
}

// TestAuditTrailerTrim: the MySQL audit plugin writes </AUDIT> at
// shutdown and removes it when it reopens the file; the records before it
// must not be replayed, neither by the running daemon nor after a restart.
func TestAuditTrailerTrim(t *testing.T) {
	h := newHome(t, auditConfig)
	path := h.path("logsrc/mysql.audit")
	data := readFixture(t, "mysql-xml-old.xml") // ends with </AUDIT>
	if !strings.HasSuffix(data, "</AUDIT>\n") {
		t.Fatal("fixture does not end with </AUDIT>")
	}
	h.write("logsrc/mysql.audit", data)
	d := h.start()
	defer func() { d.stop(t) }()
	waitFor(t, 10*time.Second, "3 events", func() bool { return len(auditEvents(t, h)[path]) >= 3 })

	record := func(n int) string {
		return fmt.Sprintf("  <AUDIT_RECORD\n    NAME=\"Quit\"\n    RECORD_ID=\"%d_restart\"\n    CONNECTION_ID=\"4\"\n    STATUS=\"0\"/>\n", n)
	}
	// restart simulates the plugin reopening the file: the trailer goes,
	// a record is appended, and the trailer comes back at its shutdown.
	restart := func(n int) {
		st, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.Truncate(path, st.Size()-int64(len("</AUDIT>\n"))); err != nil {
			t.Fatal(err)
		}
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
		if err != nil {
			t.Fatal(err)
		}
		f.WriteString(record(n) + "</AUDIT>\n")
		f.Close()
	}
	restart(4)
	waitFor(t, 10*time.Second, "4 events", func() bool { return len(auditEvents(t, h)[path]) >= 4 })

	// Now while gossec is down: the stored position points after the
	// trailer that is about to disappear.
	d.stop(t)
	restart(5)
	d = h.start()
	waitFor(t, 10*time.Second, "5 events", func() bool { return len(auditEvents(t, h)[path]) >= 5 })
	time.Sleep(1500 * time.Millisecond)
	evs := auditEvents(t, h)[path]
	var ids []string
	for _, ev := range evs {
		ids = append(ids, str(ev, "audit_record", "record"))
	}
	want := "1_2026-11-20T09:00:00 2_2026-11-20T09:00:00 3_2026-11-20T09:00:00 4_restart 5_restart"
	if got := strings.Join(ids, " "); got != want {
		t.Errorf("records = %s\nwant      %s", got, want)
	}
}

// sharedWazuh is the real Wazuh 4.9.2 ruleset laid out as an installed
// home (read-only).
const sharedWazuh = "../../../shared/compat/wazuh-4.9.2"

// TestPerconaFailedLoginWazuhRule: a Percona failed-login audit record,
// read with log_format mysql_audit, fires Wazuh's own rule 88003 when the
// daemon runs the real Wazuh ruleset.
func TestPerconaFailedLoginWazuhRule(t *testing.T) {
	shared, err := filepath.Abs(sharedWazuh)
	if err != nil {
		t.Fatal(err)
	}
	conf, err := os.ReadFile(filepath.Join(shared, "etc", "ossec.conf"))
	if err != nil {
		t.Skipf("shared Wazuh ruleset absent: %v", err)
	}
	// The shared home is read-only: the configuration moves to a temp
	// home and names the shared ruleset by absolute paths.
	c := string(conf)
	for _, rel := range []string{"ruleset/decoders", "ruleset/rules", "etc/lists/", "etc/decoders", "etc/rules"} {
		c = strings.ReplaceAll(c, ">"+rel, ">"+shared+"/"+rel)
	}
	if strings.Contains(c, ">ruleset/") || strings.Contains(c, ">etc/") {
		t.Fatalf("a relative ruleset path is left in:\n%s", c)
	}
	i := strings.LastIndex(c, "</ossec_config>")
	if i < 0 {
		t.Fatal("no </ossec_config> in the shared ossec.conf")
	}
	c = c[:i] + `
  <localfile>
    <location>logsrc/percona.audit</location>
    <log_format>mysql_audit</log_format>
    <only-future-events>no</only-future-events>
  </localfile>
` + c[i:]
	h := newHome(t, c)
	h.write("logsrc/percona.audit", "")
	d := h.start()
	defer d.stop(t)
	// The second record of the fixture is a Connect refused with 1045.
	recs := splitRecords(readFixture(t, "percona-json.log"), false)
	f, err := os.OpenFile(h.path("logsrc/percona.audit"), os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString(recs[0] + recs[1])
	f.Close()
	var got map[string]any
	waitFor(t, 30*time.Second, "an alert of rule 88003", func() bool {
		for _, a := range h.alerts() {
			if ruleID(a) == "88003" {
				got = a
				return true
			}
		}
		return false
	})
	if ip := str(got, "data", "audit_record", "ip"); ip != "198.51.100.4" {
		t.Errorf("88003 alert data.audit_record.ip = %q, want 198.51.100.4: %v", ip, got)
	}
	if loc := str(got, "location"); loc != h.path("logsrc/percona.audit") {
		t.Errorf("location = %q", loc)
	}
}
