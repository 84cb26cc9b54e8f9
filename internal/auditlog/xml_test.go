package auditlog

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/tidwall/gjson"
)

// TestXMLShapes: XML constructs the plugins rarely or never write but
// that are well-formed XML (nested elements, CDATA, comments, numeric
// references, characters XML forbids, CRLF) are read as XML reads them;
// what is not well-formed is counted as malformed.
func TestXMLShapes(t *testing.T) {
	const head = "<AUDIT_RECORD>\n <NAME>Query</NAME>\n <RECORD_ID>1_x</RECORD_ID>\n"
	const tail = "</AUDIT_RECORD>\n"
	tests := []struct {
		name   string
		in     string
		fast   bool   // the fast path reads it (else etree does)
		format Format // 0: MySQLXMLNew
		want   want
		err    string // a malformed record: part of the reason
	}{
		{name: "flat", in: head + " <SQLTEXT>a &lt; b</SQLTEXT>\n" + tail, fast: true,
			want: want{"sqltext": "a < b"}},
		{name: "connection attributes", in: head + " <CONNECTION_ATTRIBUTES>\n  <ATTRIBUTE>\n   <NAME>_os</NAME>\n   <VALUE>Linux</VALUE>\n  </ATTRIBUTE>\n  <ATTRIBUTE><VALUE>mysqldump</VALUE><NAME>program_name</NAME></ATTRIBUTE>\n </CONNECTION_ATTRIBUTES>\n" + tail,
			want: want{"connection_attributes._os": "Linux", "connection_attributes.program_name": "mysqldump"}},
		{name: "duplicate attribute name: first wins", in: head + " <CONNECTION_ATTRIBUTES><ATTRIBUTE><NAME>a</NAME><VALUE>1</VALUE></ATTRIBUTE><ATTRIBUTE><NAME>a</NAME><VALUE>2</VALUE></ATTRIBUTE></CONNECTION_ATTRIBUTES>\n" + tail,
			want: want{"connection_attributes.a": "1"}},
		{name: "map of key/value", in: head + " <MAP><ELEMENT><KEY>my_key</KEY><VALUE>-9</VALUE></ELEMENT></MAP>\n" + tail,
			want: want{"map.my_key": "-9"}},
		{name: "nested other elements", in: head + " <X><Y>1</Y><Z><W>2</W></Z><V/></X>\n" + tail,
			want: want{"x.y": "1", "x.z.w": "2", "x.v": ""}},
		{name: "empty attributes element", in: head + " <CONNECTION_ATTRIBUTES></CONNECTION_ATTRIBUTES>\n" + tail, fast: true,
			want: want{"connection_attributes": ""}},
		{name: "cdata", in: head + " <SQLTEXT><![CDATA[SELECT '</AUDIT_RECORD>' < 1 & '<AUDIT_RECORD>']]> tail &amp;</SQLTEXT>\n" + tail,
			want: want{"sqltext": "SELECT '</AUDIT_RECORD>' < 1 & '<AUDIT_RECORD>' tail &"}},
		{name: "comment", in: head + " <!-- </AUDIT_RECORD> -->\n <DB>shop<!-- x --></DB>\n" + tail,
			want: want{"db": "shop"}},
		{name: "numeric references", in: head + " <SQLTEXT>&#65;&#x42;&#10;&#x1F600;</SQLTEXT>\n" + tail, fast: true,
			want: want{"sqltext": "AB\n\U0001F600"}},
		{name: "forbidden characters", in: head + " <SQLTEXT>a&#1;b\x02c\xffd&#xFFFE;e&#0;é€😀\xe2\x82</SQLTEXT>\n <DB>café</DB>\n" + tail, fast: true,
			want: want{"sqltext": "a\uFFFDb\uFFFDc\uFFFDd\uFFFDe\uFFFDé€😀\uFFFD\uFFFD", "db": "café"}},
		{name: "crlf in a value", in: head + " <STARTUP_OPTIONS>a\r\nb</STARTUP_OPTIONS>\r\n" + tail,
			want: want{"startup_options": "a\nb"}},
		{name: "namespace prefix", in: head + " <x:DB>shop</x:DB>\n" + tail,
			want: want{"x:db": "shop"}},
		{name: "old with entity", in: "<AUDIT_RECORD NAME=\"Query\" RECORD=\"1_x\" SQLTEXT=\"a &amp; &quot;b&quot;\"/>\n", fast: true, format: PerconaXMLOld,
			want: want{"sqltext": `a & "b"`}},
		{name: "old duplicate attribute: first wins", in: "<AUDIT_RECORD NAME=\"Query\" RECORD_ID=\"1_x\" DB=\"a\" DB=\"b\"/>\n", fast: true, format: MySQLXMLOld,
			want: want{"db": "a"}},
		{name: "nested schema field", in: head + " <STATUS><X>0</X></STATUS>\n" + tail, err: "holds elements"},
		{name: "mixed text and elements", in: head + " <X>text<Y>1</Y></X>\n" + tail, err: "mixes text"},
		{name: "undefined entity", in: head + " <DB>&nbsp;</DB>\n" + tail, err: "entity"},
		{name: "mismatched end tag", in: head + " <DB>shop</DBX>\n" + tail, err: "unbalanced elements"},
		{name: "text outside elements", in: head + " stray\n" + tail, err: "outside"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			recs, errs, _ := feedAll(t, []byte(tt.in))
			if tt.err != "" {
				if len(recs) != 0 || len(errs) != 1 || !errors.Is(errs[0], ErrMalformed) || !strings.Contains(errs[0].Error(), tt.err) {
					t.Fatalf("records %v, errors %v; want one malformed (%q)", recs, errs, tt.err)
				}
				return
			}
			if len(errs) != 0 || len(recs) != 1 {
				t.Fatalf("records %v, errors %v", recs, errs)
			}
			f := tt.format
			if f == 0 {
				f = MySQLXMLNew
			}
			checkRecord(t, 0, recs[0], f, tt.want)
			r := NewReader(Options{})
			rec := []byte(strings.TrimRight(tt.in, "\r\n"))
			if _, ok := r.parseFlatXML(r.xmlClean(rec)); ok != tt.fast {
				t.Errorf("fast path took it: %v, want %v", ok, tt.fast)
			}
		})
	}
}

