package decoders

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fuzzSet loads the Wazuh ruleset when the reference data is present and
// the small test files otherwise.
func fuzzSet(f *testing.F) *Set {
	if _, err := os.Stat(filepath.Join(sharedDir, "compat")); err == nil {
		return loadWazuh(f)
	}
	s, errs := Load([]string{"testdata/features.xml", "testdata/lists.xml", "testdata/plugins.xml"}, LoadOptions{})
	if len(errs) > 0 {
		f.Fatal(errs)
	}
	return s
}

// FuzzDecode checks that decoding never panics, that the index agrees with
// the plain scan and that regex-captured values are substrings of the log.
func FuzzDecode(f *testing.F) {
	s := fuzzSet(f)
	for _, seed := range []string{
		"Feb 10 23:21:05 someserver sshd[1234]: Failed password for invalid user admin from 192.168.1.1 port 4444 ssh2",
		`{"srcip":"10.0.0.1","a":[1,{"b":null}]}`,
		"Nov 21 10:00:00 fw kernel: [12345.678] DROP IN=eth0 OUT= SRC=10.1.1.1 DST=10.2.2.2 PROTO=TCP SPT=1 DPT=2 ",
		`192.168.2.10 - - [21/Nov/2026:10:00:00 +0000] "GET / HTTP/1.1" 200 1 "-" "x"`,
		"Mar 30 15:54:22 enigma pf: rule 3/(match) pass out on xl0: 1.2.3.4.5 > 5.6.7.8.9:  udp 73",
		"20070717,73613,1=5,11=10.1.1.3,10=userc,3=1,2=1",
		"chain head a=1 b=2 c=3 d=4",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, line string) {
		a, b := eventFor(line), eventFor(line)
		s.decode(a, NewState(), true)
		s.decode(b, NewState(), false)
		if sa, sb := snapshot(a), snapshot(b); sa != sb {
			t.Fatalf("indexed and plain scans differ:\n%s\n%s", sa, sb)
		}
		if a.Decoder == nil && (len(a.Dynamic) > 0 || fieldList(a) != nil) {
			t.Fatalf("fields without decoder: %v", fieldList(a))
		}
	})
}

// FuzzJSON checks JSON_Decoder on arbitrary input: no panics, and every
// RFC 8259 object within cJSON's limits (nesting, number length, paired
// surrogates) is accepted.
func FuzzJSON(f *testing.F) {
	for _, seed := range []string{`{"a":1}`, `{"a":[1,{"b":"\u00e9"}],"c":null}`, `{"a":01}`, `{"x":"\ud83d\ude00"}`, "\xEF\xBB\xBF{}"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, in string) {
		for _, d := range []*decoder{{}, {jsonNull: nullDiscard, jsonArray: arrayCSV}} {
			ev := eventFor("")
			decodeJSON(in, ev, d, nil, false)
		}
		trimmed := strings.TrimLeft(in, " \t\r\n")
		if json.Valid([]byte(in)) && strings.HasPrefix(trimmed, "{") && !strings.ContainsRune(in, 0) &&
			!strings.Contains(strings.ToLower(in), `\ud`) && // cJSON rejects lone surrogates

			strings.Count(in, "[")+strings.Count(in, "{") < cjsonNestingLimit && !longNumber(in) {
			if _, _, ok := scanCJSON(in); !ok {
				t.Fatalf("cJSON scan rejects valid JSON %q", in)
			}
		}
	})
}

// longNumber reports a run of number bytes longer than cJSON reads.
func longNumber(s string) bool {
	n := 0
	for i := 0; i < len(s); i++ {
		if isNumberByte(s[i]) {
			n++
			if n > cjsonNumberMax {
				return true
			}
		} else {
			n = 0
		}
	}
	return false
}
