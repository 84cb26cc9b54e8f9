package cdb

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"strings"

	"github.com/gossec/gossec/internal/osregex"
)

// List is one compiled list.
type List struct {
	path string
	m    map[string]string
}

// Load reads a text list. A missing file gives an error satisfying
// os.IsNotExist through errors.Is.
func Load(path string) (*List, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("cdb: read list %q: %w", path, err)
	}
	return Parse(path, data), nil
}

// Parse builds a list from the content of a text list. It cannot fail:
// analysisd skips lines it cannot read.
func Parse(path string, data []byte) *List {
	l := &List{path: path, m: make(map[string]string)}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
	for sc.Scan() {
		key, val, ok := parseLine(sc.Text())
		if !ok {
			continue
		}
		// The CDB lookup returns the first record of a key.
		if _, dup := l.m[key]; !dup {
			l.m[key] = val
		}
	}
	return l
}

// parseLine splits one line the way analysisd's list compiler does: the
// line ends at the first '\r' or '\n'; if a '"' comes before the first
// ':', the key is the text between that quote and the next one and the
// separator is the first ':' after the closing quote; otherwise the key is
// everything before the first ':'. A value containing '"' is cut to the
// text between its first two quotes. Unbalanced quotes drop the line.
func parseLine(s string) (key, val string, ok bool) {
	if i := strings.IndexAny(s, "\r\n"); i >= 0 {
		s = s[:i]
	}
	colon := strings.IndexByte(s, ':')
	if colon < 0 {
		return "", "", false
	}
	rest := s
	quote := strings.IndexByte(s, '"')
	if quote >= 0 && quote < colon {
		inner := s[quote+1:]
		end := strings.IndexByte(inner, '"')
		if end < 0 {
			return "", "", false
		}
		key = inner[:end]
		rest = inner[end+1:]
		colon = strings.IndexByte(rest, ':')
		if colon < 0 {
			return "", "", false
		}
	} else {
		key = s[:colon]
	}
	val = rest[colon+1:]
	if q := strings.IndexByte(val, '"'); q >= 0 {
		inner := val[q+1:]
		end := strings.IndexByte(inner, '"')
		if end < 0 {
			return "", "", false
		}
		val = inner[:end]
	}
	return key, val, true
}

// Path returns the file the list was read from.
func (l *List) Path() string { return l.path }

// Len returns the number of distinct keys.
func (l *List) Len() int { return len(l.m) }

// Lookup returns the value stored for key.
func (l *List) Lookup(key string) (string, bool) {
	v, ok := l.m[key]
	return v, ok
}

// AddressLookup looks key up as given, then cut after each '.' from the
// right ("10.1.2.3" tries "10.1.2.3", "10.1.2.", "10.1.", "10."), and
// returns the first hit.
func (l *List) AddressLookup(key string) (string, bool) {
	if v, ok := l.m[key]; ok {
		return v, true
	}
	for i := len(key) - 1; i >= 0; i-- {
		if key[i] != '.' {
			continue
		}
		if v, ok := l.m[key[:i+1]]; ok {
			return v, true
		}
	}
	return "", false
}

// MatchKey is the match_key lookup: the key exists.
func (l *List) MatchKey(key string) bool {
	_, ok := l.m[key]
	return ok
}

// NotMatchKey is not_match_key.
func (l *List) NotMatchKey(key string) bool { return !l.MatchKey(key) }

// MatchKeyValue is match_key_value: the key exists and its value matches
// check (OS_Match). Without a check it never matches.
func (l *List) MatchKeyValue(key string, check *osregex.Pattern) bool {
	v, ok := l.m[key]
	return ok && check != nil && check.MatchString(v)
}

// AddressMatchKey is address_match_key.
func (l *List) AddressMatchKey(key string) bool {
	_, ok := l.AddressLookup(key)
	return ok
}

// NotAddressMatchKey is not_address_match_key.
func (l *List) NotAddressMatchKey(key string) bool { return !l.AddressMatchKey(key) }

// AddressMatchKeyValue is address_match_key_value. Quirk kept from
// analysisd: the result is inverted, so it reports true when no address
// key is found or when the value of the first key found does not match
// check.
func (l *List) AddressMatchKeyValue(key string, check *osregex.Pattern) bool {
	v, ok := l.AddressLookup(key)
	if !ok || check == nil {
		return true
	}
	return !check.MatchString(v)
}
