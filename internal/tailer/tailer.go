package tailer

import (
	"context"
	"errors"
	"log/slog"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gossec/gossec/internal/positions"
)

// Line is one complete line of a followed file.
type Line struct {
	// Path is the path under which the file was first followed; it stays
	// the same after the file is renamed by a rotation, so alerts keep
	// naming the configured log.
	Path string
	// Pattern is the Config.Patterns entry that matched the file.
	Pattern string
	ID      FileID
	// Fingerprint identifies the file's content; commit it with End.
	Fingerprint positions.Fingerprint
	// Text is the line without its "\n" (a trailing "\r" is kept); it never
	// contains "\n". Bytes are untouched (NUL, invalid UTF-8).
	Text string
	// Start and End are the byte offsets of the line in the file; End is
	// after the newline (or the file size for a last line emitted without
	// one when its file went away).
	Start, End int64
	// Truncated says the line was longer than MaxLine: Text holds its first
	// MaxLine bytes, the rest was skipped.
	Truncated bool
}

// Entry is the positions entry that records this line as processed.
func (l Line) Entry(now time.Time) positions.Entry {
	return positions.Entry{Path: l.Path, Offset: l.End, Fingerprint: l.Fingerprint, Updated: now}
}

// Stats are counters since New.
type Stats struct {
	Files        []FileStats // files followed now, by path
	Lines        int64       // lines emitted
	Truncated    int64       // lines cut at MaxLine
	SkippedBytes int64       // bytes dropped from cut lines
	Rotations    int64       // a new file took over a followed path
	Truncations  int64       // files restarted at 0 (truncated or rewritten)
	AuditTrims   int64       // MySQL audit "</AUDIT>" trims skipped over
	Gone         int64       // files forgotten after leaving the patterns
	Errors       int64       // open, stat, read and watch errors
}

// FileStats describes one followed file.
type FileStats struct {
	Path      string // current path
	ID        FileID
	Offset    int64 // end of the last emitted line
	Lines     int64
	Truncated int64
	Leaving   bool // rotated away or deleted, being drained
}

// counters are the totals, shared by the file goroutines.
type counters struct {
	lines, truncated, skipped, rotations, truncations, auditTrims, gone, errors atomic.Int64
}

// Tailer follows the files of a Config. Create it with New.
type Tailer struct {
	cfg     Config
	log     *slog.Logger
	total   counters
	running atomic.Bool

	mu    sync.Mutex
	files map[FileID]*follower // written by Run's goroutine under mu
}

// New checks cfg and returns a Tailer; nothing is opened until Run.
func New(cfg Config) (*Tailer, error) {
	cfg.setDefaults()
	if err := compilePatterns(&cfg); err != nil {
		return nil, err
	}
	return &Tailer{cfg: cfg, log: cfg.Logger, files: map[FileID]*follower{}}, nil
}

// Run follows the files until ctx is done, sending lines to out. It blocks
// on a full out (back-pressure, nothing is dropped) and does not close it.
// It returns nil when ctx is done, after every file goroutine has stopped;
// the only error is a second concurrent Run. Problems with single files
// (unreadable, vanished) are logged and counted in Stats, never fatal.
func (t *Tailer) Run(ctx context.Context, out chan<- Line) error {
	if !t.running.CompareAndSwap(false, true) {
		return errors.New("tailer is already running")
	}
	defer t.running.Store(false)
	r := newRun(t, out)
	ctx, cancel := context.WithCancel(ctx)
	// Runs last: every file goroutine sees the cancel, then is waited for.
	defer r.wg.Wait()
	defer cancel()
	r.loop(ctx)
	return nil
}

// Stats returns the counters.
func (t *Tailer) Stats() Stats {
	s := Stats{
		Lines:        t.total.lines.Load(),
		Truncated:    t.total.truncated.Load(),
		SkippedBytes: t.total.skipped.Load(),
		Rotations:    t.total.rotations.Load(),
		Truncations:  t.total.truncations.Load(),
		AuditTrims:   t.total.auditTrims.Load(),
		Gone:         t.total.gone.Load(),
		Errors:       t.total.errors.Load(),
	}
	t.mu.Lock()
	for _, f := range t.files {
		s.Files = append(s.Files, f.stats())
	}
	t.mu.Unlock()
	sort.Slice(s.Files, func(i, j int) bool { return s.Files[i].Path < s.Files[j].Path })
	return s
}
