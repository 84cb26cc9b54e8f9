package engine

import (
	"github.com/gossec/gossec/decoders"
	"github.com/gossec/gossec/internal/config"
	"github.com/gossec/gossec/internal/osregex"
	"github.com/gossec/gossec/internal/predecode"
	"github.com/gossec/gossec/rules"
)

// Features are the behaviours that differ between releases of the
// original engines, resolved once from the engine a ruleset was written
// for (config.Engine: <engine> in <ruleset>/<rules>, or --engine). This
// file is the one place that knows which release does what; the stages
// only see the resulting switches. COMPATIBILITY.md has the same table.
type Features struct {
	Engine config.Engine

	// Pre-decoding.
	Predecode predecode.Options
	// StripControl: bytes 0-31 and 127 are deleted from the message
	// before pre-decoding (OSSEC >= 3.8.0, remove_control_characters,
	// the CVE-2020-8445 fix of PR 2094).
	StripControl bool

	// Decoding.
	CompactCaptures   bool // OSSEC >= 3.3.0 (PCRE2): only the groups that took part reach <order>
	CaselessPCRE2     bool // OSSEC >= 3.3.0: decoder *_pcre2 elements compiled with PCRE2_CASELESS
	OneDataField      bool // OSSEC: data and extra_data are one field
	FTSSubstring      bool // OSSEC: <fts> names matched by substring (strstr)
	JSONUserIsDstUser bool // Wazuh >= 4.14.1: JSON "user" fills an unset or empty dstuser

	// Rules.
	SimpleHTTPGetOnly  bool // OSSEC > 4.2.0: is_simple_http_request rejects non-GET requests
	SameLocationIsHost bool // OSSEC: same_location compares host names
	GroupNoNewlines    bool // Wazuh >= 4.14.0: newlines removed from <group> text

	// RegexEngine selects the OS_Regex/OS_Match semantics of the release
	// (osregex.Engine): Wazuh 4.2 and later return the start of the
	// subject for an alternative that consumes nothing, Wazuh before 4.2
	// and OSSEC before 3.3 do not match it (Wazuh3), OSSEC 3.3 and later
	// rewrite both into caseless PCRE2 (OSSEC).
	RegexEngine osregex.Engine
}

// FeaturesOf resolves the behaviours of engine e (already resolved: a
// product is named).
func FeaturesOf(e config.Engine) Features {
	f := Features{Engine: e}
	switch e.Product {
	case config.ProductOSSEC:
		f.Predecode = predecode.Options{Dialect: predecode.OSSEC, NoMacULS: true}
		f.StripControl = e.AtLeast(3, 8, 0)
		f.CompactCaptures = e.AtLeast(3, 3, 0)
		f.CaselessPCRE2 = e.AtLeast(3, 3, 0)
		f.OneDataField = true
		f.FTSSubstring = true
		// 4.2.0 is the last tagged release with the old function; the
		// change (ossec-hids #922) is in the 4.3.0 development tree.
		f.SimpleHTTPGetOnly = e.AtLeast(4, 3, 0)
		f.SameLocationIsHost = true
		f.RegexEngine = osregex.Wazuh3
		if e.AtLeast(3, 3, 0) {
			f.RegexEngine = osregex.OSSEC
		}
	default:
		f.Predecode = predecode.Options{
			Dialect:      predecode.Wazuh,
			NoMacULS:     !e.AtLeast(4, 3, 0),
			SuricataLong: e.AtLeast(4, 12, 0),
		}
		f.JSONUserIsDstUser = e.AtLeast(4, 14, 1)
		f.GroupNoNewlines = e.AtLeast(4, 14, 0)
		if !e.AtLeast(4, 2, 0) {
			f.RegexEngine = osregex.Wazuh3
		}
	}
	return f
}

// decoderOptions copies the decoding switches into o.
func (f Features) decoderOptions(o decoders.LoadOptions) decoders.LoadOptions {
	o.CompactCaptures = f.CompactCaptures
	o.CaselessPCRE2 = f.CaselessPCRE2
	o.OneDataField = f.OneDataField
	o.FTSSubstring = f.FTSSubstring
	o.JSONUserIsDstUser = f.JSONUserIsDstUser
	o.RegexEngine = f.RegexEngine
	return o
}

// ruleOptions copies the rule switches into o.
func (f Features) ruleOptions(o rules.LoadOptions) rules.LoadOptions {
	o.OneDataField = f.OneDataField
	o.SimpleHTTPGetOnly = f.SimpleHTTPGetOnly
	o.SameLocationIsHost = f.SameLocationIsHost
	o.GroupNoNewlines = f.GroupNoNewlines
	o.RegexEngine = f.RegexEngine
	return o
}
