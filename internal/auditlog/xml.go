package auditlog

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/beevik/etree"
	"github.com/gossec/gossec/internal/jsonstr"
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

// xmlMaxDepth bounds the nesting etree accepts. The plugins nest three
// levels (AUDIT_RECORD > CONNECTION_ATTRIBUTES > ATTRIBUTE > NAME); the
// margin is for elements future versions may add, the bound for input that
// is not an audit log at all.
const xmlMaxDepth = 16

// xmlSettings: PreserveDuplicateAttrs keeps every attribute in source
// order, so that the first of two equal attributes wins as the first of
// two equal elements does (the builder keeps the first value of a key).
// Strict parsing (not Permissive): an undefined entity or an unclosed
// element makes the record malformed rather than silently different.
var xmlSettings = etree.ReadSettings{PreserveDuplicateAttrs: true, MaxDepth: xmlMaxDepth}

// parseXML parses one complete <AUDIT_RECORD>, as framed by scanXML, with
// etree: attributes (OLD layout) and child elements (NEW layout), in one
// record or mixed. A child element that holds elements itself, like MySQL
// 8's CONNECTION_ATTRIBUTES, becomes a JSON object (see appendObject).
func (r *Reader) parseXML(rec []byte) (Format, error) {
	rec = r.xmlClean(rec)
	if f, ok := r.parseFlatXML(rec); ok {
		return f, nil
	}
	return r.parseXMLTree(rec)
}

// parseXMLTree is parseXML with etree, for every record the fast path
// declines.
func (r *Reader) parseXMLTree(rec []byte) (Format, error) {
	doc := etree.NewDocument()
	doc.ReadSettings = xmlSettings
	if err := doc.ReadFromBytes(rec); err != nil {
		if errors.Is(err, etree.ErrXML) {
			// etree's own check, which says no more than this
			return 0, fmt.Errorf("xml: unbalanced elements (an end tag that does not match its start tag): %w", err)
		}
		return 0, fmt.Errorf("xml: %w", err)
	}
	root, err := recordRoot(doc)
	if err != nil {
		return 0, err
	}
	old, percona, mysql := true, false, false
	note := func(name string) {
		switch name {
		case "RECORD":
			percona = true
		case "RECORD_ID":
			mysql = true
		}
	}
	for i := range root.Attr {
		name := root.Attr[i].FullKey()
		note(name)
		r.addXML(xmlKey(name), root.Attr[i].Value)
	}
	for _, tok := range root.Child {
		switch t := tok.(type) {
		case *etree.Element:
			old = false
			note(t.FullTag())
			if err := r.addElement(t); err != nil {
				return 0, err
			}
		case *etree.CharData:
			if !t.IsWhitespace() {
				return 0, fmt.Errorf("text %q outside an element", snippet([]byte(t.Data)))
			}
		}
		// comments and processing instructions carry no field
	}
	if _, ok := r.b.get("name"); !ok {
		return 0, errors.New("no NAME")
	}
	return xmlFormat(old, percona && !mysql), nil
}

