package decoders

import (
	"github.com/gossec/gossec/internal/event"
	"github.com/gossec/gossec/internal/osregex"
	"github.com/gossec/gossec/internal/xmlconf"
)

// offset says where an expression starts reading the message.
type offset uint8

const (
	offNone offset = iota
	offAfterParent
	offAfterPrematch
	offAfterRegex
	offInvalid // plugin offset that analysisd accepts but cannot serve
)

// Decoder type names, as written in <type> and reported in DecoderInfo.Type.
const (
	TypeSyslog   = "syslog"
	TypeFirewall = "firewall"
	TypeIDS      = "ids"
	TypeWebLog   = "web-log"
	TypeSquid    = "squid"
	TypeWindows  = "windows"
	TypeHostInfo = "host-information"
	TypeOSSEC    = "ossec"
	// TypeOSSECAlert is set by OSSECAlert_Decoder. No rule category equals
	// it: the rule stage uses State.GeneratedRule instead of the tree.
	TypeOSSECAlert = "ossec-alert"
)

var validTypes = []string{TypeFirewall, TypeIDS, TypeWebLog, TypeSyslog, TypeSquid, TypeWindows, TypeHostInfo, TypeOSSEC}

// pluginKind names a built-in code decoder.
type pluginKind uint8

const (
	plugNone pluginKind = iota
	plugJSON
	plugPF
	plugOSSECAlert
	plugSonicWall
	plugSymantecWS
)

var pluginNames = map[string]pluginKind{
	"JSON_Decoder":       plugJSON,
	"PF_Decoder":         plugPF,
	"OSSECAlert_Decoder": plugOSSECAlert,
	"SonicWall_Decoder":  plugSonicWall,
	"SymantecWS_Decoder": plugSymantecWS,
}

// orderItem is one <order> entry: a static field or a dynamic field name.
type orderItem struct {
	static  event.Static
	dynamic string // empty for a static field
}

// decoder is one compiled <decoder> block. A child block is shared by the
// child lists of every top-level node it was attached to, exactly as the C
// engine shares its OSDecoderInfo, so getNext is a property of the block.
type decoder struct {
	info        *event.DecoderInfo // what events report (visible name)
	ownName     string
	parent      string // <parent> content; empty for a top-level block
	pos         xmlconf.Pos
	programName *osregex.Pattern
	prematch    *osregex.Pattern
	filt        *prefilter // for a child's prematch; nil when it has none
	regexFilt   *prefilter // for regex; nil when it has none
	regex       *osregex.Pattern
	order       []orderItem
	preOffset   offset // offNone or offAfterParent
	regexOffset offset
	plugin      pluginKind
	plugOffset  offset
	jsonNull    nullMode
	jsonArray   arrayMode
	useOwnName  bool
	getNext     bool
	compact     bool // regex captures compacted (LoadOptions.CompactCaptures)
	ftsFlags    uint16
	ftsDynamic  []bool // per order index: dynamic field that is part of the FTS key

	// variants holds DecoderInfo copies with another Type, for the plugins
	// that rewrite the type of the reporting decoder (index = typeSlot).
	variants *[numTypeSlots]*event.DecoderInfo
}

// topNode is an entry of a top-level list with its own child list.
type topNode struct {
	dec      *decoder
	children []*decoder
	self     []*decoder // {dec}: the node acting as its own child
	filt     prefilter  // cheap necessary condition for dec's prematch
}

// nullMode is json_null_field.
type nullMode uint8

const (
	nullString nullMode = iota
	nullDiscard
)

// arrayMode is json_array_structure.
type arrayMode uint8

const (
	arrayJSON arrayMode = iota
	arrayCSV
)

// FTS flags, in the order the first-time-seen key lists them.
const (
	ftsName uint16 = 1 << iota
	ftsID
	ftsUser
	ftsSrcUser
	ftsSrcIP
	ftsDstIP
	ftsData
	ftsSystemName
	ftsLocation
	ftsDynamic
)

var ftsWords = map[string]uint16{
	"name": ftsName, "id": ftsID, "dstuser": ftsUser, "user": ftsUser,
	"srcuser": ftsSrcUser, "srcip": ftsSrcIP, "dstip": ftsDstIP,
	"data": ftsData, "extra_data": ftsData, "system_name": ftsSystemName,
	"location": ftsLocation,
}

var ftsOrder = []struct {
	flag uint16
	name string
}{
	{ftsName, "name"}, {ftsID, "id"}, {ftsUser, "user"}, {ftsSrcUser, "srcuser"},
	{ftsSrcIP, "srcip"}, {ftsDstIP, "dstip"}, {ftsData, "data"},
	{ftsSystemName, "system_name"}, {ftsLocation, "location"},
}

// typeSlot indexes the per-decoder Type variants.
type typeSlot uint8

const (
	slotSyslog typeSlot = iota
	slotIDS
	slotFirewall
	slotSquid
	slotOSSECAlert
	numTypeSlots
)

var slotTypes = [numTypeSlots]string{TypeSyslog, TypeIDS, TypeFirewall, TypeSquid, TypeOSSECAlert}

// rewritesType reports whether a plugin changes the type of the decoder
// that reports the event (analysisd writes lf->decoder_info->type).
func (p pluginKind) rewritesType() bool { return p == plugSonicWall || p == plugOSSECAlert }

// buildVariants prepares the Type copies of d's info once, at load.
func (d *decoder) buildVariants() {
	if d.variants != nil {
		return
	}
	var v [numTypeSlots]*event.DecoderInfo
	for i, t := range slotTypes {
		c := *d.info
		c.Type = t
		v[i] = &c
	}
	d.variants = &v
}
