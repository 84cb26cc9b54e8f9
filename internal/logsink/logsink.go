package logsink

import (
	"bytes"
	"strings"
	"sync"
)

// Sink is an io.Writer that keeps what is written. It is safe for
// concurrent use; the zero value is empty and ready.
type Sink struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *Sink) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

// String returns everything written.
func (s *Sink) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// Lines returns the non-empty lines that hold every one of subs (all of
// them without subs), nil when there is none.
func (s *Sink) Lines(subs ...string) []string {
	var out []string
	for line := range strings.SplitSeq(s.String(), "\n") {
		ok := line != ""
		for _, sub := range subs {
			ok = ok && strings.Contains(line, sub)
		}
		if ok {
			out = append(out, line)
		}
	}
	return out
}

// Count returns how many times sub was written (within single writes or
// across them).
func (s *Sink) Count(sub string) int { return strings.Count(s.String(), sub) }
