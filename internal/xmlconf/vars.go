package xmlconf

import (
	"errors"
	"strings"
)

const (
	// maxVarName bounds variable names, in definitions and references.
	maxVarName = 256
	// maxVarErrors is how many variable errors one file reports at most.
	maxVarErrors = 10
)

type varDef struct{ name, value string }

// applyVars resolves <var> definitions and $NAME references in document
// order: a definition applies to the element contents and attribute values
// that come after it in the file. Until a file has defined a variable, '$'
// is not examined at all, so patterns such as "\$PID" in files without
// definitions are safe.
func (p *parser) applyVars() error {
	var defs []varDef
	var errs []error
	for i := range p.items {
		it := &p.items[i]
		if it.isVar {
			d, err := p.define(it)
			if err != nil {
				errs = append(errs, err)
			} else {
				defs = append(defs, d)
			}
		} else if len(defs) > 0 && !p.ownedByVar(i) {
			if err := p.substitute(it, defs); err != nil {
				errs = append(errs, err)
			}
		}
		if len(errs) >= maxVarErrors {
			break
		}
	}
	if len(errs) == 1 {
		return errs[0]
	}
	return errors.Join(errs...)
}

// ownedByVar reports whether item i is an attribute of a <var> element;
// those hold the variable's name and are never substituted.
func (p *parser) ownedByVar(i int) bool {
	it := &p.items[i]
	return it.attr >= 0 && it.node.Is("var")
}

// define reads one <var> element: its first attribute must be "name" (any
// case) and its content is the value, taken verbatim.
func (p *parser) define(it *item) (varDef, error) {
	n := it.node
	if len(n.Attrs) == 0 {
		return varDef{}, Errorf(n.Pos, "variable <%s> has no \"name\" attribute", n.Name)
	}
	a := n.Attrs[0]
	if !strings.EqualFold(a.Name, "name") {
		return varDef{}, Errorf(a.Pos, "variable <%s> has attribute %q; only \"name\" is allowed", n.Name, a.Name)
	}
	if len(a.Value) >= maxVarName {
		return varDef{}, Errorf(a.Pos, "variable name %.20q... longer than %d bytes", a.Value, maxVarName-1)
	}
	return varDef{name: a.Value, value: n.Content}, nil
}

// substitute expands the references in one content or attribute value.
func (p *parser) substitute(it *item, defs []varDef) error {
	text := &it.node.Content
	if it.attr >= 0 {
		text = &it.node.Attrs[it.attr].Value
	}
	out, bad, msg := expand(*text, defs)
	*text = out
	if msg == "" {
		return nil
	}
	pos := it.node.Pos
	if it.attr >= 0 {
		pos = it.node.Attrs[it.attr].Pos
	}
	if it.at >= 0 {
		pos = p.lines.pos(p.src, it.at+bad)
	}
	return Errorf(pos, "%s", msg)
}

// isVarEnd reports whether c ends a variable name in a reference.
func isVarEnd(c byte) bool {
	return c == '$' || c == 0 || c == '.' || c == '|' || c == ',' || c == ' '
}

// expand replaces $NAME references in s. A '$' followed directly by a
// terminator, or a name starting with '(' (the "$(field)" syntax of rule
// descriptions), is left as it is. On an unknown or oversized name it
// reports the offset of its '$' and a message, leaves that reference as
// text and goes on, so the result stays usable. Strings of two bytes or
// fewer are never examined.
func expand(s string, defs []varDef) (out string, bad int, msg string) {
	if len(s) <= 2 || strings.IndexByte(s, '$') < 0 {
		return s, 0, ""
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		if s[i] != '$' {
			j := strings.IndexByte(s[i:], '$')
			if j < 0 {
				j = len(s) - i
			}
			b.WriteString(s[i : i+j])
			i += j
			continue
		}
		end := i + 1
		for end < len(s) && !isVarEnd(s[end]) {
			end++
		}
		name := s[i+1 : end]
		switch v, ok := lookup(defs, name); {
		case len(name) >= maxVarName:
			b.WriteString(s[i:end])
			if msg == "" {
				bad, msg = i, "variable reference "+quoteShort(name)+" longer than 255 bytes"
			}
		case ok:
			b.WriteString(v)
		case name == "" || name[0] == '(':
			b.WriteString(s[i:end])
		default:
			b.WriteString(s[i:end])
			if msg == "" {
				bad, msg = i, "unknown variable "+quoteShort("$"+name)
			}
		}
		i = end // the terminator is examined next: "$A$B" is two references
	}
	return b.String(), bad, msg
}

// lookup finds a variable by name, ignoring case; the first definition of a
// name wins.
func lookup(defs []varDef, name string) (string, bool) {
	for _, d := range defs {
		if strings.EqualFold(d.name, name) {
			return d.value, true
		}
	}
	return "", false
}

func quoteShort(s string) string {
	if len(s) > 40 {
		s = s[:40] + "..."
	}
	return `"` + s + `"`
}
