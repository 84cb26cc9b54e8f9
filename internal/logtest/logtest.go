package logtest

import (
	"fmt"
	"io"
	"sort"
	"strings"
)

// Output is what the engine hands over for one event.
type Output struct {
	// Alert is the alerts.json-shaped object for this event. It is always
	// present, but may lack rule and decoder. Empty means {}.
	Alert []byte
	// Trace holds the rule-debugging messages ("Trying rule: 5700 - SSHD
	// messages grouped.", "*Rule 5700 matched", "*Trying child rules"),
	// printed with Options.Verbose.
	Trace []string
	// AlertGenerated is analysisd's alert flag: the event entered the
	// correlation memory and reached log_alert_level.
	AlertGenerated bool
	// Messages are the engine's messages for this event; those starting
	// with "WARNING" are printed before the transcript, as the client does.
	Messages []string
}

// Options select how the transcript is printed.
type Options struct {
	// Verbose prints the "**Rule debugging:" section (wazuh-logtest -v).
	Verbose bool
}

// The client's fixed texts.
const (
	phase1     = "**Phase 1: Completed pre-decoding.\n"
	phase2     = "**Phase 2: Completed decoding.\n"
	noDecoder  = "\tNo decoder matched.\n"
	debugHead  = "**Rule debugging:\n"
	phase3     = "**Phase 3: Completed filtering (rules).\n"
	alertLine  = "**Alert to be generated.\n"
	warnPrefix = "** Wazuh-Logtest: "
)

// The keys each phase prints first, in this order; the rest follow sorted.
var (
	predecoderFirst = []string{"timestamp", "hostname", "program_name"}
	decoderFirst    = []string{"name", "parent"}
	ruleFirst       = []string{"id", "level", "description", "groups", "firedtimes"}
)

// Banner writes the two lines wazuh-logtest prints at startup (on stderr
// in the real tool) in its layout, naming tool and version ("gossec-logtest",
// "0.1.0"): scripts that skip the banner keep working, and the operator
// sees which program answers.
func Banner(w io.Writer, tool, version string) error {
	_, err := io.WriteString(w, "Starting "+tool+" "+version+"\nType one log per line\n")
	return err
}

// Prompt writes the input prompt: the client reads every line with
// input('\n'), so each prompt is a bare newline (on stdout).
func Prompt(w io.Writer) error {
	_, err := io.WriteString(w, "\n")
	return err
}

// Write writes everything wazuh-logtest prints after it has read one
// event: the empty separator line, the engine's warnings, the three phases,
// the rule-debugging trace with opt.Verbose, and "**Alert to be generated."
// when out.AlertGenerated is set. It fails only on a malformed Alert or a
// write error; nothing is written for a malformed Alert.
func Write(w io.Writer, out Output, opt Options) error {
	doc, err := parseAlert(out.Alert)
	if err != nil {
		return err
	}
	b := make([]byte, 0, 1024)
	b = append(b, '\n')
	b = appendWarnings(b, out.Messages)
	b = appendPhases(b, doc, out, opt)
	_, err = w.Write(b)
	return err
}

// parseAlert decodes the alert object and checks the parts the client
// walks are objects (the Python client would crash on anything else).
func parseAlert(data []byte) (value, error) {
	if len(strings.TrimSpace(string(data))) == 0 {
		return value{kind: kObject}, nil
	}
	doc, err := parseJSON(data)
	if err != nil {
		return value{}, fmt.Errorf("logtest: alert json: %w", err)
	}
	if doc.kind != kObject {
		return value{}, fmt.Errorf("logtest: alert json is not an object: %.40q", data)
	}
	for _, k := range []string{"predecoder", "data", "rule"} {
		if v, ok := doc.get(k); ok && v.kind != kObject {
			return value{}, fmt.Errorf("logtest: alert json: %q is not an object", k)
		}
	}
	if v, ok := doc.get("decoder"); ok && v.truthy() && v.kind != kObject {
		return value{}, fmt.Errorf("logtest: alert json: %q is not an object", "decoder")
	}
	return doc, nil
}

func appendWarnings(b []byte, msgs []string) []byte {
	warned := false
	for _, m := range msgs {
		if strings.HasPrefix(m, "WARNING") {
			b = append(b, warnPrefix...)
			b = append(b, m...)
			b = append(b, '\n')
			warned = true
		}
	}
	if warned {
		b = append(b, '\n')
	}
	return b
}

func appendPhases(b []byte, doc value, out Output, opt Options) []byte {
	b = append(b, phase1...)
	if v, ok := doc.get("full_log"); ok {
		b = appendField(b, "", "full event", v)
	}
	if v, ok := doc.get("predecoder"); ok {
		b = appendPhase(b, v, predecoderFirst, "")
	}
	b = append(b, '\n')
	b = append(b, phase2...)
	if dec, ok := doc.get("decoder"); ok && dec.truthy() {
		b = appendPhase(b, dec, decoderFirst, "")
		if data, ok := doc.get("data"); ok {
			b = appendPhase(b, data, nil, "")
		}
	} else {
		b = append(b, noDecoder...)
	}
	if opt.Verbose {
		b = appendTrace(b, out.Trace)
	}
	if rule, ok := doc.get("rule"); ok {
		b = append(b, '\n')
		b = append(b, phase3...)
		b = appendPhase(b, withLevel(rule), ruleFirst, "")
	}
	if out.AlertGenerated {
		b = append(b, alertLine...)
	}
	return b
}

// withLevel adds level 0 to a rule that lacks it: alerts.json omits a zero
// level, but analysisd adds it to what it sends wazuh-logtest.
func withLevel(rule value) value {
	if _, ok := rule.get("level"); ok {
		return rule
	}
	obj := make([]member, len(rule.obj), len(rule.obj)+1)
	copy(obj, rule.obj)
	rule.obj = append(obj, member{"level", value{kind: kNumber, s: "0"}})
	return rule
}

func appendTrace(b []byte, trace []string) []byte {
	b = append(b, '\n')
	b = append(b, debugHead...)
	for _, m := range trace {
		b = append(b, '\t')
		if strings.HasPrefix(m, "*") {
			b = append(b, '\t')
		}
		b = append(b, m...)
		b = append(b, '\n')
	}
	return b
}

// appendPhase prints the keys of first that obj has, in that order, then
// the remaining keys sorted; nested objects among the remaining keys are
// flattened as prefix.key.sub, sorted level by level. The first keys are
// printed with str() even when they hold objects, as the client does.
func appendPhase(b []byte, obj value, first []string, prefix string) []byte {
	done := make(map[string]bool, len(first))
	for _, k := range first {
		if v, ok := obj.get(k); ok {
			b = appendField(b, "", k, v)
			done[k] = true
		}
	}
	rest := make([]member, 0, len(obj.obj))
	for _, m := range obj.obj {
		if !done[m.key] {
			rest = append(rest, m)
		}
	}
	sort.Slice(rest, func(i, j int) bool { return rest[i].key < rest[j].key })
	for _, m := range rest {
		if m.val.kind == kObject {
			b = appendPhase(b, m.val, nil, prefix+m.key+".")
			continue
		}
		b = appendField(b, prefix, m.key, m.val)
	}
	return b
}

// appendField writes one "\tname: 'value'" line.
func appendField(b []byte, prefix, name string, v value) []byte {
	b = append(b, '\t')
	b = append(b, prefix...)
	b = append(b, name...)
	b = append(b, ": '"...)
	b = pyStr(b, v)
	return append(b, "'\n"...)
}
