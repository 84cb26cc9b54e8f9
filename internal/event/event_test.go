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
