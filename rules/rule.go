package rules

import (
	"github.com/gossec/gossec/internal/cdb"
	"github.com/gossec/gossec/internal/event"
	"github.com/gossec/gossec/internal/litscan"
	"github.com/gossec/gossec/internal/osregex"
	"github.com/gossec/gossec/internal/xmlconf"
)

// Rule is the read-only view of one loaded rule. Renderers read the
// exported fields; everything else is private to the matcher.
type Rule struct {
	ID    int
	Level int // real level after loading (see the accuracy quirk in Load)

	Description string // raw text, $(field) not expanded
	Groups      string // root group name + <group> contents, as stored

	Mitre           []string // old-format <mitre><id> list, deduplicated
	MitreTactics    []string // new format: tacticID of each block
	MitreTechniques []string // new format: techniqueID of each block (same index)
	Info, CVE       string
	Frequency       int // as printed in JSON: stored+2 for rules with a correlation search, else 0
	Timeframe       int // seconds
	IgnoreTime      int // ignore="N" seconds, 0 = none
	Category        string
	DecodedAs       string
	MaxSize         int
	NoAlert         bool
	FirstTimeSeen   bool // if_fts
	Mail, Log       bool // alert_by_email / log flag after defaults and options
	NoFullLog       bool
	// NoEmail is set by <options>no_email_alert</options>: no mail for
	// this rule on any path, granular <email_alerts> included.
	NoEmail          bool
	NoCounter        bool
	NoAR             bool
	NoPreviousOutput bool
	Pos              xmlconf.Pos // position of the <rule> element

	idx    int // index in Tree.rules, for per-State arrays
	scaled int // load-time level used for sibling order and if_level
	opts   uint32
	cond   conditions
	needs  needs // presence pre-checks of cond, for the fast path
	// fieldKey is a <field> condition testable by a plain compare, for
	// the fast path; nil = none (fieldkey.go).
	fieldKey *fieldKey
	// logLits are the literals the log needs for the log expressions to
	// match; nil = none.
	logLits   litscan.Filter
	costlyLog bool // has a regular expression on the log: worth a scan
	corr      correlation

	// Raw placement inputs, kept for the overwrite warnings.
	ifSid, ifGroup, ifLevel string
	ifMatchedGroupText      string
	ifMatchedSid            int
}

// Alert option bits of analysisd's RuleInfo.alert_opts. Their values matter
// because of the mask quirk of no_email_alert / no_log.
const (
	optFTS        = 0x0001
	optMail       = 0x0002
	optLog        = 0x0004
	optNoAR       = 0x0008
	optNoAlert    = 0x0010
	optOverwrite  = 0x0020
	optPacketInfo = 0x0040
	optExtraInfo  = 0x0100
	optSameExtra  = 0x0200
	optNoFullLog  = 0x0400
	optNoCounter  = 0x1000
	optNoPrevOut  = 0x2000
)

// Field bits of same_field / different_field, in analysisd's order; the
// bit number is also the index used by same/different loops.
const (
	fSrcIP = 1 << iota
	fID
	fDstIP
	fSrcPort
	fDstPort
	fSrcUser
	fUser // dstuser
	fProtocol
	fAction
	fURL
	fData
	fExtraData
	fStatus
	fSystemName
	fSrcGeoIP
	fDstGeoIP
	fLocation
	fDynamics
	nStaticFields = 17
)

// expr is one compiled expression element with its negate flag.
type expr struct {
	p      *osregex.Pattern // nil for the exact string compare of <action>
	s      string
	negate bool
}

// test reports whether the element lets the rule pass for subject s. A
// match cut by the event budget b fails the element whatever its negate
// flag: "not examined" must not turn into "did not match".
func (e *expr) test(b *osregex.Budget, s string) bool {
	var m bool
	if e.p == nil {
		m = s == e.s
	} else {
		var cut bool
		if m, cut = e.p.MatchStringIn(b, s); cut {
			return false
		}
	}
	return m != e.negate
}

// fieldCond is one <field name="X">.
type fieldCond struct {
	name string
	e    expr
}

