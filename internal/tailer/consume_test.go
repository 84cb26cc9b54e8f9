package tailer

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// newTestFollower is a follower of a file holding data, driven by hand.
func newTestFollower(t *testing.T, data []byte, maxLine int, out chan Line) *follower {
	path := filepath.Join(t.TempDir(), "fuzz.log")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	file, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { file.Close() })
	return newFollowerOf(file, maxLine, out)
}

func newFollowerOf(file *os.File, maxLine int, out chan Line) *follower {
	t := &Tailer{}
	r := &run{t: t, cfg: &Config{MaxLine: maxLine}, out: out}
	t.cfg.setDefaults()
	t.log = t.cfg.Logger
	f := &follower{r: r, file: file, scratch: make([]byte, 0, FingerprintSize)}
	f.setWhere(file.Name())
	return f
}

// splitRef is the reference: complete lines, cut to maxLine.
func splitRef(data []byte, maxLine int) []Line {
	var ls []Line
	start := 0
	for {
		i := bytes.IndexByte(data[start:], '\n')
		if i < 0 {
			return ls
		}
		text := data[start : start+i]
		l := Line{Text: string(text), Start: int64(start), End: int64(start + i + 1)}
		if len(text) > maxLine {
			l.Text, l.Truncated = string(text[:maxLine]), true
		}
		ls = append(ls, l)
		start += i + 1
	}
}

// FuzzConsume feeds data in arbitrary chunks and compares with splitRef.
func FuzzConsume(f *testing.F) {
	f.Add([]byte("a\nbb\r\n\nccc"), uint8(3), uint8(2))
	f.Add([]byte("\x00\xff\n"+strings.Repeat("x", 40)+"\ny\n"), uint8(7), uint8(16))
	f.Fuzz(func(t *testing.T, data []byte, chunk, maxLine uint8) {
		if len(data) > 1<<12 {
			return
		}
		ml := int(maxLine%32) + 1
		step := int(chunk%17) + 1
		out := make(chan Line, len(data)+1)
		fl := newTestFollower(t, data, ml, out)
		for off := 0; off < len(data); off += step {
			if err := fl.consume(context.Background(), data[off:min(off+step, len(data))]); err != nil {
				t.Fatal(err)
			}
		}
		close(out)
		want := splitRef(data, ml)
		i := 0
		for got := range out {
			if i >= len(want) {
				t.Fatalf("extra line %+v", got)
			}
			w := want[i]
			if got.Text != w.Text || got.Start != w.Start || got.End != w.End || got.Truncated != w.Truncated {
				t.Fatalf("line %d = %+v, want %+v", i, got, w)
			}
			i++
		}
		if i != len(want) {
			t.Fatalf("got %d lines, want %d", i, len(want))
		}
		if fl.pos != int64(len(data)) {
			t.Fatalf("pos = %d, want %d", fl.pos, len(data))
		}
	})
}
