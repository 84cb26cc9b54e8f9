package logformat

import (
	"testing"
)

func BenchmarkFramers(b *testing.B) {
	benches := []struct {
		format string
		opt    Options
		lines  []string
	}{
		{"syslog", Options{}, []string{"Nov 21 10:00:00 db1 mysqld[77]: Access denied for user 'bob'@'10.0.0.5' (using password: YES)"}},
		{"json", Options{Labels: []Label{{"mysql_audit_log", "percona"}}},
			[]string{`{"audit_record":{"name":"Connect","record":"2_x","timestamp":"2026-11-20T13:00:05 UTC","connection_id":"31","status":1045,"user":"root","host":"","ip":"198.51.100.4","db":""}}`}},
		{"mysql_log", Options{}, []string{"2019-03-05T10:11:12.123456Z 0 [Note] Access denied for user 'bob'@'10.0.0.5' (using password: YES)", "\t\t      32 Connect     root@localhost on "}},
		{"multi-line:3", Options{}, []string{"a first line", "a second line", "a third line"}},
		{"multi-line-regex", Options{Regex: `^\d{4}-\d\d-\d\d `}, []string{"2026-11-21 10:00:00 ERROR boom", "  at a()", "  at b()"}},
		{"mysql_audit", Options{Labels: []Label{{"mysql_audit_log", "percona"}}},
			[]string{`20261121 08:42:31,db1,bob,10.0.0.5,14,0,FAILED_CONNECT,,,1045`}},
	}
	for _, bb := range benches {
		b.Run(bb.format, func(b *testing.B) {
			f, err := New(bb.format, bb.opt)
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			var end int64
			for b.Loop() {
				for _, l := range bb.lines {
					end += int64(len(l)) + 1
					f.Push(l, end, t0)
				}
			}
		})
	}
}
