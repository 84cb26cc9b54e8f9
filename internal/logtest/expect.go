package logtest

import (
	"fmt"
	"io"
	"strings"
)

// Expectation is the -U rule:level:decoder argument of wazuh-logtest.
type Expectation struct {
	Rule, Level, Decoder string
}

// ParseExpectation splits a -U argument. It must have exactly three
// colon-separated parts; any of them may be empty.
func ParseExpectation(s string) (Expectation, error) {
	p := strings.Split(s, ":")
	if len(p) != 3 {
		return Expectation{}, fmt.Errorf("logtest: unit test configuration wrong syntax: %q (want rule:level:decoder)", s)
	}
	return Expectation{Rule: p[0], Level: p[1], Decoder: p[2]}, nil
}

// String returns the expectation in its rule:level:decoder form.
func (e Expectation) String() string { return e.Rule + ":" + e.Level + ":" + e.Decoder }

// Result is what the client keeps of an event for -U: the rule id, str() of
// the rule level and the decoder name, each empty when absent.
type Result struct {
	Rule, Level, Decoder string
	// typed is false when the rule id or decoder name is not a JSON string:
	// the client then compares a non-string with a string, which never
	// matches.
	typed bool
}

// ResultOf extracts the -U triple from one event's output. A malformed
// Alert yields the empty triple, as does the zero Output (no event read).
func ResultOf(out Output) Result {
	r := Result{typed: true}
	doc, err := parseAlert(out.Alert)
	if err != nil {
		return r
	}
	if rule, ok := doc.get("rule"); ok {
		rule = withLevel(rule)
		id, ok := rule.get("id")
		if ok {
			r.Rule = string(pyStr(nil, id))
			r.typed = id.kind == kString
		}
		lvl, _ := rule.get("level")
		r.Level = string(pyStr(nil, lvl))
	}
	if dec, ok := doc.get("decoder"); ok && dec.truthy() {
		if name, ok := dec.get("name"); ok {
			r.Decoder = string(pyStr(nil, name))
			r.typed = r.typed && name.kind == kString
		}
	}
	return r
}

// Matches reports whether the result equals the expectation part by part.
func (e Expectation) Matches(r Result) bool {
	return r.typed && r.Rule == e.Rule && r.Level == e.Level && r.Decoder == e.Decoder
}

// ExitCode is wazuh-logtest's exit status after EOF with -U, given the last
// event's output (the zero Output when no event was read): 1 when the
// result differs from the expectation, otherwise the number of empty parts
// of the expectation — so a match counts as success only when all three
// parts were given. runtests.py relies on this.
func (e Expectation) ExitCode(last Output) int {
	if !e.Matches(ResultOf(last)) {
		return 1
	}
	n := 0
	for _, p := range []string{e.Rule, e.Level, e.Decoder} {
		if p == "" {
			n++
		}
	}
	return n
}

// WriteResult writes the per-event unit-test verdict the client prints
// after each transcript with -U: a blank line, then "Unit test OK" or
// "Unit test FAIL. Expected [...] , Result [...]" with Python list reprs.
func (e Expectation) WriteResult(w io.Writer, out Output) error {
	r := ResultOf(out)
	b := []byte("\n")
	if e.Matches(r) {
		b = append(b, "Unit test OK\n"...)
	} else {
		b = append(b, "Unit test FAIL. Expected "...)
		b = appendTriple(b, e.Rule, e.Level, e.Decoder)
		b = append(b, " , Result "...)
		b = appendTriple(b, r.Rule, r.Level, r.Decoder)
		b = append(b, '\n')
	}
	_, err := w.Write(b)
	return err
}

func appendTriple(b []byte, a, c, d string) []byte {
	b = append(b, '[')
	b = AppendRepr(b, a)
	b = append(b, ", "...)
	b = AppendRepr(b, c)
	b = append(b, ", "...)
	b = AppendRepr(b, d)
	return append(b, ']')
}
