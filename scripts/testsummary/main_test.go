package main

import (
	"bytes"
	"strings"
	"testing"
)

func TestSummary(t *testing.T) {
	tests := []struct {
		name  string
		input string
		want  []string // lines the summary must contain
		fail  bool
	}{
		{
			name: "pass and skip with reason",
			input: `{"Action":"run","Package":"p","Test":"TestA"}
{"Action":"pass","Package":"p","Test":"TestA"}
{"Action":"run","Package":"p","Test":"TestB"}
{"Action":"output","Package":"p","Test":"TestB","Output":"=== RUN   TestB\n"}
{"Action":"output","Package":"p","Test":"TestB","Output":"    b_test.go:12: rsyslogd not installed\n"}
{"Action":"output","Package":"p","Test":"TestB","Output":"--- SKIP: TestB (0.00s)\n"}
{"Action":"skip","Package":"p","Test":"TestB"}
{"Action":"pass","Package":"p"}
`,
			want: []string{"1 × rsyslogd not installed", "p TestB", "1 passed, 0 failed, 1 skipped"},
		},
		{
			name: "failed test and package",
			input: `{"Action":"fail","Package":"p","Test":"TestC"}
{"Action":"fail","Package":"p"}
`,
			want: []string{"FAILED: p TestC", "FAILED package: p", "0 passed, 1 failed, 0 skipped"},
			fail: true,
		},
		{
			name:  "build error outside test2json",
			input: "# p\n./x.go:1: syntax error\n{\"Action\":\"fail\",\"Package\":\"p\"}\n",
			want:  []string{"./x.go:1: syntax error", "FAILED package: p"},
			fail:  true,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var out bytes.Buffer
			s, err := read(strings.NewReader(tc.input), &out)
			if err != nil {
				t.Fatal(err)
			}
			s.print(&out)
			for _, w := range tc.want {
				if !strings.Contains(out.String(), w) {
					t.Errorf("summary lacks %q:\n%s", w, out.String())
				}
			}
			if failed := s.failed > 0 || len(s.failedPkgs) > 0; failed != tc.fail {
				t.Errorf("failed = %v, want %v", failed, tc.fail)
			}
		})
	}
}
