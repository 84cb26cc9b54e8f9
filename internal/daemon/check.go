package daemon

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/gossec/gossec/internal/config"
	"github.com/gossec/gossec/internal/logformat"
	"github.com/gossec/gossec/internal/remote"
	"github.com/gossec/gossec/internal/tailer"
	"github.com/gossec/gossec/internal/xmlconf"
)

// checkInputs validates what can be checked of the inputs before they
// start: log formats and their options, ignore/restrict patterns, remote
// address lists. Errors carry the section's position.
func checkInputs(cfg *config.Config, home string) []error {
	var errs []error
	for _, lf := range cfg.LocalFiles {
		if lf.Command == "" {
			if _, err := logformat.New(lf.LogFormat, framerOptions(lf, nil, nil)); err != nil {
				errs = append(errs, &xmlconf.Error{Pos: lf.Pos, Err: fmt.Errorf("log_format %q: %w", lf.LogFormat, err)})
			}
		}
		if _, err := newLineFilter(lf); err != nil {
			errs = append(errs, &xmlconf.Error{Pos: lf.Pos, Err: err})
		}
	}
	for _, r := range cfg.Remotes {
		if err := remote.Validate(remote.Config{Port: r.Port, Protocol: r.Protocol, Allowed: r.AllowedIPs, Denied: r.DeniedIPs}); err != nil {
			errs = append(errs, &xmlconf.Error{Pos: r.Pos, Err: err})
		}
	}
	return errs
}

// InputNote is a <localfile> whose files cannot be read now: not an error
// (the service waits for a missing file and follows it when it appears),
// but what `run -t` and `check` warn about.
type InputNote struct {
	Pos    xmlconf.Pos
	Path   string // the file, or the pattern as the service looks for it
	Reason string
	User   string // the account the access was judged for
}

func (n InputNote) String() string {
	return fmt.Sprintf("%s: warning: localfile %s: %s (checked as user %s)", n.Pos, n.Path, n.Reason, n.User)
}

// CheckInputFiles looks for the files of every <localfile> as the service
// would at now (home applied, strftime expanded) and judges whether r can
// read them. It reports a pattern that matches no file, with the reason
// its folder gives, and each matched file r cannot open.
func CheckInputFiles(cfg *config.Config, home string, r Reader, now time.Time) []InputNote {
	var notes []InputNote
	for _, lf := range cfg.LocalFiles {
		if lf.Command != "" {
			continue
		}
		exp, files, err := LocalFiles(lf, home, now)
		if err != nil {
			continue // a load error already
		}
		if len(files) == 0 {
			notes = append(notes, InputNote{Pos: lf.Pos, Path: exp, User: r.Name,
				Reason: tailer.WhyAbsent(exp) + "; the service follows it once it appears"})
			continue
		}
		for _, f := range files {
			if err := r.canRead(f); err != nil {
				notes = append(notes, InputNote{Pos: lf.Pos, Path: f, User: r.Name, Reason: reason(err)})
			}
		}
	}
	return notes
}

// reason is err without the path the note names already.
func reason(err error) string {
	var pe *os.PathError
	if !errors.Is(err, errNoAccess) && errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

// LocalFiles returns the pattern of a file <localfile> as the service
// looks for it at now (home applied, strftime expanded) and the regular
// files it matches.
func LocalFiles(lf config.LocalFile, home string, now time.Time) (string, []string, error) {
	exp, err := tailer.ExpandPattern(underHome(home, lf.Location), now)
	if err != nil {
		return "", nil, err
	}
	matches, _ := filepath.Glob(exp)
	var files []string
	for _, m := range matches {
		if fi, err := os.Stat(m); err == nil && fi.Mode().IsRegular() {
			files = append(files, m)
		}
	}
	return exp, files, nil
}

// WhyAbsent says why a pattern matches no file (see tailer.WhyAbsent).
func WhyAbsent(pattern string) string { return tailer.WhyAbsent(pattern) }
