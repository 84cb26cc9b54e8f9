package event

import "testing"

func TestLitScanCache(t *testing.T) {
	var ev Event
	ev.Log = "sshd[1]: Failed password"
	if _, ok := ev.Lits.Lookup(1, ev.Log); ok {
		t.Fatal("empty cache hit")
	}
	bits := append(ev.Lits.Buffer(), 5)
	ev.Lits.Store(1, ev.Log, bits)
	for _, c := range []struct {
		name    string
		table   uint64
		subject string
		hit     bool
	}{
		{"same table and log", 1, ev.Log, true},
		{"equal copy of the log", 1, string([]byte(ev.Log)), true},
		{"other table", 2, ev.Log, false},
		{"rewritten log (suffix)", 1, ev.Log[9:], false},
		{"rewritten log (same length)", 1, "sshd[1]: Accepted passwd", false},
		{"table 0", 0, ev.Log, false},
	} {
		got, ok := ev.Lits.Lookup(c.table, c.subject)
		if ok != c.hit || ok && (len(got) != 1 || got[0] != 5) {
			t.Errorf("%s: lookup = %v, %v; want hit %v", c.name, got, ok, c.hit)
		}
	}

	c := ev.Clone()
	if _, ok := c.Lits.Lookup(1, ev.Log); ok || c.Lits.Buffer() != nil {
		t.Error("a clone shares the scan cache")
	}

	ev.Reset()
	ev.Log = "sshd[1]: Failed password"
	if _, ok := ev.Lits.Lookup(1, ev.Log); ok {
		t.Error("cache hit after Reset")
	}
	if buf := ev.Lits.Buffer(); cap(buf) == 0 || &buf[:1][0] != &bits[0] {
		t.Error("Reset dropped the scan buffer")
	}
}

// fieldNames mixes ASCII names that share prefixes or suffixes, case
// variants, and the non-ASCII runes that fold to ASCII letters (Kelvin
// sign, long s) or to each other.
var fieldNames = []string{
	"", "a", "A", "k", "K", "\u212a", "s", "S", "\u017f", "srcip", "SrcIP", "\u017frcip",
	"data.win.system.eventID", "data.win.system.eventid", "DATA.WIN.SYSTEM.EVENTID",
	"data.win.system.eventIK", "data.win.system.eventI\u212a", "data.win.system.providerName",
	"audit.key", "audit.\u212aey", "AUDIT.KEY", "@timestamp", "`timestamp", "x\xff", "X\xff",
	"\u00e9t\u00e9", "\u00c9T\u00c9", "ümlaut", "ÜMLAUT", "key", "kEy", "ke\u017f",
}

// TestFieldDifferential checks Field against the plain EqualFold scan on
// every pair of names and on shuffled events holding several of them.
func TestFieldDifferential(t *testing.T) {
	for i, have := range fieldNames {
		var ev Event
		ev.AddDynamic(have, "v")
		for _, want := range fieldNames {
			gv, gok := ev.Field(want)
			rv, rok := ev.fieldSlow(want)
			if gv != rv || gok != rok {
				t.Errorf("field %q, lookup %q: got %q, %v; reference %q, %v", have, want, gv, gok, rv, rok)
			}
		}
		var multi Event
		for j := range fieldNames {
			k := (i + j*7) % len(fieldNames)
			multi.AddDynamic(fieldNames[k], fieldNames[(k+1)%len(fieldNames)])
		}
		for _, want := range fieldNames {
			gv, gok := multi.Field(want)
			rv, rok := multi.fieldSlow(want)
			if gv != rv || gok != rok {
				t.Errorf("event %d, lookup %q: got %q, %v; reference %q, %v", i, want, gv, gok, rv, rok)
			}
		}
	}
}

// FuzzField checks Field against the plain EqualFold scan.
func FuzzField(f *testing.F) {
	for _, n := range fieldNames {
		f.Add(n, "srcip", n)
	}
	f.Fuzz(func(t *testing.T, a, b, want string) {
		var ev Event
		ev.AddDynamic(a, "1")
		ev.AddDynamic(b, "2")
		gv, gok := ev.Field(want)
		rv, rok := ev.fieldSlow(want)
		if gv != rv || gok != rok {
			t.Errorf("fields %q, %q, lookup %q: got %q, %v; reference %q, %v", a, b, want, gv, gok, rv, rok)
		}
	})
}

// BenchmarkField looks up a name absent from a Wazuh-like JSON event
// whose fields share prefixes (the common case of a <field> rule).
func BenchmarkField(b *testing.B) {
	var ev Event
	for _, n := range []string{"win.system.providerName", "win.system.eventID", "win.system.level",
		"win.system.channel", "win.system.computer", "win.eventdata.targetUserName",
		"win.eventdata.subjectUserName", "win.eventdata.logonType", "win.eventdata.ipAddress",
		"win.eventdata.workstationName", "win.system.message", "win.system.severityValue"} {
		ev.AddDynamic(n, "x")
	}
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		ev.Field("win.eventdata.status")
		ev.Field("WIN.SYSTEM.EVENTID")
	}
}
