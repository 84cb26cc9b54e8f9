package logtest

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the testdata/*.golden files")

// goldenInput is one testdata/*.json file: the engine's output for one
// event plus the client options.
type goldenInput struct {
	Alert          json.RawMessage `json:"alert"`
	Trace          []string        `json:"trace"`
	AlertGenerated bool            `json:"alert_generated"`
	Messages       []string        `json:"messages"`
	Verbose        bool            `json:"verbose"`
}

func TestWriteGolden(t *testing.T) {
	files, err := filepath.Glob("testdata/*.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("no golden inputs: %v", err)
	}
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".json")
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			var in goldenInput
			if err := json.Unmarshal(data, &in); err != nil {
				t.Fatalf("%s: %v", f, err)
			}
			var got bytes.Buffer
			out := Output{Alert: in.Alert, Trace: in.Trace, AlertGenerated: in.AlertGenerated, Messages: in.Messages}
			if err := Write(&got, out, Options{Verbose: in.Verbose}); err != nil {
				t.Fatalf("Write: %v", err)
			}
			golden := strings.TrimSuffix(f, ".json") + ".golden"
			if *update {
				if err := os.WriteFile(golden, got.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if !bytes.Equal(got.Bytes(), want) {
				t.Errorf("transcript differs from %s\n--- got\n%s\n--- want\n%s", golden, got.Bytes(), want)
			}
		})
	}
}

func TestWriteShapes(t *testing.T) {
	tests := []struct {
		name    string
		out     Output
		opt     Options
		want    []string // substrings, in order
		notWant []string
	}{
		{
			name:    "empty alert is no decoder and no rule",
			out:     Output{},
			want:    []string{"\n**Phase 1: Completed pre-decoding.\n\n**Phase 2: Completed decoding.\n\tNo decoder matched.\n"},
			notWant: []string{"Phase 3", "Alert to be generated", "full event"},
		},
		{
			name: "level omitted for a zero-level rule is printed as 0",
			out:  Output{Alert: []byte(`{"rule":{"id":"1","description":"d"}}`)},
			want: []string{"\tid: '1'\n\tlevel: '0'\n\tdescription: 'd'\n"},
		},
		{
			name:    "null decoder is no decoder; data is then not printed",
			out:     Output{Alert: []byte(`{"decoder":null,"data":{"srcip":"1.2.3.4"}}`)},
			want:    []string{"No decoder matched."},
			notWant: []string{"srcip"},
		},
		{
			name: "first keys holding objects print as dict repr",
			out:  Output{Alert: []byte(`{"decoder":{"name":{"b":1,"a":"x"}}}`)},
			want: []string{"\tname: '{'b': 1, 'a': 'x'}'\n"},
		},
		{
			name:    "trace only with verbose",
			out:     Output{Alert: []byte(`{}`), Trace: []string{"*Rule 1 matched"}},
			notWant: []string{"Rule debugging"},
		},
		{
			name: "duplicate keys: last value at first position",
			out:  Output{Alert: []byte(`{"decoder":{"name":"a","name":"b"},"data":{"x":"1","x":"2"}}`)},
			want: []string{"\tname: 'b'\n\tx: '2'\n"},
		},
		{
			name: "sorting is by byte, uppercase first, nested by level",
			out:  Output{Alert: []byte(`{"decoder":{"name":"n"},"data":{"b":{"z":"1","a":"2"},"a.z":"3","B":"4","a":{"y":"5"}}}`)},
			want: []string{"\tB: '4'\n\ta.y: '5'\n\ta.z: '3'\n\tb.a: '2'\n\tb.z: '1'\n"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := Write(&b, tt.out, tt.opt); err != nil {
				t.Fatal(err)
			}
			got := b.String()
			rest := got
			for _, w := range tt.want {
				i := strings.Index(rest, w)
				if i < 0 {
					t.Fatalf("missing %q in\n%s", w, got)
				}
				rest = rest[i+len(w):]
			}
			for _, w := range tt.notWant {
				if strings.Contains(got, w) {
					t.Errorf("unexpected %q in\n%s", w, got)
				}
			}
		})
	}
}

func TestWriteErrors(t *testing.T) {
	for _, in := range []string{`{`, `[]`, `"x"`, `{"a":1} {}`, `{"rule":"x"}`, `{"data":[1]}`, `{"decoder":"sshd"}`, `{"predecoder":1}`} {
		var b bytes.Buffer
		if err := Write(&b, Output{Alert: []byte(in)}, Options{}); err == nil {
			t.Errorf("Write(%s): no error", in)
		} else if b.Len() != 0 {
			t.Errorf("Write(%s) wrote %q before failing", in, b.String())
		}
	}
}

func TestBanner(t *testing.T) {
	var b bytes.Buffer
	if err := Banner(&b, "wazuh-logtest", "v4.9.2"); err != nil {
		t.Fatal(err)
	}
	if err := Prompt(&b); err != nil {
		t.Fatal(err)
	}
	if want := "Starting wazuh-logtest v4.9.2\nType one log per line\n\n"; b.String() != want {
		t.Errorf("got %q, want %q", b.String(), want)
	}
}

func TestRepr(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", `''`},
		{"abc", `'abc'`},
		{"it's", `"it's"`},
		{`say "hi"`, `'say "hi"'`},
		{`it's "x"`, `'it\'s "x"'`},
		{`a\b`, `'a\\b'`},
		{"a\tb\nc\rd", `'a\tb\nc\rd'`},
		{"\x00\x1b\x7f", `'\x00\x1b\x7f'`},
		{"\u00a0\u00e9", `'\xa0é'`},
		{"\u200b\u2028", `'\u200b\u2028'`},
		{"\U000e0001", `'\U000e0001'`},
		{"日本", `'日本'`},
		{"\xff", `'\udcff'`},
	}
	for _, tt := range tests {
		if got := Repr(tt.in); got != tt.want {
			t.Errorf("Repr(%q) = %s, want %s", tt.in, got, tt.want)
		}
	}
}

func TestPyStrNumbers(t *testing.T) {
	tests := []struct{ in, want string }{
		{"0", "0"}, {"-0", "0"}, {"5", "5"}, {"-12", "-12"},
		{"123456789012345678901234567890", "123456789012345678901234567890"},
		{"0.0", "0.0"}, {"-0.0", "-0.0"}, {"1.0", "1.0"}, {"1e2", "100.0"}, {"2.50", "2.5"},
		{"0.1", "0.1"}, {"1e-4", "0.0001"}, {"1e-5", "1e-05"}, {"1.5e-7", "1.5e-07"},
		{"1e15", "1000000000000000.0"}, {"1e16", "1e+16"}, {"1.2345e16", "1.2345e+16"},
		{"123456789.125", "123456789.125"}, {"1e400", "inf"}, {"-1e400", "-inf"},
		{"1e100", "1e+100"}, {"0.1e1", "1.0"}, {"5E-324", "5e-324"},
	}
	for _, tt := range tests {
		if got := string(pyNumber(nil, tt.in)); got != tt.want {
			t.Errorf("pyNumber(%s) = %s, want %s", tt.in, got, tt.want)
		}
	}
}

func TestExpectation(t *testing.T) {
	sshd := Output{Alert: []byte(`{"rule":{"level":5,"id":"5716"},"decoder":{"name":"sshd"}}`)}
	zero := Output{Alert: []byte(`{"rule":{"id":"5500"},"decoder":{"name":"pam"}}`)}
	nodec := Output{Alert: []byte(`{"rule":{"level":2,"id":"1002"},"decoder":{}}`)}
	intID := Output{Alert: []byte(`{"rule":{"level":5,"id":5716},"decoder":{"name":"sshd"}}`)}
	tests := []struct {
		u    string
		last Output
		want int
	}{
		{"5716:5:sshd", sshd, 0},
		{"5716:3:sshd", sshd, 1},
		{"5716:5:SSHD", sshd, 1},
		{"5500:0:pam", zero, 0},
		{"1002:2:", nodec, 1}, // equal, one empty part
		{"1002:2:x", nodec, 1},
		{"::", Output{}, 3}, // no event: all empty, equal
		{"::", Output{Alert: []byte(`{}`)}, 3},
		{"5716::", Output{}, 1},
		{"5716:5:sshd", intID, 1}, // a non-string id never equals
		{"5716:5:sshd", Output{Alert: []byte(`{`)}, 1},
	}
	for _, tt := range tests {
		e, err := ParseExpectation(tt.u)
		if err != nil {
			t.Fatalf("ParseExpectation(%q): %v", tt.u, err)
		}
		if e.String() != tt.u {
			t.Errorf("String() = %q, want %q", e.String(), tt.u)
		}
		if got := e.ExitCode(tt.last); got != tt.want {
			t.Errorf("%q vs %s: exit %d, want %d", tt.u, tt.last.Alert, got, tt.want)
		}
	}
	for _, bad := range []string{"", "1", "1:2", "1:2:3:4"} {
		if _, err := ParseExpectation(bad); err == nil {
			t.Errorf("ParseExpectation(%q): no error", bad)
		}
	}
}

func TestWriteResult(t *testing.T) {
	out := Output{Alert: []byte(`{"rule":{"level":5,"id":"5716"},"decoder":{"name":"o'sshd"}}`)}
	tests := []struct{ u, want string }{
		{"5716:5:o'sshd", "\nUnit test OK\n"},
		{"5716:3:sshd", "\nUnit test FAIL. Expected ['5716', '3', 'sshd'] , Result ['5716', '5', \"o'sshd\"]\n"},
	}
	for _, tt := range tests {
		e, _ := ParseExpectation(tt.u)
		var b bytes.Buffer
		if err := e.WriteResult(&b, out); err != nil {
			t.Fatal(err)
		}
		if b.String() != tt.want {
			t.Errorf("%s: got %q, want %q", tt.u, b.String(), tt.want)
		}
	}
}

func FuzzWrite(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.json")
	for _, p := range files {
		data, _ := os.ReadFile(p)
		var in goldenInput
		if json.Unmarshal(data, &in) == nil {
			f.Add([]byte(in.Alert), in.Verbose)
		}
	}
	f.Add([]byte(`{"rule":{"id":1},"decoder":{"name":[1,{"a":null}]}}`), true)
	f.Fuzz(func(t *testing.T, alert []byte, verbose bool) {
		var b bytes.Buffer
		out := Output{Alert: alert, Trace: []string{"", "*x"}, AlertGenerated: true}
		if err := Write(&b, out, Options{Verbose: verbose}); err != nil {
			if b.Len() != 0 {
				t.Fatalf("wrote output before failing: %v", err)
			}
			return
		}
		s := b.String()
		if !strings.HasPrefix(s, "\n"+phase1) || !strings.Contains(s, "\n"+phase2) || !strings.HasSuffix(s, alertLine) {
			t.Fatalf("malformed transcript:\n%s", s)
		}
		ResultOf(out) // must not panic
	})
}

func BenchmarkWrite(b *testing.B) {
	data, err := os.ReadFile("testdata/json_nested.json")
	if err != nil {
		b.Fatal(err)
	}
	var in goldenInput
	if err := json.Unmarshal(data, &in); err != nil {
		b.Fatal(err)
	}
	out := Output{Alert: in.Alert, AlertGenerated: true}
	var buf bytes.Buffer
	b.ReportAllocs()
	for b.Loop() {
		buf.Reset()
		if err := Write(&buf, out, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}
