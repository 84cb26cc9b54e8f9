package tailer

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/fsnotify/fsnotify"
	"github.com/gossec/gossec/internal/positions"
	"github.com/gossec/gossec/internal/ratelog"
)

// finished is what is remembered of a file that stopped being followed, so
// that it resumes instead of restarting if it shows up again.
type finished struct {
	fp  positions.Fingerprint
	pos int64
}

// maxFinished bounds the memory of finished files.
const maxFinished = 4096

// run is the state of one Run call. Its maps belong to Run's goroutine.
type run struct {
	t   *Tailer
	cfg *Config
	out chan<- Line
	wg  sync.WaitGroup

	exited  chan *follower       // file goroutines report their end here
	lastAt  map[string]*follower // path -> last follower seen there
	current map[string]*follower // path -> follower there in the last scan
	done    map[FileID]finished  // files no longer followed
	watcher *fsnotify.Watcher    // nil when polling only
	watched map[string]bool      // directories watched
	ctx     context.Context

	// fresh are the patterns followed for the first time (no mark in the
	// positions store): only their files found by the first scan are
	// pre-existing content that OnlyFutureEvents skips.
	fresh map[string]bool
	// families are the patterns with strftime conversions made globs, to
	// tell which stored entries are ours whatever day they were written.
	families []string
	// launch are the followers started by the current scan, whose
	// goroutines start once their starting points are durable.
	launch []*follower
	// dirty says the positions store got starting points or pattern marks
	// that must be flushed before the followers read.
	dirty bool
	// drops are files that left the patterns and were read to their end:
	// their stored entry is dropped once the caller committed that end.
	drops map[FileID]finished
	// absent are the patterns that matched no file at the first scan
	// (warned once), until a file appears (said once).
	absent map[string]bool
	// openErrs rate-limits the open errors of files the patterns match
	// but that cannot be read (key: path): they are retried every scan.
	openErrs *ratelog.Logger
}

func newRun(t *Tailer, out chan<- Line) *run {
	return &run{
		t: t, cfg: &t.cfg, out: out,
		exited:   make(chan *follower),
		lastAt:   map[string]*follower{},
		current:  map[string]*follower{},
		done:     map[FileID]finished{},
		watched:  map[string]bool{},
		fresh:    map[string]bool{},
		drops:    map[FileID]finished{},
		absent:   map[string]bool{},
		openErrs: ratelog.New(t.log, t.cfg.ErrorInterval, nil),
	}
}

// loop scans on every tick and on directory events until ctx is done.
func (r *run) loop(ctx context.Context) {
	r.ctx = ctx
	defer r.openErrs.Close()
	r.startWatcher()
	if r.watcher != nil {
		defer r.watcher.Close()
	}
	r.scan(true)
	tick := time.NewTicker(r.cfg.PollInterval)
	defer tick.Stop()
	var events <-chan fsnotify.Event
	var errs <-chan error
	if r.watcher != nil {
		events, errs = r.watcher.Events, r.watcher.Errors
	}
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
			r.scan(false)
		case ev, ok := <-events:
			if !ok {
				events = nil
				continue
			}
			r.onEvent(ev)
		case err, ok := <-errs:
			if !ok {
				errs = nil
				continue
			}
			// An overflow or a failing watch only delays us: polling goes on.
			r.t.total.errors.Add(1)
			r.t.log.Warn("fsnotify error, relying on polling", "err", err)
		case f := <-r.exited:
			r.forget(f)
		}
	}
}

func (r *run) startWatcher() {
	if r.cfg.NoNotify {
		return
	}
	w, err := fsnotify.NewWatcher()
	if err != nil {
		r.t.total.errors.Add(1)
		r.t.log.Warn("fsnotify unavailable, polling only", "err", err)
		return
	}
	r.watcher = w
}

// onEvent turns a directory event into a read (write) or a rescan (names
// changed).
func (r *run) onEvent(ev fsnotify.Event) {
	if ev.Has(fsnotify.Create) || ev.Has(fsnotify.Remove) || ev.Has(fsnotify.Rename) {
		r.scan(false)
		return
	}
	if ev.Has(fsnotify.Write) {
		if f := r.current[ev.Name]; f != nil {
			f.poke()
		}
	}
}

// candidate is a file matched by a scan.
type candidate struct {
	path, pattern string
	id            FileID
	mtime         time.Time
	// away is a file that no pattern matches, found at Run's first scan
	// by the identity of a stored entry of a pattern: it was rotated away
	// (renamed) while we were stopped, before being read to its end.
	away bool
}

