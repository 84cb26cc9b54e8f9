package osregex

// Compile compiles pattern in the given dialect with Wazuh 4 semantics
// (the zero Options). Errors are *Error values.
func Compile(kind Kind, pattern string) (*Pattern, error) {
	return CompileWith(kind, pattern, Options{})
}

// CompileWith compiles pattern in the given dialect with the semantics of
// opt.Engine. Errors are *Error values; an unknown engine is ErrEngine.
func CompileWith(kind Kind, pattern string, opt Options) (*Pattern, error) {
	if opt.Engine > OSSEC {
		return nil, &Error{Kind: kind, Code: ErrEngine, Pattern: pattern}
	}
	var (
		impl matcher
		err  error
	)
	switch kind {
	case OSMatch:
		if opt.Engine == OSSEC {
			impl, err = compileOSSECMatch(pattern)
		} else {
			impl, err = compileOSMatch(pattern)
		}
	case OSRegex:
		if opt.Engine == OSSEC {
			impl, err = compileOSSECRegex(pattern)
		} else {
			impl, err = compileOSRegex(pattern, opt.Engine)
		}
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
