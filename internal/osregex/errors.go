package osregex

import (
	"fmt"
	"strconv"
)

// ErrorCode classifies a compile error.
type ErrorCode uint8

const (
	// ErrInvalidEscape: OS_Regex '\' followed by a character that is not one
	// of d w s p D W S . t \ ( ) $ | < (or by nothing).
	ErrInvalidEscape ErrorCode = iota + 1
	// ErrParenthesis: OS_Regex parentheses nested or unbalanced.
	ErrParenthesis
	// ErrTooLong: pattern longer than MaxPatternLen bytes.
	ErrTooLong
	// ErrSyntax: PCRE2 pattern rejected by both engines.
	ErrSyntax
	// ErrKind: unknown dialect.
	ErrKind
	// ErrAltInGroup: OS_Regex '|' inside parentheses.
	ErrAltInGroup
	// ErrEngine: unknown Options.Engine.
	ErrEngine
)

// MaxPatternLen is OS_PATTERN_MAXSIZE: longer OS_Regex / OS_Match patterns
// are rejected at compile time.
const MaxPatternLen = 20480

func (c ErrorCode) String() string {
	switch c {
	case ErrInvalidEscape:
		return "invalid escape"
	case ErrParenthesis:
		return "nested or unbalanced parenthesis"
	case ErrAltInGroup:
		return "'|' inside parentheses"
	case ErrTooLong:
		return "pattern too long"
	case ErrSyntax:
		return "syntax error"
	case ErrKind:
		return "unknown dialect"
	case ErrEngine:
		return "unknown engine"
	}
	return "error " + strconv.Itoa(int(c))
}

// Error is a compile error. Callers that know where the pattern came from
// wrap it with the file position.
type Error struct {
	Kind     Kind
	Code     ErrorCode
	Pattern  string
	Fragment string // offending part of Pattern ("" when the whole pattern is at fault)
	Err      error  // underlying engine error (PCRE2 only)
}

func (e *Error) Error() string {
	msg := "osregex: " + e.Code.String()
	if e.Fragment != "" {
		msg += " " + quote(e.Fragment)
	}
	pat := e.Pattern
	if len(pat) > 200 {
		pat = pat[:200] + "..."
	}
	msg += fmt.Sprintf(" in %s pattern %s", e.Kind, quote(pat))
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

// Unwrap returns the underlying engine error, if any.
func (e *Error) Unwrap() error { return e.Err }

// quote wraps s in double quotes without doubling backslashes, so regex
// fragments read as written in the rule file; strings with control bytes
// fall back to Go quoting.
func quote(s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] == 0x7f {
			return strconv.Quote(s)
		}
	}
	return `"` + s + `"`
}
