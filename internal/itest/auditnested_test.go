package itest

import (
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
