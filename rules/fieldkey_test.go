package rules

import (
	"reflect"
	"strings"
	"testing"

	"github.com/gossec/gossec/internal/osregex"
)

func TestExactLiterals(t *testing.T) {
	for _, c := range []struct {
		kind   osregex.Kind
		src    string
		negate bool
		want   []string
	}{
		{osregex.OSRegex, "^4624$", false, []string{"4624"}},
		{osregex.OSRegex, "^4624$|^4625$|^ERROR$", false, []string{"4624", "4625", "ERROR"}},
		{osregex.OSMatch, "^INFO$", false, []string{"INFO"}},
		{osregex.OSRegex, "^4624$", true, nil},                               // negated
		{osregex.PCRE2, "^4624$", false, nil},                                // $ passes a final newline
		{osregex.OSRegex, "4624", false, nil},                                // substring
		{osregex.OSRegex, "^4624", false, nil},                               // prefix
		{osregex.OSRegex, "^46.4$", false, nil},                              // not a literal
		{osregex.OSRegex, "^\\d+$", false, nil},                              // class
		{osregex.OSRegex, "^a_b$", false, nil},                               // only letters and digits
		{osregex.OSRegex, "^a$|b", false, nil},                               // one alternative unanchored
		{osregex.OSRegex, "^$", false, nil},                                  // empty literal
		{osregex.OSRegex, "^1$|^2$|^3$|^4$|^5$|^6$|^7$|^8$|^9$", false, nil}, // too many
	} {
		e := expr{p: osregex.MustCompile(c.kind, c.src), negate: c.negate}
		got, ok := exactLiterals(&e)
		if ok != (c.want != nil) || !reflect.DeepEqual(got, c.want) {
			t.Errorf("%v %q negate %v: got %q, %v; want %q", c.kind, c.src, c.negate, got, ok, c.want)
		}
	}
}

// keyValues are field values around the literal lit: itself, case
// variants, padded, truncated, extended, with a newline, with the
// non-ASCII runes that fold to ASCII letters.
func keyValues(lit string) []string {
	return []string{
		lit, strings.ToLower(lit), strings.ToUpper(lit), lit + "\n", "\n" + lit, " " + lit, lit + " ",
		lit[1:], lit[:len(lit)-1], lit + lit, lit + "0", "0" + lit, "", "x", "\u212a", "\u017f",
		strings.ReplaceAll(strings.ReplaceAll(lit, "k", "\u212a"), "s", "\u017f"),
		strings.ReplaceAll(strings.ReplaceAll(lit, "K", "\u212a"), "S", "\u017f"),
		lit + "\x00", lit + "\x00x", "\x00" + lit, lit + "\xff",
	}
}

// TestFieldKeyDifferential checks the fast path's plain compare against
// the expression on the keyed fields of both rulesets: a value the key
// rejects must not pass the expression.
func TestFieldKeyDifferential(t *testing.T) {
	skipWithoutShared(t)
	trees := map[string]*Tree{
		"wazuh": mustTree(t, wazuhFiles(t), LoadOptions{Lists: wazuhLists(t)}),
		"ossec": mustTree(t, ossecFiles(t), LoadOptions{OSSEC: true}),
	}
	for name, tree := range trees {
		keyed, checked := 0, 0
		for _, r := range tree.rules {
			for i := range r.cond.fields {
				f := &r.cond.fields[i]
				lits, ok := exactLiterals(&f.e)
				if !ok {
					continue
				}
				keyed++
				k := fieldKey{name: f.name, lits: lits}
				for _, l := range lits {
					for _, v := range keyValues(l) {
						checked++
						if !k.mayPass(v) && f.e.test(nil, v) {
							t.Errorf("%s rule %d field %s %q: key rejects %q, expression passes it", name, r.ID, f.name, f.e.p, v)
						}
					}
				}
			}
		}
		t.Logf("%s: %d keyed fields, %d values checked", name, keyed, checked)
		if name == "wazuh" && keyed == 0 {
			t.Error("no keyed field in the Wazuh ruleset")
		}
	}
}

// FuzzFieldKey checks the plain compare against the expression it stands
// for on random values.
func FuzzFieldKey(f *testing.F) {
	f.Add("4624", "4625", "4624", false)
	f.Add("Info", "k", "\u212a", true)
	f.Add("ERROR", "s", "error\n", false)
	f.Fuzz(func(t *testing.T, a, b, v string, match bool) {
		if !alnum(a) || !alnum(b) {
			return
		}
		kind := osregex.OSRegex
		if match {
			kind = osregex.OSMatch
		}
		p, err := osregex.Compile(kind, "^"+a+"$|^"+b+"$")
		if err != nil {
			return
		}
		e := expr{p: p}
		lits, ok := exactLiterals(&e)
		if !ok {
			t.Fatalf("%q not keyed", p)
		}
		k := fieldKey{lits: lits}
		if !k.mayPass(v) && e.test(nil, v) {
			t.Errorf("%v %q: key rejects %q, expression passes it", kind, p, v)
		}
	})
}
