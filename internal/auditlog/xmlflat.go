package auditlog

import (
	"bytes"
	"strings"
	"unicode/utf8"
)

// parseFlatXML is the fast path of parseXML for the shape nearly every
// record has: an <AUDIT_RECORD> with attributes (OLD) or with child
// elements that hold only text (NEW), the five predefined entities and
// numeric references. etree (with encoding/xml under it) costs about ten
// times the time and fifty times the allocations on such a record, and a
// busy server writes one per statement.
//
// It decides nothing on its own: on anything outside that shape (an
// element holding elements, CDATA, a comment, a namespace prefix, a raw
// carriage return, any syntax error) it declines, leaves the builder
// empty and returns false, and parseXML hands the record to etree, which
// reads it or says why not. What it accepts it must read exactly as etree
// does; FuzzXMLFastPath holds it to that.
func (r *Reader) parseFlatXML(rec []byte) (Format, bool) {
	f, ok := r.flatXML(rec)
	if !ok {
		r.b.reset()
	}
	return f, ok
}

func (r *Reader) flatXML(rec []byte) (Format, bool) {
	if !bytes.HasPrefix(rec, []byte(recordTag)) {
		return 0, false
	}
	p := rec[len(recordTag):]
	old, percona, mysql := true, false, false
	note := func(name []byte) {
		switch string(name) {
		case "RECORD":
			percona = true
		case "RECORD_ID":
			mysql = true
		}
	}
	closed := false // the start tag ended with "/>"
	for {
		q := trimSpace(p)
		if len(q) == 0 {
			return 0, false
		}
		if bytes.HasPrefix(q, []byte("/>")) {
			p, closed = q[2:], true
			break
		}
		if q[0] == '>' {
			p = q[1:]
			break
		}
		if len(q) == len(p) {
			return 0, false // no space before an attribute
		}
		name, val, rest, ok := flatAttr(q)
		if !ok {
			return 0, false
		}
		note(name)
		if !r.addFlat(name, val) {
			return 0, false
		}
		p = rest
	}
	if closed {
		if len(trimSpace(p)) != 0 {
			return 0, false
		}
	} else {
		children, ok := r.flatChildren(p, note)
		if !ok {
			return 0, false
		}
		old = !children
	}
	if _, ok := r.b.get("name"); !ok {
		return 0, false
	}
	return xmlFormat(old, percona && !mysql), true
}

// flatChildren reads <NAME>text</NAME> and <NAME/> elements up to
// </AUDIT_RECORD>, and reports whether there was any.
func (r *Reader) flatChildren(p []byte, note func([]byte)) (children, ok bool) {
	for {
		p = trimSpace(p)
		if bytes.HasPrefix(p, []byte(recordEnd)) {
			rest := trimSpace(p[len(recordEnd):])
			return children, len(rest) == 1 && rest[0] == '>'
		}
		if len(p) < 2 || p[0] != '<' {
			return false, false
		}
		name, rest := flatName(p[1:])
		if name == nil {
			return false, false
		}
		if len(rest) > 0 && !isSpaceByte(rest[0]) && rest[0] != '>' && rest[0] != '/' {
			return false, false
		}
		rest = trimSpace(rest)
		if bytes.HasPrefix(rest, []byte("/>")) {
			note(name)
			if !r.addFlat(name, nil) {
				return false, false
			}
			p, children = rest[2:], true
			continue
		}
		if len(rest) == 0 || rest[0] != '>' {
			return false, false // attributes on a child, or broken
		}
		rest = rest[1:]
		j := bytes.IndexByte(rest, '<')
		if j < 0 {
			return false, false
		}
		text, after := rest[:j], rest[j:]
		if !bytes.HasPrefix(after, []byte("</")) || !bytes.HasPrefix(after[2:], name) {
			return false, false // a nested element, CDATA, a comment
		}
		after = after[2+len(name):]
		if len(after) > 0 && !isSpaceByte(after[0]) && after[0] != '>' {
			return false, false // </NAMEX>: another name
		}
		after = trimSpace(after)
		if len(after) == 0 || after[0] != '>' {
			return false, false
		}
		note(name)
		if !r.addFlat(name, text) {
			return false, false
		}
		p, children = after[1:], true
	}
}

