package rules

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gossec/gossec/internal/event"
	"github.com/gossec/gossec/internal/xmlconf"
)

// t0 is the fake clock of the tests.
var t0 = time.Date(2026, 3, 4, 10, 30, 0, 0, time.UTC) // a Wednesday

// base is a category template, as 0010-rules_config.xml defines them.
const base = `<group name="base,">
<rule id="1" level="0" noalert="1"><category>syslog</category><description>syslog template</description></rule>
<rule id="2" level="0" noalert="1"><category>firewall</category><description>firewall template</description></rule>
</group>
`

type loaded struct {
	tree  *Tree
	errs  []error
	warns []string
}

// loadXML writes the rule files (in order) to a temporary directory and
// loads them.
func loadXML(t testing.TB, opt LoadOptions, files ...string) loaded {
	t.Helper()
	dir := t.TempDir()
	var paths []string
	for i, f := range files {
		p := filepath.Join(dir, string(rune('a'+i))+"_rules.xml")
		if err := os.WriteFile(p, []byte(f), 0o600); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
	}
	var res loaded
	user := opt.Warn
	opt.Warn = func(pos xmlconf.Pos, msg string) {
		res.warns = append(res.warns, msg)
		if user != nil {
			user(pos, msg)
		}
	}
	res.tree, res.errs = Load(paths, opt)
	return res
}

// mustLoad loads base plus the given rules and fails on any error.
func mustLoad(t testing.TB, rules ...string) *Tree {
	t.Helper()
	files := append([]string{base}, rules...)
	res := loadXML(t, LoadOptions{}, files...)
	for _, e := range res.errs {
		t.Fatalf("load: %v", e)
	}
	return res.tree
}

// group wraps rules in a group element.
func group(rules ...string) string {
	return `<group name="test,">` + strings.Join(rules, "\n") + "</group>\n"
}

type evOpt func(*event.Event)

func mkEvent(log string, opts ...evOpt) *event.Event {
	ev := &event.Event{Location: "stdin", AgentID: "000", FullLog: log, Log: log, Hostname: "host1", Time: t0}
	for _, o := range opts {
		o(ev)
	}
	return ev
}

func withStatic(f event.Static, v string) evOpt { return func(e *event.Event) { e.Set(f, v) } }
func withField(k, v string) evOpt               { return func(e *event.Event) { e.AddDynamic(k, v) } }
func withProgram(p string) evOpt {
	return func(e *event.Event) { e.ProgramName, e.HasProgramName = p, true }
}
func withDecoder(name, typ string, fts ...string) evOpt {
	return func(e *event.Event) { e.Decoder = &event.DecoderInfo{Name: name, Type: typ, FTS: fts} }
}
func at(sec int) evOpt {
	return func(e *event.Event) { e.Time = t0.Add(time.Duration(sec) * time.Second) }
}
func withAgent(id string) evOpt {
	return func(e *event.Event) { e.AgentID = id }
}
func withHost(h string) evOpt     { return func(e *event.Event) { e.Hostname = h } }
func withLocation(l string) evOpt { return func(e *event.Event) { e.Location = l } }

// matchID runs one event and returns the matched rule id (0 = none).
func matchID(tree *Tree, st *State, ev *event.Event) int {
	r := tree.Match(ev, st, nil)
	if r.Rule == nil {
		return 0
	}
	return r.Rule.ID
}
