package decoders

import (
	"testing"

	"github.com/gossec/gossec/internal/event"
)

func benchDecode(b *testing.B, line string) {
	s := loadWazuh(b)
	st := NewState()
	proto := eventFor(line)
	ev := *proto
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		ev.Reset()
		ev.Log, ev.ProgramName, ev.HasProgramName, ev.Hostname, ev.Time = proto.Log, proto.ProgramName, proto.HasProgramName, proto.Hostname, proto.Time
		s.Decode(&ev, st)
	}
}

func BenchmarkDecode(b *testing.B) {
	for _, c := range []struct{ name, line string }{
		{"nomatch-nopn", "this line matches no decoder at all, it is just some text"},
		{"nomatch-pn", "Dec 29 10:00:01 host unknownprog[12]: this line matches no decoder"},
		{"sshd", "Feb 10 23:21:05 someserver sshd[1234]: Failed password for invalid user admin from 192.168.1.1 port 4444 ssh2"},
		{"pam", "Jan 10 10:12:32 host su[123]: pam_unix(su:session): session opened for user root by alice(uid=1000)"},
		{"apache", `192.168.2.10 - - [21/Nov/2026:10:00:00 +0000] "GET /index.html HTTP/1.1" 404 209 "-" "curl/8.0"`},
		{"json", `{"srcip":"10.0.0.1","user":"bob","nested":{"a":1,"b":[1,2]}}`},
	} {
		b.Run(c.name, func(b *testing.B) { benchDecode(b, c.line) })
	}
}

// BenchmarkDecodeIni decodes every .ini test line, through the index and
// with the plain ordered scan, with both rulesets.
func BenchmarkDecodeIni(b *testing.B) {
	cases := readIniCases(b)
	evs := make([]event.Event, len(cases))
	for i, c := range cases {
		evs[i] = *eventFor(c.line)
	}
	for _, rs := range []struct {
		name string
		load func(testing.TB) *Set
	}{{"wazuh", loadWazuh}, {"ossec", loadOSSEC}} {
		s := rs.load(b)
		for _, indexed := range []bool{true, false} {
			name := rs.name + "/plain"
			if indexed {
				name = rs.name + "/indexed"
			}
			b.Run(name, func(b *testing.B) {
				st := NewState()
				var ev event.Event
				b.ReportAllocs()
				for i := 0; b.Loop(); i++ {
					p := &evs[i%len(evs)]
					ev.Reset()
					ev.Log, ev.ProgramName, ev.HasProgramName, ev.Hostname, ev.Time = p.Log, p.ProgramName, p.HasProgramName, p.Hostname, p.Time
					s.decode(&ev, st, indexed)
				}
			})
		}
	}
}

// BenchmarkLogScan measures the literal scan of the prefilters alone, over
// the .ini logs.
func BenchmarkLogScan(b *testing.B) {
	s := loadWazuh(b)
	var logs []string
	for _, c := range readIniCases(b) {
		logs = append(logs, eventFor(c.line).Log)
	}
	var buf []uint64
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		buf = s.lits.Scan(logs[i%len(logs)], buf)
	}
}
