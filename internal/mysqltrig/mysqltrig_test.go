package mysqltrig

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files")

func TestQuoteIdent(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"users", "`users`"},
		{"a`b", "`a``b`"},
		{"``", "``````"},
		{"it's", "`it's`"},
	} {
		if got := QuoteIdent(tc.in); got != tc.want {
			t.Errorf("QuoteIdent(%q) = %s, want %s", tc.in, got, tc.want)
		}
	}
}

func TestQuoteString(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"gossec_log_error.so", "'gossec_log_error.so'"},
		{"it's", "'it''s'"},
		{"''", "''''''"},
		{`a\b`, "_utf8mb4 X'615C62'"},
		{"a\nb", "_utf8mb4 X'610A62'"},
		{"é", "'é'"},
		{"", "''"},
	} {
		if got := QuoteString(tc.in); got != tc.want {
			t.Errorf("QuoteString(%q) = %s, want %s", tc.in, got, tc.want)
		}
	}
}

func TestTriggerName(t *testing.T) {
	long := strings.Repeat("t", 64)
	long2 := strings.Repeat("t", 63) + "u"
	for _, tc := range []struct {
		table string
		op    Operation
		want  string
	}{
		{"users", Operations[0], "gossec_users_ai"},
		{"users", Operations[2], "gossec_users_ad"},
	} {
		if got := TriggerName(tc.table, tc.op); got != tc.want {
			t.Errorf("TriggerName(%q) = %q, want %q", tc.table, got, tc.want)
		}
	}
	a, b := TriggerName(long, Operations[1]), TriggerName(long2, Operations[1])
	if len([]rune(a)) > 64 || len([]rune(b)) > 64 {
		t.Errorf("names over 64 characters: %q %q", a, b)
	}
	if a == b {
		t.Errorf("long tables sharing a prefix got the same trigger name %q", a)
	}
	if !strings.HasPrefix(a, "gossec_ttt") || !strings.HasSuffix(a, "_au") {
		t.Errorf("long name %q lost its shape", a)
	}
	// Multi-byte names are cut on characters, not bytes.
	r := TriggerName(strings.Repeat("é", 64), Operations[0])
	if n := len([]rune(r)); n != 64 {
		t.Errorf("name of %d characters, want 64: %q", n, r)
	}
}

func TestLineExpr(t *testing.T) {
	for _, tc := range []struct {
		name  string
		db, t string
		op    Operation
		cols  []string
		want  string
	}{
		{"insert uses NEW", "acme", "users", Operations[0], []string{"id", "name"},
			"CONCAT(DATE_FORMAT(NOW(),'%Y-%m-%d %H:%i:%s'), ' Table: acme.users: insert(', IFNULL(NEW.`id`, 'NULL'), ',', IFNULL(NEW.`name`, 'NULL'), ') by ', USER())"},
		{"delete uses OLD", "acme", "users", Operations[2], []string{"id"},
			"CONCAT(DATE_FORMAT(NOW(),'%Y-%m-%d %H:%i:%s'), ' Table: acme.users: delete(', IFNULL(OLD.`id`, 'NULL'), ') by ', USER())"},
		{"quotes in names", "o'db", "t`1", Operations[1], []string{"c`x"},
			"CONCAT(DATE_FORMAT(NOW(),'%Y-%m-%d %H:%i:%s'), ' Table: o''db.t`1: update(', IFNULL(NEW.`c``x`, 'NULL'), ') by ', USER())"},
		{"backslash goes hex", "a", `b\c`, Operations[0], []string{"x"},
			"CONCAT(DATE_FORMAT(NOW(),'%Y-%m-%d %H:%i:%s'), _utf8mb4 X'205461626C653A20612E625C633A20696E7365727428', IFNULL(NEW.`x`, 'NULL'), ') by ', USER())"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := LineExpr(tc.db, tc.t, tc.op, tc.cols); got != tc.want {
				t.Errorf("got  %s\nwant %s", got, tc.want)
			}
		})
	}
}

