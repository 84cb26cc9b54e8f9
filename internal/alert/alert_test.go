package alert

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/gossec/gossec/internal/event"
)

var testTime = time.Date(2026, 11, 21, 9, 5, 7, 123_000_000, time.FixedZone("", -5*3600))

func sshdEvent() *event.Event {
	ev := &event.Event{
		Location:       "/var/log/auth.log",
		AgentID:        "000",
		FullLog:        "Nov 21 09:13:44 db1 sshd[2230]: Failed password for root from 203.0.113.9 port 41022 ssh2",
		Timestamp:      "Nov 21 09:13:44",
		Hostname:       "db1",
		ProgramName:    "sshd",
		HasProgramName: true,
		Decoder:        &event.DecoderInfo{Name: "sshd", Parent: "sshd"},
	}
	ev.Log = ev.FullLog[len("Nov 21 09:13:44 db1 sshd[2230]: "):]
	ev.Set(event.SrcIP, "203.0.113.9")
	ev.Set(event.SrcPort, "41022")
	ev.Set(event.DstUser, "root")
	return ev
}

func sshdAlert() *Alert {
	return &Alert{
		Time:         testTime,
		ID:           "1763733907.42",
		Event:        sshdEvent(),
		Manager:      "manager",
		JSONHostname: "db1",
		Rule: &Rule{
			ID: 5716, Level: 5, Description: "sshd: authentication failed.",
			Groups:     "syslog,sshd,authentication_failed,pci_dss_10.2.4,pci_dss_10.2.5,gdpr_IV_35.7.d,",
			Mitre:      []string{"T1110.001"},
			FiredTimes: 1,
		},
	}
}

func TestAppendJSONLayout(t *testing.T) {
	got := string(AppendJSON(nil, sshdAlert()))
	want := `{"timestamp":"2026-11-21T09:05:07.123-0500",` +
		`"rule":{"level":5,"description":"sshd: authentication failed.","id":"5716","mitre":{"id":["T1110.001"]},` +
		`"firedtimes":1,"mail":false,"groups":["syslog","sshd","authentication_failed"],` +
		`"pci_dss":["10.2.4","10.2.5"],"gdpr":["IV_35.7.d"]},` +
		`"agent":{"id":"000","name":"manager"},"manager":{"name":"manager"},"id":"1763733907.42",` +
		`"full_log":"Nov 21 09:13:44 db1 sshd[2230]: Failed password for root from 203.0.113.9 port 41022 ssh2",` +
		`"predecoder":{"program_name":"sshd","timestamp":"Nov 21 09:13:44","hostname":"db1"},` +
		`"decoder":{"parent":"sshd","name":"sshd"},` +
		`"data":{"srcip":"203.0.113.9","srcport":"41022","dstuser":"root"},"location":"/var/log/auth.log"}`
	if got != want {
		t.Errorf("json:\n got %s\nwant %s", got, want)
	}
}

