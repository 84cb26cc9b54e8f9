package decoders

import "strconv"

// scanCJSON checks that s starts with a value cJSON_ParseWithOpts accepts
// (trailing text allowed) and returns the value's bounds. It follows
// cJSON 1.7: a UTF-8 BOM and bytes <= 0x20 are skipped, literals are matched
// by prefix, numbers are the longest run of [0-9+-.eE] (at most 63 bytes)
// that strtod consumes completely, strings accept raw control bytes and the
// escapes b f n r t " \ / uXXXX, nesting stops at 1000 levels.
func scanCJSON(s string) (start, end int, ok bool) {
	i := 0
	if len(s) >= 4 && s[:3] == "\xEF\xBB\xBF" {
		i = 3
	}
	i = skipWS(s, i)
	start = i
	end, ok = scanValue(s, i, 0)
	return start, end, ok
}

func skipWS(s string, i int) int {
	for i < len(s) && s[i] <= ' ' {
		i++
	}
	return i
}

func hasPrefixAt(s string, i int, p string) bool {
	return len(s)-i >= len(p) && s[i:i+len(p)] == p
}

func scanValue(s string, i, depth int) (int, bool) {
	switch {
	case hasPrefixAt(s, i, "null"):
		return i + 4, true
	case hasPrefixAt(s, i, "false"):
		return i + 5, true
	case hasPrefixAt(s, i, "true"):
		return i + 4, true
	case i >= len(s):
		return i, false
	}
	switch c := s[i]; {
	case c == '"':
		return scanString(s, i)
	case c == '-' || ('0' <= c && c <= '9'):
		return scanNumber(s, i)
	case c == '[':
		return scanArray(s, i, depth)
	case c == '{':
		return scanObject(s, i, depth)
	}
	return i, false
}

func scanNumber(s string, i int) (int, bool) {
	j := i
	for j < len(s) && j-i < cjsonNumberMax && isNumberByte(s[j]) {
		j++
	}
	// strtod must consume the whole run: a shorter parse leaves a number
	// byte that no container accepts next; bare numbers are never objects.
	if j < len(s) && isNumberByte(s[j]) {
		return j, false
	}
	if _, err := strconv.ParseFloat(s[i:j], 64); err != nil && !isRangeErr(err) {
		return j, false
	}
	return j, true
}

func isRangeErr(err error) bool {
	ne, ok := err.(*strconv.NumError)
	return ok && ne.Err == strconv.ErrRange
}

func isNumberByte(c byte) bool {
	return ('0' <= c && c <= '9') || c == '+' || c == '-' || c == '.' || c == 'e' || c == 'E'
}

func scanString(s string, i int) (int, bool) {
	j := i + 1
	for j < len(s) && s[j] != '"' {
		if s[j] == '\\' {
			j++
		}
		j++
	}
	if j >= len(s) {
		return j, false
	}
	end := j // closing quote
	for k := i + 1; k < end; k++ {
		if s[k] != '\\' {
			continue
		}
		switch s[k+1] {
		case 'b', 'f', 'n', 'r', 't', '"', '\\', '/':
			k++
		case 'u':
			n, ok := checkUTF16(s[k:end])
			if !ok {
				return end, false
			}
			k += n - 1
		default:
			return end, false
		}
	}
	return end + 1, true
}

// checkUTF16 validates \uXXXX[\uXXXX] at the start of s (s ends before the
// closing quote) like utf16_literal_to_utf8.
func checkUTF16(s string) (int, bool) {
	if len(s) < 6 {
		return 0, false
	}
	first := hex4(s[2:6])
	if first >= 0xDC00 && first <= 0xDFFF {
		return 0, false
	}
	if first < 0xD800 || first > 0xDBFF {
		return 6, true
	}
	if len(s) < 12 || s[6] != '\\' || s[7] != 'u' {
		return 0, false
	}
	second := hex4(s[8:12])
	if second < 0xDC00 || second > 0xDFFF {
		return 0, false
	}
	return 12, true
}

func scanArray(s string, i, depth int) (int, bool) {
	if depth >= cjsonNestingLimit {
		return i, false
	}
	i = skipWS(s, i+1)
	if i < len(s) && s[i] == ']' {
		return i + 1, true
	}
	for {
		var ok bool
		if i, ok = scanValue(s, skipWS(s, i), depth+1); !ok {
			return i, false
		}
		var done bool
		if i, done, ok = afterMember(s, i, ']'); done || !ok {
			return i, ok
		}
	}
}

// afterMember reads what follows an array item or object member: a ','
// (another one follows: done false) or the closing byte (done true, i
// past it). Anything else is malformed.
func afterMember(s string, i int, closing byte) (next int, done, ok bool) {
	i = skipWS(s, i)
	switch {
	case i >= len(s):
		return i, false, false
	case s[i] == ',':
		return i + 1, false, true
	case s[i] == closing:
		return i + 1, true, true
	}
	return i, false, false
}

func scanObject(s string, i, depth int) (int, bool) {
	if depth >= cjsonNestingLimit {
		return i, false
	}
	i = skipWS(s, i+1)
	if i < len(s) && s[i] == '}' {
		return i + 1, true
	}
	for {
		i = skipWS(s, i)
		if i >= len(s) || s[i] != '"' {
			return i, false
		}
		var ok bool
		if i, ok = scanString(s, i); !ok {
			return i, false
		}
		i = skipWS(s, i)
		if i >= len(s) || s[i] != ':' {
			return i, false
		}
		if i, ok = scanValue(s, skipWS(s, i+1), depth+1); !ok {
			return i, false
		}
		var done bool
		if i, done, ok = afterMember(s, i, '}'); done || !ok {
			return i, ok
		}
	}
}
