package logtest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// kind is the JSON type of a value.
type kind uint8

const (
	kNull kind = iota
	kBool
	kNumber
	kString
	kArray
	kObject
)

// value is a JSON value that remembers object key order, because the client
// prints some keys in document order (Python dicts keep insertion order) and
// reprs nested objects in that order too.
type value struct {
	kind kind
	b    bool
	s    string // string contents, or the number's source text
	arr  []value
	obj  []member
}

type member struct {
	key string
	val value
}

// maxDepth bounds nesting so hostile input cannot exhaust the stack.
const maxDepth = 1000

var errTrailing = errors.New("trailing data after the json value")

// parseJSON reads exactly one JSON value. Repeated object keys behave as in
// Python's json.loads: the last value wins, at the first key's position.
func parseJSON(data []byte) (value, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	v, err := readValue(dec, 0)
	if err != nil {
		return value{}, err
	}
	if _, err := dec.Token(); err != io.EOF {
		if err == nil {
			err = errTrailing
		}
		return value{}, err
	}
	return v, nil
}

func readValue(dec *json.Decoder, depth int) (value, error) {
	if depth > maxDepth {
		return value{}, fmt.Errorf("json nested deeper than %d levels", maxDepth)
	}
	tok, err := dec.Token()
	if err != nil {
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return value{}, err
	}
	switch t := tok.(type) {
	case nil:
		return value{kind: kNull}, nil
	case bool:
		return value{kind: kBool, b: t}, nil
	case json.Number:
		return value{kind: kNumber, s: string(t)}, nil
	case string:
		return value{kind: kString, s: t}, nil
	case json.Delim:
		if t == '[' {
			return readArray(dec, depth)
		}
		if t == '{' {
			return readObject(dec, depth)
		}
	}
	return value{}, fmt.Errorf("unexpected json token %v", tok)
}

func readArray(dec *json.Decoder, depth int) (value, error) {
	v := value{kind: kArray, arr: []value{}}
	for dec.More() {
		e, err := readValue(dec, depth+1)
		if err != nil {
			return value{}, err
		}
		v.arr = append(v.arr, e)
	}
	_, err := dec.Token() // the closing ']'
	return v, err
}

func readObject(dec *json.Decoder, depth int) (value, error) {
	v := value{kind: kObject, obj: []member{}}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return value{}, err
		}
		key, ok := tok.(string)
		if !ok {
			return value{}, fmt.Errorf("object key is not a string: %v", tok)
		}
		e, err := readValue(dec, depth+1)
		if err != nil {
			return value{}, err
		}
		v.set(key, e)
	}
	_, err := dec.Token() // the closing '}'
	return v, err
}

// set replaces the value of an existing key in place or appends a new one.
func (v *value) set(key string, e value) {
	for i := range v.obj {
		if v.obj[i].key == key {
			v.obj[i].val = e
			return
		}
	}
	v.obj = append(v.obj, member{key, e})
}

// get returns the member named key of an object.
func (v value) get(key string) (value, bool) {
	for i := range v.obj {
		if v.obj[i].key == key {
			return v.obj[i].val, true
		}
	}
	return value{}, false
}

// truthy is Python's bool(): empty containers, empty strings, zero, None and
// False are false.
func (v value) truthy() bool {
	switch v.kind {
	case kBool:
		return v.b
	case kNumber:
		f, _ := strconv.ParseFloat(v.s, 64)
		return f != 0
	case kString:
		return v.s != ""
	case kArray:
		return len(v.arr) > 0
	case kObject:
		return len(v.obj) > 0
	}
	return false
}

// pyStr appends Python's str() of v: strings bare, everything else as repr.
func pyStr(b []byte, v value) []byte {
	if v.kind == kString {
		return append(b, v.s...)
	}
	return pyRepr(b, v)
}

// pyRepr appends Python's repr() of v as json.loads would have built it.
func pyRepr(b []byte, v value) []byte {
	switch v.kind {
	case kNull:
		return append(b, "None"...)
	case kBool:
		if v.b {
			return append(b, "True"...)
		}
		return append(b, "False"...)
	case kNumber:
		return pyNumber(b, v.s)
	case kString:
		return AppendRepr(b, v.s)
	case kArray:
		b = append(b, '[')
		for i, e := range v.arr {
			if i > 0 {
				b = append(b, ", "...)
			}
			b = pyRepr(b, e)
		}
		return append(b, ']')
	}
	b = append(b, '{')
	for i, m := range v.obj {
		if i > 0 {
			b = append(b, ", "...)
		}
		b = AppendRepr(b, m.key)
		b = append(b, ": "...)
		b = pyRepr(b, m.val)
	}
	return append(b, '}')
}

