package osregex

// Compile compiles pattern in the given dialect. Errors are *Error values.
func Compile(kind Kind, pattern string) (*Pattern, error) {
	var (
		impl matcher
		err  error
	)
	switch kind {
	case OSMatch:
		impl, err = compileOSMatch(pattern)
	case OSRegex:
		impl, err = compileOSRegex(pattern)
	case PCRE2:
		impl, err = compilePCRE2(pattern)
	default:
		return nil, &Error{Kind: kind, Code: ErrKind, Pattern: pattern}
	}
	if err != nil {
		return nil, err
	}
	bt, _ := impl.(*pcre2Backtrack)
	return &Pattern{kind: kind, src: pattern, impl: impl, bt: bt}, nil
}

// MustCompile is Compile for patterns known to be valid (tests, built-in
// expressions); it panics on error.
func MustCompile(kind Kind, pattern string) *Pattern {
	p, err := Compile(kind, pattern)
	if err != nil {
		panic(err)
	}
	return p
}
