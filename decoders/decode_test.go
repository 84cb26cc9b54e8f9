package decoders

import (
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/gossec/gossec/internal/event"
)

const (
	idField     = event.ID
	actionField = event.Action
)

var t0 = time.Unix(1700000000, 0)

func newEvent(log, prog string, hasProg bool) *event.Event {
	return &event.Event{Location: "stdin", Hostname: "host", Log: log, FullLog: log, ProgramName: prog, HasProgramName: hasProg, Time: t0}
}

// fieldList renders the decoded fields: static as name=value, dynamic as
// name:value in order.
func fieldList(ev *event.Event) []string {
	var out []string
	for f := event.Static(0); f < event.NumStatic; f++ {
		if v, ok := ev.Get(f); ok {
			out = append(out, f.String()+"="+v)
		}
	}
	for _, d := range ev.Dynamic {
		out = append(out, d.Name+":"+d.Value)
	}
	return out
}

func decoderOf(ev *event.Event) string {
	if ev.Decoder == nil {
		return ""
	}
	return ev.Decoder.Name + "|" + ev.Decoder.Parent + "|" + ev.Decoder.Type
}

type decodeCase struct {
	name    string
	prog    string // "-" for no program name
	log     string
	decoder string // name|parent|type, "" for none
	fields  []string
}

func runDecodeCases(t *testing.T, s *Set, cases []decodeCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			for _, indexed := range []bool{true, false} {
				ev := newEvent(c.log, c.prog, c.prog != "-")
				if c.prog == "-" {
					ev.ProgramName = ""
				}
				s.decode(ev, NewState(), indexed)
				if got := decoderOf(ev); got != c.decoder {
					t.Errorf("indexed=%v: decoder %q, want %q", indexed, got, c.decoder)
				}
				if got, want := strings.Join(fieldList(ev), "\n"), strings.Join(c.fields, "\n"); got != want {
					t.Errorf("indexed=%v: fields\n%s\nwant\n%s", indexed, got, want)
				}
			}
		})
	}
}

func TestDecodeFeatures(t *testing.T) {
	s, _ := loadFiles(t, "features.xml")
	runDecodeCases(t, s, []decodeCase{
		{"program name list", "prog", "user bob from 1.2.3.4", "prog|prog|firewall", []string{"srcip=1.2.3.4", "dstuser=bob"}},
		{"prematch list", "-", "user bob from 1.2.3.4", "nopn-prog||syslog", []string{"srcuser=bob"}},
		{"pn events skip prematch-only decoders", "other", "user bob from 1.2.3.4", "", nil},
		{"committed parent without child", "-", "commit abc", "commit||syslog", nil},
		{"child without prematch reports the parent", "-", "quiet: 42 xyz", "quiet||ids", []string{"id=42", "Extra:xyz"}},
		{"use_own_name", "-", "own child ok", "own-child|own|syslog", []string{"status=ok"}},
		{"renamed child", "-", "own other fine", "own|own|syslog", []string{"status=fine"}},
		{"no child matches", "-", "own nobody", "own||syslog", nil},
		{"order mapping and chains", "-", "fields u1 ip1 x1 d1 p1", "fields||syslog",
			[]string{"dstuser=u1", "extra_data=x1", "SrcIP:ip1", "dyn.name:d1", "dyn.name:p1"}},
		{"concatenated expressions, alternative 1", "-", "cat two ip=1.2.3.4:80 rest", "concat||syslog", []string{"srcip=1.2.3.4", "srcport=80"}},
		{"concatenated expressions, alternative 2", "-", "cat one ip=5.6.7.8 x", "concat||syslog", []string{"srcip=5.6.7.8"}},
		// after_regex continues after "a=1 ", so "^b=" matches and "^ c="
		// fails; the chain goes on and "d=" is found after "b=2 ".
		{"after_regex chain", "-", "chain head a=1 b=2 c=3 d=4", "chain|chain|syslog", []string{"a:1", "b:2", "d:4"}},
		{"failing chain head skips its chain", "-", "chain other thing", "chain|chain|syslog", []string{"second:thing"}},
		{"pcre2 groups", "-", "PCRE1 c", "pcre||syslog", []string{"g1:", "g2:", "g3:c"}},
		{"pcre2 is case-sensitive", "-", "pcre1 c", "", nil},
		{"osregex program_name", "rx12", "hello world", "prog-regex||syslog", []string{"word:hello"}},
		{"pcre2 program_name", "Pcabc", "x", "prog-pcre2||syslog", nil},
		{"pcre2 program_name case", "pcabc", "anyprog x", "anyprog||syslog", nil},
		{"empty program_name matches any", "zzz", "anyprog x", "anyprog||syslog", nil},
		{"empty program name", "", "anyprog x", "anyprog||syslog", nil},
		{"earlier pn decoder commits", "prog", "anyprog x", "prog||syslog", nil},
		{"no decoder", "-", "nothing at all", "", nil},
		{"empty log", "-", "", "", nil},
	})
}

