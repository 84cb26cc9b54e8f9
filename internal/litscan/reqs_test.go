package litscan

import (
	"strings"
	"testing"

	"github.com/gossec/gossec/internal/osregex"
)

func TestLiteralRuns(t *testing.T) {
	for _, c := range []struct{ alt, want string }{
		{`^oscap: `, "oscap: "},
		{`date=\S+ time=\.+ devname=\S+`, "date=| time=| devname="},
		{`\d\d/\d\d/\d\d\d\d:\s*\d\d`, "/|/|:"},
		{`a+b\d+cc`, "a+b|cc"},
		{`(\d+)+abc`, "abc"},
		{`\<log>\.+\</log>`, "<log>|</log>"},
		{`%ASA-$`, "%ASA-"},
		{`x\$`, "x$"},
		{`\tScan`, "\tScan"},
		{`a=\t*(\.*)\t`, "a=|\t"},
		{`a=\t+b`, "a=\t|b"},
		{`x\(+y`, "x(|y"},
	} {
		var got []string
		for _, r := range literalRuns(c.alt) {
			got = append(got, string(r))
		}
		if strings.Join(got, "|") != c.want {
			t.Errorf("%q: %q, want %q", c.alt, got, c.want)
		}
	}
}

func TestPatternReqs(t *testing.T) {
	for _, c := range []struct {
		kind    osregex.Kind
		pattern string
		want    string // conjunctions joined by " | ", literals by "+"; "" = none
		fold    bool
	}{
		{osregex.OSMatch, "Accepted password|^Failed", "accepted password | failed", false},
		{osregex.OSMatch, "!success", "", false},
		{osregex.OSMatch, "a||b", "", false},
		{osregex.OSRegex, `^sshd\p\d+\p: Failed`, "sshd+: failed", false},
		{osregex.OSRegex, `\d+|abc`, "", false},
		{osregex.PCRE2, `(?i)session (opened|closed)`, "session +opened | session +closed", true},
		{osregex.PCRE2, `Session (opened|closed)?x`, "session +x", false},
		{osregex.PCRE2, `caf\x{e9}`, "caf\u00e9", false},
		{osregex.PCRE2, `(?i)caf\x{e9}`, "caf", true},
		{osregex.PCRE2, `a*`, "", false},
	} {
		p, err := osregex.Compile(c.kind, c.pattern)
		if err != nil {
			t.Fatal(err)
		}
		req, fold := PatternReqs(p)
		var conjs []string
		if !req.Trivial() {
			for _, conj := range req {
				conjs = append(conjs, strings.Join(conj, "+"))
			}
		}
		if got := strings.Join(conjs, " | "); got != c.want || fold != c.fold {
			t.Errorf("%s %q: %q fold %v, want %q fold %v", c.kind, c.pattern, got, fold, c.want, c.fold)
		}
	}
}

func TestAnd(t *testing.T) {
	a := Reqs{{"x"}, {"y"}}
	if got := And(NoReq(), a); len(got) != 2 {
		t.Errorf("And(NoReq, a) = %q", got)
	}
	if got := And(a, Reqs{{"z"}}); len(got) != 2 || strings.Join(got[0], "+") != "x+z" || strings.Join(got[1], "+") != "y+z" {
		t.Errorf("And(a, z) = %q", got)
	}
	// Past maxAlts alternatives the second operand is dropped.
	big := Reqs{}
	for i := 0; i < maxAlts; i++ {
		big = append(big, []string{strings.Repeat("q", i+1)})
	}
	if got := And(big, a); len(got) != maxAlts {
		t.Errorf("And(big, a) has %d alternatives, want %d", len(got), maxAlts)
	}
}
