package daemon

import (
	"errors"
	"syscall"
	"testing"

	"github.com/gossec/gossec/internal/alert"
)

// seqFakeSink numbers the alerts it takes and reports a durable prefix
// set by the test, as alertfile.Writer does after a Flush that failed
// part way.
type seqFakeSink struct {
	*fakeSink
	seq, durable uint64
}

func (s *seqFakeSink) WriteAlert(a *alert.Alert) error {
	if err := s.fakeSink.WriteAlert(a); err != nil {
		return err
	}
	s.seq++
	return nil
}

func (s *seqFakeSink) Seq() uint64     { return s.seq }
func (s *seqFakeSink) Durable() uint64 { return s.durable }

// TestFailedFlushCommitsDurablePrefix: a Flush that fails part way still
// commits the positions of the lines whose records are on disk, and only
// those; once it succeeds everything is committed.
func TestFailedFlushCommitsDurablePrefix(t *testing.T) {
	tests := []struct {
		name    string
		durable uint64
		want    int64 // committed offset after the failed commit
	}{
		{"nothing on disk", 0, -1},
		{"first two on disk", 2, 200},
		{"all on disk but Flush failed", 3, 300},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newDeliveryFixture(t, false)
			sink := &seqFakeSink{fakeSink: f.sink}
			f.an.out = sink
			for n := 1; n <= 3; n++ {
				f.an.process(testItem(n))
			}
			if sink.seq != 3 {
				t.Fatalf("%d alerts written, want 3", sink.seq)
			}
			sink.durable = tc.durable
			f.sink.set(func(s *fakeSink) { s.flushErr = syscall.ENOSPC })
			if err := f.an.commit(); !errors.Is(err, syscall.ENOSPC) {
				t.Fatalf("commit: %v, want ENOSPC", err)
			}
			if got := f.durable(t); got != tc.want {
				t.Errorf("committed offset %d after a partly failed flush, want %d", got, tc.want)
			}
			sink.durable = 3
			f.sink.set(func(s *fakeSink) { s.flushErr = nil })
			if err := f.an.commit(); err != nil {
				t.Fatal(err)
			}
			if got := f.durable(t); got != 300 {
				t.Errorf("committed offset %d once Flush works, want 300", got)
			}
		})
	}
}