// scan matches the patterns, starts new files, notices renamed and vanished
// ones, and wakes every file goroutine.
func (r *run) scan(initial bool) {
	found, dirs := r.expand()
	r.noteAbsent(found, initial)
	if initial {
		r.markPatterns()
		r.findRotated(found)
	}
	for id, f := range r.followers() {
		c, ok := found[id]
		if !ok {
			if !f.leaving.Load() {
				r.t.log.Debug("file left the patterns", "path", f.where(), "id", id)
			}
			f.leave()
			continue
		}
		f.leaving.Store(false) // back, e.g. after a failed stat
		if c.path != f.where() {
			r.t.log.Info("file renamed", "from", f.where(), "to", c.path)
			f.setWhere(c.path)
			f.rotate()
		}
	}
	r.startNew(found, initial)
	r.launchStarted()
	r.dropCommitted()
	r.current = map[string]*follower{}
	for _, f := range r.followers() {
		if !f.leaving.Load() {
			r.current[f.where()] = f
		}
		f.poke()
	}
	r.watchDirs(dirs)
}

func (r *run) followers() map[FileID]*follower { return r.t.files }

func (r *run) following(id FileID) bool {
	_, ok := r.t.files[id]
	return ok
}

func sortedCandidates(m map[FileID]candidate) []candidate {
	cs := make([]candidate, 0, len(m))
	for _, c := range m {
		cs = append(cs, c)
	}
	sort.Slice(cs, func(i, j int) bool { return cs[i].path < cs[j].path })
	return cs
}

// expand returns the regular files the patterns match now, by identity
// (the first path wins for hard links), and the directories to watch.
func (r *run) expand() (map[FileID]candidate, []string) {
	now := r.cfg.Clock()
	found := map[FileID]candidate{}
	var dirs []string
	for _, raw := range r.cfg.Patterns {
		exp, err := strftime(raw, now)
		if err != nil { // checked by New; cannot happen
			continue
		}
		dirs = append(dirs, filepath.Dir(exp))
		matches, _ := filepath.Glob(exp) // only ErrBadPattern, checked by New
		for _, p := range matches {
			r.consider(found, p, raw)
		}
	}
	return found, dirs
}

func (r *run) consider(found map[FileID]candidate, p, pattern string) {
	if r.excluded(p) {
		return
	}
	fi, err := os.Stat(p)
	if err != nil || !fi.Mode().IsRegular() {
		return // vanished since the glob, or not a log file
	}
	id, ok := fileIDOf(fi)
	if !ok {
		return
	}
	if _, dup := found[id]; !dup {
		found[id] = candidate{path: p, pattern: pattern, id: id, mtime: fi.ModTime()}
	}
}

func (r *run) excluded(p string) bool {
	for _, ex := range r.cfg.Exclude {
		target := p
		if !strings.ContainsRune(ex, filepath.Separator) {
			target = filepath.Base(p)
		}
		if ok, _ := filepath.Match(ex, target); ok {
			return true
		}
	}
	return false
}

// startNew starts the files the scan found for the first time. Files
// found together are started oldest (by modification time) first, each
// waiting for the previous one to be read to its end once, and the first
// waiting for the files whose paths they took over (rotation): so lines
// come in the order they were written even when several rotations happened
// between two scans.
func (r *run) startNew(found map[FileID]candidate, initial bool) {
	groups := map[string][]candidate{}
	for _, c := range sortedCandidates(found) {
		if !r.following(c.id) {
			groups[c.pattern] = append(groups[c.pattern], c)
		}
	}
	for _, pat := range r.cfg.Patterns {
		cs := groups[pat]
		sort.SliceStable(cs, func(i, j int) bool { return r.older(cs[i], cs[j]) })
		r.startChain(cs, initial)
		delete(groups, pat) // a pattern listed twice
	}
}

// older orders files found together. A file rotated away while we were
// stopped comes before the files that still match the patterns, which
// succeeded it (an application may still have written to it after the
// rename, so its modification time proves nothing). Modification times
// are coarse (a clock tick), so on a tie the file at a path we followed
// before, the live name that rotations recreate, is taken as the newest.
func (r *run) older(a, b candidate) bool {
	if a.away != b.away {
		return a.away
	}
	if !a.mtime.Equal(b.mtime) {
		return a.mtime.Before(b.mtime)
	}
	if (r.lastAt[a.path] == nil) != (r.lastAt[b.path] == nil) {
		return r.lastAt[a.path] == nil
	}
	// app.log is newer than app.log.1 or app.log-20261121.
	return strings.HasPrefix(a.path, b.path) && a.path != b.path
}

