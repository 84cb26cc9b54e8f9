package decoders

import (
	"bytes"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
	"unsafe"

	"github.com/tidwall/gjson"

	"github.com/gossec/gossec/internal/event"
)

// JSON_Decoder. analysisd parses with cJSON, which is both more lenient and
// stricter than RFC 8259 in places; scanCJSON reproduces its grammar and
// gjson walks the accepted text. Scalars are converted the way
// json_decoder.c and cJSON convert them.

// cjsonNestingLimit is CJSON_NESTING_LIMIT.
const cjsonNestingLimit = 1000

// cjsonNumberMax is the longest number text cJSON hands to strtod.
const cjsonNumberMax = 63

// osMaxStr is OS_MAXSTR, the limit of a csv-joined array.
const osMaxStr = 65536

// jsonStatic maps the top-level keys json_decoder.c stores in static fields.
var jsonStatic = map[string]event.Static{
	"srcip": event.SrcIP, "dstip": event.DstIP, "dstport": event.DstPort, "srcport": event.SrcPort,
	"protocol": event.Protocol, "action": event.Action, "srcuser": event.SrcUser, "dstuser": event.DstUser,
	"id": event.ID, "status": event.Status, "url": event.URL, "data": event.Data,
	"extra_data": event.ExtraData, "systemname": event.SystemName,
}

// decodeJSON is JSON_Decoder on in; flags come from the reporting decoder.
// names, when not nil, interns the nested field names.
// userIsDstUser is LoadOptions.JSONUserIsDstUser.
func decodeJSON(in string, ev *event.Event, rep *decoder, names *nameCache, userIsDstUser bool) {
	if i := strings.IndexByte(in, 0); i >= 0 {
		in = in[:i] // analysisd sees a C string
	}
	start, end, ok := scanCJSON(in)
	if !ok || in[start] != '{' {
		return
	}
	w := jsonWalker{ev: ev, rep: rep, names: names, userIsDstUser: userIsDstUser}
	w.object(gjson.Parse(in[start:end]), "")
}

type jsonWalker struct {
	ev    *event.Event
	rep   *decoder
	buf   []byte
	names *nameCache
	// userIsDstUser: a top-level "user" fills an unset or empty dstuser.
	userIsDstUser bool
}

func (w *jsonWalker) object(obj gjson.Result, prefix string) {
	obj.ForEach(func(k, v gjson.Result) bool {
		key := cjsonString(k.Raw)
		if prefix != "" {
			key = w.names.join(prefix, key)
		}
		w.value(key, v)
		return true
	})
}

// nameCache interns the dotted names of nested JSON fields: the same
// names come back with every event of a source, and building each anew
// would allocate per field and event.
type nameCache struct {
	m   map[string]string
	buf []byte
}

// maxNames bounds a session's cache; past it, names are built each time.
const maxNames = 1 << 14

// join returns prefix + "." + key.
func (c *nameCache) join(prefix, key string) string {
	if c == nil {
		return prefix + "." + key
	}
	c.buf = append(append(append(c.buf[:0], prefix...), '.'), key...)
	if s, ok := c.m[string(c.buf)]; ok {
		return s
	}
	s := string(c.buf)
	if len(c.m) < maxNames {
		if c.m == nil {
			c.m = map[string]string{}
		}
		c.m[s] = s
	}
	return s
}

func (w *jsonWalker) value(key string, v gjson.Result) {
	switch v.Type {
	case gjson.String:
		w.fill(key, cjsonString(v.Raw))
	case gjson.Number:
		w.fill(key, formatCJSONNumber(parseCJSONNumber(v.Raw)))
	case gjson.True:
		w.fill(key, "true")
	case gjson.False:
		w.fill(key, "false")
	case gjson.Null:
		if w.rep.jsonNull == nullString {
			w.fill(key, "null")
		}
	case gjson.JSON:
		if strings.HasPrefix(v.Raw, "{") {
			w.object(v, key)
			return
		}
		var s string
		if w.rep.jsonArray == arrayCSV {
			s = csvArray(v)
		} else {
			w.buf = printCJSON(w.buf[:0], v, 0)
			s = string(w.buf)
		}
		if s != "" {
			w.fill(key, s)
		}
	}
}

