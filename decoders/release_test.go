package decoders

import (
	"strings"
	"testing"
)

// releaseDecoders exercise the release-dependent switches of LoadOptions.
const releaseDecoders = `
<decoder name="alt">
  <prematch_pcre2>^alt </prematch_pcre2>
  <pcre2>^alt \[(\S+)\]: (\d+) |^alt \[(\S+)\]:\d+: (\d+) </pcre2>
  <order>srcip, id</order>
</decoder>
<decoder name="empty-group">
  <prematch_pcre2>^eg </prematch_pcre2>
  <pcre2>^eg (\w*)-(\w+)</pcre2>
  <order>srcuser, dstuser</order>
</decoder>
<decoder name="caseless">
  <prematch_pcre2>^CASE </prematch_pcre2>
  <pcre2>user (\w+)</pcre2>
  <order>dstuser</order>
</decoder>
<decoder name="data">
  <prematch_pcre2>^data </prematch_pcre2>
  <pcre2>^data (\w+) (\w+)</pcre2>
  <order>data, extra_data</order>
</decoder>
<decoder name="fts">
  <prematch_pcre2>^fts </prematch_pcre2>
  <pcre2>^fts (\w+)</pcre2>
  <order>srcuser</order>
  <fts>name, srcuser, location</fts>
</decoder>
<decoder name="json">
  <prematch_pcre2>^{</prematch_pcre2>
  <plugin_decoder>JSON_Decoder</plugin_decoder>
</decoder>
`

func TestReleaseSwitches(t *testing.T) {
	path := writeDecoders(t, releaseDecoders)
	wazuh, errs := Load([]string{path}, LoadOptions{})
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	ossec, errs := Load([]string{path}, LoadOptions{CompactCaptures: true, CaselessPCRE2: true, OneDataField: true, FTSSubstring: true})
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	w414, errs := Load([]string{path}, LoadOptions{JSONUserIsDstUser: true})
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	cases := []struct {
		name    string
		set     *Set
		log     string
		decoder string
		fields  []string
	}{
		// Wazuh keeps the unset groups 1 and 2 as empty captures.
		{"wazuh alternative 2", wazuh, "alt [10.0.0.1]:22: 7 x", "alt||syslog", []string{"srcip=", "id="}},
		{"ossec alternative 2 compacted", ossec, "alt [10.0.0.1]:22: 7 x", "alt||syslog", []string{"srcip=10.0.0.1", "id=7"}},
		{"ossec alternative 1", ossec, "alt [10.0.0.2]: 8 x", "alt||syslog", []string{"srcip=10.0.0.2", "id=8"}},
		// A group that took part with an empty match keeps its place.
		{"ossec empty group kept", ossec, "eg -bob", "empty-group||syslog", []string{"srcuser=", "dstuser=bob"}},
		{"wazuh pcre2 case-sensitive", wazuh, "case user Bob", "", nil},
		{"ossec pcre2 caseless", ossec, "case USER Bob", "caseless||syslog", []string{"dstuser=Bob"}},
		{"wazuh data and extra_data", wazuh, "data a b", "data||syslog", []string{"data=a", "extra_data=b"}},
		{"ossec one data field", ossec, "data a b", "data||syslog", []string{"data=b"}},
		{"json user is dynamic", wazuh, `{"user":"u1"}`, "json||syslog", []string{"user:u1"}},
		{"json user fills dstuser", w414, `{"user":"u1"}`, "json||syslog", []string{"dstuser=u1"}},
		{"json user with empty dstuser", w414, `{"dstuser":"","user":"u1"}`, "json||syslog", []string{"dstuser=u1"}},
		{"json user with dstuser set", w414, `{"dstuser":"d","user":"u1"}`, "json||syslog", []string{"dstuser=d", "user:u1"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			for _, indexed := range []bool{true, false} {
				ev := newEvent(c.log, "", false)
				c.set.decode(ev, NewState(), indexed)
				if got := decoderOf(ev); got != c.decoder {
					t.Errorf("indexed=%v: decoder %q, want %q", indexed, got, c.decoder)
				}
				if got, want := strings.Join(fieldList(ev), "\n"), strings.Join(c.fields, "\n"); got != want {
					t.Errorf("indexed=%v: fields\n%s\nwant\n%s", indexed, got, want)
				}
			}
		})
	}
}

func TestOSSECFTSSubstring(t *testing.T) {
	tests := []struct {
		item string
		flag uint16
		ok   bool
	}{
		{"user", ftsUser, true},
		{"dstuser", ftsUser, true},
		{"srcuser", ftsUser, true}, // contains "user": OSSEC means dstuser
		{" srcip", ftsSrcIP, true},
		{"dstip", ftsDstIP, true},
		{"id", ftsID, true},
		{"location", ftsLocation, true},
		{"extra_data", ftsData, true},
		{"system_name", ftsSystemName, true},
		{"program_name", ftsName, true},
		{"srcport", 0, false},
	}
	for _, tt := range tests {
		f, ok := ossecFTSFlag(tt.item)
		if f != tt.flag || ok != tt.ok {
			t.Errorf("ossecFTSFlag(%q) = %b, %v; want %b, %v", tt.item, f, ok, tt.flag, tt.ok)
		}
	}
	// The decoder above: srcuser in <fts> selects the dstuser key part.
	s, errs := Load([]string{writeDecoders(t, releaseDecoders)}, LoadOptions{FTSSubstring: true})
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	ev := newEvent("fts bob", "", false)
	s.decode(ev, NewState(), true)
	if want := []string{"name", "user", "location"}; strings.Join(ev.Decoder.FTS, ",") != strings.Join(want, ",") {
		t.Errorf("FTS = %v, want %v", ev.Decoder.FTS, want)
	}
}
