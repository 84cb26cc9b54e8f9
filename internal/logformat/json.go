package logformat

import (
	"bytes"
	"encoding/json"
	"time"
	"unsafe"

	"github.com/tidwall/gjson"
)

// jsonFramer implements log_format json (read_json.c): each line must hold
// a JSON object; it is re-serialised compactly and the labels are added.
type jsonFramer struct {
	base
	noPending
	buf bytes.Buffer
	lab labeler
}

func (f *jsonFramer) Push(line string, end int64, _ time.Time) []Event {
	f.start()
	// cJSON parses the C string: an object must end before the NUL.
	line = f.cutNUL(line, end)
	obj, ok := leadingObject(line)
	if !ok {
		f.drop(line, end, ErrNotJSONObject)
		return f.out
	}
	f.buf.Reset()
	if err := json.Compact(&f.buf, unsafe.Slice(unsafe.StringData(obj), len(obj))); err != nil {
		f.drop(line, end, ErrNotJSONObject)
		return f.out
	}
	doc := f.lab.apply(f.buf.Bytes(), f.opt.Labels)
	f.emit(string(doc), end)
	return f.out
}

// leadingObject returns the JSON object at the start of s. Like cJSON_Parse
// it skips leading control characters and blanks and ignores whatever
// follows the object.
func leadingObject(s string) (string, bool) {
	i := 0
	for i < len(s) && s[i] <= ' ' {
		i++
	}
	s = s[i:]
	if s == "" || s[0] != '{' {
		return "", false
	}
	n := skipValue(s, 0)
	if n < 0 || !gjson.Valid(s[:n]) {
		return "", false
	}
	return s[:n], true
}

// skipValue returns the offset after the JSON value starting at s[i], or
// -1 if it does not end. It only needs to find the end: validity is checked
// separately.
func skipValue[T string | []byte](s T, i int) int {
	if i >= len(s) {
		return -1
	}
	switch s[i] {
	case '"':
		return skipString(s, i)
	case '{', '[':
		depth := 0
		for j := i; j < len(s); j++ {
			switch s[j] {
			case '"':
				j = skipString(s, j) - 1
				if j < 0 {
					return -1
				}
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return j + 1
				}
			}
		}
		return -1
	}
	j := i
	for j < len(s) && s[j] != ',' && s[j] != '}' && s[j] != ']' {
		j++
	}
	return j
}

// skipString returns the offset after the string starting at s[i] (a
// quote), or -1.
func skipString[T string | []byte](s T, i int) int {
	for j := i + 1; j < len(s); j++ {
		switch s[j] {
		case '\\':
			j++
		case '"':
			return j + 1
		}
	}
	return -1
}
