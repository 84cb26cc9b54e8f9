package alert

// The renderers as they were before the per-rule fragment cache and the
// time stamp cache: the reference of the differential tests. Test-only.

import (
	"encoding/json"
	"strconv"
	"strings"

	"github.com/gossec/gossec/internal/event"
	"github.com/gossec/gossec/internal/jsonstr"
)

// refAppendJSON appends the alerts.json object for a (one line, no newline),
// with the keys in the order Wazuh writes them.
func refAppendJSON(b []byte, a *Alert) []byte {
	ev := a.Event
	// The layout gives digits and "-:.+T" only: nothing to escape.
	b = append(b, `{"timestamp":"`...)
	b = a.Time.AppendFormat(b, "2006-01-02T15:04:05.000-0700")
	b = append(b, '"')
	if a.Rule != nil {
		b = append(b, `,"rule":`...)
		b = refAppendRule(b, a.Rule, a.AlwaysLevel)
	}
	b = refAppendAgent(b, a)
	b = append(b, `,"manager":{"name":`...)
	b = jsonstr.Append(b, a.Manager)
	b = append(b, '}')
	if a.ID != "" {
		b = append(b, `,"id":`...)
		b = jsonstr.Append(b, a.ID)
	}
	if len(a.Previous) > 0 {
		b = append(b, `,"previous_output":`...)
		b = jsonstr.Append(b, strings.Join(a.Previous, "\n"))
	}
	if a.Rule == nil || !a.Rule.NoFullLog {
		b = append(b, `,"full_log":`...)
		b = jsonstr.Append(b, ev.FullLog)
	}
	b = refAppendPredecoder(b, a)
	b = refAppendDecoder(b, ev.Decoder)
	if ev.PreviousLog != "" {
		b = append(b, `,"previous_log":`...)
		b = jsonstr.Append(b, ev.PreviousLog)
	}
	b = refAppendData(b, ev)
	b = append(b, `,"location":`...)
	b = jsonstr.Append(b, ev.Location)
	return append(b, '}')
}

func refAppendRule(b []byte, r *Rule, alwaysLevel bool) []byte {
	b = append(b, '{')
	if r.Level != 0 || alwaysLevel {
		b = append(b, `"level":`...)
		b = strconv.AppendInt(b, int64(r.Level), 10)
		b = append(b, ',')
	}
	b = append(b, `"description":`...)
	b = jsonstr.Append(b, r.Description)
	b = append(b, `,"id":"`...)
	b = strconv.AppendInt(b, int64(r.ID), 10)
	b = append(b, '"')
	if len(r.Mitre) > 0 {
		// Without the MITRE database only the technique ids are known.
		b = append(b, `,"mitre":{"id":`...)
		b = refAppendStrings(b, r.Mitre)
		b = append(b, '}')
	}
	if r.CVE != "" {
		b = append(b, `,"cve":`...)
		b = jsonstr.Append(b, r.CVE)
	}
	if r.Info != "" {
		b = append(b, `,"info":`...)
		b = jsonstr.Append(b, r.Info)
	}
	if r.Frequency > 0 {
		b = append(b, `,"frequency":`...)
		b = strconv.AppendInt(b, int64(r.Frequency), 10)
	}
	if !r.NoCounter {
		b = append(b, `,"firedtimes":`...)
		b = strconv.AppendInt(b, int64(r.FiredTimes), 10)
	}
	b = append(b, `,"mail":`...)
	b = strconv.AppendBool(b, r.Mail)
	groups, comp := refSplitGroups(r.Groups, nil, nil)
	if len(groups) > 0 {
		b = append(b, `,"groups":`...)
		b = refAppendStrings(b, groups)
	}
	for _, c := range comp {
		b = append(b, ',')
		b = jsonstr.Append(b, c.kind)
		b = append(b, ':')
		b = refAppendStrings(b, c.values)
	}
	return append(b, '}')
}

func refAppendAgent(b []byte, a *Alert) []byte {
	ev := a.Event
	id := ev.AgentID
	if id == "" {
		id = "000"
	}
	b = append(b, `,"agent":{"id":`...)
	b = jsonstr.Append(b, id)
	b = append(b, `,"name":`...)
	if id == "000" || a.AgentName == "" {
		b = jsonstr.Append(b, a.Manager)
	} else {
		b = jsonstr.Append(b, a.AgentName)
	}
	if a.AgentIP != "" && a.AgentIP != "any" {
		b = append(b, `,"ip":`...)
		b = jsonstr.Append(b, a.AgentIP)
	}
	return append(b, '}')
}

