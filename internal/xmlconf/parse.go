package xmlconf

import (
	"fmt"
	"os"
	"strings"
)

// Limits of the dialect, the same as the reference reader's.
const (
	// MaxText is the size at which a tag name, a run of element content
	// or an attribute name/value becomes an error. The reference reader
	// checks the buffer before storing each byte, so the longest text
	// that loads is MaxText-1 bytes.
	MaxText = 20480
	// MaxDepth is the deepest element nesting accepted (a root element
	// is at depth 1).
	MaxDepth = 1024
)

const eof = -1

// ParseFile reads and parses the file at path; positions name the file by
// path.
func ParseFile(path string) ([]*Node, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("xmlconf: %w", err)
	}
	return Parse(path, data)
}

// Parse reads one file's content and returns its root elements in document
// order. name is used as Pos.File; the returned strings do not alias data.
//
// <var> elements are removed from the tree. Each defines a variable, named
// by its first attribute (which must be "name"), for the element contents
// and attribute values that follow it in document order; the reference
// "$NAME" ends at '$', '.', '|', ',', ' ' or the end, and names compare
// without case. Until a file defines a variable '$' is not examined; after
// that an unknown name is an error, except that "$" directly followed by a
// terminator and "$(" are left alone, and texts of two bytes or fewer are
// never examined. Values are inserted verbatim, not rescanned.
//
// Errors are *Error values with the position of the offending tag,
// attribute or '$'. Parsing stops at the first syntax error; up to ten
// variable errors are joined with errors.Join.
func Parse(name string, data []byte) ([]*Node, error) {
	p := &parser{src: string(data)}
	// Every element and attribute becomes an item; '<' bounds the former
	// and is a cheap guess for the total.
	p.items = make([]item, 0, strings.Count(p.src, "<"))
	p.lines.file = name
	var roots []*Node
	if err := p.element(0, &roots); err != nil {
		return nil, err
	}
	if err := p.applyVars(); err != nil {
		return nil, err
	}
	return roots, nil
}

// item is one entry of the document in the reference reader's flat order
// (element, then its attributes, then its children), which is the order
// variable definitions and references are resolved in.
type item struct {
	node  *Node
	attr  int  // index in node.Attrs, or -1 for the element's content
	isVar bool // node is a <var> definition
	at    int  // offset of the text in src, or -1 when it is not contiguous
}

type parser struct {
	src   string
	pos   int // offset of the next byte to read
	lines lineIndex
	items []item
	slab  []Node // nodes are carved from chunks to save allocations
}

func (p *parser) newNode() *Node {
	if len(p.slab) == 0 {
		p.slab = make([]Node, 64)
	}
	n := &p.slab[0]
	p.slab = p.slab[1:]
	return n
}

// next returns the next byte, or eof without moving.
func (p *parser) next() int {
	if p.pos >= len(p.src) {
		return eof
	}
	c := p.src[p.pos]
	p.pos++
	return int(c)
}

// plainRun counts the bytes from p.pos up to the next '<' or '\\'.
func (p *parser) plainRun() int {
	rest := p.src[p.pos:]
	for i := 0; i < len(rest); i++ {
		if c := rest[i]; c == '<' || c == '\\' {
			return i
		}
	}
	return len(rest)
}

// nameRun counts the bytes from p.pos that a tag name (or, with inName
// false, a closing tag's name) takes as they are: all but '<', '\\', '>'
// and, in an opening tag, white space.
func (p *parser) nameRun(inName bool) int {
	rest := p.src[p.pos:]
	for i := 0; i < len(rest); i++ {
		switch c := rest[i]; {
		case c == '<' || c == '\\' || c == '>':
			return i
		case inName && isSpace(int(c)):
			return i
		}
	}
	return len(rest)
}

// back un-reads c, which must be the byte just returned by next.
func (p *parser) back(c int) {
	if c != eof {
		p.pos--
	}
}

func (p *parser) errAt(off int, format string, args ...any) *Error {
	return Errorf(p.lines.pos(p.src, off), format, args...)
}

// isSpace is C isspace in the "C" locale.
func isSpace(c int) bool {
	return c == ' ' || (c >= '\t' && c <= '\r')
}

// Tag-reading states, named after the part of the markup being read.
const (
	outside  = iota // between elements
	inName          // after '<', reading the element name
	inBody          // reading content (and children)
	inCloser        // after "</", reading the closing name
)

