package predecode

import "testing"

func TestParseWithRelease(t *testing.T) {
	const (
		uls      = "2021-04-21 10:16:09.404756-0700 host prog[1]: msg"
		suricata = "01/28/1979-09:13:16.240702  x" // 29 bytes: loglen 30
		short    = "01/28/1979-09:13:16.240702 "   // 27 bytes: loglen 28
	)
	tests := []struct {
		name     string
		line     string
		opt      Options
		wantTS   string
		wantLog  string
		wantProg string
	}{
		{"macOS ULS (wazuh >= 4.3)", uls, Options{}, "2021-04-21 10:16:09.404756-0700", "msg", "prog"},
		{"macOS ULS (wazuh < 4.3)", uls, Options{NoMacULS: true}, "", uls, ""},
		{"suricata", suricata, Options{}, "01/28/1979-09:13:16.240702", "x", ""},
		{"suricata (wazuh >= 4.12)", suricata, Options{SuricataLong: true}, "01/28/1979-09:13:16.240702", "x", ""},
		{"short suricata", short, Options{}, "01/28/1979-09:13:16.240702", "", ""},
		{"short suricata (wazuh >= 4.12)", short, Options{SuricataLong: true}, "", short, ""},
	}
	for _, tt := range tests {
		h := ParseWith(tt.line, tt.opt)
		if h.Timestamp != tt.wantTS || h.Log != tt.wantLog || h.ProgramName != tt.wantProg {
			t.Errorf("%s: timestamp %q log %q program %q; want %q %q %q", tt.name, h.Timestamp, h.Log, h.ProgramName, tt.wantTS, tt.wantLog, tt.wantProg)
		}
	}
}

func TestRemoveControl(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain text", "plain text"},
		{"a\tb\x01c\x7fd\x1b[0m", "abcd[0m"},
		{"\x00\x1f", ""},
		{"caf\xc3\xa9 \xff", "caf\xc3\xa9 \xff"}, // bytes >= 128 stay
	}
	for _, tt := range tests {
		if got := RemoveControl(tt.in); got != tt.want {
			t.Errorf("RemoveControl(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	if n := testing.AllocsPerRun(100, func() { RemoveControl("nothing to delete here") }); n != 0 {
		t.Errorf("RemoveControl allocates %v times on a clean line", n)
	}
}

func BenchmarkRemoveControl(b *testing.B) {
	clean := "Dec 29 10:00:01 db1 sshd[12]: Failed password for root from 10.0.0.1 port 22 ssh2"
	dirty := "Dec 29 10:00:01 db1 sshd[12]: Failed\tpassword for root from 10.0.0.1 port 22 ssh2\x1b[0m"
	for _, c := range []struct{ name, s string }{{"clean", clean}, {"dirty", dirty}} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				RemoveControl(c.s)
			}
		})
	}
}