// FuzzXMLFastPath holds the hand-written fast path to etree: whatever
// record it reads, etree reads to the same event.
func FuzzXMLFastPath(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.xml")
	for _, name := range files {
		data, err := os.ReadFile(name)
		if err != nil {
			continue
		}
		for _, part := range strings.Split(string(data), recordTag)[1:] {
			part = strings.TrimSuffix(strings.TrimSpace(part), "</AUDIT>")
			f.Add([]byte(recordTag + strings.TrimSpace(part)))
		}
	}
	f.Add([]byte("<AUDIT_RECORD NAME='a' b = \"&#x41;\"/>"))
	f.Add([]byte("<AUDIT_RECORD><NAME >a</NAME ><B/><C></C></AUDIT_RECORD >"))
	f.Fuzz(func(t *testing.T, rec []byte) {
		if len(rec) > 1<<14 {
			return
		}
		fast := NewReader(Options{})
		clean := fast.xmlClean(rec)
		for _, c := range string(clean) {
			if !xmlChar(c) {
				t.Fatalf("xmlClean left %U in %q", c, clean)
			}
		}
		if !utf8.Valid(clean) {
			t.Fatalf("xmlClean left invalid UTF-8 in %q", clean)
		}
		if utf8.Valid(rec) && !strings.ContainsFunc(string(rec), func(c rune) bool { return !xmlChar(c) }) &&
			!strings.Contains(string(rec), "&#") && string(clean) != string(rec) {
			t.Fatalf("xmlClean changed clean text %q to %q", rec, clean)
		}
		ff, ok := fast.parseFlatXML(clean)
		if !ok {
			if len(fast.b.fields) != 0 || len(fast.b.arena) != 0 {
				t.Fatalf("declined but left fields %v", fast.b.fields)
			}
			return
		}
		tree := NewReader(Options{})
		tf, err := tree.parseXMLTree(tree.xmlClean(rec))
		if err != nil {
			t.Fatalf("fast path read %q, etree: %v", rec, err)
		}
		a, b := string(fast.b.encode(nil, ff)), string(tree.b.encode(nil, tf))
		if a != b {
			t.Fatalf("fast path and etree differ on %q:\n%s\n%s", rec, a, b)
		}
		if !gjson.Valid(a) {
			t.Fatalf("invalid JSON %s", a)
		}
	})
}
