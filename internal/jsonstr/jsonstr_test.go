package jsonstr

import (
	"encoding/json"
	"math/rand/v2"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestAppend(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", `""`},
		{"plain/text é", `"plain/text é"`},
		{"a\"b\\c", `"a\"b\\c"`},
		{"\b\f\n\r\t", `"\b\f\n\r\t"`},
		{"\x00\x01\x1f", `"\u0000\u0001\u001f"`},
		{"x\xffy", "\"x\ufffdy\""},
		{"\xe2\x82", "\"\ufffd\ufffd\""},
	}
	for _, tt := range tests {
		if got := string(Append(nil, tt.in)); got != tt.want {
			t.Errorf("Append(%q) = %s, want %s", tt.in, got, tt.want)
		}
	}
}

// FuzzAppend: the output always parses, and decodes to the input where
// the input is valid UTF-8.
func FuzzAppend(f *testing.F) {
	f.Add("a\"b\\c\n\x01\xff é")
	f.Fuzz(func(t *testing.T, s string) {
		out := Append(nil, s)
		var back string
		if err := json.Unmarshal(out, &back); err != nil {
			t.Fatalf("Append(%q) = %s does not parse: %v", s, out, err)
		}
		if utf8.ValidString(s) && back != s {
			t.Fatalf("round trip of %q gave %q", s, back)
		}
	})
}

func BenchmarkAppend(b *testing.B) {
	s := `Nov 21 09:13:44 db1 sshd[2230]: Failed password for "root" from 203.0.113.9 port 41022 ssh2`
	buf := make([]byte, 0, 256)
	b.ReportAllocs()
	for b.Loop() {
		buf = Append(buf[:0], s)
	}
}

// appendInputs are strings that exercise every branch of Append: plain
// runs, escapes at the edges, multi-byte and invalid UTF-8, truncated
// sequences and U+FFFD itself.
var appendInputs = []string{
	"", "a", "\"", "\\", "\x00", "\x7f", "\x80", "\xff", "é", "\ufffd", "\xe2\x82",
	"plain text only", "\"quoted\" at both ends\"", "tab\there\nnewline\r\n",
	"x\xffy\xc3", "日本語 and ascii", "\xf0\x9f\x98\x80 emoji", "\xed\xa0\x80 surrogate",
	`C:\Windows\System32 "path"`, "<>&'", "\u2028\u2029",
}

// TestAppendMatchesReference: the table-driven Append gives the bytes the
// earlier Append gave, on fixed and random inputs.
func TestAppendMatchesReference(t *testing.T) {
	check := func(s string) {
		if got, want := string(Append(nil, s)), string(refAppend(nil, s)); got != want {
			t.Fatalf("Append(%q) = %s, reference %s", s, got, want)
		}
	}
	for _, s := range appendInputs {
		check(s)
		check(s + s + "tail")
	}
	rng := rand.New(rand.NewPCG(1, 2))
	alphabet := []byte("ab\"\\\x00\x1f\x7f\x80\xbf\xc3\xa9\xe2\x82\xac\xf0\x9f\xff \t\n")
	buf := make([]byte, 0, 64)
	for range 20000 {
		buf = buf[:0]
		for range rng.IntN(24) {
			buf = append(buf, alphabet[rng.IntN(len(alphabet))])
		}
		check(string(buf))
	}
}

func FuzzAppendMatchesReference(f *testing.F) {
	for _, s := range appendInputs {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := string(Append(nil, s)), string(refAppend(nil, s)); got != want {
			t.Fatalf("Append(%q) = %s, reference %s", s, got, want)
		}
	})
}

func TestAppendNoAllocs(t *testing.T) {
	buf := make([]byte, 0, 256)
	s := "Nov 21 09:13:44 db1 sshd[2230]: Failed \"password\" é \xff"
	if n := testing.AllocsPerRun(100, func() { buf = Append(buf[:0], s) }); n != 0 {
		t.Errorf("Append allocates %v times per call", n)
	}
}

func BenchmarkAppendReference(b *testing.B) {
	s := `Nov 21 09:13:44 db1 sshd[2230]: Failed password for "root" from 203.0.113.9 port 41022 ssh2`
	buf := make([]byte, 0, 256)
	b.ReportAllocs()
	for b.Loop() {
		buf = refAppend(buf[:0], s)
	}
}

func BenchmarkAppendUTF8(b *testing.B) {
	s := `Nov 21 09:13:44 db1 app: utilisateur « rené » connecté depuis 203.0.113.9 — 日本語`
	buf := make([]byte, 0, 256)
	b.ReportAllocs()
	for b.Loop() {
		buf = Append(buf[:0], s)
	}
}

// TestAppendContentParts: writing parts one by one with an escaped newline
// between them equals escaping the joined string, whatever the parts end
// with (invalid sequences cut at a part's end included).
func TestAppendContentParts(t *testing.T) {
	for _, a := range appendInputs {
		for _, c := range appendInputs {
			parts := []string{a, c, a + c}
			b := []byte{'"'}
			for i, p := range parts {
				if i > 0 {
					b = append(b, `\n`...)
				}
				b = AppendContent(b, p)
			}
			b = append(b, '"')
			if want := Append(nil, strings.Join(parts, "\n")); string(b) != string(want) {
				t.Fatalf("parts %q: %s, joined %s", parts, b, want)
			}
		}
	}
}

// TestSpecial8: the word test agrees with the byte table on every byte
// value at every position, among plain neighbours and mixed ones.
func TestSpecial8(t *testing.T) {
	fills := []byte{'a', ' ', '~', '!', '#', '[', ']'}
	for _, fill := range fills {
		for pos := range 8 {
			for c := range 256 {
				w := []byte(strings.Repeat(string(fill), 8))
				w[pos] = byte(c)
				if got, want := special8(load8(string(w))), !plain[c]; got != want {
					t.Fatalf("special8(%q) = %v, want %v", w, got, want)
				}
			}
		}
	}
	rng := rand.New(rand.NewPCG(3, 4))
	for range 200000 {
		var w [8]byte
		want := false
		for i := range w {
			w[i] = byte(rng.IntN(256))
			if rng.IntN(2) == 0 {
				w[i] = byte(0x20 + rng.IntN(0x60))
			}
			want = want || !plain[w[i]]
		}
		if got := special8(load8(string(w[:]))); got != want {
			t.Fatalf("special8(%q) = %v, want %v", w, got, want)
		}
	}
}
