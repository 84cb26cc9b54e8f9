package engine

import (
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/gossec/gossec/decoders"
	"github.com/gossec/gossec/internal/alert"
	"github.com/gossec/gossec/internal/event"
	"github.com/gossec/gossec/internal/osregex"
	"github.com/gossec/gossec/internal/predecode"
	"github.com/gossec/gossec/rules"
)

// Options tunes an Analyzer.
type Options struct {
	Clock    func() time.Time // processing time; default time.Now
	Hostname string           // manager host name; default os.Hostname()
	Logtest  bool             // wazuh-logtest session semantics (ignore handling, level always printed)
	// RegexBudget is the time the backtracking regex matches of one event
	// may take together, decoders and rules (default: the configuration's
	// <global><regex_budget_ms>, 50 ms). Once spent, the event's remaining
	// backtracking matches are skipped; see Result.Cuts.
	RegexBudget time.Duration
	// Monotonic is the clock of the regex budget (default: the real
	// monotonic clock); tests inject a fake. It is separate from Clock,
	// which may replay recorded event times.
	Monotonic func() time.Duration
}

// Analyzer runs lines through the three phases. It owns one session's
// mutable state and is not safe for concurrent use.
type Analyzer struct {
	rs        *Ruleset
	opt       Options
	shortHost string
	dstate    *decoders.State
	rstate    *rules.State
	own       Slot // the event of the sequential path (Analyze)
	seq       int64
	// budgetGen counts Swaps: a Slot whose budget is of an older
	// generation gets a new one (the limit may have changed).
	budgetGen int
}

// NewAnalyzer starts a session on a compiled ruleset.
func NewAnalyzer(rs *Ruleset, opt Options) *Analyzer {
	if opt.Clock == nil {
		opt.Clock = time.Now
	}
	if opt.Hostname == "" {
		opt.Hostname, _ = os.Hostname()
	}
	short := opt.Hostname
	if i := strings.IndexByte(short, '.'); i >= 0 {
		short = short[:i]
	}
	a := &Analyzer{rs: rs, opt: opt, shortHost: short}
	a.Reset()
	return a
}

// Reset drops the session state: a fresh logtest session.
func (a *Analyzer) Reset() {
	a.dstate = decoders.NewState()
	a.dstate.RuleExists = a.ruleExists
	a.rstate = rules.NewState(a.rs.Rules, a.ruleConfig(a.rs))
}

// Result is the outcome of one line. Event points into the Slot (the
// Analyzer's own for Analyze) and is valid until it is decoded again; so
// are Cuts. Match.Previous is valid until the next Match.
type Result struct {
	Event *event.Event
	Match rules.Result
	// Cuts are the backtracking regex matches of this event that timed
	// out or were skipped because the event's regex budget was spent,
	// each labelled with its rule id or decoder name. A cut match counted
	// as no match (for a rule element, even a negated one).
	Cuts []osregex.Cut
}

// Analyze runs one line received at location through pre-decoding,
// decoding and the rule tree. tr, when not nil, receives the rule trace.
// It is Decode then Match on the Analyzer's own Slot.
func (a *Analyzer) Analyze(location, line string, tr rules.Tracer) Result {
	a.Decode(&a.own, location, line)
	return a.Match(&a.own, tr)
}

// Slot holds one event between the two halves of the analysis: Decode
// fills it (phases 1 and 2), Match finishes it (phase 3). A pipeline keeps
// several, so that decoding can run ahead of matching on another
// goroutine; a Slot may be reused once its Result is no longer read.
type Slot struct {
	ev event.Event
	// budget is the event's regex budget: what the decoders spent is
	// carried to the rules with the event.
	budget    *osregex.Budget
	budgetGen int
	generated string // the rule id OSSECAlert_Decoder found, "" when none
}

// Event returns the slot's event (valid until the slot is decoded again).
func (s *Slot) Event() *event.Event { return &s.ev }

// Decode runs phases 1 and 2 of one line into s: the event time is taken
// from the clock, the line pre-decoded and decoded under a fresh regex
// budget. It owns the decoder state (the accumulator): call it for the
// lines in input order, from one goroutine at a time.
func (a *Analyzer) Decode(s *Slot, location, line string) {
	a.Prepare(s, location, line)
	a.DecodePrepared(s)
}

// Prepare runs phase 1 of one line into s: the event time is taken from
// the clock and the line pre-decoded. It reads only the ruleset and the
// options, never the session state, so a pipeline runs it ahead of
// DecodePrepared on another goroutine; call it for the lines in input
// order (the clock is read here).
func (a *Analyzer) Prepare(s *Slot, location, line string) {
	ev := &s.ev
	ev.Reset()
	ev.Time = a.opt.Clock()
	a.predecode(ev, location, line)
}

// Prescan caches in a prepared slot the literal scan of its log that the
// decoders' and the rules' prefilters share (they would otherwise make
// it at their first need). Like Prepare it touches no session state: a
// pipeline runs it with Prepare, to move that work off the decoder
// stage.
func (a *Analyzer) Prescan(s *Slot) {
	a.rs.Decoders.Prescan(&s.ev)
}

// DecodePrepared runs phase 2 on a slot Prepare filled: the decoders,
// under a fresh regex budget. It owns the decoder state (the
// accumulator): call it for the slots in input order, from one goroutine
// at a time.
func (a *Analyzer) DecodePrepared(s *Slot) {
	ev := &s.ev
	// One budget for the whole event: decoders and rules share it.
	if s.budget == nil || s.budgetGen != a.budgetGen {
		s.budget = osregex.NewBudget(a.budgetLimit(a.rs), a.opt.Monotonic)
		s.budgetGen = a.budgetGen
	}
	s.budget.Reset()
	a.rs.Decoders.DecodeIn(ev, a.dstate, s.budget)
	s.generated, _ = a.dstate.GeneratedRule()
}

