package rulesettest

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestReadFileConfigParserEffects(t *testing.T) {
	got, err := ReadFile("testdata/configparser.ini", Wazuh)
	if err != nil {
		t.Fatal(err)
	}
	c := func(sec, key string, line int, lines []string, rule, level, dec string) Case {
		return Case{File: "configparser.ini", Section: sec, Key: key, Line: line, Lines: lines,
			Fail: strings.HasSuffix(key, "fail"), Rule: rule, Level: level, Decoder: dec}
	}
	want := []Case{
		// Repeated keys (any case) merge into one multi-line case.
		c("correlation", "log 1 pass", 6, []string{"first line", "second line", "third line"}, "100", "5", "dec"),
		// ';' after whitespace is a comment; after anything else it is text;
		// at position 0 Python looks at the last character instead.
		c("comments", "log 1 pass", 14, []string{"keep"}, "200", "", "spaced"),
		c("comments", "log 2 pass", 15, []string{"keep;not a comment"}, "200", "", "spaced"),
		c("comments", "log 3 fail", 16, nil, "200", "", "spaced"),
		c("comments", "log 4 pass", 17, []string{";starts with semicolon"}, "200", "", "spaced"),
		c("comments", "log 5 pass", 18, []string{"tab"}, "200", "", "spaced"),
		// Indented lines continue the key, even across rem lines and a
		// bogus line that has no separator.
		c("continuation", "log 1 pass", 24, []string{"head", "continued line", "tab continued"}, "300", "1", "d3"),
		c("continuation", "log 1 fail", 31, []string{"after rem", "continues log 1 fail"}, "300", "1", "d3"),
		// A repeated section continues the first one: its rule becomes two lines.
		c("twice", "log 1 pass", 39, []string{"from the first header"}, "400\n401", "4", "d4"),
		c("twice", "log 2 pass", 52, []string{"from the second header"}, "400\n401", "4", "d4"),
		c("other", "log 1 pass", 43, []string{"other"}, "500", "2", "d5"),
		c("empty values", "log 1 pass", 55, nil, "", "0", "x"),
		c("empty values", "log 2 fail", 56, nil, "", "0", "x"),
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("cases differ")
		for i := range max(len(got), len(want)) {
			var g, w Case
			if i < len(got) {
				g = got[i]
			}
			if i < len(want) {
				w = want[i]
			}
			if !reflect.DeepEqual(g, w) {
				t.Errorf("case %d\n got %#v\nwant %#v", i, g, w)
			}
		}
	}
}

func TestReadFileOSSEC(t *testing.T) {
	got, err := ReadFile("testdata/ossec.ini", OSSEC)
	if err != nil {
		t.Fatal(err)
	}
	want := []Case{
		{File: "ossec.ini", Section: "interp", Key: "log 1 pass", Line: 6, Lines: []string{"sshd said 100% ok"},
			Rule: "5716", Level: "5", Decoder: "sshd", Dialect: OSSEC},
		{File: "ossec.ini", Section: "missing", Key: "log 1 pass", Line: 11, Lines: []string{"[] %(x)d %("},
			Rule: "A", Level: "1", Decoder: "SSHD", Dialect: OSSEC},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got  %#v\nwant %#v", got, want)
	}
	// The same file read the Wazuh way merges and does not interpolate.
	wz, _ := ReadFile("testdata/ossec.ini", Wazuh)
	if len(wz) != 2 || !reflect.DeepEqual(wz[0].Lines, []string{"replaced: never seen", "%(Name)s said 100%% ok"}) || wz[0].Decoder != "%(name)s" {
		t.Errorf("wazuh reading of ossec.ini: %#v", wz)
	}
}

