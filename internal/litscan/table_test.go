package litscan

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// naivePass is the reference of Filter.Pass on a Scan: some conjunction
// has all its literals in the lowercased log (the table cuts literals to
// maxLitLen, so the reference looks for the part the table keeps).
func naivePass(req Reqs, fold bool, log string) bool {
	if fold && !isASCII(log) {
		return true
	}
	low := string(appendLower(nil, log))
	for _, conj := range req {
		ok := true
		for _, lit := range conj {
			if !strings.Contains(low, lit) {
				ok = false
			}
		}
		if ok {
			return true
		}
	}
	return false
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

type filterCase struct {
	req  Reqs
	fold bool
}

var scanCases = []filterCase{
	{req: Reqs{{"failed password"}}},
	{req: Reqs{{"sshd", ": failed"}, {"accepted"}}},
	{req: Reqs{{"session ", "opened"}, {"session ", "closed"}}, fold: true},
	{req: Reqs{{"%asa-"}}},
	{req: Reqs{{"abq"}, {"abc"}, {"bcd"}}}, // overlapping literals
	{req: Reqs{{"#"}}},                     // short and rare: kept
	{req: Reqs{{"\t"}}},
}

var scanLogs = []string{
	"",
	"sshd[12]: Failed password for root",
	"sshd[12]: FAILED PASSWORD for root",
	"ACCEPTED publickey",
	"Session Opened for user x",
	"session \u212aopened", // non-ASCII: folded literals count as present
	"%ASA-4-106023: Deny",
	"zzabcdzz",
	"a\tb",
	"fail ed passw ord",
}

// TestScan checks every filter of a shared table against the naive
// substring search on each log.
func TestScan(t *testing.T) {
	tab := NewTable()
	filters := make([]Filter, len(scanCases))
	for i, c := range scanCases {
		filters[i] = tab.Filter(c.req, c.fold)
		if filters[i] == nil {
			t.Fatalf("%q: no filter", c.req)
		}
	}
	tab.Freeze()
	var buf []uint64
	for _, log := range scanLogs {
		buf = tab.Scan(log, buf)
		for i, c := range scanCases {
			if got, want := filters[i].Pass(buf), naivePass(c.req, c.fold, log); got != want {
				t.Errorf("%q on %q: pass %v, want %v", c.req, log, got, want)
			}
		}
	}
}

// TestScanLong checks the lanes of long logs: a literal is found at every
// offset, in particular across the middle where the lanes overlap, and a
// non-ASCII byte anywhere enables the folded literals.
func TestScanLong(t *testing.T) {
	tab := NewTable()
	lit := tab.Filter(Reqs{{"%asa-"}}, false)
	pair := tab.Filter(Reqs{{"sshd", ": failed"}}, false)
	folded := tab.Filter(Reqs{{"kernel"}}, true)
	tab.Freeze()
	var buf []uint64
	for _, n := range []int{splitMin - 1, splitMin, splitMin + 1, 101, 256} {
		filler := strings.Repeat("z", n)
		for at := 0; at+5 <= n; at++ {
			log := filler[:at] + "%ASA-" + filler[at+5:]
			buf = tab.Scan(log, buf)
			if !lit.Pass(buf) {
				t.Fatalf("len %d: %%ASA- at %d not found", n, at)
			}
			if pair.Pass(buf) || folded.Pass(buf) {
				t.Fatalf("len %d, %%ASA- at %d: other literals found", n, at)
			}
		}
		for at := 4; at+8 <= n; at++ {
			log := "sshd" + filler[4:at] + ": FAILED" + filler[at+8:]
			buf = tab.Scan(log, buf)
			if !pair.Pass(buf) {
				t.Fatalf("len %d: %q: conjunction not found", n, log)
			}
		}
		for at := 0; at < n; at++ {
			log := filler[:at] + "\u00e9" + filler[at+1:]
			if buf = tab.Scan(log, buf); !folded.Pass(buf) || lit.Pass(buf) {
				t.Fatalf("len %d, non-ASCII at %d: folded %v", n, at, folded.Pass(buf))
			}
		}
	}
}

func TestTrivialFilter(t *testing.T) {
	tab := NewTable()
	for _, r := range []Reqs{nil, NoReq(), {{"a"}, nil}} {
		if f := tab.Filter(r, false); f != nil {
			t.Errorf("%q: filter %v, want nil", r, f)
		}
	}
	tab.Freeze()
	if bits := tab.Scan("anything", nil); !Filter(nil).Pass(bits) {
		t.Error("the nil filter rejects")
	}
}

func TestTablesDiffer(t *testing.T) {
	a, b := NewTable(), NewTable()
	if a.ID() == 0 || a.ID() == b.ID() {
		t.Errorf("ids %d and %d", a.ID(), b.ID())
	}
}

// FuzzScan checks that a filter passes exactly the logs that hold all the
// literals of one of its conjunctions (literals up to maxLitLen bytes, the
// ones the table keeps whole).
func FuzzScan(f *testing.F) {
	f.Add("failed password,sshd|accepted", "sshd: Failed password", false)
	f.Add("abc|bcd,cd", "xxBCDx", true)
	f.Add("he,she,his,hers", "USHERS", false)
	f.Add("%asa-,: failed|kernel", strings.Repeat("x", 40)+": FAILED"+strings.Repeat("y", 40)+"%ASA-", true)
	f.Fuzz(func(t *testing.T, spec, log string, fold bool) {
		var req Reqs
		for _, alt := range strings.Split(spec, "|") {
			var conj []string
			for _, lit := range strings.Split(alt, ",") {
				lit = string(appendLower(nil, lit))
				if lit == "" || len(lit) > maxLitLen {
					return
				}
				conj = append(conj, lit)
			}
			if len(conj) > maxConj {
				return
			}
			req = append(req, conj)
		}
		tab := NewTable()
		flt := tab.Filter(req, fold)
		tab.Freeze()
		pass := flt.Pass(tab.Scan(log, nil))
		if pass != naivePass(req, fold, log) && !dropped(req) {
			t.Fatalf("%q on %q (fold %v): pass %v", req, log, fold, pass)
		}
		if !pass && naivePass(req, fold, log) {
			t.Fatalf("%q on %q (fold %v): rejects a log that holds the literals", req, log, fold)
		}
	})
}

// dropped reports whether bestLiterals leaves out a literal of req (short
// common ones), which makes the filter weaker than the naive test.
func dropped(req Reqs) bool {
	for _, conj := range req {
		if len(bestLiterals(conj)) != len(conj) {
			return true
		}
	}
	return false
}

func BenchmarkScan(b *testing.B) {
	tab := NewTable()
	for _, c := range scanCases {
		tab.Filter(c.req, c.fold)
	}
	tab.Freeze()
	log := "Nov 21 10:00:00 host sshd[1234]: Failed password for invalid user admin from 192.168.1.1 port 4444 ssh2"
	var buf []uint64
	b.ReportAllocs()
	b.SetBytes(int64(len(log)))
	for b.Loop() {
		buf = tab.Scan(log, buf)
	}
}
