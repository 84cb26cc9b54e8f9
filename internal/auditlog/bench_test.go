package auditlog

import (
	"strings"
	"testing"
)

// BenchmarkReader measures PushLine over each fixture, line by line, as
// the tailer feeds it.
func BenchmarkReader(b *testing.B) {
	for _, name := range []string{"mysql-xml-new.xml", "mysql8-xml-new-attrs.xml", "mysql-xml-old.xml",
		"percona-xml-new.xml", "percona-xml-old.xml", "mysql-json.json",
		"percona-json.log", "percona-csv.log", "mariadb-server_audit.log", "audit-login.log"} {
		data := string(readFixture(b, name))
		lines := strings.SplitAfter(data, "\n")
		b.Run(name, func(b *testing.B) {
			r := NewReader(Options{})
			b.ReportAllocs()
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				var end int64
				for _, l := range lines {
					end += int64(len(l))
					r.PushLine(strings.TrimSuffix(l, "\n"), end)
				}
			}
		})
	}
}