// flatAttr reads name="value" (or 'value') at the start of p.
func flatAttr(p []byte) (name, val, rest []byte, ok bool) {
	name, rest = flatName(p)
	if name == nil {
		return nil, nil, nil, false
	}
	rest = trimSpace(rest)
	if len(rest) == 0 || rest[0] != '=' {
		return nil, nil, nil, false
	}
	rest = trimSpace(rest[1:])
	if len(rest) == 0 || (rest[0] != '"' && rest[0] != '\'') {
		return nil, nil, nil, false
	}
	q := rest[0]
	j := bytes.IndexByte(rest[1:], q)
	if j < 0 {
		return nil, nil, nil, false
	}
	return name, rest[1 : 1+j], rest[2+j:], true
}

// flatName reads an ASCII XML name without a namespace prefix (a prefix
// or a non-ASCII name is left to etree).
func flatName(p []byte) (name, rest []byte) {
	if len(p) == 0 || !(p[0] == '_' || p[0] >= 'A' && p[0] <= 'Z' || p[0] >= 'a' && p[0] <= 'z') {
		return nil, p
	}
	i := 1
	for i < len(p) && isNameByte(p[i]) {
		i++
	}
	if i < len(p) && (p[i] == ':' || p[i] >= utf8.RuneSelf) {
		return nil, p
	}
	return p[:i], p[i:]
}

func isNameByte(c byte) bool {
	return c == '_' || c == '-' || c == '.' || c >= '0' && c <= '9' ||
		c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z'
}

func isSpaceByte(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }

func trimSpace(p []byte) []byte {
	i := 0
	for i < len(p) && isSpaceByte(p[i]) {
		i++
	}
	return p[i:]
}

// addFlat decodes a raw value into the arena and stores it under the
// name's schema key.
func (r *Reader) addFlat(name, raw []byte) bool {
	key := flatKey(name)
	off := len(r.b.arena)
	var ok bool
	r.b.arena, ok = appendFlatText(r.b.arena, raw)
	if !ok {
		r.b.arena = r.b.arena[:off]
		return false
	}
	kind := kStr
	if numericKeys[key] {
		kind = kNum
	}
	r.b.addRef(key, off, len(r.b.arena)-off, kind)
	return true
}

// flatKey gives the schema key of a name, without allocating for the
// plugins' usual names.
func flatKey(name []byte) string {
	if k, ok := xmlKeys[string(name)]; ok {
		return k
	}
	if k, ok := lowered[string(name)]; ok {
		return k
	}
	return strings.ToLower(string(name))
}

// appendFlatText decodes the predefined entities and numeric character
// references as encoding/xml does. It declines what encoding/xml would
// read differently or reject: a raw '\r' (XML turns line ends into '\n'),
// a raw '<', and any other '&'.
func appendFlatText(dst, p []byte) ([]byte, bool) {
	for len(p) > 0 {
		i := bytes.IndexAny(p, "&<\r")
		if i < 0 {
			return append(dst, p...), true
		}
		dst = append(dst, p[:i]...)
		p = p[i:]
		if p[0] != '&' {
			return dst, false
		}
		j := bytes.IndexByte(p[:min(len(p), 12)], ';')
		if j < 0 {
			return dst, false
		}
		switch ref := p[1:j]; string(ref) {
		case "lt":
			dst = append(dst, '<')
		case "gt":
			dst = append(dst, '>')
		case "amp":
			dst = append(dst, '&')
		case "quot":
			dst = append(dst, '"')
		case "apos":
			dst = append(dst, '\'')
		default:
			c, ok := flatCharRef(ref)
			if !ok {
				return dst, false
			}
			dst = utf8.AppendRune(dst, c)
		}
		p = p[j+1:]
	}
	return dst, true
}

// flatCharRef reads "#65" or "#x41" (lower-case x, as XML requires).
func flatCharRef(ref []byte) (rune, bool) {
	if len(ref) < 2 || ref[0] != '#' {
		return 0, false
	}
	base, digits := uint64(10), ref[1:]
	if digits[0] == 'x' {
		base, digits = 16, digits[1:]
	}
	if len(digits) == 0 {
		return 0, false
	}
	var v uint64
	for _, d := range digits {
		n := hexVal(d)
		if n >= base || v > utf8.MaxRune {
			return 0, false
		}
		v = v*base + n
	}
	if v > utf8.MaxRune || !xmlChar(rune(v)) {
		return 0, false
	}
	return rune(v), true
}
