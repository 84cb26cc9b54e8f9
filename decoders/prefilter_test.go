package decoders

import (
	"strings"
	"testing"

	"github.com/gossec/gossec/internal/event"
	"github.com/gossec/gossec/internal/litscan"
	"github.com/gossec/gossec/internal/osregex"
)

// filterRejects builds the prefilter of one pattern in a table of its own
// and applies it to log.
func filterRejects(p *osregex.Pattern, log string) bool {
	lits := litscan.NewTable()
	f := newPrefilter(p, lits)
	lits.Freeze()
	s := &Set{lits: lits}
	ev := &event.Event{Log: log}
	return !s.passes(&f, ev)
}

func TestPrefilter(t *testing.T) {
	for _, c := range []struct {
		kind    osregex.Kind
		pattern string
		log     string
		reject  bool
	}{
		{osregex.OSRegex, `^sshd\p\d+\p: Failed`, "sshd[12]: failed x", false},
		{osregex.OSRegex, `^sshd\p\d+\p: Failed`, "xsshd[12]: Failed", true},
		{osregex.OSRegex, `Accepted \w+ for`, "accepted key for root", false},
		{osregex.OSRegex, `Accepted \w+ for`, "Accepted publickey fr root", true},
		{osregex.OSRegex, `MWName=\t*(\.*)\t|MWName=\t*(\.*)$`, "MWName= TargetPath=x", false},
		{osregex.OSRegex, `^a|^b`, "", true},
		{osregex.PCRE2, `^%ASA-|^\w{3} \d+ %ASA-`, "%ASA-4-1", false},
		{osregex.PCRE2, `^%ASA-|^\w{3} \d+ %ASA-`, "Jan 12 %FWSM-4", true},
		{osregex.PCRE2, `(?i)session (opened|closed)`, "SESSION CLOSED", false},
		{osregex.PCRE2, `(?i)session (opened|closed)`, "session re-open", true},
		{osregex.PCRE2, `(?i)kernel`, "\u212aernel", false}, // Unicode fold: no literal filter on a non-ASCII log
		{osregex.PCRE2, `abc(?=x)`, "zzz", false},           // unsupported by the analysis: no filter
	} {
		p, err := osregex.Compile(c.kind, c.pattern)
		if err != nil {
			t.Fatal(err)
		}
		if got := filterRejects(p, c.log); got != c.reject {
			t.Errorf("%s %q on %q: reject %v, want %v", c.kind, c.pattern, c.log, got, c.reject)
		}
	}
}

// FuzzPrefilter checks that a prefilter never rejects a log its pattern
// matches.
func FuzzPrefilter(f *testing.F) {
	for _, s := range []struct {
		kind          uint8
		pattern, text string
	}{
		{0, `^pam_unix|^\(pam_unix\)`, "pam_unix(su:session)"},
		{0, `\tPrevalence=(\.*)\t|Prevalence=(\.*)$`, "x\tPrevalence=Low"},
		{0, `a+b\d+cc\p*\<`, "a+b12cc<"},
		{1, `^\[\*\*\] \[\d+:\d+:\d+\] |^\[Drop\] \[\*\*\] `, "[**] [1:2:3] x"},
		{1, `(?i)fail(ed|ure)?\s+\w+ for`, "FAILURE  x for"},
		{1, `[^%]*%FTD-[0-7]-[^:\s]+[:\s].*`, "x%FTD-1-2: y"},
		{1, `^(a|bc)*d{2,3}$`, "abcdd"},
	} {
		f.Add(s.kind, s.pattern, s.text)
	}
	f.Fuzz(func(t *testing.T, kind uint8, pattern, log string) {
		k := osregex.OSRegex
		if kind%2 == 1 {
			k = osregex.PCRE2
		}
		p, err := osregex.Compile(k, pattern)
		if err != nil {
			return
		}
		subj := log
		if i := strings.IndexByte(subj, 0); i >= 0 {
			subj = subj[:i]
		}
		if _, ok := p.FindEnd(subj); ok && filterRejects(p, log) {
			t.Fatalf("%s %q matches %q but its prefilter rejects it", k, pattern, log)
		}
	})
}