// pyNumber formats a JSON number the way Python prints what json.loads made
// of it: an int when the text has no fraction or exponent, else a float.
func pyNumber(b []byte, text string) []byte {
	if !strings.ContainsAny(text, ".eE") {
		if strings.TrimLeft(text, "-0") == "" { // "-0" is int 0
			return append(b, '0')
		}
		return append(b, text...)
	}
	f, err := strconv.ParseFloat(text, 64)
	if err != nil && !errors.Is(err, strconv.ErrRange) {
		return append(b, text...)
	}
	return pyFloat(b, f)
}

// pyFloat appends Python's repr of a float: the shortest round-tripping
// digits, positional when the decimal exponent is in (-4, 16], else
// scientific with a signed exponent of at least two digits.
func pyFloat(b []byte, f float64) []byte {
	switch {
	case math.IsInf(f, 1):
		return append(b, "inf"...)
	case math.IsInf(f, -1):
		return append(b, "-inf"...)
	case math.IsNaN(f):
		return append(b, "nan"...)
	case f == 0:
		if math.Signbit(f) {
			return append(b, "-0.0"...)
		}
		return append(b, "0.0"...)
	}
	if f < 0 {
		b = append(b, '-')
		f = -f
	}
	var tmp [32]byte
	e := strconv.AppendFloat(tmp[:0], f, 'e', -1, 64) // d.ddde±XX
	mant, exp, _ := bytes.Cut(e, []byte("e"))
	digits := make([]byte, 0, len(mant))
	for _, c := range mant {
		if c != '.' {
			digits = append(digits, c)
		}
	}
	x, _ := strconv.Atoi(string(exp))
	decpt := x + 1 // digits are 0.d1d2... × 10^decpt
	if decpt > -4 && decpt <= 16 {
		return positional(b, digits, decpt)
	}
	b = append(b, digits[0])
	if len(digits) > 1 {
		b = append(b, '.')
		b = append(b, digits[1:]...)
	}
	b = append(b, 'e')
	if x < 0 {
		b = append(b, '-')
		x = -x
	} else {
		b = append(b, '+')
	}
	if x < 10 {
		b = append(b, '0')
	}
	return strconv.AppendInt(b, int64(x), 10)
}

func positional(b, digits []byte, decpt int) []byte {
	switch {
	case decpt <= 0:
		b = append(b, "0."...)
		b = append(b, strings.Repeat("0", -decpt)...)
		return append(b, digits...)
	case decpt >= len(digits):
		b = append(b, digits...)
		b = append(b, strings.Repeat("0", decpt-len(digits))...)
		return append(b, ".0"...)
	}
	b = append(b, digits[:decpt]...)
	b = append(b, '.')
	return append(b, digits[decpt:]...)
}

// Repr returns Python 3's repr() of a string, e.g. 'a' or "it's".
func Repr(s string) string { return string(AppendRepr(nil, s)) }

// AppendRepr appends Python 3's repr() of s. Python picks double quotes only
// when the text holds a single quote and no double quote; non-printable
// characters are escaped as \xhh, \uhhhh or \Uhhhhhhhh. Bytes that are not
// valid UTF-8 print as the lone surrogates \udcXX that Python's
// surrogateescape decoding would have made of them.
func AppendRepr(b []byte, s string) []byte {
	quote := byte('\'')
	if strings.IndexByte(s, '\'') >= 0 && strings.IndexByte(s, '"') < 0 {
		quote = '"'
	}
	b = append(b, quote)
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 {
			b = appendHex(b, `\udc`, uint32(s[i]), 2)
			i++
			continue
		}
		b = appendReprRune(b, r, quote)
		i += n
	}
	return append(b, quote)
}

func appendReprRune(b []byte, r rune, quote byte) []byte {
	switch {
	case r == rune(quote) || r == '\\':
		return append(b, '\\', byte(r))
	case r == '\t':
		return append(b, `\t`...)
	case r == '\n':
		return append(b, `\n`...)
	case r == '\r':
		return append(b, `\r`...)
	case r < 0x20 || r == 0x7f:
		return appendHex(b, `\x`, uint32(r), 2)
	case r < 0x7f || unicode.IsPrint(r):
		return utf8.AppendRune(b, r)
	case r <= 0xff:
		return appendHex(b, `\x`, uint32(r), 2)
	case r <= 0xffff:
		return appendHex(b, `\u`, uint32(r), 4)
	}
	return appendHex(b, `\U`, uint32(r), 8)
}

func appendHex(b []byte, prefix string, v uint32, width int) []byte {
	const hexdigits = "0123456789abcdef"
	b = append(b, prefix...)
	for shift := (width - 1) * 4; shift >= 0; shift -= 4 {
		b = append(b, hexdigits[(v>>uint(shift))&0xf])
	}
	return b
}
