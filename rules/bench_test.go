package rules

import (
	"testing"

	"github.com/gossec/gossec/internal/event"
	"github.com/gossec/gossec/internal/xmlconf"
)

func benchMatch(b *testing.B, tree *Tree, ev *event.Event, wantLevel0 bool) {
	st := NewState(tree, Config{})
	r := tree.Match(ev, st, nil)
	if r.Rule == nil {
		b.Fatal("event matches no rule")
	}
	if wantLevel0 && r.Rule.Level != 0 {
		b.Fatalf("event matches rule %d level %d, want a level-0 rule", r.Rule.ID, r.Rule.Level)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		tree.Match(ev, st, nil)
	}
}

// BenchmarkMatch measures an event that ends at a level-0 rule: no
// allocation is allowed on that path.
func BenchmarkMatch(b *testing.B) {
	b.Run("small", func(b *testing.B) {
		tree := mustLoad(b, group(
			`<rule id="100" level="0"><if_sid>1</if_sid><match>session opened</match><description>quiet</description></rule>`,
			`<rule id="101" level="5"><if_sid>1</if_sid><regex>^Failed \w+ for</regex><description>fail</description></rule>`,
			`<rule id="102" level="3"><if_sid>1</if_sid><field name="a.b">^x</field><description>field</description></rule>`,
		))
		benchMatch(b, tree, mkEvent("pam_unix: session opened for user root", withField("a.b", "y")), true)
	})
	b.Run("wazuh", func(b *testing.B) {
		skipWithoutShared(b)
		tree, errs := Load(wazuhFiles(b), LoadOptions{Lists: wazuhLists(b)})
		if len(errs) > 0 {
			b.Fatal(errs)
		}
		ev := mkEvent("Connection closed by 10.0.0.1 port 22",
			withDecoder("sshd", "syslog"), withProgram("sshd"), withStatic(event.SrcIP, "10.0.0.1"))
		benchMatch(b, tree, ev, true)
	})
	b.Run("wazuh-alert", func(b *testing.B) {
		skipWithoutShared(b)
		tree, errs := Load(wazuhFiles(b), LoadOptions{Lists: wazuhLists(b)})
		if len(errs) > 0 {
			b.Fatal(errs)
		}
		ev := mkEvent("Failed password for root from 10.0.0.1 port 22 ssh2",
			withDecoder("sshd", "syslog"), withProgram("sshd"), withStatic(event.SrcIP, "10.0.0.1"), withStatic(event.DstUser, "root"))
		benchMatch(b, tree, ev, false)
	})
}

func BenchmarkLoadWazuh(b *testing.B) {
	skipWithoutShared(b)
	files, lists := wazuhFiles(b), wazuhLists(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, errs := Load(files, LoadOptions{Lists: lists}); len(errs) > 0 {
			b.Fatal(errs)
		}
	}
}

func TestMatchLevel0NoAlloc(t *testing.T) {
	tree := mustLoad(t, group(
		`<rule id="100" level="0"><if_sid>1</if_sid><match>quiet</match><description>quiet</description></rule>`,
	))
	st := NewState(tree, Config{})
	ev := mkEvent("quiet please")
	if n := testing.AllocsPerRun(100, func() { tree.Match(ev, st, nil) }); n != 0 {
		t.Errorf("Match allocates %.1f times per level-0 event", n)
	}
}

// FuzzLoad feeds rule files to the loader: it must not panic, every error
// must carry a position, and a loaded tree must be usable.
func FuzzLoad(f *testing.F) {
	f.Add([]byte(base + group(`<rule id="100" level="3"><if_sid>1</if_sid><match>a</match><description>x $(srcip)</description></rule>`)))
	f.Add([]byte(group(`<rule id="101" level="10" frequency="3"><if_matched_sid>100</if_matched_sid><same_field>k</same_field><description>x</description></rule>`)))
	f.Add([]byte(`<group name="g"><rule id="5" level="0"><category>ids</category><srcip>!10.0.0.0/8</srcip><time>6pm-8am</time><description>d</description></rule></group>`))
	f.Fuzz(func(t *testing.T, data []byte) {
		l := newLoader(LoadOptions{})
		roots, err := xmlconf.Parse("fuzz.xml", data)
		l.loadRoots(roots, err)
		l.finish()
		st := NewState(l.t, Config{MemorySize: 20})
		for i := 0; i < 3; i++ {
			ev := mkEvent("a failed login", withField("k", "v"), withStatic(event.SrcIP, "10.1.1.1"), at(i))
			if r := l.t.Match(ev, st, nil); r.Rule != nil {
				r.Rule.ExpandDescription(ev)
			}
		}
	})
}

func FuzzExpandDescription(f *testing.F) {
	f.Add("from $(srcip) as $(user.name)")
	f.Add("$($($(")
	f.Fuzz(func(t *testing.T, desc string) {
		r := &Rule{Description: desc}
		ev := mkEvent("x", withStatic(event.SrcIP, "1.2.3.4"), withField("user.name", "bob"))
		out := r.ExpandDescription(ev)
		if len(out) >= maxComment && out != desc {
			t.Fatalf("expansion of %d bytes exceeds the limit", len(out))
		}
	})
}
