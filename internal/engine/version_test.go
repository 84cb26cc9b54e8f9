package engine

import (
	"github.com/gossec/gossec/internal/osregex"
	"path/filepath"
	"testing"

	"github.com/gossec/gossec/internal/config"
)

func TestFeaturesOf(t *testing.T) {
	type sw struct {
		strip, compact, getOnly, hostLoc, noULS, suricata, jsonUser, groupNL bool
		regex                                                                osregex.Engine
	}
	tests := []struct {
		engine string
		want   sw
	}{
		{"ossec-2.8", sw{hostLoc: true, noULS: true, regex: osregex.Wazuh3}},
		{"ossec-3.3", sw{compact: true, hostLoc: true, noULS: true, regex: osregex.OSSEC}},
		{"ossec-3.8", sw{strip: true, compact: true, hostLoc: true, noULS: true, regex: osregex.OSSEC}},
		{"ossec-4.2", sw{strip: true, compact: true, hostLoc: true, noULS: true, regex: osregex.OSSEC}},
		{"ossec-current", sw{strip: true, compact: true, getOnly: true, hostLoc: true, noULS: true, regex: osregex.OSSEC}},
		{"wazuh-3.13", sw{noULS: true, regex: osregex.Wazuh3}},
		{"wazuh-4.1", sw{noULS: true, regex: osregex.Wazuh3}},
		{"wazuh-4.2", sw{noULS: true}},
		{"wazuh-4.9", sw{}},
		{"wazuh-4.12", sw{suricata: true}},
		{"wazuh-4.14", sw{suricata: true, groupNL: true}},
		{"wazuh-4.14.1", sw{suricata: true, groupNL: true, jsonUser: true}},
		{"wazuh-current", sw{suricata: true, groupNL: true, jsonUser: true}},
	}
	for _, tt := range tests {
		e, err := config.ParseEngine(tt.engine)
		if err != nil {
			t.Fatal(err)
		}
		f := FeaturesOf(e)
		got := sw{f.StripControl, f.CompactCaptures, f.SimpleHTTPGetOnly, f.SameLocationIsHost,
			f.Predecode.NoMacULS, f.Predecode.SuricataLong, f.JSONUserIsDstUser, f.GroupNoNewlines, f.RegexEngine}
		if got != tt.want {
			t.Errorf("%s: %+v, want %+v", tt.engine, got, tt.want)
		}
		if f.CaselessPCRE2 != f.CompactCaptures || f.OneDataField != f.SameLocationIsHost || f.FTSSubstring != f.OneDataField {
			t.Errorf("%s: OSSEC switches out of step: %+v", tt.engine, f)
		}
	}
}

// TestEngineOverride loads the OSSEC 4.2 ruleset for OSSEC 4.2 and for the
// current OSSEC tree: only the latter sends a POST past rule 31108.
func TestEngineOverride(t *testing.T) {
	home := filepath.Join(sharedDir(t), "compat", "ossec-4.2")
	cfg, errs := config.Load(filepath.Join(home, "etc", "ossec.conf"), nil)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	const post = `10.0.0.5 - - [1/Apr/2014:00:00:01 -0500] "POST /api/v1/submit HTTP/1.1" 200 181 "-" "Mozilla/5.0 (X11)"`
	const su = "Apr 27 15:22:23 niban su[2921936]: failed: ttyq4 changing from ldap to root"
	for _, tt := range []struct {
		engine           string
		postRule, suRule int
	}{
		{"ossec-4.2", 31108, 5302},
		{"ossec-current", 31530, 5302},
		{"ossec-3.2", 31108, 5301}, // no PCRE2 capture compaction before 3.3
	} {
		e, err := config.ParseEngine(tt.engine)
		if err != nil {
			t.Fatal(err)
		}
		rs, errs := Load(cfg, LoadOptions{Home: home, Engine: e})
		if len(errs) > 0 {
			t.Fatal(errs)
		}
		an := NewAnalyzer(rs, Options{Clock: fixedClock(), Hostname: "manager", Logtest: true})
		if r := an.Analyze("stdin", post, nil).Match.Rule; r == nil || r.ID != tt.postRule {
			t.Errorf("%s: POST gives %v, want %d", tt.engine, r, tt.postRule)
		}
		if r := an.Analyze("stdin", su, nil).Match.Rule; r == nil || r.ID != tt.suRule {
			t.Errorf("%s: su gives %v, want %d", tt.engine, r, tt.suRule)
		}
	}
}

// TestStripControl: OSSEC deletes control characters before pre-decoding,
// so a tab inside the header no longer breaks it; Wazuh keeps them.
func TestStripControl(t *testing.T) {
	const line = "Dec 29 10:00:01 db1 ss\thd[12]: hello"
	for _, tt := range []struct {
		engine, prog, full string
	}{
		{"ossec-current", "sshd", "Dec 29 10:00:01 db1 sshd[12]: hello"},
		{"ossec-3.7", "", line}, // a tab is no program-name character
		{"wazuh-4.9", "", line},
	} {
		e, _ := config.ParseEngine(tt.engine)
		rs, errs := Load(nil, LoadOptions{Engine: e})
		if len(errs) > 0 {
			t.Fatal(errs)
		}
		ev := NewAnalyzer(rs, Options{Clock: fixedClock(), Hostname: "manager"}).Analyze("stdin", line, nil).Event
		if ev.ProgramName != tt.prog || ev.FullLog != tt.full {
			t.Errorf("%s: program %q full log %q; want %q %q", tt.engine, ev.ProgramName, ev.FullLog, tt.prog, tt.full)
		}
	}
}