// fill is json_decoder.c's fillData: a few exact top-level keys are static
// fields, everything else is a dynamic field.
func (w *jsonWalker) fill(key, value string) {
	if f, ok := jsonStatic[key]; ok {
		w.ev.Set(f, value)
		return
	}
	if w.userIsDstUser && key == "user" {
		if cur, _ := w.ev.Get(event.DstUser); cur == "" {
			w.ev.Set(event.DstUser, value)
			return
		}
	}
	w.ev.AddDynamic(key, value)
}

// csvArray joins the scalar items of an array with commas. A comma follows
// every kept item that has any next item (even one that is then skipped);
// an overlong result is dropped.
func csvArray(arr gjson.Result) string {
	items := arr.Array()
	var b []byte
	for i, it := range items {
		var s string
		switch it.Type {
		case gjson.String:
			s = cjsonString(it.Raw)
		case gjson.Number:
			s = formatCJSONNumber(parseCJSONNumber(it.Raw))
		case gjson.Null:
			s = "null"
		case gjson.True:
			s = "true"
		case gjson.False:
			s = "false"
		default:
			continue
		}
		if len(b)+len(s) >= osMaxStr {
			return ""
		}
		b = append(b, s...)
		if len(b)+1 >= osMaxStr {
			return ""
		}
		if i+1 < len(items) {
			b = append(b, ',')
		}
	}
	return string(b)
}

// parseCJSONNumber converts number text that scanCJSON accepted.
func parseCJSONNumber(raw string) float64 {
	f, _ := strconv.ParseFloat(raw, 64) // range errors give ±Inf, like strtod
	return f
}

// cjsonInt is cJSON's valueint: the double saturated to the C int range.
func cjsonInt(f float64) int64 {
	switch {
	case f >= math.MaxInt32:
		return math.MaxInt32
	case f <= math.MinInt32:
		return math.MinInt32
	}
	return int64(f)
}

// formatCJSONNumber formats like json_decoder.c: "%i" of valueint when it
// equals the double, else "%f".
func formatCJSONNumber(f float64) string {
	if i := cjsonInt(f); float64(i) == f {
		return strconv.FormatInt(i, 10)
	}
	return formatCFloat(f)
}

// formatCFloat is C's "%f".
func formatCFloat(f float64) string {
	switch {
	case math.IsInf(f, 1):
		return "inf"
	case math.IsInf(f, -1):
		return "-inf"
	}
	return strconv.FormatFloat(f, 'f', 6, 64)
}

// cjsonString decodes a quoted JSON string the way cJSON's parse_string
// does; the value ends at a decoded NUL, as the C string would.
func cjsonString(raw string) string {
	if len(raw) < 2 {
		return ""
	}
	body := raw[1 : len(raw)-1]
	if strings.IndexByte(body, '\\') < 0 {
		return body
	}
	b := make([]byte, 0, len(body))
	for i := 0; i < len(body); i++ {
		c := body[i]
		if c != '\\' {
			b = append(b, c)
			continue
		}
		i++
		switch body[i] {
		case 'b':
			b = append(b, '\b')
		case 'f':
			b = append(b, '\f')
		case 'n':
			b = append(b, '\n')
		case 'r':
			b = append(b, '\r')
		case 't':
			b = append(b, '\t')
		case 'u':
			r, n := utf16Escape(body[i-1:])
			b = utf8.AppendRune(b, r)
			i += n - 2
		default: // " \ /
			b = append(b, body[i])
		}
	}
	if j := bytes.IndexByte(b, 0); j >= 0 {
		b = b[:j]
	}
	if len(b) == 0 {
		return ""
	}
	// b is ours and never written again: view it instead of copying.
	return unsafe.String(unsafe.SliceData(b), len(b))
}