// element reads elements starting at p.pos and appends them to dst. At
// depth 0 it reads every root element up to the end of the input; deeper
// it reads exactly one element (whose '<' is the next byte) and returns.
//
// The state machine follows the reference reader byte for byte because
// several of its accidents are relied upon by stock files: a '<' after an
// odd run of backslashes is text, comments are cut out anywhere, and a
// self-closing "<x />" leaves its '>' to the parent's content.
func (p *parser) element(depth int, dst *[]*Node) error {
	if depth >= MaxDepth {
		return p.errAt(p.pos, "elements nested deeper than %d", MaxDepth)
	}
	var (
		state              = outside
		escaped            bool // an odd run of backslashes precedes
		name, body, closer span
		node               *Node
		open               int // offset of the current element's '<'
		closeAt            int // offset of the "</" closing it
		itemIdx            int
	)
	for {
		if state == outside || state == inBody {
			// Fast path: bytes other than '<' and '\\' only clear the
			// escape and, in content, are kept.
			if k := p.plainRun(); k > 0 {
				if state == inBody {
					if body.len()+k > MaxText {
						return p.tooLong(state, node, open)
					}
					body.addRange(p.src, p.pos, p.pos+k)
				}
				p.pos += k
				escaped = false
			}
		} else if k := p.nameRun(state == inName); k > 0 {
			// Fast path for tag names: the bytes that only clear the
			// escape and are kept, checked against MaxText as the loop
			// below checks them one by one.
			cur := &closer
			if state == inName {
				cur = &name
			}
			if cur.len()+k > MaxText {
				return p.tooLong(state, node, open)
			}
			cur.addRange(p.src, p.pos, p.pos+k)
			p.pos += k
			escaped = false
		}
		c := p.next()
		if c == eof {
			break
		}
		if c == '\\' {
			escaped = !escaped
		} else if c != '<' {
			escaped = false
		}
		if n := curLen(state, &name, &body, &closer); n >= MaxText {
			return p.tooLong(state, node, open)
		}
		if c == '<' {
			skipped, err := p.comment()
			if err != nil {
				return err
			}
			if skipped {
				continue
			}
		}
		switch {
		case state == outside && !escaped:
			if c != '<' {
				continue
			}
			skip, err := p.startTag(depth)
			if err != nil {
				return err
			}
			if skip {
				continue
			}
			open = p.pos - 1
			state = inName
			name.reset()

		case state == inName && (c == '>' || isSpace(c)):
			var selfClosed bool
			var err error
			node, itemIdx, selfClosed, err = p.openTag(c, open, &name)
			if err != nil {
				return err
			}
			if !selfClosed {
				state = inBody
				body.reset()
				continue
			}
			p.items[itemIdx].at = -1
			p.attach(dst, node, itemIdx)
			if depth > 0 {
				return nil
			}
			state = outside

		case state == inCloser && c == '>':
			if got := closer.text(p.src); got != node.Name {
				return p.errAt(closeAt, "element %q opened at %d:%d is closed by \"</%s>\"",
					node.Name, node.Pos.Line, node.Pos.Col, got)
			}
			node.Content = body.text(p.src)
			p.items[itemIdx].at = body.offset()
			p.attach(dst, node, itemIdx)
			if depth > 0 {
				return nil
			}
			state = outside

		case state == inBody && c == '<' && !escaped:
			c2 := p.next()
			if c2 == '/' {
				state = inCloser
				closer.reset()
				closeAt = p.pos - 2
				continue
			}
			p.back(c2)
			p.pos-- // give the '<' back to the child
			if err := p.element(depth+1, &node.Children); err != nil {
				return err
			}
			body.reset() // content is the text after the last child

		default:
			switch state {
			case inName:
				name.add(p.src, p.pos-1)
			case inBody:
				body.add(p.src, p.pos-1)
			case inCloser:
				closer.add(p.src, p.pos-1)
			}
			if c == '<' {
				escaped = false
			}
		}
	}
	if state == outside {
		return nil
	}
	if state == inName {
		return p.errAt(open, "tag not terminated at end of file")
	}
	return p.errAt(open, "element %q not closed at end of file", node.Name)
}

// curLen is the length of the text being accumulated in state.
func curLen(state int, name, body, closer *span) int {
	switch state {
	case inName:
		return name.len()
	case inBody:
		return body.len()
	case inCloser:
		return closer.len()
	}
	return 0
}

func (p *parser) tooLong(state int, node *Node, open int) error {
	switch state {
	case inName:
		return p.errAt(open, "element name longer than %d bytes", MaxText-1)
	case inBody:
		return p.errAt(open, "content of element %q longer than %d bytes", node.Name, MaxText-1)
	}
	return p.errAt(open, "closing tag of element %q longer than %d bytes", node.Name, MaxText-1)
}

// startTag checks what follows a '<' met between elements: "</" is an
// error, and at the top level a "<?...?>" declaration is skipped (skip is
// then true).
func (p *parser) startTag(depth int) (skip bool, err error) {
	c := p.next()
	if c == '/' {
		return false, p.errAt(p.pos-2, "closing tag without an open element")
	}
	if c == '?' && depth == 0 {
		end := strings.Index(p.src[p.pos:], "?>")
		if end < 0 {
			return false, p.errAt(p.pos-2, "declaration \"<?\" not closed")
		}
		p.pos += end + 2
		return true, nil
	}
	p.back(c)
	return false, nil
}