func TestDecodeLists(t *testing.T) {
	s, _ := loadFiles(t, "lists.xml")
	runDecodeCases(t, s, []decodeCase{
		{"child read before second parent", "twin", "early x", "twin|twin|syslog", []string{"early:x"}},
		{"child read after both parents (pn)", "twin", "late y", "twin|twin|syslog", []string{"late:y"}},
		{"second parent lacks the early child", "-", "twin early x", "twin||syslog", nil},
		// The nopn "twin" has children, so its PF plugin never runs.
		{"child read after both parents (nopn)", "-", "twin late z", "twin|twin|syslog", []string{"late:z"}},
		{"non-adjacent chain walks into the next block", "-", "walk a=1 b=2 o=3", "walk||syslog", []string{"a:1", "o:3"}},
		{"chain head prematch fails", "-", "skip no x", "skip||syslog", []string{"next:no"}},
		{"chain", "-", "skip yes 1 2", "skip|skip|syslog", []string{"one:1", "two:2"}},
	})
}

func TestDecoderInfo(t *testing.T) {
	s, _ := loadFiles(t, "features.xml")
	ev := newEvent("own child ok", "", false)
	s.Decode(ev, NewState())
	if ev.Decoder.FTSComment != "first seen" {
		t.Errorf("ftscomment = %q", ev.Decoder.FTSComment)
	}
	ev = newEvent("acc id=1 user=a ip=b end", "", false)
	s.Decode(ev, NewState())
	if got := strings.Join(ev.Decoder.FTS, ","); got != "name,user,srcip" || !ev.Decoder.Accumulate {
		t.Errorf("fts = %q, accumulate = %v", got, ev.Decoder.Accumulate)
	}
	ev = newEvent("ftsdyn z 1.1.1.1", "", false)
	s.Decode(ev, NewState())
	if got := strings.Join(ev.Decoder.FTS, ","); got != "data,location,zeta" || ev.Decoder.Accumulate {
		t.Errorf("fts = %q", got)
	}
}

func TestAccumulator(t *testing.T) {
	s, _ := loadFiles(t, "features.xml")
	st := NewState()
	long := strings.Repeat("u", 81)
	steps := []struct {
		dt   int64
		host string
		log  string
		want []string
	}{
		{0, "h", "acc id=7 user=bob ip= end", []string{"srcip=", "dstuser=bob", "id=7"}},
		{60, "h", "acc id=7 user= ip=1.2.3.4 end", []string{"srcip=1.2.3.4", "dstuser=bob", "id=7"}},
		{100, "h", "acc id=7 user=alice ip= end", []string{"srcip=1.2.3.4", "dstuser=alice", "id=7"}},
		{110, "other", "acc id=7 user= ip= end", []string{"srcip=", "dstuser=", "id=7"}},
		{120, "h", "acc id=8 user= ip= end", []string{"srcip=", "dstuser=", "id=8"}},
		// Stored values are sticky: bob, not alice.
		{130, "h", "acc id=7 user= ip= end", []string{"srcip=1.2.3.4", "dstuser=bob", "id=7"}},
		// 121 s after the last update the entry has expired.
		{251, "h", "acc id=7 user= ip= end", []string{"srcip=", "dstuser=", "id=7"}},
		{260, "h", "acc id=9 user=" + long + " ip= end", []string{"srcip=", "dstuser=" + long, "id=9"}},
		{261, "h", "acc id=9 user= ip= end", []string{"srcip=", "dstuser=", "id=9"}},
	}
	for i, step := range steps {
		ev := newEvent(step.log, "", false)
		ev.Hostname = step.host
		ev.Time = t0.Add(time.Duration(step.dt) * time.Second)
		s.Decode(ev, st)
		got := fieldList(ev)
		sort.Strings(got)
		want := append([]string(nil), step.want...)
		sort.Strings(want)
		if strings.Join(got, " ") != strings.Join(want, " ") {
			t.Errorf("step %d: %v, want %v", i, got, want)
		}
	}
}

