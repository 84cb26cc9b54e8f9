package rules

import (
	"testing"

	"github.com/gossec/gossec/internal/event"
)

// TestElements checks the subject, default dialect, negate and type of
// every matching element (§3.3).
func TestElements(t *testing.T) {
	tests := []struct {
		name  string
		elems string
		ev    *event.Event
		want  bool
	}{
		{"match substring, case-insensitive", `<match>FAILED pass</match>`, mkEvent("a failed password"), true},
		{"match miss", `<match>accepted</match>`, mkEvent("a failed password"), false},
		{"match alternatives", `<match>^x|password$</match>`, mkEvent("a failed password"), true},
		{"match negate", `<match negate="yes">accepted</match>`, mkEvent("a failed password"), true},
		{"match negate hit", `<match negate="yes">failed</match>`, mkEvent("a failed password"), false},
		{"match type pcre2 case-sensitive", `<match type="pcre2">FAILED</match>`, mkEvent("a failed password"), false},
		{"match type pcre2 inline (?i)", `<match type="pcre2">(?i)FAILED</match>`, mkEvent("a failed password"), true},
		{"match on log not full_log", `<match>Dec 1</match>`, func() *event.Event { e := mkEvent("msg"); e.FullLog = "Dec 1 msg"; return e }(), false},
		{"repeated match concatenates", `<match>fail</match><match>ed</match>`, mkEvent("a failed password"), true},
		{"repeated match concatenates (miss)", `<match>fail</match><match>xx</match>`, mkEvent("a failed password"), false},
		{"last negate wins", `<match negate="yes">fail</match><match>ed</match>`, mkEvent("a failed password"), true},
		{"bad negate value is no", `<match negate="maybe">failed</match>`, mkEvent("a failed password"), true},
		{"regex osregex default", `<regex>^a \w+ pass</regex>`, mkEvent("a failed password"), true},
		{"regex type osmatch", `<regex type="osmatch">^a fail</regex>`, mkEvent("a failed password"), true},
		{"regex negate", `<regex negate="yes">\d+</regex>`, mkEvent("no digits"), true},
		{"field osregex", `<field name="user.name">^ro\w+$</field>`, mkEvent("x", withField("user.name", "root")), true},
		{"field name case-insensitive", `<field name="USER.NAME">root</field>`, mkEvent("x", withField("user.name", "root")), true},
		{"field first value", `<field name="k">^a$</field>`, mkEvent("x", withField("k", "a"), withField("k", "b")), true},
		{"field missing fails even negated", `<field name="k" negate="yes">a</field>`, mkEvent("x"), false},
		{"field negate", `<field name="k" negate="yes">a</field>`, mkEvent("x", withField("k", "b")), true},
		{"field pcre2", `<field name="k" type="pcre2">^B$</field>`, mkEvent("x", withField("k", "b")), false},
		{"program_name", `<program_name>^sshd</program_name>`, mkEvent("x", withProgram("sshd")), true},
		{"program_name absent", `<program_name negate="yes">^sshd</program_name>`, mkEvent("x"), false},
		{"empty program_name is a program name", `<program_name negate="yes">sshd</program_name>`, mkEvent("x", withProgram("")), true},
		{"hostname", `<hostname>^host1$</hostname>`, mkEvent("x"), true},
		{"location", `<location>stdin</location>`, mkEvent("x"), true},
		{"location negate", `<location negate="yes">stdin</location>`, mkEvent("x"), false},
		{"id", `<id>^4625$</id>`, mkEvent("x", withStatic(event.ID, "4625")), true},
		{"id missing", `<id negate="yes">^4625$</id>`, mkEvent("x"), false},
		{"url", `<url>.php</url>`, mkEvent("x", withStatic(event.URL, "/a.PHP")), true},
		{"status", `<status>^200</status>`, mkEvent("x", withStatic(event.Status, "200")), true},
		{"protocol", `<protocol>tcp</protocol>`, mkEvent("x", withStatic(event.Protocol, "TCP")), true},
		{"system_name", `<system_name>srv</system_name>`, mkEvent("x", withStatic(event.SystemName, "srv1")), true},
		{"data", `<data>abc</data>`, mkEvent("x", withStatic(event.Data, "xabcx")), true},
		{"extra_data", `<extra_data>^abc$</extra_data>`, mkEvent("x", withStatic(event.ExtraData, "abc")), true},
		{"srcport", `<srcport>^22$</srcport>`, mkEvent("x", withStatic(event.SrcPort, "22")), true},
		{"dstport osregex", `<dstport type="osregex">^\d+$</dstport>`, mkEvent("x", withStatic(event.DstPort, "443")), true},
		{"action exact", `<action>allow</action>`, mkEvent("x", withStatic(event.Action, "allow")), true},
		{"action exact is case-sensitive", `<action>allow</action>`, mkEvent("x", withStatic(event.Action, "Allow")), false},
		{"action exact no substring", `<action>allow</action>`, mkEvent("x", withStatic(event.Action, "allowed")), false},
		{"action type osmatch", `<action type="osmatch">allow</action>`, mkEvent("x", withStatic(event.Action, "Allowed")), true},
		{"action negate", `<action negate="yes">allow</action>`, mkEvent("x", withStatic(event.Action, "deny")), true},
		{"user prefers dstuser", `<user>^bob$</user>`, mkEvent("x", withStatic(event.DstUser, "bob"), withStatic(event.SrcUser, "alice")), true},
		{"user ignores srcuser when dstuser set", `<user>^alice$</user>`, mkEvent("x", withStatic(event.DstUser, "bob"), withStatic(event.SrcUser, "alice")), false},
		{"user falls back to srcuser", `<user>^alice$</user>`, mkEvent("x", withStatic(event.SrcUser, "alice")), true},
		{"user missing", `<user negate="yes">x</user>`, mkEvent("x"), false},
		{"srcip cidr", `<srcip>10.0.0.0/8</srcip>`, mkEvent("x", withStatic(event.SrcIP, "10.1.2.3")), true},
		{"srcip dotted mask", `<srcip>10.1.0.0/255.255.0.0</srcip>`, mkEvent("x", withStatic(event.SrcIP, "10.2.2.3")), false},
		{"srcip list", `<srcip>192.168.0.1</srcip><srcip>10.0.0.0/8</srcip>`, mkEvent("x", withStatic(event.SrcIP, "10.1.2.3")), true},
		{"srcip ! entry excludes", `<srcip>!10.0.0.0/8</srcip>`, mkEvent("x", withStatic(event.SrcIP, "10.1.2.3")), false},
		{"srcip ! entry, other address", `<srcip>!10.0.0.0/8</srcip>`, mkEvent("x", withStatic(event.SrcIP, "11.1.2.3")), true},
		{"srcip entry after ! returns false", `<srcip>!10.0.0.0/8</srcip><srcip>11.0.0.0/8</srcip>`, mkEvent("x", withStatic(event.SrcIP, "11.1.2.3")), false},
		{"srcip entry after !, no hit", `<srcip>!10.0.0.0/8</srcip><srcip>11.0.0.0/8</srcip>`, mkEvent("x", withStatic(event.SrcIP, "12.1.2.3")), true},
		{"srcip negate", `<srcip negate="yes">10.0.0.0/8</srcip>`, mkEvent("x", withStatic(event.SrcIP, "10.1.2.3")), false},
		{"srcip not an address", `<srcip>10.0.0.0/8</srcip>`, mkEvent("x", withStatic(event.SrcIP, "host")), false},
		{"srcip not an address, negated", `<srcip negate="yes">10.0.0.0/8</srcip>`, mkEvent("x", withStatic(event.SrcIP, "host")), true},
		{"dstip ipv6", `<dstip>2001:db8::/32</dstip>`, mkEvent("x", withStatic(event.DstIP, "2001:db8::1")), true},
		{"dstip any", `<dstip>any</dstip>`, mkEvent("x", withStatic(event.DstIP, "1.2.3.4")), true},
		{"dstip missing", `<dstip negate="yes">any</dstip>`, mkEvent("x"), false},
		{"decoded_as", `<decoded_as>sshd</decoded_as>`, mkEvent("x", withDecoder("sshd", "syslog")), true},
		{"decoded_as other", `<decoded_as>sshd</decoded_as>`, mkEvent("x", withDecoder("pam", "syslog")), false},
		{"decoded_as undecoded", `<decoded_as>sshd</decoded_as>`, mkEvent("x"), false},
		{"time inside", `<time>10:00 - 11:00</time>`, mkEvent("x"), true},
		{"time outside", `<time>1 pm - 2 pm</time>`, mkEvent("x"), false},
		{"time reversed range", `<time>6 pm - 8:30 am</time>`, mkEvent("x"), false},
		{"time reversed range, night", `<time>6 pm - 8:30 am</time>`, mkEvent("x", at(-10*3600)), true},
		{"time negated", `<time>!10:00-11:00</time>`, mkEvent("x"), false},
		{"weekday", `<weekday>wednesday</weekday>`, mkEvent("x"), true},
		{"weekdays", `<weekday>weekdays</weekday>`, mkEvent("x"), true},
		{"weekends", `<weekday>weekends</weekday>`, mkEvent("x"), false},
		{"weekday list", `<weekday>mon, tue</weekday>`, mkEvent("x"), false},
		{"weekday negated", `<weekday>!mon,tue</weekday>`, mkEvent("x"), true},
		{"compiled is_simple_http_request", `<compiled_rule>is_simple_http_request</compiled_rule>`, mkEvent("x", withStatic(event.URL, "/index.html")), true},
		{"compiled is_simple_http_request query", `<compiled_rule>is_simple_http_request</compiled_rule>`, mkEvent("x", withStatic(event.URL, "/a?b=1")), false},
		{"compiled is_valid_crawler", `<compiled_rule>is_valid_crawler</compiled_rule>`, mkEvent("66.249.1.1 - - GET /"), true},
		{"compiled is_valid_crawler no", `<compiled_rule>is_valid_crawler</compiled_rule>`, mkEvent("1.2.3.4 - - GET /"), false},
		{"srcgeoip never matches", `<srcgeoip negate="yes">US</srcgeoip>`, mkEvent("x"), false},
		{"dstgeoip never matches", `<dstgeoip>US</dstgeoip>`, mkEvent("x"), false},
		{"all conditions", `<match>fail</match><user>bob</user><srcip>1.2.3.4</srcip>`,
			mkEvent("fail", withStatic(event.DstUser, "bob"), withStatic(event.SrcIP, "1.2.3.4")), true},
		{"ossec match_pcre2 caseless", `<match_pcre2>FAILED \w+</match_pcre2>`, mkEvent("a failed password"), true},
		{"ossec pcre2 on log", `<pcre2>^a failed</pcre2>`, mkEvent("a failed password"), true},
		{"ossec id_pcre2", `<id_pcre2>^AH0\d+$</id_pcre2>`, mkEvent("x", withStatic(event.ID, "AH01630")), true},
		{"ossec id_pcre2 missing", `<id_pcre2>^AH</id_pcre2>`, mkEvent("x"), false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tree := mustLoad(t, group(`<rule id="100" level="5"><if_sid>1</if_sid>`+tc.elems+`<description>x</description></rule>`))
			got := matchID(tree, NewState(tree, Config{}), tc.ev) == 100
			if got != tc.want {
				t.Errorf("matched = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestMaxSize(t *testing.T) {
	tree := mustLoad(t, group(`<rule id="100" level="5" maxsize="10"><if_sid>1</if_sid><description>x</description></rule>`))
	st := NewState(tree, Config{})
	if got := matchID(tree, st, mkEvent("123456789")); got != 0 {
		t.Errorf("9 bytes matched rule %d", got)
	}
	if got := matchID(tree, st, mkEvent("1234567890")); got != 100 {
		t.Errorf("10 bytes matched %d, want 100", got)
	}
}
