// Package xmlconf reads the OSSEC dialect of XML used by ossec.conf, decoder
// and rule files into a tree of Nodes in which every element and attribute
// carries its file:line:col.
//
// The dialect is not XML: files have several root elements, entities are not
// decoded, a '<' preceded by an odd number of backslashes is content, comments
// run from "<!" to "-->" or "!>", and <var name="X"> elements define
// file-scoped variables ($X) substituted in later contents and attribute
// values. The package knows nothing about decoders or rules.
//
// Imports: standard library only.
package xmlconf
