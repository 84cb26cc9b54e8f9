package rules

import (
	"strings"

	"github.com/gossec/gossec/internal/osregex"
)

// Many Wazuh rules test a JSON field against exact values, like
// <field name="win.system.eventID">^4624$|^4625$</field>, and dozens of
// siblings test the same field against other values: most of them fail on
// that field, after the expression ran on its value. The fast path rejects
// such a rule first with a plain compare of the field's value against the
// literals, the value looked up once per event and field name (matcher
// field cache). Like the other pre-checks it only skips rules whose
// side-effect-free conditions would fail.

// fieldKey is a <field> condition that can only pass when the field's
// value equals one of lits, ignoring ASCII case.
type fieldKey struct {
	name string
	lits []string
}

// maxKeyLits bounds the alternatives of a keyed field: a longer list
// costs about as much as the expression.
const maxKeyLits = 8

// computeFieldKey returns the first keyable <field> condition of r.
func computeFieldKey(r *Rule) *fieldKey {
	for i := range r.cond.fields {
		f := &r.cond.fields[i]
		if lits, ok := exactLiterals(&f.e); ok {
			return &fieldKey{name: f.name, lits: lits}
		}
	}
	return nil
}

// exactLiterals returns the literals an expression can only match exactly:
// an OS_Match or OS_Regex pattern, not negated, made of alternatives
// ^LIT$ where LIT is ASCII letters and digits, which have no special
// meaning in either dialect, so that a subject matches an alternative
// only when it is LIT itself (up to case, for OS_Match).
func exactLiterals(e *expr) ([]string, bool) {
	if e.p == nil || e.negate {
		return nil, false
	}
	if k := e.p.Kind(); k != osregex.OSMatch && k != osregex.OSRegex {
		return nil, false
	}
	alts := strings.Split(e.p.String(), "|")
	if len(alts) > maxKeyLits {
		return nil, false
	}
	lits := make([]string, 0, len(alts))
	for _, a := range alts {
		if len(a) < 3 || a[0] != '^' || a[len(a)-1] != '$' || !alnum(a[1:len(a)-1]) {
			return nil, false
		}
		lits = append(lits, a[1:len(a)-1])
	}
	return lits, true
}

func alnum(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z') {
			return false
		}
	}
	return s != ""
}

// mayPass reports whether a field value v can pass the condition k was
// derived from. A value with a NUL byte or a non-ASCII byte is left to the
// expression: the expression sees a C string (it ends at the NUL), and a
// Unicode-folding engine could match the Kelvin sign to k.
func (k *fieldKey) mayPass(v string) bool {
	for _, l := range k.lits {
		if len(v) == len(l) && equalFoldASCII(v, l) {
			return true
		}
	}
	for i := 0; i < len(v); i++ {
		if v[i] >= 0x80 || v[i] == 0 {
			return true
		}
	}
	return false
}

// equalFoldASCII compares two strings of equal length ignoring ASCII case.
func equalFoldASCII(a, b string) bool {
	for i := 0; i < len(a); i++ {
		x, y := a[i], b[i]
		if x == y {
			continue
		}
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if 'A' <= y && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}

// fieldKeyOK is the fast path's test of r's keyed field.
func (m *matcher) fieldKeyOK(r *Rule) bool {
	k := r.fieldKey
	if k == nil {
		return true
	}
	v, ok := m.field(k.name)
	return ok && k.mayPass(v)
}

// field is ev.Field with a one-entry cache: siblings keyed on the same
// field ask for it in a row (the key, then the <field> condition itself),
// and the rules do not change the dynamic fields of the event they match.
func (m *matcher) field(name string) (string, bool) {
	if !m.fieldCached || m.fieldName != name {
		m.fieldName, m.fieldCached = name, true
		m.fieldVal, m.fieldOK = m.ev.Field(name)
	}
	return m.fieldVal, m.fieldOK
}
