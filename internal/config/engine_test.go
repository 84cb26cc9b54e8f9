package config

import (
	"strings"
	"testing"

	"github.com/gossec/gossec/internal/xmlconf"
)

func TestParseEngine(t *testing.T) {
	tests := []struct {
		in   string
		want string // String() of the result, or "error"
	}{
		{"ossec-4.2", "ossec-4.2"},
		{"OSSEC-2.8", "ossec-2.8"},
		{"ossec-current", "ossec-current"},
		{"ossec", "ossec-current"},
		{"wazuh-3.13", "wazuh-3.13"},
		{"wazuh-4.14.1", "wazuh-4.14.1"},
		{" wazuh-v4.9 ", "wazuh-4.9"},
		{"wazuh-4", "wazuh-4.0"},
		{"splunk-9", "error"},
		{"wazuh-4.x", "error"},
		{"wazuh-1.0", "error"},
		{"wazuh-4.1.2.3", "error"},
		{"", "error"},
	}
	for _, tt := range tests {
		e, err := ParseEngine(tt.in)
		got := e.String()
		if err != nil {
			got = "error"
		}
		if got != tt.want {
			t.Errorf("ParseEngine(%q) = %s (%v), want %s", tt.in, got, err, tt.want)
		}
	}
}

func TestEngineAtLeast(t *testing.T) {
	e := func(s string) Engine {
		v, err := ParseEngine(s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	tests := []struct {
		e                   Engine
		major, minor, patch int
		want                bool
	}{
		{e("wazuh-4.14.1"), 4, 14, 1, true},
		{e("wazuh-4.14"), 4, 14, 1, false},
		{e("wazuh-4.9"), 4, 12, 0, false},
		{e("wazuh-4.12"), 4, 3, 0, true},
		{e("wazuh-3.13"), 4, 0, 0, false},
		{e("wazuh-current"), 99, 0, 0, true},
		{e("ossec-4.2"), 4, 3, 0, false},
		{e("ossec-4.3"), 4, 3, 0, true},
	}
	for _, tt := range tests {
		if got := tt.e.AtLeast(tt.major, tt.minor, tt.patch); got != tt.want {
			t.Errorf("%s.AtLeast(%d.%d.%d) = %v", tt.e, tt.major, tt.minor, tt.patch, got)
		}
	}
	if got := (Engine{}).Resolve(OSSEC).String(); got != "ossec-current" {
		t.Errorf("default for <rules> = %s", got)
	}
	if got := (Engine{}).Resolve(NoRuleset).String(); got != "wazuh-current" {
		t.Errorf("default without a ruleset = %s", got)
	}
	if got := e("wazuh-3.13").Resolve(OSSEC).String(); got != "wazuh-3.13" {
		t.Errorf("a named engine is kept: %s", got)
	}
}

func TestEngineElement(t *testing.T) {
	parse := func(text string) (*Config, []error) {
		roots, err := xmlconf.Parse("ossec.conf", []byte(text))
		if err != nil {
			t.Fatal(err)
		}
		return FromNodes(roots, nil)
	}
	c, errs := parse(`<ossec_config><rules><include>a.xml</include><engine>ossec-4.2</engine></rules></ossec_config>`)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	if got := c.Ruleset.Engine.String(); got != "ossec-4.2" {
		t.Errorf("engine %s", got)
	}
	_, errs = parse(`<ossec_config><ruleset><engine>wazuh-x</engine></ruleset></ossec_config>`)
	if len(errs) != 1 || !strings.Contains(errs[0].Error(), "wazuh-x") {
		t.Errorf("bad engine: errors %v", errs)
	}
}

// FuzzParseEngine: whatever the input, a parsed engine prints as a value
// that parses back to the same engine.
func FuzzParseEngine(f *testing.F) {
	for _, s := range []string{"ossec-4.2", "wazuh-4.14.1", "wazuh-current", "ossec", "wazuh-3.13.6", "x-1", "wazuh-4..1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		e, err := ParseEngine(s)
		if err != nil {
			return
		}
		back, err := ParseEngine(e.String())
		if err != nil || back != e {
			t.Fatalf("%q -> %s -> %v (%v)", s, e, back, err)
		}
	})
}
