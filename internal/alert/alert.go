package alert

import (
	"time"

	"github.com/gossec/gossec/internal/event"
)

// Rule is the summary of a fired rule that renderers need.
type Rule struct {
	ID          int
	Level       int
	Description string // $(field) already expanded
	Groups      string // the group string as stored: comma-separated tokens
	Mitre       []string
	Info        string
	CVE         string
	Frequency   int // 0 = not a correlation rule
	FiredTimes  int
	NoCounter   bool
	Mail        bool // the global email path takes it (level >= email_alert_level or alert_by_email)
	NoEmail     bool // no_email_alert: no mail on any path
	NoFullLog   bool
}

// Alert is one analysed event, with or without a rule.
type Alert struct {
	Time         time.Time // processing time
	ID           string    // "<sec>.<offset>"
	Rule         *Rule     // nil when no rule matched
	Event        *event.Event
	Manager      string   // manager host name (agent.name of local events)
	AgentName    string   // agent events: the "(name)" of the location
	AgentIP      string   // agent events: the address of the location
	JSONHostname string   // predecoder.hostname (recomputed from full_log)
	Previous     []string // full_log of the events a correlation counted (previous_output)
	// AlwaysLevel prints rule.level also when it is 0, as analysisd does
	// for logtest sessions.
	AlwaysLevel bool
}

// complianceKinds are the group-token prefixes moved out of rule.groups
// into their own arrays.
var complianceKinds = [...]string{"pci_dss", "cis", "gdpr", "gpg13", "hipaa", "nist_800_53", "tsc"}

// splitGroups splits the group string into plain groups and compliance
// entries. Empty tokens are dropped and spaces are kept, as Wazuh does.
func splitGroups(s string, plain []string, comp []compliance) ([]string, []compliance) {
	start := 0
	for i := 0; i <= len(s); i++ {
		if i < len(s) && s[i] != ',' {
			continue
		}
		tok := s[start:i]
		start = i + 1
		if tok == "" {
			continue
		}
		if k, v, ok := complianceOf(tok); ok {
			comp = appendCompliance(comp, k, v)
			continue
		}
		plain = append(plain, tok)
	}
	return plain, comp
}

type compliance struct {
	kind   string
	values []string
}

func complianceOf(tok string) (kind, value string, ok bool) {
	for _, k := range complianceKinds {
		if len(tok) > len(k)+1 && tok[:len(k)] == k && tok[len(k)] == '_' {
			return k, tok[len(k)+1:], true
		}
	}
	return "", "", false
}

func appendCompliance(c []compliance, kind, v string) []compliance {
	for i := range c {
		if c[i].kind == kind {
			c[i].values = append(c[i].values, v)
			return c
		}
	}
	return append(c, compliance{kind: kind, values: []string{v}})
}
