package xmlconf

import (
	"fmt"
	"strings"
)

// Pos is a position in a file; Line and Col are 1-based, Col counts bytes.
type Pos struct {
	File string
	Line int
	Col  int
}

func (p Pos) String() string { return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Col) }

// Attr is one attribute of an element.
type Attr struct {
	Name  string
	Value string
	Pos   Pos
}

// Node is one element. Content is the raw text between the tags (not
// trimmed, entities not decoded); for an element with children it is the
// text after the last child. A self-closing element has empty content.
type Node struct {
	Name     string
	Attrs    []Attr
	Content  string
	Children []*Node
	Pos      Pos
}

// Attr returns the value of the attribute with exactly this name.
func (n *Node) Attr(name string) (string, bool) {
	for _, a := range n.Attrs {
		if a.Name == name {
			return a.Value, true
		}
	}
	return "", false
}

// Is reports whether the element's name equals name, case-insensitively.
func (n *Node) Is(name string) bool { return strings.EqualFold(n.Name, name) }

// Error is a problem at a position in a file.
type Error struct {
	Pos Pos
	Err error
}

func (e *Error) Error() string { return e.Pos.String() + ": " + e.Err.Error() }
func (e *Error) Unwrap() error { return e.Err }

// Errorf builds an *Error at pos.
func Errorf(pos Pos, format string, args ...any) *Error {
	return &Error{Pos: pos, Err: fmt.Errorf(format, args...)}
}