func refAppendPredecoder(b []byte, a *Alert) []byte {
	ev := a.Event
	if !ev.HasProgramName && ev.Timestamp == "" && a.JSONHostname == "" {
		return b
	}
	b = append(b, `,"predecoder":{`...)
	sep := ""
	if ev.HasProgramName {
		b = append(b, `"program_name":`...)
		b = jsonstr.Append(b, ev.ProgramName)
		sep = ","
	}
	if ev.Timestamp != "" {
		b = append(b, sep+`"timestamp":`...)
		b = jsonstr.Append(b, ev.Timestamp)
		sep = ","
	}
	if a.JSONHostname != "" {
		b = append(b, sep+`"hostname":`...)
		b = jsonstr.Append(b, a.JSONHostname)
	}
	return append(b, '}')
}

func refAppendDecoder(b []byte, d *event.DecoderInfo) []byte {
	b = append(b, `,"decoder":{`...)
	if d == nil {
		return append(b, '}')
	}
	if d.Accumulate {
		b = append(b, `"accumulate":1,`...)
	}
	if d.Parent != "" {
		b = append(b, `"parent":`...)
		b = jsonstr.Append(b, d.Parent)
		b = append(b, ',')
	}
	b = append(b, `"name":`...)
	b = jsonstr.Append(b, d.Name)
	if d.FTSComment != "" {
		b = append(b, `,"ftscomment":`...)
		b = jsonstr.Append(b, d.FTSComment)
	}
	return append(b, '}')
}

func refAppendData(b []byte, ev *event.Event) []byte {
	start := len(b)
	b = append(b, `,"data":{`...)
	empty := true
	for f := event.Static(0); f < event.NumStatic; f++ {
		v, ok := ev.Get(f)
		if !ok {
			continue
		}
		if !empty {
			b = append(b, ',')
		}
		empty = false
		b = jsonstr.Append(b, f.String())
		b = append(b, ':')
		b = jsonstr.Append(b, v)
	}
	if len(ev.Dynamic) > 0 {
		var t refTree
		for _, f := range ev.Dynamic {
			if f.Value != "" {
				t.insert(f.Name, f.Value)
			}
		}
		for _, n := range t.kids {
			if !empty {
				b = append(b, ',')
			}
			empty = false
			b = n.appendMember(b)
		}
	}
	if empty {
		return b[:start]
	}
	return append(b, '}')
}

// refTree nests dotted dynamic field names as JSON objects, in first-seen
// order; the first value of a name wins.
type refTree struct {
	name  string
	value string
	leaf  bool
	kids  []*refTree
}

func (t *refTree) child(name string) *refTree {
	for _, k := range t.kids {
		if k.name == name {
			return k
		}
	}
	k := &refTree{name: name}
	t.kids = append(t.kids, k)
	return k
}

func (t *refTree) insert(path, value string) {
	cur := t
	for {
		i := strings.IndexByte(path, '.')
		if i < 0 {
			break
		}
		cur = cur.child(path[:i])
		if cur.leaf {
			return // a value already sits where an object would go
		}
		path = path[i+1:]
	}
	leaf := cur.child(path)
	if leaf.leaf || len(leaf.kids) > 0 {
		return
	}
	leaf.leaf, leaf.value = true, value
}

func (t *refTree) appendMember(b []byte) []byte {
	b = jsonstr.Append(b, t.name)
	b = append(b, ':')
	if t.leaf {
		return refAppendValue(b, t.value)
	}
	b = append(b, '{')
	for i, k := range t.kids {
		if i > 0 {
			b = append(b, ',')
		}
		b = k.appendMember(b)
	}
	return append(b, '}')
}

// refAppendValue embeds a value that is a complete JSON array as an array,
// as Wazuh does; anything else is a string.
func refAppendValue(b []byte, v string) []byte {
	if len(v) > 1 && v[0] == '[' && json.Valid([]byte(v)) {
		return refAppendCompact(b, v)
	}
	return jsonstr.Append(b, v)
}

func refAppendCompact(b []byte, v string) []byte {
	var sb strings.Builder
	sb.Grow(len(v))
	inStr, esc := false, false
	for i := 0; i < len(v); i++ {
		c := v[i]
		switch {
		case inStr:
			sb.WriteByte(c)
			if esc {
				esc = false
			} else if c == '\\' {
				esc = true
			} else if c == '"' {
				inStr = false
			}
		case c == '"':
			inStr = true
			sb.WriteByte(c)
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
		default:
			sb.WriteByte(c)
		}
	}
	return append(b, sb.String()...)
}

