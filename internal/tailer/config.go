package tailer

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"time"

	"github.com/gossec/gossec/internal/positions"
	"github.com/gossec/gossec/internal/ratelog"
)

// FileID identifies a file by device and inode.
type FileID = positions.FileID

// Defaults for Config fields left zero.
const (
	DefaultPollInterval = time.Second
	DefaultMaxLine      = 65536 // OSSEC OS_MAXSTR
	DefaultRotateGrace  = 5 * time.Second
	// FingerprintSize is how many leading bytes identify a file.
	FingerprintSize = 1024
)

// Config says what to follow and how.
type Config struct {
	// Patterns are filepath.Match globs; strftime conversions (%Y %m %d ...)
	// are expanded against Clock on every scan, as logcollector does.
	Patterns []string
	// Exclude are globs matched against the full path, or against the base
	// name when the glob has no separator.
	Exclude []string
	// PollInterval is the stat-scan period, the source of truth.
	PollInterval time.Duration
	// NoNotify disables fsnotify: polling only (for NFS and the like).
	NoNotify bool
	// MaxLine is the longest line kept; longer lines are cut.
	MaxLine int
	// RotateGrace is how long a file that left the patterns (rotated away,
	// deleted) is still watched for late writes before it is forgotten.
	RotateGrace time.Duration
	// OnlyFutureEvents starts the files found by Run's first scan that have
	// no stored position at their end (the start of their unfinished last
	// line) instead of 0, when their pattern was never followed with
	// Positions before (see the package doc). Files that appear later
	// always start at 0: they were created while we were watching, and
	// skipping them would lose the first lines after every rotation.
	OnlyFutureEvents bool
	// Positions is where reading resumes; nil starts every file afresh.
	// The tailer stores there the starting point of each new file and a
	// mark per pattern, and drops the entries of files read to their end
	// that left the patterns.
	Positions *positions.Store
	// Clock is used for strftime expansion; nil is time.Now.
	Clock func() time.Time
	// Logger receives rotations, truncations and errors; nil discards.
	Logger *slog.Logger
	// ErrorInterval is how often a file that keeps failing to open
	// (permission denied) is logged again: the first failure at once,
	// then one summary per interval while it lasts (default one minute).
	ErrorInterval time.Duration
}

func (c *Config) setDefaults() {
	if c.PollInterval <= 0 {
		c.PollInterval = DefaultPollInterval
	}
	if c.MaxLine <= 0 {
		c.MaxLine = DefaultMaxLine
	}
	if c.RotateGrace <= 0 {
		c.RotateGrace = DefaultRotateGrace
	}
	if c.Clock == nil {
		c.Clock = time.Now
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if c.ErrorInterval <= 0 {
		c.ErrorInterval = ratelog.DefaultInterval
	}
}

// compilePatterns checks every pattern once, strftime expanded, so that a
// typo fails at load rather than silently matching nothing at run time.
func compilePatterns(c *Config) error {
	if len(c.Patterns) == 0 {
		return errors.New("no file patterns")
	}
	now := c.Clock()
	for _, raw := range c.Patterns {
		exp, err := strftime(raw, now)
		if err != nil {
			return fmt.Errorf("pattern %q: %w", raw, err)
		}
		if _, err := filepath.Match(exp, ""); err != nil {
			return fmt.Errorf("pattern %q: %w", raw, err)
		}
	}
	for _, ex := range c.Exclude {
		if _, err := filepath.Match(ex, ""); err != nil {
			return fmt.Errorf("exclude pattern %q: %w", ex, err)
		}
	}
	return nil
}

// ExpandPattern is a location pattern as the next scan uses it at now:
// strftime conversions expanded, glob characters left. Checks use it to
// look for the files a scan would find.
func ExpandPattern(raw string, now time.Time) (string, error) {
	return strftime(raw, now)
}
