package decoders

import (
	"strings"

	"github.com/gossec/gossec/internal/event"
	"github.com/gossec/gossec/internal/osregex"
)

// The plugin decoders below are ports of analysisd's C plugins; their
// parsing steps (and their oddities) follow the C code.

// decodePF is PF_Decoder (OpenBSD pf log lines):
// "... rule 3/(match) pass out on xl0: 192.168.2.10.1514 > 192.168.2.190.1030:  udp 73".
func decodePF(ev *event.Event) {
	s := ev.Log
	i := strings.IndexByte(s, ')')
	if i < 0 || i+1 >= len(s) || s[i+1] != ' ' {
		return
	}
	s = s[i+2:]
	switch {
	case strings.HasPrefix(s, "p"):
		ev.Set(event.Action, "pass")
	case strings.HasPrefix(s, "b"):
		ev.Set(event.Action, "block")
	default:
		return
	}
	i = strings.IndexByte(s, ':')
	if i < 0 || i+1 >= len(s) || s[i+1] != ' ' {
		return
	}
	s = s[i+2:]
	i = strings.IndexByte(s, ' ')
	if i < 0 {
		return
	}
	setAddrPort(ev, s[:i], event.SrcIP, event.SrcPort)
	s = s[i+1:]
	if !strings.HasPrefix(s, "> ") {
		return
	}
	s = s[2:]
	i = strings.IndexByte(s, ':')
	if i < 0 {
		return
	}
	setAddrPort(ev, s[:i], event.DstIP, event.DstPort)
	s = strings.TrimLeft(s[i+1:], " ")
	switch {
	case s == "":
	case s[0] == 'u':
		ev.Set(event.Protocol, "UDP")
	case s[0] == 'i':
		ev.Set(event.Protocol, "ICMP")
	default:
		ev.Set(event.Protocol, "TCP")
	}
}

// setAddrPort splits "a.b.c.d.port" at its fourth dot.
func setAddrPort(ev *event.Event, s string, ip, port event.Static) {
	dots := 0
	for i := 0; i < len(s); i++ {
		if s[i] == '.' {
			dots++
			if dots == 4 {
				ev.Set(ip, s[:i])
				ev.Set(port, s[i+1:])
				return
			}
		}
	}
	ev.Set(ip, s)
}

// decodeSymantecWS is SymantecWS_Decoder ("20070717,73613,1=5,11=10.1.1.3,
// 10=userc,3=1,2=1"). Like the C code it only skips the date (its second
// strchr finds the same comma), keeps the first value of each field and
// copies nine bytes of "3=…"/"2=…" entries, commas included, as the id.
func decodeSymantecWS(ev *event.Event) {
	s := ev.Log
	i := strings.IndexByte(s, ',')
	if i < 0 {
		return
	}
	s = s[i+1:]
	for {
		switch {
		case strings.HasPrefix(s, "10="):
			s = s[3:]
			s = setOnce(ev, event.DstUser, s, upToComma(s, 128))
		case strings.HasPrefix(s, "11="):
			s = s[3:]
			s = setOnce(ev, event.SrcIP, s, upToComma(s, 128))
		case strings.HasPrefix(s, "60="):
			s = s[3:]
			s = setOnce(ev, event.URL, s, upToComma(s, 1024))
		case strings.HasPrefix(s, "3=") || strings.HasPrefix(s, "2="):
			s = setOnce(ev, event.ID, s, min(len(s), 9))
		}
		i = strings.IndexByte(s, ',')
		if i < 0 {
			return
		}
		s = s[i+1:]
	}
}

// upToComma returns the length of s up to the first comma, at most max.
func upToComma(s string, max int) int {
	n := 0
	for n < len(s) && n < max && s[n] != ',' {
		n++
	}
	return n
}

// setOnce stores s[:n] in f unless f is already set, and returns s[n:].
func setOnce(ev *event.Event, f event.Static, s string, n int) string {
	if _, set := ev.Get(f); !set {
		ev.Set(f, s[:n])
	}
	return s[n:]
}

// sonicPatterns are SonicWall_Decoder's OS_Regex expressions.
type sonicPatterns struct {
	prid, sdip, prox *osregex.Pattern
}

func compileSonic() (*sonicPatterns, error) {
	var p sonicPatterns
	var err error
	if p.prid, err = osregex.Compile(osregex.OSRegex, `pri=(\d) c=(\d+) m=(\d+) `); err != nil {
		return nil, err
	}
	if p.sdip, err = osregex.Compile(osregex.OSRegex, `src=(\d+.\d+.\d+.\d+):(\d+):\S+ dst=(\d+.\d+.\d+.\d+):(\d+):`); err != nil {
		return nil, err
	}
	if p.prox, err = osregex.Compile(osregex.OSRegex, `result=(\d+) dstname=(\S+) arg=(\S+)$`); err != nil {
		return nil, err
	}
	return &p, nil
}

// sonicFirewall maps message ids to the action SonicWall_Decoder sets.
var sonicFirewall = map[string]string{
	"98": "pass", "597": "pass", "598": "pass",
	"38": "drop", "36": "drop", "173": "drop", "174": "drop", "37": "drop",
	"537": "close",
}