// Match runs phase 3 on a decoded slot: the rule tree, under what is left
// of the event's regex budget. It owns the correlation state: call it for
// the slots in the order they were decoded, from one goroutine at a time
// (it may be another than Decode's). The Result points into s.
func (a *Analyzer) Match(s *Slot, tr rules.Tracer) Result {
	ev := &s.ev
	if s.generated != "" && !a.opt.Logtest {
		return Result{Event: ev, Match: a.generated(s.generated), Cuts: s.budget.Cuts()}
	}
	m := a.rs.Rules.MatchIn(ev, a.rstate, tr, s.budget)
	return Result{Event: ev, Match: m, Cuts: s.budget.Cuts()}
}

func (a *Analyzer) ruleExists(id string) bool {
	n, err := strconv.Atoi(id)
	return err == nil && a.rs.Rules.Rule(n) != nil
}

// generated is the result for an event that carries its own rule (an OSSEC
// alert forwarded to us): analysisd reports that rule without walking the
// tree; wazuh-logtest matches no rule for such events.
func (a *Analyzer) generated(id string) rules.Result {
	n, _ := strconv.Atoi(id)
	r := a.rs.Rules.Rule(n)
	if r == nil {
		return rules.Result{}
	}
	return rules.Result{Rule: r, FiredTimes: 1, Alert: r.Level > 0 && r.Log}
}

func (a *Analyzer) predecode(ev *event.Event, location, line string) {
	// analysisd handles the line as a C string: nothing after a NUL exists.
	line = predecode.TrimAtNUL(line)
	if a.rs.Features.StripControl {
		line = predecode.RemoveControl(line)
	}
	ev.FullLog = line
	ev.Location = location
	ev.AgentID = "000"
	agentHost := ""
	if id, loc, host, ok := predecode.ParseAgentLocation(location); ok {
		ev.AgentID, ev.Location, agentHost = id, loc, host
	}
	h := predecode.ParseWith(line, a.rs.Features.Predecode)
	ev.Log = h.Log
	ev.Timestamp = h.Timestamp
	ev.ProgramName, ev.HasProgramName = h.ProgramName, h.HasProgramName
	switch {
	case ev.AgentID != "000":
		ev.Hostname = agentHost
	case h.HasHostname:
		ev.Hostname = h.Hostname
	default:
		ev.Hostname = a.shortHost
	}
}

// Alert builds the alert model of a result. It allocates only what the
// alert needs; call it for lines whose result will be rendered.
func (a *Analyzer) Alert(res Result) *alert.Alert {
	ev := res.Event
	a.seq++
	al := &alert.Alert{
		Time:         ev.Time,
		ID:           strconv.FormatInt(ev.Time.Unix(), 10) + "." + strconv.FormatInt(a.seq, 10),
		Event:        ev,
		Manager:      a.opt.Hostname,
		JSONHostname: predecode.JSONHostname(ev.FullLog),
		AlwaysLevel:  a.opt.Logtest,
	}
	if ev.AgentID != "000" {
		al.AgentName = ev.Hostname
	}
	if r := res.Match.Rule; r != nil {
		al.Rule = &alert.Rule{
			ID:          r.ID,
			Level:       r.Level,
			Description: r.ExpandDescription(ev),
			Groups:      r.Groups,
			Mitre:       r.Mitre,
			Info:        r.Info,
			CVE:         r.CVE,
			Frequency:   r.Frequency,
			FiredTimes:  res.Match.FiredTimes,
			NoCounter:   r.NoCounter,
			Mail:        r.Mail,
			NoEmail:     r.NoEmail,
			NoFullLog:   r.NoFullLog,
		}
		for _, p := range res.Match.Previous {
			al.Previous = append(al.Previous, p.FullLog)
		}
	}
	return al
}

// Swap installs a newly compiled ruleset in a running session, carrying
// the session state (correlation memory, fired counters, FTS) over by rule
// id. The decoder accumulator is kept: it is keyed by decoder name. No
// Decode or Match may run meanwhile, and no slot may be decoded but not
// yet matched (a pipeline drains first).
func (a *Analyzer) Swap(rs *Ruleset) {
	a.rstate = a.rstate.Carry(rs.Rules, a.ruleConfig(rs))
	a.rs = rs
	a.budgetGen++
}

// budgetLimit is the event regex budget: Options.RegexBudget, else the
// configuration's <global><regex_budget_ms>, else osregex.DefaultBudget.
func (a *Analyzer) budgetLimit(rs *Ruleset) time.Duration {
	if a.opt.RegexBudget > 0 {
		return a.opt.RegexBudget
	}
	if rs.Config != nil && rs.Config.Global.RegexBudgetMS > 0 {
		return time.Duration(rs.Config.Global.RegexBudgetMS) * time.Millisecond
	}
	return osregex.DefaultBudget
}

func (a *Analyzer) ruleConfig(rs *Ruleset) rules.Config {
	return rules.Config{
		LogAlertLevel:   rs.Config.Alerts.LogAlertLevel,
		EmailAlertLevel: rs.Config.Alerts.EmailAlertLevel,
		MemorySize:      rs.Config.Global.MemorySize,
		Logtest:         a.opt.Logtest,
	}
}