func (r *run) startChain(cs []candidate, initial bool) {
	if len(cs) == 0 {
		return
	}
	for _, c := range cs {
		if pred := r.lastAt[c.path]; pred != nil && pred.id != c.id {
			r.t.total.rotations.Add(1)
			r.t.log.Info("file rotated", "path", c.path, "old", pred.id, "new", c.id)
			pred.rotate()
		}
	}
	// A new file may have been renamed before any scan saw it at the live
	// path, so it waits for every file of its pattern: rotated ones to
	// their end, the others to their first end of file.
	var waits []<-chan struct{}
	for _, f := range r.followers() {
		if f.pattern == cs[0].pattern {
			waits = append(waits, f.caughtUp)
			if f.rotated.Load() {
				waits = append(waits, f.handoff)
			}
		}
	}
	for _, c := range cs {
		if f := r.start(c, initial, waits); f != nil {
			waits = []<-chan struct{}{f.caughtUp}
			if f.rotated.Load() {
				// Rotated away: its unfinished last line, too.
				waits = append(waits, f.handoff)
			}
		}
	}
}

// start opens a newly matched file and registers it; its goroutine, which
// first waits for every channel in waits, is launched at the end of the
// scan (launchStarted).
func (r *run) start(c candidate, initial bool, waits []<-chan struct{}) *follower {
	f, err := openFollower(r, c)
	if err != nil {
		// Retried every scan: the first failure is logged at once, the
		// next ones in one summary a minute while they last.
		r.t.total.errors.Add(1)
		if !r.openErrs.Again(c.path) {
			r.openErrs.Log(slog.LevelWarn, c.path, "cannot follow file", "path", c.path, "err", err)
		}
		return nil
	}
	if n := r.openErrs.Resolve(c.path); n > 0 {
		r.t.log.Info("file readable again", "path", c.path, "failures", n)
	}
	if f == nil {
		return nil // replaced between the scan and the open: next scan
	}
	if c.away && !r.adoptRotated(f) {
		f.file.Close()
		return nil
	}
	off, record := r.startOffset(f, initial)
	f.setStart(off)
	if record {
		r.record(f)
	}
	if c.away {
		f.leave() // read to its end, then forgotten
	}
	f.waits = waits
	r.t.log.Debug("following file", "path", c.path, "id", c.id, "offset", f.pos, "after", len(waits))
	r.lastAt[c.path] = f
	delete(r.drops, c.id) // back in the patterns: its entry is needed again
	r.t.mu.Lock()
	r.t.files[c.id] = f
	r.t.mu.Unlock()
	r.launch = append(r.launch, f)
	return f
}

// launchStarted makes the starting points recorded by this scan durable,
// then launches the goroutines of the files it started. Recording first
// is what lets a restart after a crash at any moment tell a file created
// while we were watching (read from 0) from one that existed before
// (only future events), and find a file rotated away before any of its
// lines was committed.
func (r *run) launchStarted() {
	if r.dirty {
		r.dirty = false
		if err := r.cfg.Positions.Flush(); err != nil {
			// Reading goes on: a crash before the next successful flush
			// may then skip or replay these files, which is logged here.
			r.t.total.errors.Add(1)
			r.t.log.Warn("cannot record the starting points of new files", "err", err)
		}
	}
	for _, f := range r.launch {
		r.wg.Add(1)
		go func() {
			// Stopped by the cancel of Run's context, or when its file is gone.
			defer r.wg.Done()
			f.run(r.ctx)
		}()
	}
	clear(r.launch)
	r.launch = r.launch[:0]
}

// startOffset decides where a new file starts: where we left it in this
// run, at its stored position, at its end (only future events, first
// scan of a pattern never followed before), or at 0. record says the
// starting point is new and must be stored.
func (r *run) startOffset(f *follower, initial bool) (int64, bool) {
	if d, ok := r.done[f.id]; ok && f.prefixMatches(d.fp) {
		f.fp = d.fp
		return f.resumeAt(d.pos), false
	}
	if st := r.cfg.Positions; st != nil {
		if e, ok := st.Get(f.id); ok {
			if f.prefixMatches(e.Fingerprint) {
				f.fp = e.Fingerprint
				return f.resumeAt(e.Offset), false
			}
			r.t.log.Info("stored position is for another file (fingerprint differs)", "path", f.path, "id", f.id)
		}
	}
	if initial && r.cfg.OnlyFutureEvents && r.fresh[f.pattern] {
		return f.lastLineStart(), true
	}
	return 0, true
}

