package alert

import (
	"strconv"

	"github.com/gossec/gossec/internal/event"
)

// AppendLog appends the alerts.log block of a (OSSEC layout, wazuh-engine.md
// §7.1), ending with the blank line that separates blocks. location is
// printed after the host as "host->location" for local events. Event data
// (host, location, description, fields, full_log, previous_output) goes
// through AppendOneLine: a control byte in a log cannot start a line of
// the block, let alone a forged "** Alert" header.
func AppendLog(b []byte, a *Alert) []byte {
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
	b = appendLogTime(b, a.Time)
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
	b = appendLogField(b, ev, event.SrcIP, "Src IP: ")
	b = appendLogField(b, ev, event.SrcPort, "Src Port: ")
	b = appendLogField(b, ev, event.DstIP, "Dst IP: ")
	b = appendLogField(b, ev, event.DstPort, "Dst Port: ")
	b = appendLogField(b, ev, event.DstUser, "User: ")
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

func appendLogField(b []byte, ev *event.Event, f event.Static, label string) []byte {
	v, ok := ev.Get(f)
	if !ok || v == "" {
		return b
	}
	b = append(b, '\n')
	b = append(b, label...)
	return AppendOneLine(b, v)
}
