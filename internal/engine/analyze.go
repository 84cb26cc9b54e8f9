package engine

import (
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/gossec/gossec/decoders"
	"github.com/gossec/gossec/internal/alert"
	"github.com/gossec/gossec/internal/event"
	"github.com/gossec/gossec/internal/predecode"
	"github.com/gossec/gossec/rules"
)

// Options tunes an Analyzer.
type Options struct {
	Clock    func() time.Time // processing time; default time.Now
	Hostname string           // manager host name; default os.Hostname()
	Logtest  bool             // wazuh-logtest session semantics (ignore handling, level always printed)
}

// Analyzer runs lines through the three phases. It owns one session's
// mutable state and is not safe for concurrent use.
type Analyzer struct {
	rs        *Ruleset
	opt       Options
	shortHost string
	dstate    *decoders.State
	rstate    *rules.State
	ev        event.Event
	seq       int64
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

// Result is the outcome of one line. Event points into the Analyzer and is
// valid until the next call to Analyze.
type Result struct {
	Event *event.Event
	Match rules.Result
}

// Analyze runs one line received at location through pre-decoding,
// decoding and the rule tree. tr, when not nil, receives the rule trace.
func (a *Analyzer) Analyze(location, line string, tr rules.Tracer) Result {
	ev := &a.ev
	ev.Reset()
	ev.Time = a.opt.Clock()
	a.predecode(ev, location, line)
	a.rs.Decoders.Decode(ev, a.dstate)
	if id, ok := a.dstate.GeneratedRule(); ok && !a.opt.Logtest {
		return Result{Event: ev, Match: a.generated(id)}
	}
	m := a.rs.Rules.Match(ev, a.rstate, tr)
	return Result{Event: ev, Match: m}
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
	ev.FullLog = line
	ev.Location = location
	ev.AgentID = "000"
	agentHost := ""
	if id, loc, host, ok := predecode.ParseAgentLocation(location); ok {
		ev.AgentID, ev.Location, agentHost = id, loc, host
	}
	h := predecode.ParseDialect(line, a.rs.Predecode)
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
// id. The decoder accumulator is kept: it is keyed by decoder name.
func (a *Analyzer) Swap(rs *Ruleset) {
	a.rstate = a.rstate.Carry(rs.Rules, a.ruleConfig(rs))
	a.rs = rs
}

func (a *Analyzer) ruleConfig(rs *Ruleset) rules.Config {
	return rules.Config{
		LogAlertLevel:   rs.Config.Alerts.LogAlertLevel,
		EmailAlertLevel: rs.Config.Alerts.EmailAlertLevel,
		MemorySize:      rs.Config.Global.MemorySize,
		Logtest:         a.opt.Logtest,
	}
}
