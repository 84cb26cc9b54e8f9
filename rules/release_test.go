package rules

import (
	"fmt"
	"strings"
	"testing"

	"github.com/gossec/gossec/internal/event"
	"github.com/gossec/gossec/internal/osregex"
)

// loadWith loads base plus rules with opt and fails on any error.
func loadWith(t *testing.T, opt LoadOptions, rules ...string) *Tree {
	t.Helper()
	res := loadXML(t, opt, append([]string{base}, rules...)...)
	for _, e := range res.errs {
		t.Fatalf("load: %v", e)
	}
	return res.tree
}

var ossecOpts = LoadOptions{OSSEC: true, OneDataField: true, SimpleHTTPGetOnly: true, SameLocationIsHost: true}

func TestSameLocationByRelease(t *testing.T) {
	// frequency is stored as written by OSSEC and minus 2 by Wazuh: both
	// trees count two earlier events.
	rule := func(freq int) string {
		return group(`<rule id="100" level="3"><if_sid>1</if_sid><match>fail</match><description>f</description></rule>`,
			fmt.Sprintf(`<rule id="101" level="10" frequency="%d" timeframe="60"><if_matched_sid>100</if_matched_sid><same_location/><description>m</description></rule>`, freq))
	}
	ossec := loadWith(t, ossecOpts, rule(2))
	wazuh := loadWith(t, LoadOptions{}, rule(4))
	sameHostOtherFile := []*event.Event{mkEvent("fail", withLocation("/a")), mkEvent("fail", withLocation("/b")),
		mkEvent("fail", withLocation("/c")), mkEvent("fail", withLocation("/d"))}
	otherHostSameFile := []*event.Event{mkEvent("fail", withHost("h1")), mkEvent("fail", withHost("h2")),
		mkEvent("fail", withHost("h3")), mkEvent("fail", withHost("h4"))}
	tests := []struct {
		name string
		tree *Tree
		evs  []*event.Event
		want int
	}{
		{"ossec: same host", ossec, sameHostOtherFile, 101},
		{"ossec: other hosts", ossec, otherHostSameFile, 100},
		{"wazuh: other locations", wazuh, sameHostOtherFile, 100},
		{"wazuh: same location", wazuh, otherHostSameFile, 101},
	}
	for _, tt := range tests {
		got := run(tt.tree, NewState(tt.tree, Config{}), tt.evs...)
		if last := got[len(got)-1]; last != tt.want {
			t.Errorf("%s: results %v, last want %d", tt.name, got, tt.want)
		}
	}
}

// TestOSSECSearchOrder: OSSEC stops at an event already counted by the
// correlation before looking at its source address; Wazuh skips it.
func TestOSSECSearchOrder(t *testing.T) {
	rule := func(freq int) string {
		return group(`<rule id="100" level="3"><if_sid>1</if_sid><match>fail</match><description>f</description></rule>`,
			fmt.Sprintf(`<rule id="101" level="10" frequency="%d" timeframe="60"><if_matched_sid>100</if_matched_sid><same_source_ip/><description>m</description></rule>`, freq))
	}
	ip := func(a string) evOpt { return withStatic(event.SrcIP, a) }
	evs := []*event.Event{
		mkEvent("fail", ip("b")),
		mkEvent("fail", ip("a")), mkEvent("fail", ip("a")), mkEvent("fail", ip("a")), mkEvent("fail", ip("a")),
		mkEvent("fail", ip("b")), mkEvent("fail", ip("b")), mkEvent("fail", ip("b")),
	}
	for _, tt := range []struct {
		name string
		tree *Tree
		want string
	}{
		{"ossec", loadWith(t, ossecOpts, rule(2)), "100 100 100 100 101 100 100 100"},
		{"wazuh", loadWith(t, LoadOptions{}, rule(4)), "100 100 100 100 101 100 100 101"},
	} {
		got := strings.Trim(fmt.Sprint(run(tt.tree, NewState(tt.tree, Config{}), evs...)), "[]")
		if got != tt.want {
			t.Errorf("%s: %s, want %s", tt.name, got, tt.want)
		}
	}
}

