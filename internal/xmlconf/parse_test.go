package xmlconf

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

// dump renders a tree compactly: name[attr="v" ...]{"content"}(children).
func dump(nodes []*Node) string {
	var b strings.Builder
	for i, n := range nodes {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(n.Name)
		if len(n.Attrs) > 0 {
			b.WriteByte('[')
			for j, a := range n.Attrs {
				if j > 0 {
					b.WriteByte(' ')
				}
				fmt.Fprintf(&b, "%s=%q", a.Name, a.Value)
			}
			b.WriteByte(']')
		}
		fmt.Fprintf(&b, "{%q}", n.Content)
		if len(n.Children) > 0 {
			b.WriteString("(" + dump(n.Children) + ")")
		}
	}
	return b.String()
}

func TestParseTree(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"empty input", "", ""},
		{"only text", "hello world", ""},
		{"empty element", "<root></root>", `root{""}`},
		{"self-closing", "<root/>", `root{""}`},
		{"self-closing with space", "<root />", `root{""}`},
		{"self-closing with attribute", `<root a="1"/>`, `root[a="1"]{""}`},
		{"several roots and outside text", "<a>1</a> junk <b>2</b>\n<c/>", `a{"1"} b{"2"} c{""}`},
		{"xml declaration skipped", "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<a>1</a>", `a{"1"}`},
		{"names keep case", "<Rule><ID>1</ID></Rule>", `Rule{""}(ID{"1"})`},
		{"content not trimmed", "<a>  x \n\t</a>", `a{"  x \n\t"}`},
		{"entities not decoded", "<a>&lt;b&gt; &amp;</a>", `a{"&lt;b&gt; &amp;"}`},
		{"escaped lt is content", `<a>\<log>\.+\</log></a>`, `a{"\\<log>\\.+\\</log>"}`},
		{"even backslashes open a tag", `<a>x\\<b/></a>`, `a{""}(b{""})`},
		{"odd backslash run escapes", `<a>\\\<b></a>`, `a{"\\\\\\<b>"}`},
		{"backslash not before lt", `<a>\d+\s</a>`, `a{"\\d+\\s"}`},
		{"escaped lt outside elements is skipped", `\<x> <a/>`, `a{""}`},
		{"backslash in closing tag name is kept", `<r>\</r\></r>`, `r{"\\</r\\>"}`},
		{"comment between roots", "<a/><!-- c --><b/>", `a{""} b{""}`},
		{"bang comment", "<a/><!comment!><b/>", `a{""} b{""}`},
		{"comment with dashes and bangs", "<a/><! x - y ! z --><b/>", `a{""} b{""}`},
		{"shortest dash comment", "<!--><a/>", `a{""}`},
		{"comment inside content is cut out", "<a>x<!-- c -->y</a>", `a{"xy"}`},
		{"comment inside element name", "<a<!-- c -->b>1</ab>", `ab{"1"}`},
		{"comment after backslash keeps escape", `<a>\<!-- c --><b></a>`, `a{"\\<b>"}`},
		{"content is text after last child", "<root>value1<child/>value2</root>", `root{"value2"}(child{""})`},
		{"self-closing with space leaves gt to parent", "<a><b /></a>", `a{">"}(b{""})`},
		{"attribute then slash leaves gt to parent", `<a><b x="1"/>t</a>`, `a{">t"}(b[x="1"]{""})`},
		{"nested children", "<a><b><c>1</c></b><d/></a>", `a{""}(b{""}(c{"1"}) d{""})`},
		{"double and single quotes", `<a x="it's" y='say "hi"'/>`, `a[x="it's" y="say \"hi\""]{""}`},
		{"slash inside value", `<a x="p/q"/>`, `a[x="p/q"]{""}`},
		{"spaces around value", "<a x=\n \t\"1\"\n\ty='2'></a>", `a[x="1" y="2"]{""}`},
		{"newline after name", "<a\nx=\"1\">v</a>", `a[x="1"]{"v"}`},
		{"empty attribute value", `<a x=""/>`, `a[x=""]{""}`},
		{"name ending in slash before space", `<a/ x="1">`, `a[x="1"]{""}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse("t.xml", []byte(tt.in))
			if err != nil {
				t.Fatalf("Parse(%q): %v", tt.in, err)
			}
			if d := dump(got); d != tt.want {
				t.Errorf("Parse(%q)\n got %s\nwant %s", tt.in, d, tt.want)
			}
		})
	}
}

func TestParseVariables(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"content and attribute", `<var name="XX">val</var><a k="$XX">$XX</a>`, `a[k="val"]{"val"}`},
		{"names ignore case", `<VAR name="ms_freq">8</VAR><a f="$MS_FREQ">x$Ms_Freq.y</a>`, `a[f="8"]{"x8.y"}`},
		{"terminators", `<var name="A">1</var><a>$A$A.$A|$A,$A $A</a>`, `a{"11.1|1,1 1"}`},
		{"dollar before terminator is left", `<var name="A">1</var><a>^5710$|^5711$ $.x $$A</a>`, `a{"^5710$|^5711$ $.x $1"}`},
		{"dollar at end is left", `<var name="A">1</var><a>ab$</a>`, `a{"ab$"}`},
		{"field syntax is left", `<var name="A">1</var><d>$(win.x) by $(y) $A</d>`, `d{"$(win.x) by $(y) 1"}`},
		{"short values never scanned", `<var name="A">1</var><a>$B</a><b k="$C"/>`, `a{"$B"} b[k="$C"]{""}`},
		{"before the first definition", `<a>$BB</a><var name="A">1</var><b>$A.</b>`, `a{"$BB"} b{"1."}`},
		{"no definitions", `<a>\$PID and $HOME</a>`, `a{"\\$PID and $HOME"}`},
		{"nested definition removed from tree", `<g><var name="A">1</var><r>$A </r></g>`, `g{""}(r{"1 "})`},
		{"values are not rescanned", `<var name="A">$B</var><var name="B">x</var><a>$A$B</a>`, `a{"$Bx"}`},
		{"first definition wins", `<var name="A">1</var><var name="a">2</var><x>$a$A</x>`, `x{"11"}`},
		{"value kept verbatim", "<var name=\"L\"> a|b </var><x>( $L )</x>", `x{"(  a|b  )"}`},
		{"attribute before a nested definition", `<g k="$A"><var name="A">1</var></g>`, `g[k="$A"]{""}`},
		{"lt inside value", `<a x="<b/"/>`, `a[x="<b/"]{""}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse("t.xml", []byte(tt.in))
			if err != nil {
				t.Fatalf("Parse(%q): %v", tt.in, err)
			}
			if d := dump(got); d != tt.want {
				t.Errorf("Parse(%q)\n got %s\nwant %s", tt.in, d, tt.want)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name, in string
		at       string // line:col
		msg      string // substring of the message
	}{
		{"unclosed element", "<a>", "1:1", `element "a" not closed`},
		{"unclosed inner element", "<a>\n  <b>x</a>", "2:7", `element "b" opened at 2:3 is closed by "</a>"`},
		{"mismatched closing", "<a>\n<b></c></a>", "2:4", `element "b" opened at 2:1 is closed by "</c>"`},
		{"closing tag with space", "<a>x</a >", "1:5", `closed by "</a >"`},
		{"closing case differs", "<a>x</A>", "1:5", `closed by "</A>"`},
		{"closing without open", "\n </a>", "2:2", "closing tag without an open element"},
		{"unterminated tag", "<abc", "1:1", "tag not terminated"},
		{"unclosed comment", "<a/>\n<!-- x", "2:1", "comment not closed"},
		{"bang-gt is not a comment end", "<!>", "1:1", "comment not closed"},
		{"duplicate attribute", `<a x="1" x="2"/>`, "1:10", `attribute "x" already defined at 1:4`},
		{"unquoted value", `<a x=1/>`, "1:4", `value of attribute "x" is not quoted`},
		{"value missing at eof", `<a x=`, "1:4", `value of attribute "x" is not quoted`},
		{"attribute without value", `<a x/>`, "1:4", `attribute "x" has no value`},
		{"space before equals", `<a x ="1"/>`, "1:4", `attribute "x" has no value`},
		{"gt inside value", `<a x="1>"/>`, "1:4", `attribute "x" not closed`},
		{"no space between attributes", `<a x="1"y="2"/>`, "1:4", `attribute "x"="1" not followed`},
		{"eof after attribute", `<a x="1"`, "1:4", `attribute "x"="1" not followed`},
		{"eof inside start tag", `<a x="1" `, "1:1", "end of file inside the start tag"},
		{"eof inside value", "<a\n x='1", "1:1", "end of file inside the start tag"},
		{"declaration not closed", "<?xml version", "1:1", `declaration "<?" not closed`},
		{"unknown variable in content", "<var name=\"A\">1</var>\n<a>  $B</a>", "2:6", `unknown variable "$B"`},
		{"unknown variable in attribute", `<var name="A">1</var><a x="ab$B"/>`, "1:30", `unknown variable "$B"`},
		{"unknown variable after comment", "<var name=\"A\">1</var>\n<a><!--c--> $B</a>", "2:13", `unknown variable "$B"`},
		{"unknown variable around comment", "<var name=\"A\">1</var>\n<a>x<!--c--> $B</a>", "2:1", `unknown variable "$B"`},
		{"reference before its definition", `<var name="B">2</var><g k="$AA"><var name="AA">1</var></g>`, "1:28", `unknown variable "$AA"`},
		{"name runs to a terminator", "<var name=\"L\">1</var><x>$L)x</x>", "1:25", `unknown variable "$L)x"`},
		{"variable with another attribute", `<var foo="A">1</var>`, "1:6", `only "name" is allowed`},
		{"variable without name", `<var>1</var>`, "1:1", `has no "name" attribute`},
		{"variable reference too long", `<var name="A">1</var><a>$` + strings.Repeat("n", 256) + `</a>`, "1:25", "longer than 255 bytes"},
		{"variable name too long", `<var name="` + strings.Repeat("n", 256) + `">1</var>`, "1:6", "longer than 255 bytes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("f.xml", []byte(tt.in))
			var xe *Error
			if !errors.As(err, &xe) {
				t.Fatalf("Parse(%q) = %v, want *Error", tt.in, err)
			}
			if got := fmt.Sprintf("%d:%d", xe.Pos.Line, xe.Pos.Col); got != tt.at || xe.Pos.File != "f.xml" {
				t.Errorf("Parse(%q) error at %s:%s, want f.xml:%s (%v)", tt.in, xe.Pos.File, got, tt.at, err)
			}
			if !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("Parse(%q) = %q, want it to contain %q", tt.in, err, tt.msg)
			}
			if !strings.HasPrefix(err.Error(), "f.xml:"+tt.at+": ") {
				t.Errorf("Parse(%q) = %q, want prefix %q", tt.in, err, "f.xml:"+tt.at+": ")
			}
		})
	}
}