// utf16Escape decodes \uXXXX (or a surrogate pair) at the start of s, which
// scanCJSON already validated; n is the length consumed.
func utf16Escape(s string) (rune, int) {
	first := hex4(s[2:6])
	if first >= 0xD800 && first <= 0xDBFF {
		second := hex4(s[8:12])
		return 0x10000 + ((first & 0x3FF) << 10) | (second & 0x3FF), 12
	}
	return first, 6
}

// hex4 is cJSON's parse_hex4: an invalid digit makes the value 0.
func hex4(s string) rune {
	var h rune
	for i := 0; i < 4; i++ {
		c := s[i]
		switch {
		case '0' <= c && c <= '9':
			h += rune(c - '0')
		case 'A' <= c && c <= 'F':
			h += rune(10 + c - 'A')
		case 'a' <= c && c <= 'f':
			h += rune(10 + c - 'a')
		default:
			return 0
		}
		if i < 3 {
			h <<= 4
		}
	}
	return h
}

// printCJSON appends cJSON_Print's formatted rendering of v.
func printCJSON(b []byte, v gjson.Result, depth int) []byte {
	switch v.Type {
	case gjson.Null:
		return append(b, "null"...)
	case gjson.False:
		return append(b, "false"...)
	case gjson.True:
		return append(b, "true"...)
	case gjson.Number:
		return appendPrintNumber(b, parseCJSONNumber(v.Raw))
	case gjson.String:
		return appendPrintString(b, cjsonString(v.Raw))
	}
	if strings.HasPrefix(v.Raw, "[") {
		return printArray(b, v, depth)
	}
	return printObject(b, v, depth)
}

func printArray(b []byte, v gjson.Result, depth int) []byte {
	b = append(b, '[')
	first := true
	v.ForEach(func(_, it gjson.Result) bool {
		if !first {
			b = append(b, ", "...)
		}
		first = false
		b = printCJSON(b, it, depth+1)
		return true
	})
	return append(b, ']')
}

func printObject(b []byte, v gjson.Result, depth int) []byte {
	depth++
	b = append(b, "{\n"...)
	first := true
	v.ForEach(func(k, it gjson.Result) bool {
		if !first {
			b = append(b, ",\n"...)
		}
		first = false
		b = appendTabs(b, depth)
		b = appendPrintString(b, cjsonString(k.Raw))
		b = append(b, ":\t"...)
		b = printCJSON(b, it, depth)
		return true
	})
	if !first {
		b = append(b, '\n')
	}
	b = appendTabs(b, depth-1)
	return append(b, '}')
}

func appendTabs(b []byte, n int) []byte {
	for i := 0; i < n; i++ {
		b = append(b, '\t')
	}
	return b
}

// appendPrintNumber is cJSON's print_number.
func appendPrintNumber(b []byte, f float64) []byte {
	switch {
	case math.IsNaN(f) || math.IsInf(f, 0):
		return append(b, "null"...)
	case float64(cjsonInt(f)) == f:
		return strconv.AppendInt(b, cjsonInt(f), 10)
	}
	s := strconv.FormatFloat(f, 'g', 15, 64)
	if back, err := strconv.ParseFloat(s, 64); err != nil || back != f {
		s = strconv.FormatFloat(f, 'g', 17, 64)
	}
	return append(b, s...)
}

// appendPrintString is cJSON's print_string_ptr.
func appendPrintString(b []byte, s string) []byte {
	b = append(b, '"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"' || c == '\\':
			b = append(b, '\\', c)
		case c == '\b':
			b = append(b, `\b`...)
		case c == '\f':
			b = append(b, `\f`...)
		case c == '\n':
			b = append(b, `\n`...)
		case c == '\r':
			b = append(b, `\r`...)
		case c == '\t':
			b = append(b, `\t`...)
		case c < 32:
			b = append(b, `\u00`...)
			b = append(b, "0123456789abcdef"[c>>4], "0123456789abcdef"[c&15])
		default:
			b = append(b, c)
		}
	}
	return append(b, '"')
}