func TestParseLineEndings(t *testing.T) {
	src := "[s]\r\nlog 1 pass = a\rlog 1 pass = b\n  c\r\nrule = 1\ralert = 2\ndecoder = d"
	got := Parse("x.ini", []byte(src), Wazuh)
	want := []Case{{File: "x.ini", Section: "s", Key: "log 1 pass", Line: 2, Lines: []string{"a", "b", "c"}, Rule: "1", Level: "2", Decoder: "d"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got  %#v\nwant %#v", got, want)
	}
}

func TestParseQuirks(t *testing.T) {
	tests := []struct {
		name, src string
		want      []string // section|key|lines joined by '/'
	}{
		{"no section header match for []", "[]\nlog 1 pass = x\n", nil},
		{"unterminated header is an option of no section", "[s\nlog 1 pass = x\n", nil},
		{"header then option", "[s]\nlog 1 pass = x\n", []string{"s|log 1 pass|x"}},
		{"colon separator and right-trimmed key", "[s]\nLog 1 FAIL   :  y  \n", []string{"s|log 1 fail|y"}},
		{"first separator wins", "[s]\nlog 1 pass = a=b:c\n", []string{"s|log 1 pass|a=b:c"}},
		{"separator first is no option", "[s]\n= x\n: y\n", nil},
		{"non-log keys are no cases", "[s]\nlogs = x\nlog= y\nlog 1 = z\n", []string{"s|log 1|z"}},
		{"unicode whitespace continues and strips", "[s]\nlog 1 pass = a\u00a0\n\u2003b\u3000\n", []string{"s|log 1 pass|a/b"}},
		{"information separator is whitespace", "[s]\nlog 1 pass = a \x1c; c\n", []string{"s|log 1 pass|a"}},
		{"continuation after header is dropped", "[s]\n  x\nlog 1 pass = y\n", []string{"s|log 1 pass|y"}},
		{"comment lines keep the continuation", "[s]\nlog 1 pass = y\n; note\n# note\n\n z\n", []string{"s|log 1 pass|y/z"}},
		{"rem needs its own word", "[s]\nremember = 1\n rem\nrem=2\nlog 1 pass = a\n", []string{"s|log 1 pass|a"}},
		{"rem with a tab", "[s]\nrem\tx = 1\nlog 1 pass = a\n", []string{"s|log 1 pass|a"}},
		{"BOM is part of the first line", "\ufeff[s]\nlog 1 pass = a\n", nil},
		{"dotted capital I lowers to i and a combining dot", "[s]\nlog \u0130 pass = a\n", []string{"s|log i\u0307 pass|a"}},
		{"invalid UTF-8 is kept", "[s]\nlog 1 pass = \xff\xfe\n", []string{"s|log 1 pass|\xff\xfe"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, c := range Parse("t.ini", []byte(tt.src), Wazuh) {
				got = append(got, c.Section+"|"+c.Key+"|"+strings.Join(c.Lines, "/"))
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestInterpolate(t *testing.T) {
	vals := map[string]string{"a": "A%", "b": "%(a)s!", "loop": "%(loop)s", "up": "x"}
	tests := []struct{ in, want string }{
		{"%(a)s", "A%"},
		{"%(A)s", "A%"},
		{"%(b)s", "%A%!"}, // Python: the nested '%' is doubled, then re-read
		{"100%%", "100%"},
		{"%(missing)s|", "|"},
		{"%(a)d %(a", "%(a)d %(a"},
		{"%(loop)s", "%%%%%%(loop)s"}, // ten rounds of doubling, then halving once
		{"%(up)s%(up)s", "xx"},
	}
	for _, tt := range tests {
		if got := interpolate(tt.in, vals); got != tt.want {
			t.Errorf("interpolate(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestReadDir(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"b.ini":        "[s]\nlog 1 pass = b\n",
		"a.ini":        "[s]\nlog 1 pass = a\n",
		"x_geoip.ini":  "[s]\nlog 1 pass = g\n",
		"notes.txt":    "[s]\nlog 1 pass = n\n",
		"c.ini.bak":    "[s]\nlog 1 pass = c\n",
		"geoip.ini.md": "[s]\nlog 1 pass = m\n",
	}
	for n, s := range files {
		if err := os.WriteFile(filepath.Join(dir, n), []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, tt := range []struct {
		geoip bool
		want  string
	}{{false, "a.ini b.ini"}, {true, "a.ini b.ini x_geoip.ini"}} {
		cs, err := ReadDir(dir, Wazuh, tt.geoip)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, c := range cs {
			names = append(names, c.File)
		}
		if got := strings.Join(names, " "); got != tt.want {
			t.Errorf("geoip=%v: got %q, want %q", tt.geoip, got, tt.want)
		}
	}
	if _, err := ReadFile(filepath.Join(dir, "absent.ini"), Wazuh); err == nil {
		t.Error("ReadFile of a missing file: no error")
	}
}

// sharedTests locates shared/compat/wazuh-4.9.2/tests next to the checkout.
func sharedTests(t testing.TB) string {
	dir := filepath.Join("..", "..", "..", "shared", "compat", "wazuh-4.9.2", "tests")
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("shared test data not found: %v", err)
	}
	return dir
}

// TestWazuhTestTotals checks the totals of the shared Wazuh 4.9.2 .ini
// files, as run-wazuh-compat counts them (its "over N cases (M lines)"
// line with a fake engine) and as wazuh-engine.md §8.1 describes the
// merged correlation cases (58 values, 325 lines).
func TestWazuhTestTotals(t *testing.T) {
	dir := sharedTests(t)
	tests := []struct {
		dialect                   Dialect
		geoip                     bool
		files, cases, lines, fail int
		multi, multiLines         int
	}{
		{Wazuh, false, 74, 1375, 1618, 55, 54, 297},
		{Wazuh, true, 78, 1393, 1660, 57, 58, 325},
		{OSSEC, true, 78, 1393, 1393, 57, 0, 0},
	}
	for _, tt := range tests {
		cs, err := ReadDir(dir, tt.dialect, tt.geoip)
		if err != nil {
			t.Fatal(err)
		}
		files := map[string]bool{}
		lines, fail, multi, multiLines := 0, 0, 0, 0
		for _, c := range cs {
			files[c.File] = true
			lines += len(c.Lines)
			if c.Fail {
				fail++
			}
			if len(c.Lines) > 1 {
				multi++
				multiLines += len(c.Lines)
			}
		}
		got := []int{len(files), len(cs), lines, fail, multi, multiLines}
		want := []int{tt.files, tt.cases, tt.lines, tt.fail, tt.multi, tt.multiLines}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%v geoip=%v: files, cases, lines, fail, multi-line cases, their lines = %v, want %v",
				tt.dialect, tt.geoip, got, want)
		}
	}
}

// TestSudoInlineComments checks the 8 sudo.ini log lines that Python cuts
// at " ;" (wazuh-engine.md §8.1).
func TestSudoInlineComments(t *testing.T) {
	cs, err := ReadFile(filepath.Join(sharedTests(t), "sudo.ini"), Wazuh)
	if err != nil {
		t.Fatal(err)
	}
	cut := 0
	for _, c := range cs {
		for _, l := range c.Lines {
			if strings.Contains(l, ";") {
				t.Errorf("%s:%d: line keeps a comment: %q", c.File, c.Line, l)
			}
			if strings.HasSuffix(l, ":") || strings.HasSuffix(l, "password attempt") || strings.HasSuffix(l, "sudoers") {
				cut++
			}
		}
	}
	if cut == 0 {
		t.Error("no truncated sudo lines found")
	}
}

func FuzzReadFile(f *testing.F) {
	for _, p := range []string{"testdata/configparser.ini", "testdata/ossec.ini"} {
		if data, err := os.ReadFile(p); err == nil {
			f.Add(data, false)
			f.Add(data, true)
		}
	}
	f.Add([]byte("[s]\r\nlog 1 pass = ;x \r  y\n[s]\nrule=%(log 1 pass)s%%"), true)
	f.Fuzz(func(t *testing.T, data []byte, ossec bool) {
		d := Wazuh
		if ossec {
			d = OSSEC
		}
		for _, c := range Parse("f.ini", data, d) {
			if !strings.HasPrefix(c.Key, "log ") || c.Fail != strings.HasSuffix(c.Key, "fail") {
				t.Fatalf("bad key %q", c.Key)
			}
			if c.Line < 1 || c.Section == "" || strings.ContainsAny(c.Section, "\r\n]") {
				t.Fatalf("bad position %q:%d", c.Section, c.Line)
			}
			for _, l := range c.Lines {
				if l == "" || strings.ContainsAny(l, "\r\n") || (d == Wazuh && l != pyStrip(l)) {
					t.Fatalf("bad line %q", l)
				}
			}
			if d == Wazuh && strings.Count(string(data), "\n")+strings.Count(string(data), "\r")+1 < len(c.Lines) {
				t.Fatalf("more lines than the input has: %d", len(c.Lines))
			}
		}
	})
}

func BenchmarkReadDir(b *testing.B) {
	dir := sharedTests(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ReadDir(dir, Wazuh, true); err != nil {
			b.Fatal(err)
		}
	}
}
