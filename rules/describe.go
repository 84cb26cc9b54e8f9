package rules

import (
	"strings"

	"github.com/gossec/gossec/internal/event"
)

// maxComment is OS_COMMENT_MAX.
const maxComment = 1024

var descStatic = map[string]event.Static{
	"dstuser": event.DstUser, "srcuser": event.SrcUser, "srcip": event.SrcIP, "dstip": event.DstIP,
	"srcport": event.SrcPort, "dstport": event.DstPort, "protocol": event.Protocol,
	"action": event.Action, "id": event.ID, "url": event.URL, "data": event.Data,
	"status": event.Status, "extra_data": event.ExtraData, "system_name": event.SystemName,
}

// ExpandDescription substitutes every $(name) of the description with the
// event's static field, program_name, hostname or first dynamic field of
// that name; an unset field gives empty text and an unterminated "$(" is
// kept. If the result would reach 1024 bytes the raw description is
// returned. (No GeoIP: $(srcgeoip) and $(dstgeoip) are looked up as
// dynamic fields, as in a build without GeoIP.)
func (r *Rule) ExpandDescription(ev *event.Event) string {
	raw := r.Description
	if !strings.Contains(raw, "$(") {
		return raw
	}
	src := raw
	if len(src) > maxComment {
		src = src[:maxComment]
	}
	var b strings.Builder
	for {
		i := strings.Index(src, "$(")
		if i < 0 {
			break
		}
		if b.Len()+i >= maxComment {
			return raw
		}
		b.WriteString(src[:i])
		rest := src[i+2:]
		j := strings.IndexByte(rest, ')')
		if j < 0 {
			src = src[i:]
			break
		}
		v := descValue(ev, rest[:j])
		if b.Len()+len(v) >= maxComment {
			return raw
		}
		b.WriteString(v)
		src = rest[j+1:]
	}
	if b.Len()+len(src) >= maxComment {
		return raw
	}
	b.WriteString(src)
	return b.String()
}

func descValue(ev *event.Event, name string) string {
	if f, ok := descStatic[name]; ok {
		v, _ := ev.Get(f)
		return v
	}
	switch name {
	case "program_name":
		return ev.ProgramName
	case "hostname":
		return ev.Hostname
	}
	v, _ := ev.Field(name)
	return v
}
