package syslog

import (
	"testing"
)

// BenchmarkSend measures what the analyzer pays per alert: filters,
// rendering and the queue (full, so every Send also drops the oldest).
func BenchmarkSend(b *testing.B) {
	a := findSample("agent-mysql").alert()
	for _, f := range []Format{FormatDefault, FormatSplunk, FormatJSON, FormatJSONFull, FormatCEF} {
		b.Run(f.String(), func(b *testing.B) {
			c := testConfig(f, RFC5424)
			c.QueueSize = 64
			o := newOutput(b, c)
			b.ReportAllocs()
			for b.Loop() {
				o.Send(a)
			}
		})
	}
}

// BenchmarkFrame measures the Run side's framing of a message.
func BenchmarkFrame(b *testing.B) {
	msg, _ := newTestFormatter(b, testConfig(FormatCEF, RFC3164)).appendMessage(nil, findSample("hostile").alert())
	var buf []byte
	b.ReportAllocs()
	for b.Loop() {
		buf = appendFrame(buf[:0], msg, NewlineFraming)
	}
}

func TestSendAllocs(t *testing.T) {
	a := findSample("agent-mysql").alert()
	for _, f := range []Format{FormatDefault, FormatSplunk, FormatJSON, FormatCEF} {
		c := testConfig(f, RFC3164)
		c.QueueSize = 4
		o := newOutput(t, c)
		if n := testing.AllocsPerRun(100, func() { o.Send(a) }); n != 0 {
			t.Errorf("%v: %.1f allocations per Send", f, n)
		}
	}
}
