package cdb

import (
	"errors"
	"os"
	"testing"

	"github.com/gossec/gossec/internal/osregex"
)

func load(t *testing.T) *List {
	t.Helper()
	l, err := Load("testdata/sample")
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func TestParse(t *testing.T) {
	l := load(t)
	tests := []struct {
		key, val string
		ok       bool
	}{
		{"audit-wazuh-w", "write", true},
		{"dup", "first", true},
		{"quoted:key", "value", true},
		{"qv", "quoted value", true},
		{"empty", "", true},
		{"colon", "in:value", true},
		{"crlf", "v1", true},
		{"no colon line", "", false},
		{"bad\"key", "", false},
		{"trailing", "", false},
		{"\"quoted", "", false},
	}
	for _, tc := range tests {
		v, ok := l.Lookup(tc.key)
		if ok != tc.ok || v != tc.val {
			t.Errorf("Lookup(%q) = %q, %v; want %q, %v", tc.key, v, ok, tc.val, tc.ok)
		}
	}
}

func TestLoadMissing(t *testing.T) {
	_, err := Load("testdata/does-not-exist")
	if !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("err = %v, want not exist", err)
	}
}

func TestLookups(t *testing.T) {
	l := load(t)
	write, err := osregex.Compile(osregex.OSMatch, "write")
	if err != nil {
		t.Fatal(err)
	}
	lan, err := osregex.Compile(osregex.OSMatch, "^lan$")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		got  bool
		want bool
	}{
		{"match_key hit", l.MatchKey("audit-wazuh-r"), true},
		{"match_key miss", l.MatchKey("audit"), false},
		{"not_match_key", l.NotMatchKey("audit"), true},
		{"match_key_value", l.MatchKeyValue("audit-wazuh-w", write), true},
		{"match_key_value wrong value", l.MatchKeyValue("audit-wazuh-r", write), false},
		{"match_key_value no check", l.MatchKeyValue("audit-wazuh-w", nil), false},
		{"address exact", l.AddressMatchKey("192.168.1.7"), true},
		{"address subnet", l.AddressMatchKey("192.168.1.9"), true},
		{"address /8", l.AddressMatchKey("10.20.30.40"), true},
		{"address miss", l.AddressMatchKey("11.20.30.40"), false},
		{"not_address", l.NotAddressMatchKey("11.20.30.40"), true},
		// Quirk: address_match_key_value is inverted.
		{"address value matches -> false", l.AddressMatchKeyValue("192.168.1.9", lan), false},
		{"address value differs -> true", l.AddressMatchKeyValue("192.168.1.7", lan), true},
		{"address missing -> true", l.AddressMatchKeyValue("11.1.1.1", lan), true},
	}
	for _, tc := range tests {
		if tc.got != tc.want {
			t.Errorf("%s = %v, want %v", tc.name, tc.got, tc.want)
		}
	}
	if v, _ := l.AddressLookup("192.168.1.7"); v != "host" {
		t.Errorf("exact address lookup = %q, want host", v)
	}
}

func FuzzParse(f *testing.F) {
	data, err := os.ReadFile("testdata/sample")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(data)
	f.Add([]byte(`"a:b":"c"` + "\n:x\n\"\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		l := Parse("fuzz", b)
		for k, v := range l.m {
			if got, ok := l.Lookup(k); !ok || got != v {
				t.Fatalf("lookup of stored key %q failed", k)
			}
			l.AddressLookup(k)
		}
	})
}

func BenchmarkAddressLookup(b *testing.B) {
	l := Parse("bench", []byte("10.:a\n192.168.:b\n"))
	b.ReportAllocs()
	for b.Loop() {
		l.AddressMatchKey("192.168.1.200")
	}
}
