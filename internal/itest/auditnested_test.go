package itest

import (
	"fmt"
	"os"
	"strings"
	"testing"
	"time"
)

// Issue 10, item 6: MySQL 8 writes every Connect record of its new-style
// XML audit log with nested <CONNECTION_ATTRIBUTES>; such records must
// give events (with the attributes as audit_record.connection_attributes.*)
// and reach the pack's rules, written whole or record by record.
func TestAuditNestedXMLConnect(t *testing.T) {
	for _, mode := range []string{"whole", "records"} {
		t.Run(mode, func(t *testing.T) {
			h := newHome(t, auditConfig)
			h.write("logsrc/.keep", "")
			d := h.start()
			defer d.stop(t)
			h.waitLog(20*time.Second, "gossec running")
			data := readFixture(t, "mysql8-xml-new-attrs.xml")
			path := h.path("logsrc/mysql8.audit")
			f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			units := []string{data}
			if mode == "records" {
				units = splitRecords(data, true)
			}
			for _, u := range units {
				if _, err := f.WriteString(u); err != nil {
					t.Fatal(err)
				}
				time.Sleep(20 * time.Millisecond) // let the tailer see each record on its own
			}
			names := []string{"Audit", "Connect", "Connect", "Query", "Quit"}
			// the Quit record comes last: when it is there, everything before has been read
			waitFor(t, 10*time.Second, "the Quit event", func() bool {
				evs := auditEvents(t, h)[path]
				return len(evs) > 0 && str(evs[len(evs)-1], "audit_record", "name") == "Quit"
			})
			lines := int64(strings.Count(data, "\n"))
			waitFor(t, 10*time.Second, "every line counted in the state file", func() bool { return h.state("lines_read") >= lines })
			evs := auditEvents(t, h)[path]
			t.Logf("%d events of %d records, unparsed_records=%d", len(evs), len(names), h.state("unparsed_records"))
			if n := h.state("unparsed_records"); n != 0 {
				t.Errorf("unparsed_records = %d, want 0; log:\n%s", n, h.read("logs/gossec.log"))
			}
			if len(evs) != len(names) {
				t.Fatalf("%d events, want %d: %v", len(evs), len(names), evs)
			}
			for i, ev := range evs {
				if got := str(ev, "audit_record", "name"); got != names[i] {
					t.Errorf("event %d: name %q, want %q", i, got, names[i])
				}
			}
			wantAttrs := map[int]map[string]string{
				1: {"program_name": "mysql", "_os": "Linux", "_client_name": "libmysql", "_pid": "48211"},
				2: {"program_name": `<scanner> "probe"`, "_client_name": "Connector/J & friends"},
			}
			for i, attrs := range wantAttrs {
				for k, v := range attrs {
					if got := str(evs[i], "audit_record", "connection_attributes", k); got != v {
						t.Errorf("event %d: connection_attributes.%s = %q, want %q", i, k, got, v)
					}
				}
			}
			// the failed root login from outside reaches the pack's rules
			var hit map[string]any
			waitFor(t, 10*time.Second, "an alert for the failed login from 203.0.113.45", func() bool {
				for _, a := range h.alerts() {
					if strings.Contains(fullLog(a), `"ip":"203.0.113.45"`) {
						hit = a
						return true
					}
				}
				return false
			})
			rule, _ := hit["rule"].(map[string]any)
			groups, _ := rule["groups"].([]any)
			t.Logf("alert: rule %s level %v groups %v", ruleID(hit), rule["level"], groups)
			if !strings.Contains(str(rule, "groups"), "authentication_failed") {
				t.Errorf("alert groups %v, want authentication_failed", groups)
			}
			if got := str(hit, "data", "audit_record", "connection_attributes", "program_name"); got != `<scanner> "probe"` {
				t.Errorf("alert data.audit_record.connection_attributes.program_name = %q", got)
			}
		})
	}
}

// TestAuditNestedXMLBroken: a nested record that is not well-formed XML
// (an ATTRIBUTE closed by the wrong tag) is counted in unparsed_records
// and logged with its offset; the records around it still give events.
func TestAuditNestedXMLBroken(t *testing.T) {
	h := newHome(t, auditConfig)
	rec := func(n int, attrs string) string {
		return fmt.Sprintf(" <AUDIT_RECORD>\n  <NAME>Connect</NAME>\n  <RECORD_ID>%d_x</RECORD_ID>\n  <STATUS>0</STATUS>\n  <USER>u%d</USER>\n"+
			"  <CONNECTION_ATTRIBUTES>\n   <ATTRIBUTE>\n    <NAME>_os</NAME>\n    <VALUE>Linux</VALUE>\n   %s\n  </CONNECTION_ATTRIBUTES>\n </AUDIT_RECORD>\n", n, n, attrs)
	}
	good1, bad, good2 := rec(1, "</ATTRIBUTE>"), rec(2, "</ATTRIBUTES>"), rec(3, "</ATTRIBUTE>")
	h.write("logsrc/broken.audit", "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<AUDIT>\n"+good1+bad+good2)
	path := h.path("logsrc/broken.audit")
	d := h.start()
	defer d.stop(t)
	waitFor(t, 10*time.Second, "two events", func() bool { return len(auditEvents(t, h)[path]) >= 2 })
	offset := len("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<AUDIT>\n") + len(good1) + 1
	line := h.waitLog(10*time.Second, "record not parsed", path, fmt.Sprintf("offset %d", offset))
	t.Logf("log: %s", line)
	waitFor(t, 10*time.Second, "unparsed_records in the state file", func() bool { return h.state("unparsed_records") >= 1 })
	if n := h.state("unparsed_records"); n != 1 {
		t.Errorf("unparsed_records = %d, want 1", n)
	}
	evs := auditEvents(t, h)[path]
	if len(evs) != 2 || str(evs[0], "audit_record", "user") != "u1" || str(evs[1], "audit_record", "user") != "u3" {
		t.Errorf("events = %v, want u1 and u3", evs)
	}
	if got := str(evs[1], "audit_record", "connection_attributes", "_os"); got != "Linux" {
		t.Errorf("connection_attributes._os = %q", got)
	}
}
