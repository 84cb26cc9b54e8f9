package auditlog

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
	"unicode/utf8"
)

// xmlKeys maps the plugins' element and attribute names to schema keys.
// Names not listed are lower-cased.
var xmlKeys = map[string]string{
	"RECORD_ID": "record", // MySQL Enterprise
	"RECORD":    "record", // Percona
}

// numericKeys are written as JSON numbers when they hold an integer, as
// Percona's JSON format does for status.
var numericKeys = map[string]bool{"status": true, "status_code": true}

// parseXML parses one <AUDIT_RECORD> in either layout: attributes (OLD) or
// child elements (NEW). It accepts both in one record.
func (r *Reader) parseXML(rec []byte) (Format, error) {
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
	for {
		p = trimSpace(p)
		if len(p) == 0 {
			return 0, errors.New("unterminated start tag")
		}
		if bytes.HasPrefix(p, []byte("/>")) {
			p = p[2:]
			break
		}
		if p[0] == '>' {
			p, old = p[1:], false
			break
		}
		name, val, rest, err := xmlAttr(p)
		if err != nil {
			return 0, err
		}
		note(name)
		if err := r.addXML(name, val); err != nil {
			return 0, err
		}
		p = rest
	}
	if !old {
		if err := r.xmlChildren(p, note); err != nil {
			return 0, err
		}
	}
	if _, ok := r.b.get("name"); !ok {
		return 0, errors.New("no NAME")
	}
	return xmlFormat(old, percona && !mysql), nil
}

func xmlFormat(old, percona bool) Format {
	switch {
	case old && percona:
		return PerconaXMLOld
	case old:
		return MySQLXMLOld
	case percona:
		return PerconaXMLNew
	}
	return MySQLXMLNew
}

// xmlChildren parses <NAME>text</NAME> elements up to </AUDIT_RECORD>.
func (r *Reader) xmlChildren(p []byte, note func([]byte)) error {
	for {
		p = trimSpace(p)
		if bytes.HasPrefix(p, []byte(recordEnd)) {
			return nil
		}
		if len(p) == 0 || p[0] != '<' {
			return fmt.Errorf("text %q outside an element", snippet(p))
		}
		name, rest := xmlName(p[1:])
		if len(name) == 0 {
			return fmt.Errorf("bad element %q", snippet(p))
		}
		rest = trimSpace(rest)
		if bytes.HasPrefix(rest, []byte("/>")) {
			note(name)
			if err := r.addXML(name, nil); err != nil {
				return err
			}
			p = rest[2:]
			continue
		}
		if len(rest) == 0 || rest[0] != '>' {
			return fmt.Errorf("element <%s> has attributes or is unterminated", name)
		}
		rest = rest[1:]
		j := bytes.IndexByte(rest, '<')
		if j < 0 {
			return fmt.Errorf("element <%s> is not closed", name)
		}
		text, after := rest[:j], rest[j:]
		closeTag := after[min(2, len(after)):]
		if !bytes.HasPrefix(after, []byte("</")) || !bytes.HasPrefix(closeTag, name) {
			return fmt.Errorf("element <%s> is not closed (nested elements are not expected)", name)
		}
		after = trimSpace(closeTag[len(name):])
		if len(after) == 0 || after[0] != '>' {
			return fmt.Errorf("bad end tag of <%s>", name)
		}
		note(name)
		if err := r.addXML(name, text); err != nil {
			return err
		}
		p = after[1:]
	}
}

// xmlAttr parses name="value" (or 'value') at the start of p.
func xmlAttr(p []byte) (name, val, rest []byte, err error) {
	name, rest = xmlName(p)
	if len(name) == 0 {
		return nil, nil, nil, fmt.Errorf("bad attribute at %q", snippet(p))
	}
	rest = trimSpace(rest)
	if len(rest) == 0 || rest[0] != '=' {
		return nil, nil, nil, fmt.Errorf("attribute %s has no value", name)
	}
	rest = trimSpace(rest[1:])
	if len(rest) == 0 || (rest[0] != '"' && rest[0] != '\'') {
		return nil, nil, nil, fmt.Errorf("attribute %s value is not quoted", name)
	}
	q := rest[0]
	j := bytes.IndexByte(rest[1:], q)
	if j < 0 {
		return nil, nil, nil, fmt.Errorf("attribute %s value is not terminated", name)
	}
	return name, rest[1 : 1+j], rest[2+j:], nil
}