func TestSeveralVariableErrors(t *testing.T) {
	in := "<var name=\"A\">1</var>\n<a>$BB</a>\n<b>x $C</b>\n<c>$A.</c>"
	_, err := Parse("v.xml", []byte(in))
	if err == nil {
		t.Fatal("no error")
	}
	for _, want := range []string{`v.xml:2:4: unknown variable "$BB"`, `v.xml:3:6: unknown variable "$C"`} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
}

func TestPositions(t *testing.T) {
	in := "<!-- head -->\n<a>\n  <b x=\"1\"\n     y='2'/>\n\t<c>é<d/></c>\n</a>\n<e/>"
	roots, err := Parse("p.xml", []byte(in))
	if err != nil {
		t.Fatal(err)
	}
	a := roots[0]
	b, c := a.Children[0], a.Children[1]
	got := []Pos{a.Pos, b.Pos, b.Attrs[0].Pos, b.Attrs[1].Pos, c.Pos, c.Children[0].Pos, roots[1].Pos}
	want := []string{"2:1", "3:3", "3:6", "4:6", "5:2", "5:7", "7:1"}
	for i, p := range got {
		if s := fmt.Sprintf("%d:%d", p.Line, p.Col); s != want[i] || p.File != "p.xml" {
			t.Errorf("position %d = %s:%s, want p.xml:%s", i, p.File, s, want[i])
		}
	}
}

