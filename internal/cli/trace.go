package cli

import (
	"strconv"

	"github.com/gossec/gossec/rules"
)

type engineTracer = rules.Tracer

// traceCollector records the rule-tree trace in wazuh-logtest's words.
type traceCollector struct{ lines []string }

func (t *traceCollector) Trying(r *rules.Rule) {
	t.lines = append(t.lines, "Trying rule: "+strconv.Itoa(r.ID)+" - "+r.Description)
}

func (t *traceCollector) Matched(r *rules.Rule) {
	t.lines = append(t.lines, "*Rule "+strconv.Itoa(r.ID)+" matched")
}

func (t *traceCollector) TryingChildren() {
	t.lines = append(t.lines, "*Trying child rules")
}
