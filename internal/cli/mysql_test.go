package cli

import (
	"strings"
	"testing"
)

// TestMySQLTriggersSecretWarning: a logged column that looks secret is
// named on stderr with the --exclude-columns that leaves it out (already
// excluded columns kept in that value); the SQL still goes to stdout, and
// running again with that value warns no more.
func TestMySQLTriggersSecretWarning(t *testing.T) {
	tests := []struct {
		name     string
		args     []string
		warned   []string // columns named in a warning
		suggest  string   // the --exclude-columns value suggested; "" = no warning
		excluded []string // columns absent from the SQL
	}{
		{"secret columns", []string{"--columns", "id,login,password_hash,api_key,monkey"},
			[]string{"users.password_hash", "users.api_key"}, "--exclude-columns password_hash,api_key", nil},
		{"one already excluded", []string{"--columns", "id,pwd_hash,access_token", "--exclude-columns", "pwd_hash"},
			[]string{"users.access_token"}, "--exclude-columns pwd_hash,access_token", []string{"pwd_hash"}},
		{"suggestion taken", []string{"--columns", "id,login,password_hash,api_key,monkey", "--exclude-columns", "password_hash,api_key"},
			nil, "", []string{"password_hash", "api_key"}},
		{"nothing secret", []string{"--columns", "id,monkey,keyboard,secretary"}, nil, "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := append([]string{"triggers", "--db", "acme", "--table", "users"}, tt.args...)
			code, out, errs := run(t, MySQL, args, "")
			if code != ExitOK {
				t.Fatalf("exit %d: %s", code, errs)
			}
			if !strings.Contains(out, "CREATE TRIGGER") {
				t.Errorf("no SQL on stdout:\n%s", out)
			}
			if strings.Contains(out, "warning") {
				t.Errorf("warning in the SQL on stdout:\n%s", out)
			}
			for _, c := range tt.excluded {
				if strings.Contains(out, c) {
					t.Errorf("excluded column %s in the SQL", c)
				}
			}
			if n := strings.Count(errs, "warning: column "); n != len(tt.warned) {
				t.Errorf("%d warnings, want %d:\n%s", n, len(tt.warned), errs)
			}
			for _, c := range tt.warned {
				if !strings.Contains(errs, "warning: column "+c+" looks secret") {
					t.Errorf("no warning for %s:\n%s", c, errs)
				}
			}
			if tt.suggest == "" {
				if errs != "" {
					t.Errorf("stderr: %s", errs)
				}
				return
			}
			if !strings.Contains(errs, "run again with "+tt.suggest+"\n") {
				t.Errorf("stderr does not suggest %q:\n%s", tt.suggest, errs)
			}
		})
	}
}