// listCond is one <list>.
type listCond struct {
	list    *cdb.List
	lookup  lookupKind
	static  event.Static // when !dynamic and kind is a static field
	subject listSubject
	dyn     string
	check   *osregex.Pattern
}

type lookupKind uint8

const (
	lkMatchKey lookupKind = iota
	lkNotMatchKey
	lkMatchKeyValue
	lkAddressMatchKey
	lkNotAddressMatchKey
	lkAddressMatchKeyValue
)

type listSubject uint8

const (
	lsStatic listSubject = iota
	lsUser
	lsHostname
	lsProgramName
	lsDynamic
)

// conditions holds every test of OS_CheckIfRuleMatch except correlation.
type conditions struct {
	decodedAs   string
	hasDecoded  bool
	programName *expr
	id          *expr
	systemName  *expr
	protocol    *expr
	match       *expr
	regex       *expr
	action      *expr
	url         *expr
	location    *expr
	fields      []fieldCond
	srcIP       *ipList
	dstIP       *ipList
	srcPort     *expr
	dstPort     *expr
	compiled    func(ev *event.Event) bool
	user        *expr
	srcGeoIP    *expr
	dstGeoIP    *expr
	maxSize     int
	dayTime     *dayTime
	weekDay     *weekDays
	data        *expr
	extraData   *expr
	hostname    *expr
	status      *expr
	checkDiff   bool
	lists       []listCond
	ossec       []ossecExpr
}

type searchKind uint8

const (
	searchNone searchKind = iota
	searchSid
	searchGroup
	searchEvents
)

// correlation holds the context settings of a rule.
type correlation struct {
	context     bool // if_matched_* or check_diff present
	search      searchKind
	frequency   int // stored value (attribute - 2)
	timeframe   int64
	global      bool // global_frequency
	same        uint32
	different   uint32
	sameFields  []string
	diffFields  []string
	matchedRe   *osregex.Pattern // if_matched_regex
	matchedGrp  *osregex.Pattern // if_matched_group
	sidList     int              // index of the list this rule searches (searchSid), -1 when none
	groupList   int              // index of this rule's own group list (searchGroup)
	storeSid    int              // list where events of this rule go, -1 when none
	storeGroups []int            // group lists this rule's events go to
	ignore      uint32           // <ignore> fields
	ignoreDyn   []string
	ckIgnore    uint32 // <check_if_ignored> fields
	ckIgnoreDyn []string
	hostLoc     bool // same_location compares host names (LoadOptions.SameLocationIsHost)
	ossecSearch bool // OSSEC's if_matched_sid/group search (LoadOptions.OSSEC)
}

// FTS / ignore key parts (fts.h).
const (
	ftsName = 1 << iota
	ftsID
	ftsDstUser
	ftsSrcUser
	ftsSrcIP
	ftsDstIP
	ftsData
	ftsSystemName
	ftsLocation
	ftsDynamic
)

// node is one place of a rule in the tree. A rule placed under several
// parents (if_group, several if_sid) has one node per place, each with its
// own children, as in analysisd.
type node struct {
	rule     *Rule
	children []*node
	index    *childIndex // nil when the children are few or not by decoder
}

// Tree is the loaded rule tree. It is immutable after Load and safe for
// concurrent use; per-session data lives in State.
type Tree struct {
	top     []*node
	rules   []*Rule // load order
	byID    map[int]*Rule
	nSid    int // number of sid_prev_matched lists
	nGroup  int // number of if_matched_group lists
	maxFreq int
	lits    *litscan.Table // literals of the rules' log expressions (maybe shared)
}

// Rule returns the rule with the given id, or nil.
func (t *Tree) Rule(id int) *Rule { return t.byID[id] }

// IDs returns the ids of all loaded rules in load order.
func (t *Tree) IDs() []int {
	out := make([]int, len(t.rules))
	for i, r := range t.rules {
		out[i] = r.ID
	}
	return out
}

// Len returns the number of loaded rules.
func (t *Tree) Len() int { return len(t.rules) }
