package daemon

import (
	"fmt"

	"github.com/gossec/gossec/internal/config"
	"github.com/gossec/gossec/internal/osregex"
)

// lineFilter applies Wazuh's <ignore> and <restrict> options of a
// <localfile>: an event matching an ignore pattern is dropped; with
// restrict patterns, only events matching one of them are kept.
type lineFilter struct {
	ignore, restrict []*osregex.Pattern
}

func newLineFilter(lf config.LocalFile) (*lineFilter, error) {
	f := &lineFilter{}
	var err error
	if f.ignore, err = compileAll(lf.Ignore); err != nil {
		return nil, fmt.Errorf("<ignore>: %w", err)
	}
	if f.restrict, err = compileAll(lf.Restrict); err != nil {
		return nil, fmt.Errorf("<restrict>: %w", err)
	}
	return f, nil
}

func compileAll(ps []string) ([]*osregex.Pattern, error) {
	var out []*osregex.Pattern
	for _, p := range ps {
		c, err := osregex.Compile(osregex.PCRE2, p)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, nil
}

func (f *lineFilter) keep(text string) bool {
	for _, p := range f.ignore {
		if p.MatchString(text) {
			return false
		}
	}
	if len(f.restrict) == 0 {
		return true
	}
	for _, p := range f.restrict {
		if p.MatchString(text) {
			return true
		}
	}
	return false
}
