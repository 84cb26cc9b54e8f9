package tailer

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gossec/gossec/internal/positions"
)

const readSize = 64 << 10

// follower reads one file. Fields in the first group are fixed at start;
// the read state belongs to the follower's goroutine (and to Run before it
// starts and after it ended); the control fields are how Run talks to it.
type follower struct {
	r       *run
	id      FileID
	path    string // path first followed under, reported in Line.Path
	pattern string
	file    *os.File
	buf     []byte
	scratch []byte

	// read state
	pos       int64  // everything before pos is consumed
	lineStart int64  // start of the line being assembled (head)
	head      []byte // first MaxLine bytes of the unfinished line
	over      int64  // bytes of the unfinished line beyond MaxLine
	anchor    []byte // the trailing "</AUDIT>" line consumed last, if any
	anchorAt  int64
	fp        positions.Fingerprint
	lastSize  int64
	lastMod   time.Time
	rotatedAt time.Time // when this goroutine first saw the rotate mark
	failing   string    // last error logged, to log each distinct one once
	drained   bool      // left the patterns and was read to its end

	// control
	cur         atomic.Pointer[string] // current path
	waits       []<-chan struct{}      // files to be read before this one
	caughtUp    chan struct{}          // closed at the first end of file
	caughtOnce  sync.Once
	wake        chan struct{}
	leaving     atomic.Bool
	rotated     atomic.Bool
	handoff     chan struct{} // closed at the first end of file after rotate
	handoffOnce sync.Once

	// stats
	lines, truncated, offset atomic.Int64
}

// openFollower opens c. It returns nil, nil when the path no longer names
// the file the scan saw.
func openFollower(r *run, c candidate) (*follower, error) {
	file, err := os.Open(c.path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil // gone since the scan
	}
	if err != nil {
		return nil, err
	}
	fi, err := file.Stat()
	if err != nil {
		file.Close()
		return nil, err
	}
	if id, ok := fileIDOf(fi); !ok || id != c.id {
		file.Close()
		return nil, nil
	}
	f := &follower{
		r: r, id: c.id, path: c.path, pattern: c.pattern, file: file,
		buf:      make([]byte, readSize),
		scratch:  make([]byte, 0, FingerprintSize),
		wake:     make(chan struct{}, 1),
		handoff:  make(chan struct{}),
		caughtUp: make(chan struct{}),
	}
	f.setWhere(c.path)
	return f, nil
}

// where is the file's current path.
func (f *follower) where() string { return *f.cur.Load() }

func (f *follower) setWhere(p string) { f.cur.Store(&p) }

func (f *follower) setStart(pos int64) {
	f.pos, f.lineStart = pos, pos
	f.offset.Store(pos)
	f.detectAnchor()
}

// poke asks the goroutine to look at its file; it never blocks.
func (f *follower) poke() {
	select {
	case f.wake <- struct{}{}:
	default:
	}
}

// rotate marks the file as replaced: the next end of file hands over to
// its successor.
func (f *follower) rotate() { f.rotated.Store(true) }

// leave marks the file as gone from the patterns: drain, then stop.
func (f *follower) leave() {
	f.rotate()
	f.leaving.Store(true)
}

func (f *follower) closeHandoff() { f.handoffOnce.Do(func() { close(f.handoff) }) }

func (f *follower) stats() FileStats {
	return FileStats{
		Path: f.where(), ID: f.id, Offset: f.offset.Load(),
		Lines: f.lines.Load(), Truncated: f.truncated.Load(), Leaving: f.leaving.Load(),
	}
}

// run is the file's goroutine: read whenever woken, until ctx is done or
// the file has left the patterns and stayed quiet for RotateGrace.
func (f *follower) run(ctx context.Context) {
	defer f.end(ctx)
	for _, w := range f.waits {
		select {
		case <-w:
		case <-ctx.Done():
			return
		}
	}
	f.waits = nil
	quietSince := time.Now()
	for {
		if f.poll(ctx) {
			quietSince = time.Now()
		}
		if ctx.Err() != nil {
			return
		}
		if !f.wait(ctx, quietSince) {
			return
		}
	}
}

