package xmlconf

import (
	"errors"
	"strings"
	"testing"
)

func FuzzParse(f *testing.F) {
	seeds := []string{
		"",
		"<a>x</a>",
		`<a x="1" y='2'><b/>t<c /></a>`,
		`<a>\<log>\\<b>1</b></a>`,
		"<!-- c --><a/><!x!>",
		`<var name="A">val</var><a k="$A.x">$A|$(f) $ $B</a>`,
		"<?xml version=\"1.0\"?><a>\n</a>",
		"<a><b></a>",
		`<a x="1" x="2"/>`,
	}
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		roots, err := Parse("fuzz", data)
		lines := strings.Count(string(data), "\n") + 1
		inside := func(p Pos) bool {
			return p.File == "fuzz" && p.Line >= 1 && p.Line <= lines && p.Col >= 1 && p.Col <= len(data)+1
		}
		if err != nil {
			var xe *Error
			if !errors.As(err, &xe) {
				t.Fatalf("error is not an *Error: %v", err)
			}
			if !inside(xe.Pos) {
				t.Fatalf("error position %s outside the input (%d lines, %d bytes)", xe.Pos, lines, len(data))
			}
			return
		}
		var walk func([]*Node)
		walk = func(nodes []*Node) {
			for _, n := range nodes {
				if !inside(n.Pos) || data[offsetOf(data, n.Pos)] != '<' {
					t.Fatalf("element %q at %s does not point at a '<'", n.Name, n.Pos)
				}
				if n.Is("var") {
					t.Fatalf("<var> left in the tree at %s", n.Pos)
				}
				for _, a := range n.Attrs {
					if !inside(a.Pos) {
						t.Fatalf("attribute %q at %s outside the input", a.Name, a.Pos)
					}
				}
				walk(n.Children)
			}
		}
		walk(roots)
	})
}

// offsetOf converts a position back to a byte offset.
func offsetOf(data []byte, p Pos) int {
	off := 0
	for line := 1; line < p.Line; line++ {
		off += strings.IndexByte(string(data[off:]), '\n') + 1
	}
	return off + p.Col - 1
}