func TestAppendJSONCases(t *testing.T) {
	tests := []struct {
		name   string
		edit   func(a *Alert)
		has    []string
		hasNot []string
	}{
		{"level 0 omitted", func(a *Alert) { a.Rule.Level = 0 }, nil, []string{`"level"`}},
		{"level 0 kept for logtest", func(a *Alert) { a.Rule.Level, a.AlwaysLevel = 0, true }, []string{`"level":0`}, nil},
		{"no rule", func(a *Alert) { a.Rule = nil }, []string{`"decoder":{"parent"`}, []string{`"rule"`}},
		{"no decoder", func(a *Alert) { a.Event.Decoder = nil }, []string{`"decoder":{}`}, nil},
		{"no_full_log", func(a *Alert) { a.Rule.NoFullLog = true }, nil, []string{`"full_log"`}},
		{"no_counter", func(a *Alert) { a.Rule.NoCounter = true }, nil, []string{`"firedtimes"`}},
		{"frequency", func(a *Alert) { a.Rule.Frequency = 8 }, []string{`"frequency":8,"firedtimes"`}, nil},
		{"set empty static printed", func(a *Alert) { a.Event.Set(event.Status, "") }, []string{`"status":""`}, nil},
		{"empty dynamic dropped", func(a *Alert) { a.Event.AddDynamic("x", "") }, nil, []string{`"x"`}},
		{"dotted names nest", func(a *Alert) {
			a.Event.AddDynamic("win.system.eventID", "4625")
			a.Event.AddDynamic("win.system.level", "0")
			a.Event.AddDynamic("win.system.eventID", "second")
		}, []string{`"win":{"system":{"eventID":"4625","level":"0"}}`}, []string{"second"}},
		{"array embedded", func(a *Alert) { a.Event.AddDynamic("tags", `["a", "b"]`) }, []string{`"tags":["a","b"]`}, nil},
		{"not an array", func(a *Alert) { a.Event.AddDynamic("v", `[a, b]`) }, []string{`"v":"[a, b]"`}, nil},
		{"escaping", func(a *Alert) { a.Event.FullLog = "a\"b\\c\n\t\x01\xff/é" },
			[]string{`"full_log":"a\"b\\c\n\t\u0001` + "\ufffd/é\""}, nil},
		{"agent event", func(a *Alert) {
			a.Event.AgentID, a.AgentName, a.AgentIP = "001", "web1", "10.0.0.5"
		}, []string{`"agent":{"id":"001","name":"web1","ip":"10.0.0.5"}`}, nil},
		{"previous output", func(a *Alert) { a.Previous = []string{"one", "two"} }, []string{`"previous_output":"one\ntwo"`}, nil},
		{"merged group token stays a group", func(a *Alert) { a.Rule.Groups = "fortiauthgpg13_3.3, Cloudflarehipaa_1" },
			[]string{`"groups":["fortiauthgpg13_3.3"," Cloudflarehipaa_1"]`}, []string{`"gpg13"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := sshdAlert()
			tt.edit(a)
			got := string(AppendJSON(nil, a))
			if !json.Valid([]byte(got)) {
				t.Fatalf("invalid JSON: %s", got)
			}
			for _, s := range tt.has {
				if !strings.Contains(got, s) {
					t.Errorf("missing %s in %s", s, got)
				}
			}
			for _, s := range tt.hasNot {
				if strings.Contains(got, s) {
					t.Errorf("unexpected %s in %s", s, got)
				}
			}
		})
	}
}

func TestAppendLog(t *testing.T) {
	a := sshdAlert()
	a.Event.AddDynamic("extra", "value")
	a.Event.AddDynamic("empty", "")
	got := string(AppendLog(nil, a))
	want := "** Alert 1763733907.42: - syslog,sshd,authentication_failed,pci_dss_10.2.4,pci_dss_10.2.5,gdpr_IV_35.7.d,\n" +
		"2026 Nov 21 09:05:07 db1->/var/log/auth.log\n" +
		"Rule: 5716 (level 5) -> 'sshd: authentication failed.'\n" +
		"Src IP: 203.0.113.9\nSrc Port: 41022\nUser: root\n" +
		"Nov 21 09:13:44 db1 sshd[2230]: Failed password for root from 203.0.113.9 port 41022 ssh2\n" +
		"extra: value\n\n"
	if got != want {
		t.Errorf("log block:\n got %q\nwant %q", got, want)
	}
	a.Rule.Mail = true
	if got := string(AppendLog(nil, a)); !strings.HasPrefix(got, "** Alert 1763733907.42: mail  - ") {
		t.Errorf("mail flag: %q", got[:40])
	}
}

func BenchmarkAppendJSON(b *testing.B) {
	a := sshdAlert()
	buf := make([]byte, 0, 4096)
	b.ReportAllocs()
	for b.Loop() {
		buf = AppendJSON(buf[:0], a)
	}
}
