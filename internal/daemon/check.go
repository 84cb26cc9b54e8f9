package daemon

import (
	"fmt"

	"github.com/gossec/gossec/internal/config"
	"github.com/gossec/gossec/internal/logformat"
	"github.com/gossec/gossec/internal/remote"
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