// wait blocks until the next wake. It returns false when the goroutine
// must end: ctx is done, or the file left the patterns and stayed quiet
// for RotateGrace (its unfinished last line is then emitted).
func (f *follower) wait(ctx context.Context, quietSince time.Time) bool {
	var grace <-chan time.Time
	left := time.Duration(-1)
	if f.leaving.Load() {
		left = f.r.cfg.RotateGrace - time.Since(quietSince)
		if left <= 0 {
			f.emitPartial(ctx)
			f.drained = ctx.Err() == nil
			return false
		}
	}
	if !f.leaving.Load() && f.handoffPending() {
		h := f.r.cfg.RotateGrace - time.Since(f.rotatedAt)
		if left < 0 || h < left {
			left = max(h, 0)
		}
	}
	if left >= 0 {
		timer := time.NewTimer(left)
		defer timer.Stop()
		grace = timer.C
	}
	select {
	case <-ctx.Done():
		return false
	case <-f.wake:
	case <-grace:
	}
	return true
}

// end releases the file and tells Run, which forgets it.
func (f *follower) end(ctx context.Context) {
	f.file.Close()
	f.caughtOnce.Do(func() { close(f.caughtUp) })
	f.closeHandoff()
	select {
	case f.r.exited <- f:
	case <-ctx.Done():
	}
}

// poll checks the file for truncation and rewrites, then reads to its end.
// Errors are counted and logged; the next wake retries.
func (f *follower) poll(ctx context.Context) bool {
	grew, err := f.pollErr(ctx)
	if err == nil || ctx.Err() != nil {
		f.failing = ""
		return grew
	}
	f.r.t.total.errors.Add(1)
	if msg := err.Error(); msg != f.failing {
		f.failing = msg
		f.r.t.log.Warn("read error", "path", f.where(), "err", err)
	}
	return grew
}

func (f *follower) pollErr(ctx context.Context) (bool, error) {
	// The rotation mark is read before reading: only an end of file seen
	// after the mark proves the old file is finished.
	rotated := f.rotated.Load()
	fi, err := f.file.Stat()
	if err != nil {
		return false, fmt.Errorf("stat %q: %w", f.where(), err)
	}
	size, mod := fi.Size(), fi.ModTime()
	if size != f.lastSize || !mod.Equal(f.lastMod) {
		f.lastSize, f.lastMod = size, mod
		if err := f.checkRewrite(size); err != nil {
			return false, err
		}
	}
	grew, err := f.readToEOF(ctx)
	if errors.Is(err, errRewritten) {
		f.restart("rewritten", f.size())
		var again bool
		again, err = f.readToEOF(ctx)
		grew = grew || again
	}
	if err != nil {
		return grew, err
	}
	f.caughtOnce.Do(func() { close(f.caughtUp) })
	if rotated {
		f.handOver()
	}
	return grew, nil
}

// handOver lets the successor of a rotated file start once the file has
// been read to its end. An unfinished last line is given RotateGrace to be
// completed first: the writer may still be writing it.
func (f *follower) handOver() {
	if f.rotatedAt.IsZero() {
		f.rotatedAt = time.Now()
	}
	// A file that left the patterns hands over when it ends, after its
	// unfinished line: see wait.
	timedOut := !f.leaving.Load() && time.Since(f.rotatedAt) >= f.r.cfg.RotateGrace
	if len(f.head) == 0 && f.over == 0 || timedOut {
		f.closeHandoff()
	}
}

// handoffPending says whether a successor waits for an unfinished line.
func (f *follower) handoffPending() bool {
	if f.rotatedAt.IsZero() {
		return false
	}
	select {
	case <-f.handoff:
		return false
	default:
		return true
	}
}

// checkRewrite restarts the file at 0 when it was truncated or rewritten,
// except for the audit plugin's trim of its closing tag (the file now ends
// inside the tag we consumed last).
func (f *follower) checkRewrite(size int64) error {
	if size < f.pos {
		if start, tail := f.tail(); tail != nil && size >= start {
			f.auditTrim(start)
			return nil
		}
		f.restart("truncated", size)
		return nil
	}
	if f.fp.Len == 0 {
		return nil
	}
	same, err := f.prefixMatchesErr(f.fp)
	if err != nil {
		return err
	}
	if !same {
		f.restart("rewritten", size)
	}
	return nil
}

func (f *follower) restart(why string, size int64) {
	f.r.t.total.truncations.Add(1)
	f.r.t.log.Info("file "+why+", reading from 0", "path", f.where(), "offset", f.pos, "size", size)
	f.rewind(0)
	f.fp = positions.Fingerprint{}
}