func xmlName(p []byte) (name, rest []byte) {
	i := 0
	for i < len(p) && isNameByte(p[i]) {
		i++
	}
	return p[:i], p[i:]
}

func isNameByte(c byte) bool {
	return c == '_' || c == '-' || c == '.' || c == ':' || c >= '0' && c <= '9' ||
		c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z'
}

func trimSpace(p []byte) []byte {
	i := 0
	for i < len(p) && (p[i] == ' ' || p[i] == '\t' || p[i] == '\r' || p[i] == '\n') {
		i++
	}
	return p[i:]
}

// addXML stores an XML value under its schema key, decoding entities.
func (r *Reader) addXML(name, raw []byte) error {
	key := xmlKeys[string(name)]
	if key == "" {
		key = lowerKey(name)
	}
	off := len(r.b.arena)
	var err error
	r.b.arena, err = appendUnescaped(r.b.arena, raw)
	if err != nil {
		r.b.arena = r.b.arena[:off]
		return fmt.Errorf("element %s: %w", name, err)
	}
	kind := kStr
	if numericKeys[key] {
		kind = kNum
	}
	r.b.addRef(key, off, len(r.b.arena)-off, kind)
	return nil
}

// lowered interns the lower-case form of the plugins' usual names, so that
// the common case does not allocate.
var lowered = func() map[string]string {
	m := map[string]string{}
	for _, n := range []string{"NAME", "TIMESTAMP", "COMMAND_CLASS", "CONNECTION_ID",
		"STATUS", "STATUS_CODE", "SQLTEXT", "USER", "PRIV_USER", "OS_USER", "OS_LOGIN",
		"PROXY_USER", "HOST", "IP", "DB", "MYSQL_VERSION", "OS_VERSION", "SERVER_ID",
		"STARTUP_OPTIONS", "VERSION", "CONNECTION_TYPE", "CONNECTION_ATTRIBUTES"} {
		m[n] = string(bytes.ToLower([]byte(n)))
	}
	return m
}()

func lowerKey(name []byte) string {
	if k, ok := lowered[string(name)]; ok {
		return k
	}
	return string(bytes.ToLower(name))
}

// appendUnescaped decodes the five XML entities and numeric character
// references (which the plugins use for control characters). An '&' that
// starts no valid reference is an error: the plugins always escape it.
func appendUnescaped(dst, p []byte) ([]byte, error) {
	for len(p) > 0 {
		i := bytes.IndexByte(p, '&')
		if i < 0 {
			return append(dst, p...), nil
		}
		dst = append(dst, p[:i]...)
		p = p[i:]
		j := bytes.IndexByte(p, ';')
		if j < 0 || j > 12 {
			return dst, fmt.Errorf("bad entity reference %q", snippet(p[:min(len(p), 12)]))
		}
		ref := p[1:j]
		switch string(ref) {
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
			c, ok := charRef(ref)
			if !ok {
				return dst, fmt.Errorf("bad entity reference %q", p[:j+1])
			}
			dst = utf8.AppendRune(dst, c)
		}
		p = p[j+1:]
	}
	return dst, nil
}

func charRef(ref []byte) (rune, bool) {
	if len(ref) < 2 || ref[0] != '#' {
		return 0, false
	}
	base, digits := 10, ref[1:]
	if digits[0] == 'x' || digits[0] == 'X' {
		base, digits = 16, digits[1:]
	}
	v, err := strconv.ParseUint(string(digits), base, 32)
	if err != nil || v > utf8.MaxRune {
		return 0, false
	}
	return rune(v), true
}
