package logformat

import (
	"encoding/json"
	"strings"

	"github.com/gossec/gossec/internal/jsonstr"
	"github.com/tidwall/gjson"
)

// labeler adds localfile labels to a compact JSON object the way Wazuh's
// W_JSON_AddField does: a dotted key descends into (or creates) nested
// objects, an existing member of the same name (compared ignoring ASCII
// case, as cJSON_GetObjectItem does) is left alone, a path through a
// non-object member is abandoned, and a value written "[...]" is inserted
// as a JSON array when it parses as one (and not at all when it does not).
type labeler struct {
	doc []byte
	ins []byte
}

// apply adds the labels to doc and returns the result, which may share
// storage with the labeler until the next call.
func (l *labeler) apply(doc []byte, labels []Label) []byte {
	if len(labels) == 0 {
		return doc
	}
	l.doc = append(l.doc[:0], doc...)
	for _, lb := range labels {
		l.add(lb.Key, lb.Value)
	}
	return l.doc
}

func (l *labeler) add(key, value string) {
	obj := 0
	for {
		seg, rest, nested := strings.Cut(key, ".")
		vStart, objEnd, found := findMember(l.doc, obj, seg)
		if objEnd < 0 {
			return // not an object: cannot happen for valid input
		}
		switch {
		case found && nested:
			if l.doc[vStart] != '{' {
				return
			}
			obj, key = vStart, rest
			continue
		case found:
			return
		}
		l.ins = append(l.ins[:0], ',')
		l.ins = appendMember(l.ins, key, value)
		if len(l.ins) == 1 {
			return // an array value that does not parse adds nothing
		}
		ins := l.ins
		if l.doc[objEnd-1] == '{' {
			ins = ins[1:] // first member: no comma
		}
		l.doc = insertAt(l.doc, objEnd, ins)
		return
	}
}

// appendMember writes "a":{"b":...{"leaf":value}} for a dotted key. An
// array value that does not parse leaves the intermediate objects empty,
// as in Wazuh.
func appendMember(dst []byte, key, value string) []byte {
	seg, rest, nested := strings.Cut(key, ".")
	if nested {
		dst = jsonstr.Append(dst, seg)
		dst = append(dst, ':', '{')
		dst = appendMember(dst, rest, value)
		return append(dst, '}')
	}
	if len(value) >= 2 && value[0] == '[' && value[len(value)-1] == ']' {
		if !gjson.Valid(value) {
			return dst
		}
		dst = jsonstr.Append(dst, key)
		dst = append(dst, ':')
		return appendCompact(dst, value)
	}
	dst = jsonstr.Append(dst, key)
	dst = append(dst, ':')
	return jsonstr.Append(dst, value)
}

// appendCompact appends valid JSON v without its insignificant blanks.
func appendCompact(dst []byte, v string) []byte {
	for i := 0; i < len(v); i++ {
		switch ch := v[i]; ch {
		case ' ', '\t', '\r', '\n':
		case '"':
			j := skipString(v, i)
			dst = append(dst, v[i:j]...)
			i = j - 1
		default:
			dst = append(dst, ch)
		}
	}
	return dst
}

// findMember looks for key among the members of the object starting at
// doc[obj]. It returns where the member's value starts and where the
// object's closing brace is (-1 if doc[obj] is not an object).
func findMember(doc []byte, obj int, key string) (vStart, objEnd int, found bool) {
	if obj >= len(doc) || doc[obj] != '{' {
		return 0, -1, false
	}
	i := obj + 1
	vStart = -1
	for i < len(doc) && doc[i] != '}' {
		kEnd := skipString(doc, i)
		if kEnd < 0 || kEnd >= len(doc) {
			return 0, -1, false
		}
		v := kEnd + 1 // after ':'
		e := skipValue(doc, v)
		if e < 0 || e >= len(doc) {
			return 0, -1, false
		}
		if vStart < 0 && keyEqualFold(doc[i:kEnd], key) {
			vStart = v
		}
		i = e
		if doc[i] == ',' {
			i++
		}
	}
	if i >= len(doc) {
		return 0, -1, false
	}
	return vStart, i, vStart >= 0
}

// keyEqualFold compares a quoted JSON key with name, ignoring ASCII case.
func keyEqualFold(quoted []byte, name string) bool {
	raw := quoted[1 : len(quoted)-1]
	if indexByte(raw, '\\') >= 0 {
		var s string
		if json.Unmarshal(quoted, &s) != nil {
			return false
		}
		return asciiEqualFold(s, name)
	}
	return asciiEqualFold(string(raw), name)
}

func indexByte(b []byte, c byte) int {
	for i, x := range b {
		if x == c {
			return i
		}
	}
	return -1
}

func asciiEqualFold(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		x, y := a[i], b[i]
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if 'A' <= y && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}

func insertAt(doc []byte, at int, ins []byte) []byte {
	n := len(doc)
	doc = append(doc, ins...)
	copy(doc[at+len(ins):], doc[at:n])
	copy(doc[at:], ins)
	return doc
}
