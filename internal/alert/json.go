package alert

import (
	"encoding/json"
	"strconv"
	"strings"

	"github.com/gossec/gossec/internal/event"
	"github.com/gossec/gossec/internal/jsonstr"
)

// AppendJSON appends the alerts.json object for a (one line, no newline),
// with the keys in the order Wazuh writes them.
func AppendJSON(b []byte, a *Alert) []byte {
	ev := a.Event
	// The layout gives digits and "-:.+T" only: nothing to escape.
	b = append(b, `{"timestamp":"`...)
	b = appendJSONTime(b, a.Time)
	b = append(b, '"')
	if a.Rule != nil {
		b = append(b, `,"rule":`...)
		b = appendRule(b, a.Rule, a.AlwaysLevel)
	}
	b = appendAgent(b, a)
	b = append(b, `,"manager":{"name":`...)
	b = jsonstr.Append(b, a.Manager)
	b = append(b, '}')
	if a.ID != "" {
		b = append(b, `,"id":`...)
		b = jsonstr.Append(b, a.ID)
	}
	if len(a.Previous) > 0 {
		b = append(b, `,"previous_output":`...)
		b = appendJoined(b, a.Previous)
	}
	if a.Rule == nil || !a.Rule.NoFullLog {
		b = append(b, `,"full_log":`...)
		b = jsonstr.Append(b, ev.FullLog)
	}
	b = appendPredecoder(b, a)
	b = appendDecoder(b, ev.Decoder)
	if ev.PreviousLog != "" {
		b = append(b, `,"previous_log":`...)
		b = jsonstr.Append(b, ev.PreviousLog)
	}
	b = appendData(b, ev)
	b = append(b, `,"location":`...)
	b = jsonstr.Append(b, ev.Location)
	return append(b, '}')
}

// appendJoined appends the JSON string of the parts joined by newlines,
// without joining them first.
func appendJoined(b []byte, parts []string) []byte {
	b = append(b, '"')
	for i, p := range parts {
		if i > 0 {
			b = append(b, `\n`...)
		}
		b = jsonstr.AppendContent(b, p)
	}
	return append(b, '"')
}

func appendRule(b []byte, r *Rule, alwaysLevel bool) []byte {
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
		b = appendStrings(b, r.Mitre)
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
	b = appendGroups(b, r.Groups)
	return append(b, '}')
}

func appendAgent(b []byte, a *Alert) []byte {
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

func appendPredecoder(b []byte, a *Alert) []byte {
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

func appendDecoder(b []byte, d *event.DecoderInfo) []byte {
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

func appendData(b []byte, ev *event.Event) []byte {
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
		b = append(b, staticKeys[f]...)
		b = jsonstr.Append(b, v)
	}
	if len(ev.Dynamic) > 0 && flatDynamic(ev.Dynamic) {
		b, empty = appendFlatDynamic(b, ev.Dynamic, empty)
	} else if len(ev.Dynamic) > 0 {
		var t tree
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

// staticKeys are the quoted member names of the static fields, with
// their colon.
var staticKeys = func() (k [event.NumStatic]string) {
	for f := event.Static(0); f < event.NumStatic; f++ {
		k[f] = string(jsonstr.Append(nil, f.String())) + ":"
	}
	return k
}()

// maxFlatDynamic bounds the quadratic duplicate check of flatDynamic.
const maxFlatDynamic = 32

// flatDynamic reports whether the dynamic fields render without the
// tree: no dotted name (no nesting) and a few fields.
func flatDynamic(fs []event.Field) bool {
	if len(fs) > maxFlatDynamic {
		return false
	}
	for _, f := range fs {
		if strings.IndexByte(f.Name, '.') >= 0 {
			return false
		}
	}
	return true
}

// appendFlatDynamic writes the members the tree would for flat names, in
// first-seen order, the first non-empty value of a name winning, without
// building the tree.
func appendFlatDynamic(b []byte, fs []event.Field, empty bool) ([]byte, bool) {
	for i, f := range fs {
		if f.Value == "" || seenBefore(fs[:i], f.Name) {
			continue
		}
		if !empty {
			b = append(b, ',')
		}
		empty = false
		b = jsonstr.Append(b, f.Name)
		b = append(b, ':')
		b = appendValue(b, f.Value)
	}
	return b, empty
}

// seenBefore reports whether a non-empty field named name is in fs.
func seenBefore(fs []event.Field, name string) bool {
	for _, f := range fs {
		if f.Value != "" && f.Name == name {
			return true
		}
	}
	return false
}

// tree nests dotted dynamic field names as JSON objects, in first-seen
// order; the first value of a name wins.
type tree struct {
	name  string
	value string
	leaf  bool
	kids  []*tree
}

func (t *tree) child(name string) *tree {
	for _, k := range t.kids {
		if k.name == name {
			return k
		}
	}
	k := &tree{name: name}
	t.kids = append(t.kids, k)
	return k
}

func (t *tree) insert(path, value string) {
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

func (t *tree) appendMember(b []byte) []byte {
	b = jsonstr.Append(b, t.name)
	b = append(b, ':')
	if t.leaf {
		return appendValue(b, t.value)
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

// appendValue embeds a value that is a complete JSON array as an array,
// as Wazuh does; anything else is a string.
func appendValue(b []byte, v string) []byte {
	if len(v) > 1 && v[0] == '[' && json.Valid([]byte(v)) {
		return appendCompact(b, v)
	}
	return jsonstr.Append(b, v)
}

func appendCompact(b []byte, v string) []byte {
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

func appendStrings(b []byte, s []string) []byte {
	b = append(b, '[')
	for i, v := range s {
		if i > 0 {
			b = append(b, ',')
		}
		b = jsonstr.Append(b, v)
	}
	return append(b, ']')
}