func TestValidate(t *testing.T) {
	ok := Table{Name: "users", Columns: []string{"id", "password_hash"}}
	for _, tc := range []struct {
		name string
		spec Spec
		err  string // "" = valid
	}{
		{"valid", Spec{DB: "acme", Tables: []Table{ok}}, ""},
		{"no db", Spec{Tables: []Table{ok}}, "empty database name"},
		{"no table", Spec{DB: "acme"}, "no table"},
		{"duplicate", Spec{DB: "acme", Tables: []Table{ok, ok}}, "given twice"},
		{"all excluded", Spec{DB: "acme", Tables: []Table{ok}, Exclude: []string{"ID", " password_hash"}}, "no column left"},
		{"no columns", Spec{DB: "acme", Tables: []Table{{Name: "t"}}}, "no column left"},
		{"long table", Spec{DB: "acme", Tables: []Table{{Name: strings.Repeat("x", 65), Columns: []string{"a"}}}}, "longer than 64"},
		{"nul column", Spec{DB: "acme", Tables: []Table{{Name: "t", Columns: []string{"a\x00"}}}}, "NUL"},
		{"trailing space", Spec{DB: "acme ", Tables: []Table{ok}}, "ends with a space"},
		{"library path", Spec{DB: "acme", Tables: []Table{ok}, Library: "../x.so"}, "bare file name"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.spec.Validate()
			if tc.err == "" {
				if err != nil {
					t.Fatalf("unexpected error %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Fatalf("error %v, want one containing %q", err, tc.err)
			}
		})
	}
}

// TestGolden compares whole scripts with testdata/*.sql (go test -update
// rewrites them after a deliberate change; review the diff).
func TestGolden(t *testing.T) {
	for _, tc := range []struct {
		file string
		spec Spec
	}{
		{"users.sql", Spec{DB: "acme", Tables: []Table{
			{Name: "users", Columns: []string{"id", "login", "password_hash", "email"}},
			{Name: "grants", Columns: []string{"user_id", "role"}},
		}, Exclude: []string{"password_hash"}}},
		{"odd-names-legacy.sql", Spec{DB: "shop`db", Legacy: true, Library: "my'udf.so", Tables: []Table{
			{Name: `we'ird\t`, Columns: []string{"a`b", "c'd", "é"}},
			{Name: strings.Repeat("long_", 12), Columns: []string{"x"}},
		}}},
	} {
		t.Run(tc.file, func(t *testing.T) {
			var b bytes.Buffer
			if err := Write(&b, tc.spec); err != nil {
				t.Fatal(err)
			}
			path := filepath.Join("testdata", tc.file)
			if *update {
				if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(b.Bytes(), want) {
				t.Errorf("output differs from %s:\n%s", path, b.String())
			}
		})
	}
}

func TestWriteExcludedColumnAbsent(t *testing.T) {
	var b bytes.Buffer
	spec := Spec{DB: "acme", Tables: []Table{{Name: "users", Columns: []string{"id", "Password_Hash"}}}, Exclude: []string{"password_hash"}}
	if err := Write(&b, spec); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(strings.ToLower(b.String()), "password_hash") {
		t.Errorf("excluded column in the output:\n%s", b.String())
	}
	if n := strings.Count(b.String(), "CREATE TRIGGER"); n != 3 {
		t.Errorf("%d triggers, want 3", n)
	}
}

func TestParseDSN(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want DSN
		args string
		err  bool
	}{
		{"root:pw@tcp(127.0.0.1:3307)/acme", DSN{"root", "pw", "tcp", "127.0.0.1:3307", "acme"},
			"--no-defaults --user=root --protocol=TCP --host=127.0.0.1 --port=3307", false},
		{"app@unix(/run/mysqld/mysqld.sock)/", DSN{"app", "", "unix", "/run/mysqld/mysqld.sock", ""},
			"--no-defaults --user=app --protocol=SOCKET --socket=/run/mysqld/mysqld.sock", false},
		{"u:p@ss@/db", DSN{"u", "p@ss", "", "", "db"}, "--no-defaults --user=u", false},
		{"a:b:c@tcp(db.example)/x", DSN{"a", "b:c", "tcp", "db.example", "x"},
			"--no-defaults --user=a --protocol=TCP --host=db.example", false},
		{"nouser", DSN{}, "", true},
		{"u@tcp(h:1)", DSN{}, "", true},
		{"u@udp(h:1)/d", DSN{}, "", true},
		{"u@tcp(h:1)/d?tls=true", DSN{}, "", true},
		{"u@h:1/d", DSN{}, "", true},
	} {
		d, err := ParseDSN(tc.in)
		if tc.err {
			if err == nil {
				t.Errorf("ParseDSN(%q) = %+v, want an error", tc.in, d)
			}
			continue
		}
		if err != nil || d != tc.want {
			t.Errorf("ParseDSN(%q) = %+v, %v; want %+v", tc.in, d, err, tc.want)
			continue
		}
		if got := strings.Join(d.ClientArgs(), " "); got != tc.args {
			t.Errorf("ClientArgs(%q) = %s, want %s", tc.in, got, tc.args)
		}
		if (d.ClientEnv() != nil) != (d.Password != "") {
			t.Errorf("ClientEnv(%q) = %v", tc.in, d.ClientEnv())
		}
	}
}

func TestColumnsQuery(t *testing.T) {
	got := ColumnsQuery("ac'me", []string{"users", `b\s`})
	want := "SELECT TABLE_NAME, COLUMN_NAME FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = 'ac''me' AND TABLE_NAME IN ('users', _utf8mb4 X'625C73') ORDER BY TABLE_NAME, ORDINAL_POSITION"
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

func TestParseColumns(t *testing.T) {
	out := "users\tid\nusers\tlogin\nwe'ird\\\\`t\ta`b\nwe'ird\\\\`t\ttab\\there\nx\tnl\\nnul\\0\n"
	got, err := ParseColumns(out)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][]string{
		"users":      {"id", "login"},
		"we'ird\\`t": {"a`b", "tab\there"},
		"x":          {"nl\nnul\x00"},
	}
	if len(got) != len(want) {
		t.Fatalf("got %q, want %q", got, want)
	}
	for k, v := range want {
		if strings.Join(got[k], "|") != strings.Join(v, "|") {
			t.Errorf("%q: got %q, want %q", k, got[k], v)
		}
	}
	for _, bad := range []string{"onlyone\n", "a\tb\tc\n", "a\tb\\\n", "a\tb\\q\n"} {
		if _, err := ParseColumns(bad); err == nil {
			t.Errorf("ParseColumns(%q): no error", bad)
		}
	}
}

// FuzzQuote checks that the quoting functions always produce something a
// tokenizer of the SQL dialect reads back as the original text.
func FuzzQuote(f *testing.F) {
	for _, s := range []string{"users", "a`b", "it's", `x\y`, "\n", "é'`\\"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, ok := unquoteIdent(QuoteIdent(s)); !ok || got != s {
			t.Fatalf("identifier %q round-trips to %q (%v)", s, got, ok)
		}
		if got, ok := unquoteString(QuoteString(s)); !ok || got != s {
			t.Fatalf("string %q -> %s round-trips to %q (%v)", s, QuoteString(s), got, ok)
		}
	})
}