func TestPlugins(t *testing.T) {
	s, _ := loadFiles(t, "plugins.xml")
	runDecodeCases(t, s, []decodeCase{
		{"json", "-", `{"srcip":"1.2.3.4","user":"bob","n":null,"a":{"b":[1,2]}}`, "json||syslog",
			[]string{"srcip=1.2.3.4", "user:bob", "n:null", "a.b:[1, 2]"}},
		{"json csv after_prematch", "-", `csv {"n":null,"a":[1,"x",null]}`, "jcsv||syslog", []string{"a:1,x,null"}},
		{"plugin child without prematch uses the parent's offset", "-", `kq: {"a":1}`, "kq||syslog", nil},
		{"plugin after_parent", "-", `jp: data {"a":1}`, "jp|jp|syslog", nil},
		{"plugin after_prematch", "-", `jp: more {"a":1}`, "jp|jp|syslog", []string{"a:1"}},
		{"pf", "pf", "Mar 30 15:54:22.171929 rule 3/(match) pass out on xl0: 192.168.2.10.1514 > 192.168.2.190.1030:  udp 73",
			"pf||firewall", []string{"protocol=UDP", "action=pass", "srcip=192.168.2.10", "srcport=1514", "dstip=192.168.2.190", "dstport=1030"}},
		{"pf icmp", "pf", "Mar 30 17:47:40.390143 rule 2/(match) block in on lo0: 127.0.0.1 > 127.0.0.1: icmp: echo reply",
			"pf||firewall", []string{"protocol=ICMP", "action=block", "srcip=127.0.0.1", "dstip=127.0.0.1"}},
		{"pf tcp", "pf", "Mar 30 15:32:33.483712 rule 2/(match) pass in on xl0: 140.211.166.3.6667 > 192.168.2.10.16290: P 7408:7677(269) ack 1773",
			"pf||firewall", []string{"protocol=TCP", "action=pass", "srcip=140.211.166.3", "srcport=6667", "dstip=192.168.2.10", "dstport=16290"}},
		{"pf unknown action", "pf", "x rule 1/(match) drop in", "pf||firewall", nil},
		{"symantec", "-", "20070717,73613,1=5,11=10.1.1.3,10=userc,3=1,2=1", "symantec-websecurity||syslog",
			[]string{"srcip=10.1.1.3", "dstuser=userc", "id=3=1,2=1"}},
		{"symantec url", "-", "20070717,73614,1=5,11=1.2.3.4,1106=News,60=http://news.bbc.co.uk/,10=userX,1000=212.58.240.42,2=27",
			"symantec-websecurity||syslog", []string{"srcip=1.2.3.4", "dstuser=userX", "id=2=27", "url=http://news.bbc.co.uk/"}},
		{"sonicwall firewall", "-", `id=firewall sn=000SERIAL time="2007-01-03 14:48:06" fw=1.1.1.1 pri=6 c=262144 m=98 msg="Connection Opened" n=23419 src=2.2.2.2:36701:WAN dst=1.1.1.1:50000:WAN proto=tcp/50000`,
			"sonicwall||firewall", []string{"protocol=tcp", "action=pass", "srcip=2.2.2.2", "srcport=36701", "dstip=1.1.1.1", "dstport=50000", "id=98", "status=6"}},
		{"sonicwall ids", "-", `id=firewall sn=000SERIAL time="2007-01-03 14:48:07" fw=1.1.1.1 pri=1 c=32 m=30 msg="Administrator login denied due to bad credentials" n=7 src=2.2.2.2:36701:WAN dst=1.1.1.1:50000:WAN`,
			"sonicwall||ids", []string{"srcip=2.2.2.2", "srcport=36701", "dstip=1.1.1.1", "dstport=50000", "id=30", "status=1"}},
		{"sonicwall proxy", "-", `id=firewall sn=X pri=6 c=1024 m=97 n=1 src=2.2.2.2:36701:WAN dst=1.1.1.1:80:WAN result=403 dstname=example.com arg=/index.html`,
			"sonicwall||squid", []string{"srcip=2.2.2.2", "srcport=36701", "dstip=1.1.1.1", "dstport=80", "id=403", "status=6", "url=example.com/index.html"}},
		{"sonicwall unparsed", "-", `id=firewall sn=X nothing else`, "sonicwall||syslog", nil},
		{"ossec alert without rules", "ossec", "Alert Level: 3; Rule: 5715 - x; Location: a; srcip: 1.1.1.1; l", "ossec-alert||ossec-alert", nil},
	})
}

