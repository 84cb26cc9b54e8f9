package mysqltrig

import (
	"reflect"
	"testing"
)

func TestLooksSecret(t *testing.T) {
	tests := []struct {
		column string
		kind   string // "" = not secret
	}{
		{"password", "password"},
		{"passwd", "password"},
		{"pwd_hash", "password"},
		{"password_hash", "password"},
		{"PasswordHash", "password"},
		{"user_password", "password"},
		{"userpassword", "password"},
		{"pwdhash", "password"},
		{"db_pass", "password"},
		{"pw", "password"},
		{"passphrase", "password"},
		{"hash", "hash"},
		{"salted_hash", "hash"},
		{"api_key", "key"},
		{"apiKey", "key"},
		{"APIKey", "key"},
		{"apikey", "key"},
		{"private-key", "key"},
		{"KEY", "key"},
		{"access_token", "token"},
		{"refreshToken", "token"},
		{"HTTPToken", "token"},
		{"client_secret", "secret"},
		{"secretkey", "secret"},
		{"ssn", "social security number"},
		{"userSSN", "social security number"},
		{"SSNLast4", "social security number"},
		{"social_security_number", "social security number"},
		{"card_no", "card number"},
		{"creditcard", "card number"},
		{"CardNumber", "card number"},
		{"cvv", "card number"},
		{"pwd2", "password"},
		// not secret: the words only appear inside other words
		{"monkey", ""},
		{"donkey_name", ""},
		{"keyboard", ""},
		{"keyword", ""},
		{"secretary", ""},
		{"passage", ""},
		{"passenger_count", ""},
		{"compass", ""},
		{"bypass_flag", ""},
		{"hashtag", ""},
		{"tokenizer", ""},
		{"discard", ""},
		{"cardinality", ""},
		{"social_media", ""},
		{"security_level", ""},
		{"id", ""},
		{"login", ""},
		{"email", ""},
		{"user_id", ""},
		{"number", ""},
		{"", ""},
		{"é_clé", ""},
	}
	for _, tt := range tests {
		kind, ok := LooksSecret(tt.column)
		if ok != (tt.kind != "") || kind != tt.kind {
			t.Errorf("LooksSecret(%q) = %q, %v; want %q", tt.column, kind, ok, tt.kind)
		}
	}
}

func TestSplitWords(t *testing.T) {
	for in, want := range map[string][]string{
		"password_hash": {"password", "hash"},
		"apiKey":        {"api", "key"},
		"HTTPToken":     {"http", "token"},
		"userSSN":       {"user", "ssn"},
		"SSNLast4":      {"ssn", "last"},
		"pwd2hash":      {"pwd", "hash"},
		"__a--b  c":     {"a", "b", "c"},
		"ÉtéKey":        {"été", "key"},
		"":              nil,
	} {
		if got := splitWords(in); !reflect.DeepEqual(got, want) {
			t.Errorf("splitWords(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestSecretColumns: only logged columns count; an excluded one (any
// case) is not reported.
func TestSecretColumns(t *testing.T) {
	spec := Spec{DB: "acme", Exclude: []string{"PASSWORD_HASH"}, Tables: []Table{
		{Name: "users", Columns: []string{"id", "login", "password_hash", "api_key", "monkey"}},
		{Name: "cards", Columns: []string{"id", "card_no", "holder"}},
	}}
	want := []SecretColumn{
		{Table: "users", Column: "api_key", Kind: "key"},
		{Table: "cards", Column: "card_no", Kind: "card number"},
	}
	if got := SecretColumns(spec); !reflect.DeepEqual(got, want) {
		t.Errorf("SecretColumns = %+v, want %+v", got, want)
	}
}
