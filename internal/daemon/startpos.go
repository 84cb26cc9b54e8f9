package daemon

import (
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"time"

	"github.com/gossec/gossec/internal/config"
	"github.com/gossec/gossec/internal/positions"
)

// openPositions opens the positions store. A corrupt file does not stop
// the service: it is kept aside (positions.Options.IgnoreCorrupt, every
// copy kept) and the service starts with no saved position, saying so and
// what that means for each <localfile>: with only-future-events the files
// start at their end (lines written while gossec was stopped are not
// read), without it at their beginning (lines already analysed are
// analysed again). Other errors (unreadable file) stop the start.
func openPositions(path string, cfg *config.Config, home string, now time.Time, log *slog.Logger) (*positions.Store, error) {
	pos, err := positions.OpenWith(path, positions.Options{IgnoreCorrupt: true})
	if err != nil {
		return nil, fmt.Errorf("opening positions: %w", err)
	}
	if kept, cause := pos.SetAside(); kept != "" {
		log.Warn("positions file corrupt: kept aside, starting with no saved position", "kept", kept, "error", cause)
		for _, p := range NoPositionPolicy(cfg, home, now) {
			log.Warn("no saved position: "+p.Start, "location", p.Location, "files", p.Files, "only-future-events", p.OnlyFuture)
		}
	}
	return pos, nil
}

// PositionPolicy is what happens to the files of one <localfile> that
// have no saved position when the service starts.
type PositionPolicy struct {
	Location   string
	OnlyFuture bool
	Files      int    // files the location matches now
	Start      string // "N files start at their end ..." for the log
}

// NoPositionPolicy lists, for each file <localfile>, where its files start
// when no position is saved for them; the files are counted as the
// service finds them at now (LocalFiles).
func NoPositionPolicy(cfg *config.Config, home string, now time.Time) []PositionPolicy {
	var out []PositionPolicy
	for _, lf := range cfg.LocalFiles {
		if lf.Command != "" {
			continue
		}
		p := PositionPolicy{Location: lf.Location, OnlyFuture: lf.OnlyFutureEvents}
		_, files, _ := LocalFiles(lf, home, now) // a bad pattern failed the load already
		p.Files = len(files)
		count := fmt.Sprintf("%d files", p.Files)
		if lf.OnlyFutureEvents {
			p.Start = count + " start at their end (only-future-events yes): lines written while gossec was stopped are not read"
		} else {
			p.Start = count + " start at their beginning (only-future-events no): lines already analysed are analysed again"
		}
		out = append(out, p)
	}
	return out
}

// CheckPositions checks the positions file of home as `gossec run -t`
// does. A corrupt file is not an error (the service starts anyway): the
// returned notes say what the service will do about it. Any other error
// (a file that cannot be read) would stop the service and is returned.
func CheckPositions(home string, cfg *config.Config, now time.Time) (notes []string, err error) {
	path := filepath.Join(home, "queue", "gossec", "positions.json")
	_, err = positions.Open(path)
	if errors.Is(err, positions.ErrCorrupt) {
		notes = append(notes, fmt.Sprintf("%v: the service will keep it aside (%s.corrupt, older copies kept) and start with no saved position", err, path))
		for _, p := range NoPositionPolicy(cfg, home, now) {
			notes = append(notes, fmt.Sprintf("<localfile> %s: %s", p.Location, p.Start))
		}
		return notes, nil
	}
	return nil, err
}