// unquoteIdent reads a backtick-quoted identifier the way the server does.
func unquoteIdent(q string) (string, bool) {
	if len(q) < 2 || q[0] != '`' || q[len(q)-1] != '`' {
		return "", false
	}
	body := q[1 : len(q)-1]
	var b strings.Builder
	for i := 0; i < len(body); i++ {
		if body[i] == '`' {
			if i+1 >= len(body) || body[i+1] != '`' {
				return "", false // a lone backtick would end the name early
			}
			i++
		}
		b.WriteByte(body[i])
	}
	return b.String(), true
}

// unquoteString reads a quoted or hex literal; a backslash in a quoted
// literal is refused because its meaning depends on the SQL mode.
func unquoteString(q string) (string, bool) {
	if rest, ok := strings.CutPrefix(q, "_utf8mb4 X'"); ok {
		h := strings.TrimSuffix(rest, "'")
		if len(h)%2 != 0 {
			return "", false
		}
		out := make([]byte, len(h)/2)
		for i := range out {
			var v byte
			for _, c := range []byte(h[2*i : 2*i+2]) {
				switch {
				case c >= '0' && c <= '9':
					v = v<<4 | (c - '0')
				case c >= 'A' && c <= 'F':
					v = v<<4 | (c - 'A' + 10)
				default:
					return "", false
				}
			}
			out[i] = v
		}
		return string(out), true
	}
	if len(q) < 2 || q[0] != '\'' || q[len(q)-1] != '\'' {
		return "", false
	}
	body := q[1 : len(q)-1]
	var b strings.Builder
	for i := 0; i < len(body); i++ {
		switch body[i] {
		case '\\':
			return "", false
		case '\'':
			if i+1 >= len(body) || body[i+1] != '\'' {
				return "", false
			}
			i++
		}
		b.WriteByte(body[i])
	}
	return b.String(), true
}

func BenchmarkWrite(b *testing.B) {
	spec := Spec{DB: "acme", Tables: []Table{{Name: "users", Columns: []string{"id", "login", "password_hash", "email"}}}, Exclude: []string{"password_hash"}}
	var buf bytes.Buffer
	b.ReportAllocs()
	for b.Loop() {
		buf.Reset()
		if err := Write(&buf, spec); err != nil {
			b.Fatal(err)
		}
	}
}
