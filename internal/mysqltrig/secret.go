package mysqltrig

import (
	"strings"
	"unicode"
)

// SecretColumn is a logged column whose name looks like it holds a
// secret: every change of a row would copy its value into the error log,
// which far more people and programs read than the table.
type SecretColumn struct {
	Table, Column string
	Kind          string // what it looks like: password, hash, token, ...
}

// secretWords maps the words that mark a secret to the kind reported.
var secretWords = map[string]string{
	"password": "password", "passwords": "password", "passwd": "password", "pwd": "password",
	"pw": "password", "pass": "password", "passphrase": "password",
	"hash": "hash", "hashed": "hash", "hashes": "hash",
	"token": "token", "tokens": "token",
	"secret": "secret", "secrets": "secret",
	"key": "key", "keys": "key", "privkey": "key",
	"ssn":  "social security number",
	"card": "card number", "cards": "card number", "cvv": "card number", "cvc": "card number",
	"ccnum": "card number",
}

// secretModifiers are words that, run together with a secret word and
// nothing else, still name a secret: "apikey", "userpassword",
// "pwdhash", "creditcard", "cardnumber". A word made of a secret word and
// anything else ("monkey", "secretary", "passage", "hashtag", "discard")
// is not flagged.
var secretModifiers = map[string]bool{
	"api": true, "access": true, "auth": true, "private": true, "priv": true,
	"refresh": true, "session": true, "bearer": true, "user": true, "admin": true,
	"root": true, "db": true, "login": true, "old": true, "new": true, "enc": true,
	"encrypted": true, "crypt": true, "salt": true, "credit": true, "number": true,
	"num": true, "no": true, "social": true, "security": true, "reset": true,
}

// SecretColumns lists the columns of the spec that are logged (not
// excluded) and whose names look secret, in table and column order.
func SecretColumns(s Spec) []SecretColumn {
	var out []SecretColumn
	for _, t := range s.Tables {
		for _, c := range s.columns(t) {
			if kind, ok := LooksSecret(c); ok {
				out = append(out, SecretColumn{Table: t.Name, Column: c, Kind: kind})
			}
		}
	}
	return out
}

// LooksSecret reports whether a column name names a secret, and which
// kind. The name is cut into words at every character that is not a
// letter (password_hash, api-key, pwd2) and where lower case turns to
// upper case (apiKey, userSSN, HTTPToken); a word is secret if it is a
// secret word, a secret word run together with the modifiers above
// (apikey, pwdhash), or, for social security numbers, the pair "social
// security".
func LooksSecret(column string) (string, bool) {
	words := splitWords(column)
	for i, w := range words {
		if kind, ok := secretWord(w); ok {
			return kind, true
		}
		if w == "social" && i+1 < len(words) && words[i+1] == "security" {
			return "social security number", true
		}
	}
	return "", false
}

// secretWord reports whether w (lower case) is made of secret words and
// modifiers only, with at least one secret word; the kind is that of the
// first secret word.
func secretWord(w string) (string, bool) {
	if kind, ok := secretWords[w]; ok {
		return kind, true
	}
	// kinds[i]: the kind of the first secret word of a segmentation of
	// w[:i] ("" if it has none yet); ok[i]: w[:i] can be segmented.
	n := len(w)
	ok := make([]bool, n+1)
	kinds := make([]string, n+1)
	ok[0] = true
	for i := 0; i < n; i++ {
		if !ok[i] {
			continue
		}
		for j := i + 1; j <= n; j++ {
			part := w[i:j]
			kind, secret := secretWords[part]
			if !secret && !secretModifiers[part] {
				continue
			}
			k := kinds[i]
			if k == "" && secret {
				k = kind
			}
			if !ok[j] || kinds[j] == "" && k != "" {
				ok[j], kinds[j] = true, k
			}
		}
	}
	return kinds[n], ok[n] && kinds[n] != ""
}

// splitWords cuts a name into lower-case words of letters.
func splitWords(name string) []string {
	var words []string
	rs := []rune(name)
	start := -1
	flush := func(end int) {
		if start >= 0 {
			words = append(words, strings.ToLower(string(rs[start:end])))
			start = -1
		}
	}
	for i, r := range rs {
		if !unicode.IsLetter(r) {
			flush(i)
			continue
		}
		if start >= 0 && unicode.IsUpper(r) {
			prev := rs[i-1]
			nextLower := i+1 < len(rs) && unicode.IsLower(rs[i+1])
			// apiKey: lower to upper; HTTPToken: the last capital of a
			// run starts the next word
			if unicode.IsLower(prev) || unicode.IsUpper(prev) && nextLower {
				flush(i)
			}
		}
		if start < 0 {
			start = i
		}
	}
	flush(len(rs))
	return words
}
