package auditlog

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/tidwall/gjson"
)

// FuzzAuditReader feeds arbitrary input whole and split in two. It checks
// that nothing panics, every record is valid JSON with sane offsets, the
// split does not change the result, and the counters account for every
// record and error.
func FuzzAuditReader(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.*")
	for _, name := range files {
		if data, err := os.ReadFile(name); err == nil && filepath.Ext(name) != ".md" {
			f.Add(data, uint16(len(data)/2))
		}
	}
	f.Add([]byte("<AUDIT_RECORD NAME=\"a\" RECORD_ID=\"1\"/>\n{\"x\n\"q\",\"1_2\"\n20261121 08:42:30,,,,,,,,,\n"), uint16(7))
	f.Fuzz(func(t *testing.T, data []byte, cut uint16) {
		if len(data) > 1<<16 {
			return
		}
		type result struct {
			recs []Record
			errs []ParseError
		}
		run := func(parts ...[]byte) (result, Counters) {
			var res result
			r := NewReader(Options{MaxRecordSize: 4096, OnError: func(e *ParseError) { res.errs = append(res.errs, *e) }})
			for _, p := range parts {
				res.recs = append(res.recs, r.Write(p)...)
			}
			return res, r.Counters()
		}
		whole, c := run(data)
		i := int(cut) % (len(data) + 1)
		split, _ := run(data[:i], data[i:])
		if !reflect.DeepEqual(whole, split) {
			t.Fatalf("split at %d changes the result:\n%v\n%v", i, whole, split)
		}
		if c.Records != uint64(len(whole.recs)) || c.Errors != uint64(len(whole.errs)) {
			t.Fatalf("counters %+v for %d records, %d errors", c, len(whole.recs), len(whole.errs))
		}
		var prevEnd int64
		for _, rec := range whole.recs {
			if !gjson.Valid(rec.Text) {
				t.Fatalf("invalid JSON %q", rec.Text)
			}
			if rec.Start < 0 || rec.Start >= rec.End || rec.End > int64(len(data)) || rec.End < prevEnd {
				t.Fatalf("bad offsets %d..%d (prev end %d, len %d)", rec.Start, rec.End, prevEnd, len(data))
			}
			prevEnd = rec.End
		}
		for _, e := range whole.errs {
			if e.Offset < 0 || e.Offset > int64(len(data)) {
				t.Fatalf("error offset %d out of range", e.Offset)
			}
		}
	})
}
