package cli

import (
	"strings"
	"testing"
)

// referenceLines is the line splitting eachLine has always done, written
// plainly: lines without "\n" or a final "\r", a line longer than maxLine
// cut there and the rest of it dropped.
func referenceLines(in string) []string {
	var out []string
	for in != "" {
		line, rest, found := strings.Cut(in, "\n")
		if len(line) >= maxLine {
			line = line[:maxLine]
		}
		line = strings.TrimSuffix(line, "\r")
		out = append(out, line)
		if !found {
			break
		}
		in = rest
	}
	return out
}

func collectLines(t *testing.T, in string) []string {
	t.Helper()
	var got []string
	if err := eachLine(strings.NewReader(in), func(s string) { got = append(got, s) }); err != nil {
		t.Fatal(err)
	}
	return got
}

func TestEachLineSplitsLikeTheReference(t *testing.T) {
	long := strings.Repeat("x", maxLine+10)
	exact := strings.Repeat("y", maxLine)
	for _, tc := range []struct{ name, in string }{
		{"empty", ""},
		{"one", "a"},
		{"newline", "a\n"},
		{"crlf", "a\r\nb\r\n"},
		{"blank lines", "\n\n\r\n"},
		{"no final newline", "a\nb"},
		{"cr only at end", "a\r"},
		{"long line cut", long + "\nnext\n"},
		{"exact max", exact + "\nnext"},
		{"long last line", "first\n" + long},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, want := collectLines(t, tc.in), referenceLines(tc.in)
			if strings.Join(got, "|") != strings.Join(want, "|") || len(got) != len(want) {
				t.Fatalf("got %d lines %.60q, want %d lines %.60q", len(got), got, len(want), want)
			}
		})
	}
}

// The []byte variant hands out the same bytes as the string one.
func TestEachLineBytesMatchesEachLine(t *testing.T) {
	in := "a\r\n\nsome log line\n" + strings.Repeat("z", maxLine+3) + "\nlast"
	want := collectLines(t, in)
	var got []string
	if err := eachLineBytes(strings.NewReader(in), func(b []byte) { got = append(got, string(b)) }); err != nil {
		t.Fatal(err)
	}
	if strings.Join(got, "|") != strings.Join(want, "|") || len(got) != len(want) {
		t.Fatalf("got %d lines, want %d", len(got), len(want))
	}
}

func benchInput() string {
	var sb strings.Builder
	for i := 0; i < 1000; i++ {
		sb.WriteString("Dec  8 03:24:42 host sshd[1234]: Accepted password for root from 10.0.0.1 port 22 ssh2\n")
	}
	return sb.String()
}

func BenchmarkEachLine(b *testing.B) {
	in := benchInput()
	b.ReportAllocs()
	b.SetBytes(int64(len(in)))
	for i := 0; i < b.N; i++ {
		_ = eachLine(strings.NewReader(in), func(string) {})
	}
}

func BenchmarkEachLineBytes(b *testing.B) {
	in := benchInput()
	b.ReportAllocs()
	b.SetBytes(int64(len(in)))
	for i := 0; i < b.N; i++ {
		_ = eachLineBytes(strings.NewReader(in), func([]byte) {})
	}
}

func FuzzEachLine(f *testing.F) {
	for _, s := range []string{"", "a\r\nb", "\n\n", "x\r", "sshd[1]: ok\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		got, want := collectLines(t, in), referenceLines(in)
		if len(got) != len(want) {
			t.Fatalf("got %d lines, want %d", len(got), len(want))
		}
		for i := range got {
			if got[i] != want[i] {
				t.Fatalf("line %d: got %q, want %q", i, got[i], want[i])
			}
		}
	})
}