// decodeSonicWall is SonicWall_Decoder. It rewrites the reporting decoder's
// type: syslog first, then ids, firewall or squid by category and id.
func decodeSonicWall(p *sonicPatterns, ev *event.Event, st *State, rep *decoder) {
	st.retype(rep, slotSyslog)
	log := ev.Log
	caps, end, ok := p.prid.Find(log, st.caps[:0])
	st.caps = caps
	if !ok || len(caps) < 6 {
		return
	}
	ev.Set(event.Status, log[caps[0]:caps[1]])
	id := log[caps[4]:caps[5]]
	ev.Set(event.ID, id)
	category := log[caps[2]:caps[3]]
	category = category[:min(len(category), 7)]

	rest := log[end:]
	caps, end, ok = p.sdip.Find(rest, st.caps[:0])
	st.caps = caps
	if !ok || len(caps) < 8 {
		return
	}
	ev.Set(event.SrcIP, rest[caps[0]:caps[1]])
	ev.Set(event.SrcPort, rest[caps[2]:caps[3]])
	ev.Set(event.DstIP, rest[caps[4]:caps[5]])
	ev.Set(event.DstPort, rest[caps[6]:caps[7]])
	tail, hasTail := sonicProto(ev, rest[end:])

	if category == "32" {
		st.retype(rep, slotIDS)
		return
	}
	if action, ok := sonicFirewall[id]; ok {
		st.retype(rep, slotFirewall)
		ev.Set(event.Action, action)
		return
	}
	if id == "97" {
		st.retype(rep, slotSquid)
		if hasTail {
			sonicProxy(p, ev, st, tail)
		}
	}
}

// sonicProto reads "proto=xxx" after the next space; it returns the text
// after that space (the C code keeps scanning from there).
func sonicProto(ev *event.Event, s string) (string, bool) {
	i := strings.IndexByte(s, ' ')
	if i < 0 {
		return "", false
	}
	s = s[i+1:]
	if !strings.HasPrefix(s, "proto=") {
		return s, true
	}
	v := s[6:]
	n := 0
	for n < len(v) && n < 6 && hostnameByte(v[n]) && v[n] != '/' {
		n++
	}
	ev.Set(event.Protocol, v[:n])
	return s[6+n:], true
}

// hostnameByte is os_regex's isValidChar: [A-Za-z0-9_.-].
func hostnameByte(c byte) bool {
	return ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z') || ('0' <= c && c <= '9') || c == '_' || c == '.' || c == '-'
}

// sonicProxy handles web proxy messages: the HTTP result becomes the id and
// dstname+arg the url.
func sonicProxy(p *sonicPatterns, ev *event.Event, st *State, s string) {
	caps, _, ok := p.prox.Find(s, st.caps[:0])
	st.caps = caps
	if !ok || len(caps) < 2 {
		return
	}
	ev.Set(event.ID, s[caps[0]:caps[1]])
	if len(caps) >= 6 {
		ev.Set(event.URL, s[caps[2]:caps[3]]+s[caps[4]:caps[5]])
	}
}

// decodeOSSECAlert is OSSECAlert_Decoder: it parses an OSSEC alert line
// ("ossec: Alert Level: 3; Rule: 5715 - desc; Location: x; srcip: a; user: b; log"),
// remembers the rule id as the generated rule and replaces location,
// hostname, full log and log with the alert's. The reporting decoder's type
// becomes ossec-alert even when the line is not understood.
func decodeOSSECAlert(ev *event.Event, st *State, rep *decoder) {
	st.retype(rep, slotOSSECAlert)
	log := ev.Log
	if !strings.HasPrefix(log, "Alert Level:") && !strings.HasPrefix(log, "ossec: Alert Level") {
		return
	}
	i := strings.IndexByte(log, ';')
	if i < 0 {
		return
	}
	s := log[i+1:]
	if i = strings.IndexByte(s, ':'); i < 0 || i+1 >= len(s) || s[i+1] != ' ' {
		return
	}
	s = s[i+2:]
	i = strings.IndexByte(s, ' ')
	if i < 0 {
		return
	}
	id := s[:i]
	if st.RuleExists == nil || !st.RuleExists(id) {
		return
	}
	s = s[i:]
	if i = strings.IndexByte(s, ';'); i < 0 {
		return
	}
	s = s[i+1:]
	if !strings.HasPrefix(s, " Location: ") {
		return
	}
	s = s[11:]
	if i = strings.IndexByte(s, ';'); i < 0 {
		return
	}
	loc := ev.Location + "|" + s[:i]
	ev.Location = loc[:min(len(loc), 254)]
	ev.Hostname = ev.Location
	s = s[i+1:]
	for len(s) > 0 && s[0] == ' ' && (len(s) == 1 || s[1] != ' ') {
		s = s[1:]
		if i = strings.IndexByte(s, ';'); i < 0 {
			return
		}
		if v, ok := strings.CutPrefix(s[:i], "srcip: "); ok {
			ev.Set(event.SrcIP, v)
		}
		if v, ok := strings.CutPrefix(s[:i], "user: "); ok {
			ev.Set(event.DstUser, v)
		}
		s = s[i+1:]
	}
	s = strings.TrimLeft(s, " ")
	s = s[:min(len(s), 4094)]
	ev.FullLog = s
	ev.Log = s
	st.generated = id
}
