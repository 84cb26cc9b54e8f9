package logsink

import (
	"fmt"
	"strings"
	"sync"
	"testing"
)

func TestLinesAndCount(t *testing.T) {
	var s Sink
	if s.Lines() != nil || s.Count("x") != 0 {
		t.Fatal("an empty sink has lines")
	}
	fmt.Fprint(&s, "level=WARN msg=a k=1\nlevel=INFO msg=b k=2\n\nlevel=WARN msg=a k=3\n")
	tests := []struct {
		subs []string
		want []string
	}{
		{nil, []string{"level=WARN msg=a k=1", "level=INFO msg=b k=2", "level=WARN msg=a k=3"}},
		{[]string{"msg=a"}, []string{"level=WARN msg=a k=1", "level=WARN msg=a k=3"}},
		{[]string{"msg=a", "k=3"}, []string{"level=WARN msg=a k=3"}},
		{[]string{"msg=c"}, nil},
	}
	for _, tc := range tests {
		if got := s.Lines(tc.subs...); strings.Join(got, "|") != strings.Join(tc.want, "|") {
			t.Errorf("Lines(%q) = %q, want %q", tc.subs, got, tc.want)
		}
	}
	if n := s.Count("level=WARN"); n != 2 {
		t.Errorf("Count = %d, want 2", n)
	}
}

func TestConcurrentWrites(t *testing.T) {
	var s Sink
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			for range 100 {
				fmt.Fprintf(&s, "writer %d\n", i)
			}
		})
	}
	wg.Wait()
	if n := len(s.Lines("writer")); n != 800 {
		t.Errorf("%d lines, want 800", n)
	}
}