func TestLimits(t *testing.T) {
	long := func(n int) string { return "<a>" + strings.Repeat("x", n) + "</a>" }
	if _, err := Parse("l", []byte(long(MaxText-1))); err != nil {
		t.Errorf("content of %d bytes: %v", MaxText-1, err)
	}
	if _, err := Parse("l", []byte(long(MaxText))); err == nil || !strings.Contains(err.Error(), "longer than") {
		t.Errorf("content of %d bytes: err = %v, want limit error", MaxText, err)
	}
	// The limit is per run of text between children.
	split := "<a>" + strings.Repeat("x", MaxText-1) + "<b/>" + strings.Repeat("y", MaxText-1) + "</a>"
	if _, err := Parse("l", []byte(split)); err != nil {
		t.Errorf("two runs under the limit: %v", err)
	}
	attr := func(n int) string { return `<a x="` + strings.Repeat("v", n) + `"/>` }
	if _, err := Parse("l", []byte(attr(MaxText-1))); err != nil {
		t.Errorf("attribute of %d bytes: %v", MaxText-1, err)
	}
	if _, err := Parse("l", []byte(attr(MaxText))); err == nil {
		t.Errorf("attribute of %d bytes: no error", MaxText)
	}
	nest := func(n int) string { return strings.Repeat("<n>", n) + strings.Repeat("</n>", n) }
	roots, err := Parse("l", []byte(nest(MaxDepth)))
	if err != nil {
		t.Fatalf("depth %d: %v", MaxDepth, err)
	}
	depth := 0
	for n := roots; len(n) > 0; n = n[0].Children {
		depth++
	}
	if depth != MaxDepth {
		t.Errorf("depth = %d, want %d", depth, MaxDepth)
	}
	_, err = Parse("l", []byte(nest(MaxDepth+1)))
	var xe *Error
	if !errors.As(err, &xe) || !strings.Contains(err.Error(), "nested deeper") || xe.Pos.Col != 3*MaxDepth+1 {
		t.Errorf("depth %d: err = %v, want nesting error at col %d", MaxDepth+1, err, 3*MaxDepth+1)
	}
}

func TestParseDoesNotAliasInput(t *testing.T) {
	data := []byte("<a x=\"v\">text</a>")
	roots, err := Parse("a", data)
	if err != nil {
		t.Fatal(err)
	}
	for i := range data {
		data[i] = '#'
	}
	if roots[0].Content != "text" || roots[0].Attrs[0].Value != "v" || roots[0].Name != "a" {
		t.Errorf("tree changed with the input: %s", dump(roots))
	}
}

func TestNodeHelpers(t *testing.T) {
	roots, err := Parse("h", []byte(`<Decoder name="d" Type="x"/>`))
	if err != nil {
		t.Fatal(err)
	}
	n := roots[0]
	if !n.Is("decoder") || n.Is("rule") {
		t.Errorf("Is: wrong answer for %q", n.Name)
	}
	if v, ok := n.Attr("name"); !ok || v != "d" {
		t.Errorf("Attr(name) = %q, %v", v, ok)
	}
	if _, ok := n.Attr("type"); ok {
		t.Errorf("Attr lookup must be exact")
	}
}

func TestParseFileMissing(t *testing.T) {
	if _, err := ParseFile("testdata/does-not-exist.xml"); err == nil {
		t.Error("no error for a missing file")
	}
}
