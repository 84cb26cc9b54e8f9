package config

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/gossec/gossec/internal/osregex"
	"github.com/gossec/gossec/internal/xmlconf"
)

// Files is the ordered list of files a ruleset loads, with paths resolved.
type Files struct {
	Decoders []string
	Rules    []string
	Lists    map[string]string // list name as written -> file to read
	// Warnings are what resolving found suspicious but not wrong: a
	// <decoder_dir>/<rule_dir> whose pattern matches no file (a typo in
	// the pattern or the folder silently loads nothing).
	Warnings []Warning
}

// Warning is a load warning with the position of the entry it is about.
type Warning struct {
	Pos xmlconf.Pos
	Msg string
}

// Resolve finds the decoder, rule and list files of the ruleset, relative
// paths taken from home. Wazuh sorts every file of every directory together
// by base name; OSSEC keeps the configured order.
func (rs *Ruleset) Resolve(home string) (*Files, []error) {
	r := &resolver{home: home}
	f := &Files{Lists: map[string]string{}}
	switch rs.Dialect {
	case Wazuh:
		f.Decoders = r.wazuhFiles(rs.DecoderDirs, rs.DecoderFiles, rs.DecoderExclude)
		f.Rules = r.wazuhFiles(rs.RuleDirs, rs.RuleFiles, rs.RuleExclude)
	case OSSEC:
		f.Decoders = r.ossecDecoders(rs)
		f.Rules = r.ossecRules(rs)
	}
	for _, l := range rs.Lists {
		f.Lists[l] = r.abs(l)
	}
	f.Warnings = r.warns
	return f, r.errs
}

type resolver struct {
	home  string
	errs  []error
	warns []Warning
}

func (r *resolver) abs(p string) string {
	if filepath.IsAbs(p) || r.home == "" {
		return p
	}
	return filepath.Join(r.home, p)
}

func (r *resolver) dirFiles(d DirEntry, exclude []string) []string {
	pat, err := osregex.Compile(osregex.OSRegex, d.Pattern)
	if err != nil {
		r.errs = append(r.errs, &xmlconf.Error{Pos: d.Pos, Err: fmt.Errorf("pattern %q: %w", d.Pattern, err)})
		return nil
	}
	dir := r.abs(d.Path)
	ents, err := os.ReadDir(dir)
	if err != nil {
		r.errs = append(r.errs, &xmlconf.Error{Pos: d.Pos, Err: fmt.Errorf("reading directory: %w", err)})
		return nil
	}
	var out []string
	for _, e := range ents {
		if e.IsDir() || !pat.MatchString(e.Name()) {
			continue
		}
		p := filepath.Join(dir, e.Name())
		if excluded(p, d.Path, e.Name(), exclude) {
			continue
		}
		out = append(out, p)
	}
	if len(out) == 0 {
		r.warns = append(r.warns, Warning{Pos: d.Pos, Msg: fmt.Sprintf("no file in %s matches pattern \"%s\": nothing loaded from it", dir, d.Pattern)})
	}
	return out
}

// excluded matches an exclude entry by base name or by the path as written.
func excluded(full, dir, base string, exclude []string) bool {
	for _, x := range exclude {
		if x == base || x == full || x == filepath.Join(dir, base) {
			return true
		}
	}
	return false
}

func (r *resolver) wazuhFiles(dirs []DirEntry, files, exclude []string) []string {
	var out []string
	for _, d := range dirs {
		out = append(out, r.dirFiles(d, exclude)...)
	}
	for _, f := range files {
		if !excluded(f, filepath.Dir(f), filepath.Base(f), exclude) {
			out = append(out, r.abs(f))
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return filepath.Base(out[i]) < filepath.Base(out[j]) })
	return out
}

func (r *resolver) ossecDecoders(rs *Ruleset) []string {
	var out []string
	for _, f := range rs.DecoderFiles {
		out = append(out, r.abs(f))
	}
	for _, d := range rs.DecoderDirs {
		out = append(out, sortedByBase(r.dirFiles(d, rs.DecoderExclude))...)
	}
	if len(out) == 0 {
		out = append(out, r.abs("etc/decoder.xml"))
		if local := r.abs("etc/local_decoder.xml"); exists(local) {
			out = append(out, local)
		}
	}
	return out
}

func (r *resolver) ossecRules(rs *Ruleset) []string {
	var out []string
	for _, f := range rs.RuleFiles {
		if strings.ContainsRune(f, '/') {
			out = append(out, r.abs(f))
		} else {
			out = append(out, r.abs(filepath.Join("rules", f)))
		}
	}
	for _, d := range rs.RuleDirs {
		out = append(out, sortedByBase(r.dirFiles(d, rs.RuleExclude))...)
	}
	return out
}

func sortedByBase(s []string) []string {
	sort.SliceStable(s, func(i, j int) bool { return filepath.Base(s[i]) < filepath.Base(s[j]) })
	return s
}

func exists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}