// recordRoot returns the document's single AUDIT_RECORD element.
func recordRoot(doc *etree.Document) (*etree.Element, error) {
	var root *etree.Element
	for _, tok := range doc.Child {
		e, ok := tok.(*etree.Element)
		if !ok {
			continue
		}
		if root != nil {
			return nil, fmt.Errorf("element <%s> after the record", e.FullTag())
		}
		root = e
	}
	if root == nil || root.FullTag() != "AUDIT_RECORD" {
		return nil, errors.New("no <AUDIT_RECORD> element")
	}
	return root, nil
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

// addElement stores one child element of the record: its text, or, when
// it holds elements, a JSON object of them. The schema's own fields are
// always text; a NAME or STATUS holding elements is not a record the
// plugins write.
func (r *Reader) addElement(e *etree.Element) error {
	key := xmlKey(e.FullTag())
	if !hasChildElements(e) {
		r.addXML(key, elementText(e))
		return nil
	}
	if isCanonical(key) {
		return fmt.Errorf("element <%s> holds elements, not text", e.FullTag())
	}
	if r.b.has(key) {
		return nil // the first value of a key wins
	}
	off := len(r.b.arena)
	var err error
	r.b.arena, err = r.appendObject(r.b.arena, e)
	if err != nil {
		r.b.arena = r.b.arena[:off]
		return err
	}
	r.b.addRef(key, off, len(r.b.arena)-off, kRaw)
	return nil
}

// appendObject writes an element that holds elements as a JSON object.
// A member that is a NAME/VALUE pair (MySQL's <ATTRIBUTE>, as in
// CONNECTION_ATTRIBUTES) or a KEY/VALUE pair (the <ELEMENT> of a <MAP>)
// becomes "name":"value", so a connection attribute is reached as
// audit_record.connection_attributes.program_name, the path MySQL's JSON
// format gives it. Other members keep their lower-cased tag, as the
// record's own fields do. Within one object the first member of a name
// wins, as in the record.
func (r *Reader) appendObject(dst []byte, e *etree.Element) ([]byte, error) {
	seen := make(map[string]struct{}, 8)
	dst = append(dst, '{')
	first := true
	for _, tok := range e.Child {
		c, ok := tok.(*etree.Element)
		if !ok {
			if cd, isText := tok.(*etree.CharData); isText && !cd.IsWhitespace() {
				return dst, fmt.Errorf("element <%s> mixes text and elements", e.FullTag())
			}
			continue
		}
		name, val, pair := namedValue(c)
		if !pair {
			name = xmlKey(c.FullTag())
		}
		if _, dup := seen[name]; dup {
			continue
		}
		seen[name] = struct{}{}
		if !first {
			dst = append(dst, ',')
		}
		first = false
		dst = jsonstr.Append(dst, name)
		dst = append(dst, ':')
		switch {
		case pair:
			dst = jsonstr.Append(dst, val)
		case hasChildElements(c):
			var err error
			if dst, err = r.appendObject(dst, c); err != nil {
				return dst, err
			}
		default:
			dst = jsonstr.Append(dst, elementText(c))
		}
	}
	return append(dst, '}'), nil
}

// namedValue recognises <X><NAME>n</NAME><VALUE>v</VALUE></X> (or KEY for
// NAME, in either order) and returns n and v.
func namedValue(e *etree.Element) (name, val string, ok bool) {
	var haveName, haveVal bool
	for _, tok := range e.Child {
		switch t := tok.(type) {
		case *etree.Element:
			if hasChildElements(t) {
				return "", "", false
			}
			switch t.FullTag() {
			case "NAME", "KEY":
				if haveName {
					return "", "", false
				}
				name, haveName = elementText(t), true
			case "VALUE":
				if haveVal {
					return "", "", false
				}
				val, haveVal = elementText(t), true
			default:
				return "", "", false
			}
		case *etree.CharData:
			if !t.IsWhitespace() {
				return "", "", false
			}
		}
	}
	return name, val, haveName && haveVal
}

func hasChildElements(e *etree.Element) bool {
	for _, tok := range e.Child {
		if _, ok := tok.(*etree.Element); ok {
			return true
		}
	}
	return false
}

// elementText joins the element's character data, CDATA sections
// included (etree has already decoded entities and unwrapped CDATA);
// comments inside the text are dropped.
func elementText(e *etree.Element) string {
	var only string
	var b []byte
	n := 0
	for _, tok := range e.Child {
		cd, ok := tok.(*etree.CharData)
		if !ok {
			continue
		}
		switch n {
		case 0:
			only = cd.Data
		case 1:
			b = append(append(b, only...), cd.Data...)
		default:
			b = append(b, cd.Data...)
		}
		n++
	}
	if n > 1 {
		return string(b)
	}
	return only
}

// addXML stores a text value under its schema key.
func (r *Reader) addXML(key, val string) {
	kind := kStr
	if numericKeys[key] {
		kind = kNum
	}
	r.b.add(key, val, kind)
}

// xmlKey gives the schema key of an element or attribute name.
func xmlKey(name string) string {
	if k, ok := xmlKeys[name]; ok {
		return k
	}
	return lowerKey(name)
}

// lowered interns the lower-case form of the plugins' usual names, so that
// the common case does not allocate.
var lowered = func() map[string]string {
	m := map[string]string{}
	for _, n := range []string{"NAME", "TIMESTAMP", "COMMAND_CLASS", "CONNECTION_ID",
		"STATUS", "STATUS_CODE", "SQLTEXT", "USER", "PRIV_USER", "OS_USER", "OS_LOGIN",
		"PROXY_USER", "HOST", "IP", "DB", "MYSQL_VERSION", "OS_VERSION", "SERVER_ID",
		"STARTUP_OPTIONS", "VERSION", "CONNECTION_TYPE", "CONNECTION_ATTRIBUTES"} {
		m[n] = strings.ToLower(n)
	}
	return m
}()

func lowerKey(name string) string {
	if k, ok := lowered[name]; ok {
		return k
	}
	return strings.ToLower(name)
}

// xmlClean returns the record with every character that XML forbids
// replaced by U+FFFD: bytes that are not UTF-8, control characters other
// than tab, newline and carriage return, and numeric references to such
// characters. The plugins write what a client sent, and MySQL documents
// that it writes characters XML does not allow as numeric references;
// encoding/xml (under etree) rejects them, and a whole login or statement
// must not be lost for one character, nor can a client hide a statement
// from the monitor by putting one in it. JSON output already shows
// non-UTF-8 bytes as U+FFFD (internal/jsonstr). The record is returned as
// it is, without copying, when it holds none.
func (r *Reader) xmlClean(rec []byte) []byte {
	i := firstForbidden(rec)
	if i < 0 {
		return rec
	}
	out := append(r.xbuf[:0], rec[:i]...)
	p := rec[i:]
	for len(p) > 0 {
		n, bad := charAt(p)
		if bad {
			out = append(out, "\uFFFD"...)
		} else {
			out = append(out, p[:n]...)
		}
		p = p[n:]
	}
	r.xbuf = out
	return out
}

// firstForbidden returns the offset of the first forbidden character
// sequence in p, or -1.
func firstForbidden(p []byte) int {
	for i := 0; i < len(p); i++ {
		c := p[i]
		if c >= 0x20 && c < utf8.RuneSelf && c != '&' {
			continue
		}
		n, bad := charAt(p[i:])
		if bad {
			return i
		}
		i += n - 1
	}
	return -1
}

// charAt returns the length of the character (or character reference) at
// the start of p and whether XML forbids it. A byte that starts no valid
// UTF-8 sequence counts as one forbidden character.
func charAt(p []byte) (n int, bad bool) {
	c := p[0]
	switch {
	case c == '&':
		if n := forbiddenRef(p); n > 0 {
			return n, true
		}
		return 1, false
	case c < 0x20:
		return 1, c != '\t' && c != '\n' && c != '\r'
	case c < utf8.RuneSelf:
		return 1, false
	}
	rn, size := utf8.DecodeRune(p)
	return size, rn == utf8.RuneError && size == 1 || !xmlChar(rn)
}

// forbiddenRef returns the length of a numeric character reference
// ("&#1;", "&#x1F;") at the start of p if it names a character XML
// forbids, else 0. A malformed reference is left for the parser to
// reject.
func forbiddenRef(p []byte) int {
	if len(p) < 4 || p[1] != '#' {
		return 0
	}
	end := bytes.IndexByte(p[:min(len(p), 16)], ';')
	if end < 3 {
		return 0
	}
	digits, base := p[2:end], uint64(10)
	if digits[0] == 'x' {
		digits, base = digits[1:], 16
	}
	if len(digits) == 0 {
		return 0
	}
	var v uint64
	for _, d := range digits {
		n := hexVal(d)
		if n >= base || v > utf8.MaxRune {
			return 0
		}
		v = v*base + n
	}
	if v > utf8.MaxRune || xmlChar(rune(v)) {
		return 0
	}
	return end + 1
}

// hexVal is the value of a hexadecimal digit, or 16 for any other byte.
func hexVal(c byte) uint64 {
	switch {
	case c >= '0' && c <= '9':
		return uint64(c - '0')
	case c >= 'a' && c <= 'f':
		return uint64(c-'a') + 10
	case c >= 'A' && c <= 'F':
		return uint64(c-'A') + 10
	}
	return 16
}

// xmlChar reports whether c is in XML 1.0's Char production.
func xmlChar(c rune) bool {
	return c == 0x09 || c == 0x0A || c == 0x0D ||
		c >= 0x20 && c <= 0xD7FF ||
		c >= 0xE000 && c <= 0xFFFD ||
		c >= 0x10000 && c <= 0x10FFFF
}