// openTag finishes a start tag whose name ended with c ('>' or a space):
// it creates the node, reads the attributes and reports whether the
// element closed itself.
func (p *parser) openTag(c, open int, name *span) (*Node, int, bool, error) {
	text := name.text(p.src)
	selfClosed := false
	if strings.HasSuffix(text, "/") {
		text = text[:len(text)-1]
		selfClosed = true
	}
	node := p.newNode()
	node.Name, node.Pos = text, p.lines.pos(p.src, open)
	idx := len(p.items)
	p.items = append(p.items, item{node: node, attr: -1, isVar: node.Is("var")})
	if isSpace(c) {
		slash, err := p.attributes(node, open)
		if err != nil {
			return nil, 0, false, err
		}
		selfClosed = selfClosed || slash
	}
	return node, idx, selfClosed, nil
}

// attach adds a finished element to its parent's list; <var> definitions
// stay out of the tree.
func (p *parser) attach(dst *[]*Node, node *Node, idx int) {
	if !p.items[idx].isVar {
		*dst = append(*dst, node)
	}
}

// comment is called after a '<' was read. When a '!' follows it skips the
// comment, which ends at the first "!>" or "-->" wholly after the "<!".
func (p *parser) comment() (bool, error) {
	if p.pos >= len(p.src) || p.src[p.pos] != '!' {
		return false, nil
	}
	open := p.pos - 1
	body := p.pos + 1
	for i := body; i < len(p.src); {
		j := strings.IndexByte(p.src[i:], '>')
		if j < 0 {
			break
		}
		gt := i + j
		if (gt-1 >= body && p.src[gt-1] == '!') ||
			(gt-2 >= body && p.src[gt-1] == '-' && p.src[gt-2] == '-') {
			p.pos = gt + 1
			return true, nil
		}
		i = gt + 1
	}
	return false, p.errAt(open, "comment not closed")
}

// attributes reads the attributes after an element name up to the end of
// the start tag. It reports true when the tag ended with '/' (the byte
// after that '/' is left unread, as the reference reader does).
func (p *parser) attributes(node *Node, open int) (bool, error) {
	var (
		name, value span
		inValue     bool
		quote       int
		nameAt      = -1
	)
	for {
		c := p.next()
		if c == eof {
			return false, p.errAt(open, "end of file inside the start tag of element %q", node.Name)
		}
		if (!inValue && name.len() >= MaxText) || (inValue && value.len() >= MaxText) {
			return false, p.errAt(nameAt, "attribute %q longer than %d bytes", name.text(p.src), MaxText-1)
		}
		switch {
		case c == '>' || (!inValue && c == '/'):
			if inValue {
				return false, p.errAt(nameAt, "attribute %q not closed before \">\"", name.text(p.src))
			}
			if name.len() > 0 {
				return false, p.errAt(nameAt, "attribute %q has no value", name.text(p.src))
			}
			return c == '/', nil

		case !inValue && c == '=':
			if nameAt < 0 {
				nameAt = p.pos - 1
			}
			q, err := p.openQuote(node, name.text(p.src), nameAt)
			if err != nil {
				return false, err
			}
			quote, inValue = q, true
			value.reset()

		case !inValue && isSpace(c):
			if name.len() > 0 {
				return false, p.errAt(nameAt, "attribute %q has no value", name.text(p.src))
			}

		case inValue && c == quote:
			node.Attrs = append(node.Attrs, Attr{
				Name:  name.text(p.src),
				Value: value.text(p.src),
				Pos:   p.lines.pos(p.src, nameAt),
			})
			p.items = append(p.items, item{node: node, attr: len(node.Attrs) - 1, at: value.offset()})
			switch c = p.next(); {
			case c == '>':
				return false, nil
			case c == '/':
				return true, nil
			case !isSpace(c):
				a := node.Attrs[len(node.Attrs)-1]
				return false, p.errAt(nameAt, "attribute %q=%q not followed by a space or the end of the tag", a.Name, a.Value)
			}
			name.reset()
			inValue, nameAt = false, -1

		case inValue:
			value.add(p.src, p.pos-1)

		default:
			if nameAt < 0 {
				nameAt = p.pos - 1
			}
			name.add(p.src, p.pos-1)
		}
	}
}

// openQuote checks the attribute name just read for duplicates and reads
// the opening quote of its value (spaces may precede it).
func (p *parser) openQuote(node *Node, name string, nameAt int) (int, error) {
	for _, a := range node.Attrs {
		if a.Name == name {
			return 0, p.errAt(nameAt, "attribute %q already defined at %d:%d", name, a.Pos.Line, a.Pos.Col)
		}
	}
	c := p.next()
	for isSpace(c) {
		c = p.next()
	}
	if c != '"' && c != '\'' {
		return 0, p.errAt(nameAt, "value of attribute %q is not quoted with \" or '", name)
	}
	return c, nil
}
