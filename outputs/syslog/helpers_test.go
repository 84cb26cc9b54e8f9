package syslog

import (
	"strings"
	"testing"
	"time"

	"github.com/gossec/gossec/internal/alert"
	"github.com/gossec/gossec/internal/event"
)

var testTime = time.Date(2026, time.November, 1, 9, 5, 7, 123456789, time.FixedZone("CET", 3600))

// sample is an alert description that tests turn into alerts.
type sample struct {
	name     string
	id       int
	level    int
	desc     string
	groups   string
	loc      string
	agentID  string
	log      string
	noFull   bool
	statics  map[event.Static]string
	dynamics []event.Field
}

var samples = []sample{
	{
		name: "sshd-failed", id: 5716, level: 5, desc: "sshd: authentication failed.",
		groups: "syslog,sshd,authentication_failed,pci_dss_10.2.4,gdpr_IV_35.7.d,",
		loc:    "/var/log/auth.log",
		log:    "Nov  1 09:05:06 web1 sshd[91]: Failed password for root from 192.168.1.10 port 41022 ssh2",
		statics: map[event.Static]string{
			event.SrcIP: "192.168.1.10", event.SrcPort: "41022", event.DstUser: "root",
		},
		dynamics: []event.Field{{Name: "program", Value: "sshd"}},
	},
	{
		name: "agent-mysql", id: 50120, level: 12, desc: "MySQL: Access denied for user root",
		groups: "mysql_log,authentication_failed,",
		loc:    "(db01) 10.0.0.5->/var/log/mysql/error.log", agentID: "003",
		log: "2026-11-01T09:05:06.000000Z 8 [Note] Access denied for user 'root'@'10.0.0.9' (using password: YES)",
		statics: map[event.Static]string{
			event.SrcIP: "10.0.0.9", event.DstIP: "10.0.0.5", event.DstPort: "3306", event.SrcUser: "root",
		},
	},
	{
		name: "no-fields", id: 1002, level: 2, desc: "Unknown problem somewhere in the system.",
		groups: "syslog,errors,", loc: "journald", log: "kernel: something bad happened",
	},
	{
		name: "no-full-log", id: 100100, level: 15, desc: "secret rule", groups: "local,",
		loc: "/var/log/app.log", log: "password=hunter2", noFull: true,
		statics: map[event.Static]string{event.SrcIP: "203.0.113.7"},
	},
	{
		name: "hostile", id: 100200, level: 7,
		desc:   `pipe | back\slash = equals "quoted"` + "\r\nnewline",
		groups: "local,weird|group,a=b,", loc: "/tmp/x=y|z\\w",
		log: "CR\rLF\nNUL\x00 pipe| eq= bs\\ quote\" tab\t bad\xff\xfeutf8 ünïcode",
		statics: map[event.Static]string{
			event.SrcIP: "1.2.3.4 cs1=forged", event.DstUser: "eve=admin\\", event.SrcPort: "x",
		},
	},
}

func (s sample) alert() *alert.Alert {
	ev := &event.Event{Location: s.loc, FullLog: s.log, AgentID: s.agentID, Hostname: "web1", Time: testTime}
	if s.agentID == "" {
		ev.AgentID = "000"
	}
	for f, v := range s.statics {
		ev.Set(f, v)
	}
	ev.Dynamic = append(ev.Dynamic, s.dynamics...)
	ev.Decoder = &event.DecoderInfo{Name: "test"}
	return &alert.Alert{
		Time:    testTime,
		ID:      "1793520307.0",
		Manager: "manager",
		Rule: &alert.Rule{
			ID: s.id, Level: s.level, Description: s.desc, Groups: s.groups,
			FiredTimes: 1, NoFullLog: s.noFull,
		},
		Event: ev,
	}
}

func findSample(name string) sample {
	for _, s := range samples {
		if s.name == name {
			return s
		}
	}
	panic("no sample " + name)
}

// testConfig is a Config with a fixed host name.
func testConfig(f Format, h Header) Config {
	c := DefaultConfig()
	c.Server = "127.0.0.1"
	c.Hostname = "manager"
	c.Format, c.Header = f, h
	return c
}

func newTestFormatter(t testing.TB, c Config) *formatter {
	t.Helper()
	fillDefaults(&c)
	host, err := hostName(&c)
	if err != nil {
		t.Fatal(err)
	}
	return newFormatter(&c, host)
}

func render(t testing.TB, c Config, a *alert.Alert) string {
	t.Helper()
	b, _ := newTestFormatter(t, c).appendMessage(nil, a)
	return string(b)
}

// payloadOf strips the syslog header the formatter wrote.
func payloadOf(t testing.TB, msg string, f Format, h Header) string {
	t.Helper()
	var rest string
	var ok bool
	switch {
	case h == RFC5424:
		_, rest, ok = strings.Cut(msg, " - - - ")
	case f == FormatCEF:
		// "<PRI>Mmm dd hh:mm:ss " is 20 to 22 bytes: find "CEF:".
		i := strings.Index(msg, "CEF:")
		ok = i >= 0
		rest = msg[max(i, 0):]
	default:
		_, rest, ok = strings.Cut(msg, " ossec: ")
	}
	if !ok {
		t.Fatalf("no header in %q", msg)
	}
	return rest
}
