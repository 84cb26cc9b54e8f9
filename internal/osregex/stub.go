package osregex

import "errors"

// Placeholder until the dialects land; the osregex helper deletes this file.

// Compile compiles pattern in the given dialect.
func Compile(kind Kind, pattern string) (*Pattern, error) {
	return nil, errors.New("osregex: not implemented yet")
}

// WordMatch is OS_WordMatch, used for if_group placement.
func WordMatch(pattern, s string) bool { return false }
