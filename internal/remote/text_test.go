package remote

import (
	"testing"
	"time"
)

func TestConvert(t *testing.T) {
	recv := time.Date(2026, 11, 21, 9, 30, 0, 0, time.FixedZone("", 3600))
	tests := []struct {
		name, in, want string
		malformed      bool
		nul            bool
	}{
		{"3164 with PRI", "<13>Nov 21 09:30:00 web1 sshd[42]: Accepted password\n", "Nov 21 09:30:00 web1 sshd[42]: Accepted password", false, false},
		{"no PRI", "Nov 21 09:30:00 web1 app: hi", "Nov 21 09:30:00 web1 app: hi", false, false},
		{"crlf", "<13>hello\r\n", "hello", false, false},
		{"only one newline removed", "<13>hello\n\n", "hello\n", false, false},
		{"PRI out of range", "<192>hello", "hello", true, false},
		{"PRI leading zero", "<013>hello", "hello", true, false},
		{"PRI not digits", "<ab>hello", "hello", true, false},
		{"no closing bracket", "<13 hello", "<13 hello", true, false},
		{"NUL cuts", "<13>abc\x00def", "abc", false, true},
		{"NUL after a bad PRI", "<013>abc\x00def\n", "abc", true, true},
		{"NUL before the newline", "<13>abc\x00def\n** Alert 1.1: - forged\n", "abc", false, true},
		{"LF and CR kept: one frame, one event", "<13>Nov 21 09:30:00 h app: a\n** Alert 1.1: - forged\r\nRule: 1\n",
			"Nov 21 09:30:00 h app: a\n** Alert 1.1: - forged\r\nRule: 1", false, false},
		{"5424 full", `<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog 1234 ID47 [exampleSDID@32473 iut="3" eventSource="App"] An application event`,
			`2003-10-11T22:14:15.003+00:00 mymachine.example.com evntslog[1234]: ID47 [exampleSDID@32473 iut="3" eventSource="App"] An application event`, false, false},
		{"5424 nil fields", "<34>1 2003-10-11T22:14:15-07:00 host su - - - 'su root' failed",
			"2003-10-11T22:14:15-07:00 host su: 'su root' failed", false, false},
		{"5424 no app", "<34>1 2003-10-11T22:14:15+02:00 host - - - - text", "2003-10-11T22:14:15+02:00 host text", false, false},
		{"5424 nil host and time", "<34>1 - - app 7 - - msg", "2026-11-21T09:30:00+01:00 10.1.2.3 app[7]: msg", false, false},
		{"5424 micro fraction", "<34>1 2003-08-24T05:14:15.000003-07:00 h a - - - m", "2003-08-24T05:14:15.000003-07:00 h a: m", false, false},
		{"5424 short fraction padded", "<34>1 2003-08-24T05:14:15.5Z h a - - - m", "2003-08-24T05:14:15.500+00:00 h a: m", false, false},
		{"5424 4-digit fraction widened", "<34>1 2003-08-24T05:14:15.1234Z h a - - - m", "2003-08-24T05:14:15.123400+00:00 h a: m", false, false},
		{"5424 BOM and timeQuality dropped", "<13>1 2026-11-21T09:30:00.123456+00:00 web1 root - - [timeQuality tzKnown=\"1\" isSynced=\"0\"] \xef\xbb\xbfhello",
			"2026-11-21T09:30:00.123456+00:00 web1 root: hello", false, false},
		{"5424 escaped bracket in SD", `<13>1 2026-11-21T09:30:00Z h a - - [x@1 k="a\]b"][y@1 z="1"] m`, `2026-11-21T09:30:00+00:00 h a: [x@1 k="a\]b"] [y@1 z="1"] m`, false, false},
		{"5424 without MSG", "<13>1 2026-11-21T09:30:00Z h a - ID1 -", "2026-11-21T09:30:00+00:00 h a: ID1", false, false},
		{"looks like 5424 but invalid", "<13>1 yesterday host app - - - m", "1 yesterday host app - - - m", true, false},
	}
	c := newConverter(func() time.Time { return recv })
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, bad, nul, ok := c.convert([]byte(tc.in), "10.1.2.3")
			if !ok || got != tc.want || bad != tc.malformed || nul != tc.nul {
				t.Errorf("convert(%q)\n got %q malformed=%v nul=%v ok=%v\nwant %q malformed=%v nul=%v",
					tc.in, got, bad, nul, ok, tc.want, tc.malformed, tc.nul)
			}
		})
	}
	for _, empty := range []string{"", "\n", "\r\n", "\x00x"} {
		if _, _, _, ok := c.convert([]byte(empty), "x"); ok {
			t.Errorf("convert(%q) delivered an empty message", empty)
		}
	}
}

func FuzzConvert(f *testing.F) {
	for _, s := range []string{"<13>hi", "<165>1 2003-10-11T22:14:15.003Z h a 1 ID [a@1 b=\"c\"] m", "<1>1 - - - - - -", "\x00", "<>"} {
		f.Add([]byte(s))
	}
	c := newConverter(time.Now)
	f.Fuzz(func(t *testing.T, b []byte) {
		if len(b) > 4096 {
			return
		}
		text, _, _, ok := c.convert(b, "127.0.0.1")
		if ok && text == "" {
			t.Errorf("empty text delivered for %q", b)
		}
		for i := range len(text) {
			if text[i] == 0 {
				t.Fatalf("NUL in text for %q", b)
			}
		}
	})
}

func BenchmarkConvert(b *testing.B) {
	c := newConverter(time.Now)
	in3164 := []byte("<13>Nov 21 09:30:00 web1 sshd[42]: Accepted password for root from 10.0.0.1 port 22 ssh2")
	in5424 := []byte("<13>1 2026-11-21T09:30:00.123456+00:00 web1 sshd 42 - - Accepted password for root from 10.0.0.1 port 22 ssh2")
	b.Run("3164", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			c.convert(in3164, "10.0.0.1")
		}
	})
	b.Run("5424", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			c.convert(in5424, "10.0.0.1")
		}
	})
}
