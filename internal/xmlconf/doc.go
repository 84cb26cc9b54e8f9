// Package xmlconf reads the OSSEC dialect of XML used by ossec.conf, decoder
// and rule files into a tree of Nodes in which every element and attribute
// carries its file:line:col.
//
// The dialect is not XML, and stock files depend on the differences:
//
//   - a file holds any number of root elements; text between them is
//     ignored, and so is a leading "<?xml ...?>" declaration;
//   - entities are not decoded;
//   - a '<' preceded by an odd run of backslashes is content, backslashes
//     included (OS_Regex patterns write "\<log>" this way);
//   - "<!" opens a comment, anywhere, that ends at the first "!>" or "-->";
//   - content is the raw text between the tags, not trimmed; for an element
//     with children it is the text after the last child; a self-closing
//     element has empty content;
//   - attribute values must be quoted (" or '), may not contain '>', and
//     a name may appear once per element;
//   - <var name="X">value</var> (any case, any depth) defines $X for the
//     rest of the file; see Parse.
//
// The scanner follows the reference reader (os_xml) byte for byte,
// including its accidents: after "<x />" or `<x a="1"/>` the reference
// reader leaves the '>' unread, so it becomes the first byte of the
// parent's content. Limits are MaxText bytes per text run and MaxDepth
// levels of nesting. The package knows nothing about decoders or rules.
//
// Imports: standard library only.
package xmlconf