// forget drops a file whose goroutine ended, remembering where it stopped.
func (r *run) forget(f *follower) {
	r.t.mu.Lock()
	if r.t.files[f.id] == f {
		delete(r.t.files, f.id)
	}
	r.t.mu.Unlock()
	for p, g := range r.lastAt {
		if g == f {
			delete(r.lastAt, p)
		}
	}
	if r.current[f.where()] == f {
		delete(r.current, f.where())
	}
	if len(r.done) >= maxFinished {
		clear(r.done) // rare; at worst a returning file restarts at 0
	}
	r.done[f.id] = finished{fp: f.fp, pos: f.pos}
	if f.drained && r.cfg.Positions != nil {
		if len(r.drops) >= maxFinished {
			clear(r.drops) // rare; the entries stay, harmless
		}
		r.drops[f.id] = finished{fp: f.fp, pos: f.pos}
	}
	r.t.total.gone.Add(1)
}

// watchDirs keeps fsnotify watches on exactly the pattern directories.
func (r *run) watchDirs(dirs []string) {
	if r.watcher == nil {
		return
	}
	want := map[string]bool{}
	for _, d := range dirs {
		if !hasMeta(d) {
			want[d] = true
			continue
		}
		ms, _ := filepath.Glob(d)
		for _, m := range ms {
			if fi, err := os.Stat(m); err == nil && fi.IsDir() {
				want[m] = true
			}
		}
	}
	for d := range r.watched {
		if !want[d] {
			_ = r.watcher.Remove(d) // may be gone already
			delete(r.watched, d)
		}
	}
	for d := range want {
		if r.watched[d] {
			continue
		}
		// A missing directory is retried on the next scan.
		if err := r.watcher.Add(d); err == nil {
			r.watched[d] = true
		}
	}
}

// noteAbsent warns once about each pattern that matches no file at the
// first scan, with the reason its folder gives, and says once when a file
// appears for it. A pattern that matched before and matches nothing for a
// moment (between a rotation's rename and create) is not reported.
func (r *run) noteAbsent(found map[FileID]candidate, initial bool) {
	matched := map[string]bool{}
	for _, c := range found {
		matched[c.pattern] = true
	}
	for _, raw := range r.cfg.Patterns {
		switch {
		case initial && !matched[raw]:
			r.absent[raw] = true
			exp, _ := strftime(raw, r.cfg.Clock())
			r.t.log.Warn("no file to follow yet, waiting for it to appear", "pattern", exp, "reason", whyAbsent(exp))
		case r.absent[raw] && matched[raw]:
			delete(r.absent, raw)
			var paths []string
			for _, c := range found {
				if c.pattern == raw {
					paths = append(paths, c.path)
				}
			}
			sort.Strings(paths)
			r.t.log.Info("file appeared, following it", "pattern", raw, "path", strings.Join(paths, ","))
		}
	}
}

// WhyAbsent says why a pattern (strftime expanded) matches no regular
// file: the error of its nearest folder, or that nothing matches.
func WhyAbsent(pattern string) string { return whyAbsent(pattern) }

func whyAbsent(p string) string {
	if !hasMeta(p) {
		fi, err := os.Stat(p)
		switch {
		case err != nil:
			return pathErr(err)
		case !fi.Mode().IsRegular():
			return "not a regular file (" + fi.Mode().Type().String() + ")"
		}
		return "excluded or unreadable"
	}
	dir := filepath.Dir(p)
	for hasMeta(dir) {
		dir = filepath.Dir(dir)
	}
	if _, err := os.Stat(dir); err != nil {
		return "folder " + dir + ": " + pathErr(err)
	}
	if _, err := os.ReadDir(dir); err != nil {
		return "folder " + dir + ": " + pathErr(err)
	}
	return "no file matches"
}

// pathErr is an *os.PathError's reason without the path, which the
// caller names already.
func pathErr(err error) string {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

func hasMeta(p string) bool { return strings.ContainsAny(p, `*?[\`) }