func TestSimpleHTTPRequestByRelease(t *testing.T) {
	rules := group(`<rule id="100" level="3"><if_sid>1</if_sid><compiled_rule>is_simple_http_request</compiled_rule><description>simple</description></rule>`)
	old := loadWith(t, LoadOptions{OSSEC: true}, rules)
	cur := loadWith(t, ossecOpts, rules)
	tests := []struct {
		action, url string
		old, cur    int
	}{
		{"GET", "/", 100, 100},
		{"get", "/a", 100, 100},
		{"POST", "/", 100, 0},
		{"", "/a", 100, 0}, // an empty action is set: not GET
		{"GET", "/a?b", 0, 0},
	}
	for _, tt := range tests {
		ev := func() *event.Event {
			return mkEvent("x", withStatic(event.Action, tt.action), withStatic(event.URL, tt.url))
		}
		if got := matchID(old, NewState(old, Config{}), ev()); got != tt.old {
			t.Errorf("ossec-4.2 %s %s: rule %d, want %d", tt.action, tt.url, got, tt.old)
		}
		if got := matchID(cur, NewState(cur, Config{}), ev()); got != tt.cur {
			t.Errorf("ossec-current %s %s: rule %d, want %d", tt.action, tt.url, got, tt.cur)
		}
	}
}

func TestOneDataField(t *testing.T) {
	rules := group(`<rule id="100" level="3"><if_sid>1</if_sid><extra_data>^x$</extra_data><description>d</description></rule>`,
		`<rule id="101" level="3"><if_sid>1</if_sid><extra_data_pcre2>^y$</extra_data_pcre2><description>d</description></rule>`)
	ossec := loadWith(t, ossecOpts, rules)
	wazuh := loadWith(t, LoadOptions{}, rules)
	for _, tt := range []struct {
		name string
		tree *Tree
		ev   *event.Event
		want int
	}{
		{"ossec data", ossec, mkEvent("l", withStatic(event.Data, "x")), 100},
		{"ossec data pcre2", ossec, mkEvent("l", withStatic(event.Data, "y")), 101},
		{"wazuh data", wazuh, mkEvent("l", withStatic(event.Data, "x")), 0},
		{"wazuh extra_data", wazuh, mkEvent("l", withStatic(event.ExtraData, "x")), 100},
	} {
		if got := matchID(tt.tree, NewState(tt.tree, Config{}), tt.ev); got != tt.want {
			t.Errorf("%s: rule %d, want %d", tt.name, got, tt.want)
		}
	}
}

func TestGroupNewlines(t *testing.T) {
	rules := group("<rule id=\"100\" level=\"3\"><if_sid>1</if_sid><group>a,\nb,</group><description>d</description></rule>")
	for _, tt := range []struct {
		opt  LoadOptions
		want string
	}{
		{LoadOptions{}, "test,a,\nb,"},
		{LoadOptions{GroupNoNewlines: true}, "test,a,b,"},
	} {
		tree := loadWith(t, tt.opt, rules)
		r := tree.Rule(100)
		if r.Groups != tt.want {
			t.Errorf("GroupNoNewlines=%v: groups %q, want %q", tt.opt.GroupNoNewlines, r.Groups, tt.want)
		}
	}
}

// TestRegexEngineByRelease: the rules compile their OS_Regex patterns for
// the release's C engine. An alternative that consumes nothing ("zzz|")
// matches any line in Wazuh 4.2 and later and never in Wazuh 3.x.
func TestRegexEngineByRelease(t *testing.T) {
	rules := group(`<rule id="100" level="3"><if_sid>1</if_sid><regex>zzz|</regex><description>d</description></rule>`)
	for _, tt := range []struct {
		engine osregex.Engine
		want   int
	}{
		{osregex.Wazuh4, 100},
		{osregex.Wazuh3, 0}, // only the level-0 template: no alert
	} {
		tree := loadWith(t, LoadOptions{RegexEngine: tt.engine}, rules)
		if got := matchID(tree, NewState(tree, Config{}), mkEvent("any line")); got != tt.want {
			t.Errorf("%v: rule %d, want %d", tt.engine, got, tt.want)
		}
	}
}