func TestOSSECAlert(t *testing.T) {
	s, _ := loadFiles(t, "plugins.xml")
	st := NewState()
	st.RuleExists = func(id string) bool { return id == "5715" }
	ev := newEvent("Alert Level: 3; Rule: 5715 - sshd: authentication success.; Location: (agent1) 10.0.0.1->/var/log/secure; srcip: 10.0.0.2; user: root;  Feb 10 sshd[1]: Accepted", "ossec", true)
	s.Decode(ev, st)
	if id, ok := st.GeneratedRule(); !ok || id != "5715" {
		t.Errorf("generated rule = %q, %v", id, ok)
	}
	if ev.Location != "stdin|(agent1) 10.0.0.1->/var/log/secure" || ev.Hostname != ev.Location {
		t.Errorf("location %q hostname %q", ev.Location, ev.Hostname)
	}
	if ev.Log != "Feb 10 sshd[1]: Accepted" || ev.FullLog != ev.Log {
		t.Errorf("log %q full %q", ev.Log, ev.FullLog)
	}
	if got := strings.Join(fieldList(ev), " "); got != "srcip=10.0.0.2 dstuser=root" {
		t.Errorf("fields %s", got)
	}
	if ev.Decoder.Type != TypeOSSECAlert {
		t.Errorf("type %q", ev.Decoder.Type)
	}
	ev = newEvent("ossec: Alert Level: 3; Rule: 1 - x; Location: y; z", "ossec", true)
	s.Decode(ev, st)
	if _, ok := st.GeneratedRule(); ok || ev.Location != "stdin" {
		t.Errorf("unknown rule id changed the event")
	}
}

// TestRetype checks that a type-rewriting plugin in a child without
// prematch changes the type of the parent, which reports the event, and
// that the change belongs to the session's State.
func TestRetype(t *testing.T) {
	path := writeDecoders(t, `<decoder name="sw"><prematch>^sw </prematch></decoder>
<decoder name="sw-any"><parent>sw</parent><prematch offset="after_parent">^plain</prematch></decoder>
<decoder name="sw-plug"><parent>sw</parent><plugin_decoder>SonicWall_Decoder</plugin_decoder></decoder>`)
	s, errs := Load([]string{path}, LoadOptions{})
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	st := NewState()
	steps := []struct{ log, want string }{
		{"sw plain", "sw|sw|syslog"},
		{"sw pri=1 c=32 m=5 src=1.1.1.1:1:X dst=2.2.2.2:2:", "sw||ids"},
		{"sw plain", "sw|sw|syslog"}, // another reporter, untouched
		{"sw pri=1 c=2 m=98 src=1.1.1.1:1:X dst=2.2.2.2:2:", "sw||firewall"},
		{"sw other", "sw||syslog"},
	}
	for _, step := range steps {
		ev := newEvent(step.log, "", false)
		s.Decode(ev, st)
		if got := decoderOf(ev); got != step.want {
			t.Errorf("%q: decoder %s, want %s", step.log, got, step.want)
		}
	}
	if len(st.retyped) != 1 {
		t.Errorf("retyped = %v", st.retyped)
	}
	ev := newEvent("sw plain", "", false)
	s.Decode(ev, NewState())
	if ev.Decoder.Type != TypeSyslog || s.nopn[0].dec.info.Type != TypeSyslog {
		t.Error("a fresh state or the set itself saw the session's type change")
	}
}

func TestOSSECDialect(t *testing.T) {
	s, _ := loadFiles(t, "ossec.xml")
	runDecodeCases(t, s, []decodeCase{
		{"pcre2 elements and offsets", "osxd", "AUTH: user=bob from=1.2.3.4", "osx|osx|syslog", []string{"srcip=1.2.3.4", "dstuser=bob"}},
		{"pcre2 program name is case-sensitive", "OSX", "AUTH: user=bob from=1.2.3.4", "", nil},
		{"pcre2 prematch", "osx", "auth: user=bob", "", nil},
	})
}