func refAppendStrings(b []byte, s []string) []byte {
	b = append(b, '[')
	for i, v := range s {
		if i > 0 {
			b = append(b, ',')
		}
		b = jsonstr.Append(b, v)
	}
	return append(b, ']')
}

// refComplianceKinds are the group-token prefixes moved out of rule.groups
// into their own arrays.
var refComplianceKinds = [...]string{"pci_dss", "cis", "gdpr", "gpg13", "hipaa", "nist_800_53", "tsc"}

// refSplitGroups splits the group string into plain groups and refCompliance
// entries. Empty tokens are dropped and spaces are kept, as Wazuh does.
func refSplitGroups(s string, plain []string, comp []refCompliance) ([]string, []refCompliance) {
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
		if k, v, ok := refComplianceOf(tok); ok {
			comp = refAppendCompliance(comp, k, v)
			continue
		}
		plain = append(plain, tok)
	}
	return plain, comp
}

type refCompliance struct {
	kind   string
	values []string
}

func refComplianceOf(tok string) (kind, value string, ok bool) {
	for _, k := range refComplianceKinds {
		if len(tok) > len(k)+1 && tok[:len(k)] == k && tok[len(k)] == '_' {
			return k, tok[len(k)+1:], true
		}
	}
	return "", "", false
}

func refAppendCompliance(c []refCompliance, kind, v string) []refCompliance {
	for i := range c {
		if c[i].kind == kind {
			c[i].values = append(c[i].values, v)
			return c
		}
	}
	return append(c, refCompliance{kind: kind, values: []string{v}})
}

// refAppendLog appends the alerts.log block of a (OSSEC layout, wazuh-engine.md
// §7.1), ending with the blank line that separates blocks. location is
// printed after the host as "host->location" for local events. Event data
// (host, location, description, fields, full_log, previous_output) goes
// through AppendOneLine: a control byte in a log cannot start a line of
// the block, let alone a forged "** Alert" header.
func refAppendLog(b []byte, a *Alert) []byte {
	ev, r := a.Event, a.Rule
	b = append(b, "** Alert "...)
	b = append(b, a.ID...)
	b = append(b, ':')
	if r.Mail {
		b = append(b, " mail "...)
	}
	b = append(b, " - "...)
	b = append(b, r.Groups...)
	b = append(b, '\n')
	b = a.Time.AppendFormat(b, "2006 Jan 02 15:04:05 ")
	if ev.AgentID == "" || ev.AgentID == "000" {
		b = AppendOneLine(b, ev.Hostname)
		b = append(b, "->"...)
	}
	b = AppendOneLine(b, ev.Location)
	b = append(b, '\n')
	b = append(b, "Rule: "...)
	b = strconv.AppendInt(b, int64(r.ID), 10)
	b = append(b, " (level "...)
	b = strconv.AppendInt(b, int64(r.Level), 10)
	b = append(b, ") -> '"...)
	b = AppendOneLine(b, r.Description)
	b = append(b, '\'')
	b = refAppendLogField(b, ev, event.SrcIP, "Src IP: ")
	b = refAppendLogField(b, ev, event.SrcPort, "Src Port: ")
	b = refAppendLogField(b, ev, event.DstIP, "Dst IP: ")
	b = refAppendLogField(b, ev, event.DstPort, "Dst Port: ")
	b = refAppendLogField(b, ev, event.DstUser, "User: ")
	b = append(b, '\n')
	b = AppendOneLine(b, ev.FullLog)
	b = append(b, '\n')
	for _, f := range ev.Dynamic {
		if f.Value == "" {
			continue
		}
		b = AppendOneLine(b, f.Name)
		b = append(b, ": "...)
		b = AppendOneLine(b, f.Value)
		b = append(b, '\n')
	}
	for _, p := range a.Previous {
		b = AppendOneLine(b, p)
		b = append(b, '\n')
	}
	return append(b, '\n')
}

func refAppendLogField(b []byte, ev *event.Event, f event.Static, label string) []byte {
	v, ok := ev.Get(f)
	if !ok || v == "" {
		return b
	}
	b = append(b, '\n')
	b = append(b, label...)
	return AppendOneLine(b, v)
}
