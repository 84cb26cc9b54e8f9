package arch

import (
	"os/exec"
	"strings"
	"testing"
)

const module = "github.com/gossec/gossec/"

// allowed lists, for each package, the project packages it may import
// directly. A package missing here may import none.
var allowed = map[string][]string{
	"cmd/gossec":           {"internal/cli"},
	"decoders":             {"internal/event", "internal/osregex", "internal/xmlconf", "internal/litscan"},
	"rules":                {"internal/event", "internal/osregex", "internal/xmlconf", "internal/cdb", "internal/litscan"},
	"internal/litscan":     {"internal/osregex"},
	"internal/cdb":         {"internal/osregex"},
	"internal/alert":       {"internal/event", "internal/jsonstr"},
	"internal/config":      {"internal/osregex", "internal/xmlconf"},
	"internal/rulesettest": {"internal/logtest"},
	"internal/logformat":   {"internal/auditlog", "internal/osregex", "internal/jsonstr"},
	"internal/auditlog":    {"internal/jsonstr"},
	// tailer -> ratelog: a file that cannot be opened is retried every
	// scan; its errors are rate-limited.
	"internal/tailer":   {"internal/positions", "internal/ratelog"},
	"outputs/alertfile": {"internal/alert"},
	// internal/ratelog: rate-limited logging of output failures and drops,
	// of the daemon's write outages and of the intake's floods (refusals at
	// the cap, idle closes, oversize messages): one implementation.
	"internal/remote": {"internal/ratelog"},
	"outputs/email":   {"internal/alert", "internal/event", "internal/osregex", "internal/xmlconf", "internal/ratelog"},
	"outputs/syslog":  {"internal/alert", "internal/event", "internal/osregex", "internal/xmlconf", "internal/ratelog"},
	"internal/daemon": {"internal/engine", "internal/config", "internal/tailer", "internal/positions",
		"internal/logformat", "internal/remote", "outputs/alertfile", "internal/alert", "internal/xmlconf",
		"internal/osregex", "outputs/email", "outputs/syslog", "internal/ratelog"},
	// engine -> osregex: the engine owns the per-event regex budget that
	// decoders and rules share (one analysis path).
	"internal/engine": {"decoders", "decoders/default", "rules", "rules/default", "internal/alert",
		"internal/cdb", "internal/config", "internal/event", "internal/predecode", "internal/xmlconf", "internal/litscan",
		"internal/osregex"},
	// pipeline: the engine's two halves (decode, match) on two
	// goroutines, the alert to the outputs; after the engine, before the
	// outputs in the data flow.
	"internal/pipeline": {"internal/engine", "internal/alert"},
	"internal/cli": {"internal/alert", "internal/config", "internal/engine", "internal/logtest",
		"internal/rulesettest", "internal/xmlconf", "rules", "internal/daemon", "internal/logformat", "internal/mysqltrig",
		"internal/pipeline"},
}

func TestImportGraph(t *testing.T) {
	out, err := exec.Command("go", "list", "-f", "{{.ImportPath}}:{{join .Imports \" \"}}", module+"...").Output()
	if err != nil {
		t.Skipf("go list unavailable: %v", err)
	}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		pkg, imports, _ := strings.Cut(line, ":")
		pkg = strings.TrimPrefix(pkg, module)
		ok := map[string]bool{}
		for _, a := range allowed[pkg] {
			ok[a] = true
		}
		for _, imp := range strings.Fields(imports) {
			if !strings.HasPrefix(imp, module) {
				continue
			}
			if dep := strings.TrimPrefix(imp, module); !ok[dep] {
				t.Errorf("%s imports %s, which the architecture does not allow", pkg, dep)
			}
		}
	}
}
