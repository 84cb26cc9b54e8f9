package syslog

import (
	"strings"
	"testing"

	"github.com/gossec/gossec/internal/xmlconf"
)

func parse(t *testing.T, xml string) ([]Config, []error) {
	t.Helper()
	roots, err := xmlconf.Parse("ossec.conf", []byte(xml))
	if err != nil {
		t.Fatalf("xml: %v", err)
	}
	return ParseConfig(roots)
}

func TestParseConfig(t *testing.T) {
	cfgs, errs := parse(t, `<ossec_config>
  <syslog_output>
    <server>192.168.4.1</server>
  </syslog_output>
  <syslog_output>
    <level>10</level>
    <server>siem.example.org</server>
    <port>1514</port>
    <format>cef</format>
    <rule_id>5716, 5720,,31101</rule_id>
    <group>authentication_failed|attack</group>
    <location>/var/log/secure</location>
    <use_fqdn>yes</use_fqdn>
    <protocol>tcp</protocol>
    <framing>octet-counting</framing>
    <header>rfc5424</header>
    <cef_hostname>yes</cef_hostname>
    <cef_fields>yes</cef_fields>
  </syslog_output>
</ossec_config>
<ossec_config>
  <syslog_output>
    <server>10.1.1.1</server>
    <format>json-full</format>
    <tls>yes</tls>
    <tls_verify>no</tls_verify>
    <tls_ca>/etc/ssl/ca.pem</tls_ca>
    <program>gossec</program>
    <facility>auth</facility>
    <severity>crit</severity>
    <queue_size>10</queue_size>
  </syslog_output>
</ossec_config>`)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	if len(cfgs) != 3 {
		t.Fatalf("%d blocks", len(cfgs))
	}
	a, b, c := cfgs[0], cfgs[1], cfgs[2]
	if a.Server != "192.168.4.1" || a.Port != 514 || a.Format != FormatDefault || a.Protocol != UDP || a.Priority() != 132 || a.Program != "ossec" {
		t.Errorf("defaults: %+v", a)
	}
	if b.Level != 10 || b.Port != 1514 || b.Format != FormatCEF || len(b.RuleIDs) != 3 || b.RuleIDs[2] != 31101 ||
		b.group == nil || b.location == nil || !b.UseFQDN || b.Protocol != TCP || b.Framing != OctetCounting || b.Header != RFC5424 || !b.CEFHost || !b.CEFFields {
		t.Errorf("block 2: %+v", b)
	}
	if c.Protocol != TLS || c.Port != DefaultTLSPort || c.TLSVerify || c.TLSCA != "/etc/ssl/ca.pem" || c.Format != FormatJSONFull ||
		c.Program != "gossec" || c.Priority() != 4*8+2 || c.QueueSize != 10 {
		t.Errorf("block 3: %+v", c)
	}
	if b.Pos.Line != 5 || c.Pos.Line != 22 || a.CEFFields {
		t.Errorf("positions %v %v", b.Pos, c.Pos)
	}
}

func TestParseConfigErrors(t *testing.T) {
	for _, tc := range []struct{ body, want string }{
		{`<port>514</port>`, "ossec.conf:1:15: <syslog_output> needs a <server>"},
		{`<server>x</server><port>99999</port>`, `:1:48: <port> "99999": want a number from 1 to 65535`},
		{`<server>x</server><format>xml</format>`, `<format> "xml": want default, cef, json, json-full or splunk`},
		{`<server>x</server><use_fqdn>maybe</use_fqdn>`, `<use_fqdn> "maybe": want yes or no`},
		{`<server>x</server><rule_id>12,abc</rule_id>`, `<rule_id> "12,abc": "abc" is not a rule id`},
		{`<server>x</server><protocol>sctp</protocol>`, `<protocol> "sctp": want udp, tcp or tls`},
		{`<server>x</server><framing>octet-counting</framing>`, `<framing> applies to tcp and tls only`},
		{`<server>x</server><colour>red</colour>`, `invalid element <colour> in <syslog_output>`},
		{`<server>x</server><level>high</level>`, `<level> "high"`},
		{`<server>x</server><facility>local9</facility>`, `<facility> "local9"`},
		{`<server>x</server><max_size>10</max_size>`, `<max_size> "10"`},
	} {
		cfgs, errs := parse(t, `<ossec_config><syslog_output>`+tc.body+`</syslog_output></ossec_config>`)
		if len(cfgs) != 0 || len(errs) == 0 || !strings.Contains(errs[0].Error(), tc.want) {
			t.Errorf("%s: got %v, want %q", tc.body, errs, tc.want)
		}
	}
}