// rewind drops what was consumed from off on.
func (f *follower) rewind(off int64) {
	f.pos, f.lineStart, f.over = off, off, 0
	f.head, f.anchor = f.head[:0], nil
	f.offset.Store(min(f.offset.Load(), off))
}

// readToEOF reads and emits every complete line available.
func (f *follower) readToEOF(ctx context.Context) (bool, error) {
	grew := false
	for {
		from, chunk, err := f.read()
		if len(chunk) > 0 {
			// Checked after the read: a rewrite that happened before it
			// shows in the first bytes, and then chunk is not ours.
			if same, verr := f.prefixMatchesErr(f.fp); verr != nil || !same {
				return grew, cmp.Or(verr, errRewritten)
			}
			grew = true
			if cerr := f.consume(ctx, chunk); cerr != nil {
				return grew, cerr
			}
		}
		switch {
		case err == nil: // the buffer was filled: there may be more
		case errors.Is(err, io.EOF):
			return grew, nil
		default:
			return grew, fmt.Errorf("read %q at %d: %w", f.where(), from, err)
		}
	}
}

// read returns the next bytes at f.pos. While the consumed tail may be an
// audit tag, the read starts at the tag so that the same read proves it is
// still there; if it is not, the plugin removed it and appended: reading
// goes on from where the tag began.
func (f *follower) read() (int64, []byte, error) {
	start, tail := f.tail()
	if tail == nil {
		n, err := f.file.ReadAt(f.buf, f.pos)
		return f.pos, f.buf[:n], err
	}
	n, err := f.file.ReadAt(f.buf, start)
	chunk := f.buf[:n]
	if k := int(f.pos - start); n >= k && bytes.Equal(chunk[:k], tail) {
		return start, chunk[k:], err
	}
	f.auditTrim(start)
	return start, chunk, err
}

// consume splits chunk (the bytes at f.pos) into lines.
func (f *follower) consume(ctx context.Context, chunk []byte) error {
	for len(chunk) > 0 {
		i := bytes.IndexByte(chunk, '\n')
		if i < 0 {
			f.appendHead(chunk)
			f.pos += int64(len(chunk))
			return nil
		}
		f.appendHead(chunk[:i])
		f.pos += int64(i + 1)
		if err := f.emit(ctx, f.pos); err != nil {
			return err
		}
		chunk = chunk[i+1:]
	}
	return nil
}

// appendHead keeps at most MaxLine bytes of the unfinished line.
func (f *follower) appendHead(b []byte) {
	room := f.r.cfg.MaxLine - len(f.head)
	if room > len(b) {
		room = len(b)
	}
	if room > 0 {
		f.head = append(f.head, b[:room]...)
	}
	f.over += int64(len(b) - max(room, 0))
}

// emit sends the assembled line ending at end, blocking on a full channel.
func (f *follower) emit(ctx context.Context, end int64) error {
	if err := f.extendFingerprint(end); err != nil {
		return err
	}
	l := Line{
		Path: f.path, Pattern: f.pattern, ID: f.id, Fingerprint: f.fp,
		Text: string(f.head), Start: f.lineStart, End: end, Truncated: f.over > 0,
	}
	if l.Truncated {
		f.noteTruncated(l)
	}
	f.setAnchor(l)
	f.head, f.over, f.lineStart = f.head[:0], 0, end
	select {
	case f.r.out <- l:
	case <-ctx.Done():
		return ctx.Err()
	}
	f.lines.Add(1)
	f.r.t.total.lines.Add(1)
	f.offset.Store(end)
	return nil
}

func (f *follower) noteTruncated(l Line) {
	f.truncated.Add(1)
	f.r.t.total.truncated.Add(1)
	f.r.t.total.skipped.Add(f.over)
	f.r.t.log.Warn("line longer than the maximum, cut", "path", f.where(),
		"offset", l.Start, "length", int64(len(l.Text))+f.over, "max", f.r.cfg.MaxLine)
}

// emitPartial emits an unfinished last line of a file that went away.
func (f *follower) emitPartial(ctx context.Context) {
	if len(f.head) == 0 && f.over == 0 {
		return
	}
	_ = f.emit(ctx, f.pos) // a cancelled context only means we stop
}
