package alertfile

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/gossec/gossec/internal/alert"
)

// Config selects the files to write.
type Config struct {
	Dir        string // HOME/logs: alerts/ and archives/ are created under it
	AlertsLog  bool   // alerts.log (<alerts_log>, default on in ossec.conf)
	AlertsJSON bool   // alerts.json (<jsonout_output>)
	LogAll     bool   // archives.log (<logall>)
	LogAllJSON bool   // archives.json (<logall_json>)
	// Clock decides the day of the files and stamps alerts that have no
	// time. Nil means time.Now; the day is taken in the clock's location.
	Clock func() time.Time
	// OnRepair is told when a file is opened with a torn last record (a
	// crash in the middle of a write): cut bytes were removed so that the
	// next record starts on its own line. May be nil.
	OnRepair func(path string, cut int64)

	// openFile opens a dated file; tests replace it to inject failures.
	openFile func(path string) (file, error)
}

// file is what a stream needs of its *os.File; tests inject failing ones.
type file interface {
	Write(b []byte) (int, error)
	ReadAt(b []byte, off int64) (int, error)
	Truncate(size int64) error
	Sync() error
	Stat() (os.FileInfo, error)
	Close() error
}

func openOSFile(path string) (file, error) {
	// Read access is for the repair of a torn tail at open.
	return os.OpenFile(path, os.O_RDWR|os.O_APPEND|os.O_CREATE, fileMode)
}

// Directory and file modes analysisd ends up with under its umask 0027.
const (
	dirMode  = 0o770
	fileMode = 0o640
)

// The four files, in a fixed order so that Flush and Close are
// deterministic.
const (
	alertsLog = iota
	alertsJSON
	archivesLog
	archivesJSON
	nStreams
)

// ErrNoRule is returned by WriteAlert for an alert without a rule: only
// archives carry rule-less events.
var ErrNoRule = errors.New("alert has no rule")

// Writer appends alerts and archives to the day's files. It is not safe
// for concurrent use: the analyzer goroutine owns it.
type Writer struct {
	dir     string
	clock   func() time.Time
	streams [nStreams]*stream
	day     dayKey
	// lastOffset is the offset of the last alert written (analysisd's
	// __crt_ftell); archives.json ids reuse it.
	lastOffset int64
	// seq numbers the records: the same number in both files of a pair,
	// so that a pair cut back after a full disk keeps the same records.
	seq    uint64
	buf    []byte
	closed bool
}

type dayKey struct {
	year  int
	month time.Month
	day   int
}

func dayOf(t time.Time) dayKey {
	y, m, d := t.Date()
	return dayKey{y, m, d}
}

// Open creates the directories it needs and opens today's files,
// appending to them when they exist (a restart on the same day).
func Open(cfg Config) (*Writer, error) {
	if cfg.Dir == "" {
		return nil, errors.New("alertfile: empty log directory")
	}
	w := &Writer{dir: cfg.Dir, clock: cfg.Clock}
	if w.clock == nil {
		w.clock = time.Now
	}
	if cfg.openFile == nil {
		cfg.openFile = openOSFile
	}
	enabled := [nStreams]bool{cfg.AlertsLog, cfg.AlertsJSON, cfg.LogAll, cfg.LogAllJSON}
	for i, on := range enabled {
		if on {
			s := newStream(cfg.Dir, i)
			s.openFile, s.onRepair = cfg.openFile, cfg.OnRepair
			w.streams[i] = s
		}
	}
	if err := w.openDay(dayOf(w.clock())); err != nil {
		w.closeFiles()
		return nil, err
	}
	return w, nil
}

// WriteAlert assigns a.ID ("<sec>.<offset>") and appends the alert to
// alerts.log and/or alerts.json. An alert with a zero Time is stamped with
// the clock first.
//
// Records are kept in memory and written to the files by Flush, or when
// more than maxPending bytes wait (one write(2) per file for many
// records instead of one per record). The id's offset counts the records
// still in memory, so ids are the ones immediate writes would give.
//
// The write is all or nothing: when one file refuses the record (ENOSPC,
// EIO, while writing what waited), the record is taken out of both and
// the error returned, so a retry writes the record once, whole, with the
// same id.
func (w *Writer) WriteAlert(a *alert.Alert) error {
	if err := w.prepare(a); err != nil {
		return err
	}
	if a.Rule == nil {
		return fmt.Errorf("alertfile: write alert for %q: %w", a.Event.Location, ErrNoRule)
	}
	// The id is set even when the write fails: the daemon hands the alert
	// to its other outputs anyway, and a retry gets the same one.
	w.lastOffset = w.alertOffset()
	a.ID = formatID(a.Time, w.lastOffset)
	if err := w.writeFull(alertsLog, alertsJSON); err != nil {
		return err
	}
	w.seq++
	tx := txn{seq: w.seq}
	if s := w.streams[alertsLog]; s != nil {
		w.buf = alert.AppendLog(w.buf[:0], a)
		if err := tx.write(s, w.buf); err != nil {
			return err
		}
	}
	if s := w.streams[alertsJSON]; s != nil {
		w.buf = append(alert.AppendJSON(w.buf[:0], a), '\n')
		if err := tx.write(s, w.buf); err != nil {
			return err
		}
	}
	return nil
}

// WriteArchive appends the event of a to archives.log (one line:
// "YYYY Mon DD HH:MM:SS host->location full_log") and/or archives.json
// (the alerts.json object of a, with the rule when a carries one). Pass
// every analysed event here, with its alert's rule when it fired one, as
// analysisd's logall does. a.ID is left unchanged. Like WriteAlert, it
// writes to both files or to neither.
func (w *Writer) WriteArchive(a *alert.Alert) error {
	if err := w.prepare(a); err != nil {
		return err
	}
	if err := w.writeFull(archivesLog, archivesJSON); err != nil {
		return err
	}
	w.seq++
	tx := txn{seq: w.seq}
	if s := w.streams[archivesLog]; s != nil && !isKeepalive(a.Event.Location) {
		w.buf = appendArchiveLine(w.buf[:0], a)
		if err := tx.write(s, w.buf); err != nil {
			return err
		}
	}
	if s := w.streams[archivesJSON]; s != nil {
		// analysisd prints the shared __crt_ftell here: the event's second
		// and the offset of the last alert written, whatever alert it was.
		saved := a.ID
		a.ID = formatID(a.Time, w.lastOffset)
		w.buf = append(alert.AppendJSON(w.buf[:0], a), '\n')
		a.ID = saved
		if err := tx.write(s, w.buf); err != nil {
			return err
		}
	}
	return nil
}

// writeFull writes out the records waiting in memory for the pair of
// streams i and j when either holds more than maxPending bytes, or keeps
// more than maxUnsynced bytes for rewriting (then it fsyncs too).
func (w *Writer) writeFull(i, j int) error {
	full, syncFull := false, false
	for _, s := range []*stream{w.streams[i], w.streams[j]} {
		if s != nil {
			full = full || s.failing || s.suspect || len(s.unsynced)-s.written > maxPending
			syncFull = syncFull || len(s.unsynced) > maxUnsynced-maxRecord
		}
	}
	if !full && !syncFull {
		return nil
	}
	if err := w.writePair(w.streams[i], w.streams[j]); err != nil {
		return err
	}
	if syncFull {
		for _, s := range []*stream{w.streams[i], w.streams[j]} {
			if s == nil {
				continue
			}
			if err := s.sync(); err != nil {
				return err
			}
		}
	}
	return nil
}

// writePair writes what waits in memory for a and b (either may be nil).
// When a file refuses the batch (a full disk), as many whole records as
// fit are written one by one, so the disk is used up to its last record;
// then the other file of the pair is cut back to the records both hold,
// and the error returned: the files of a pair hold the same records.
func (w *Writer) writePair(a, b *stream) error {
	err := w.writePairOnce(a, b)
	for _, s := range []*stream{a, b} {
		if s != nil {
			s.failing = err != nil
		}
	}
	return err
}

func (w *Writer) writePairOnce(a, b *stream) error {
	var markA int
	if a != nil {
		markA = a.written
		if err := a.writePending(); err != nil {
			a.writeEach(^uint64(0))
			if b != nil {
				upTo := a.lastWritten()
				if b.writeBatch(upTo) != nil {
					b.writeEach(upTo)
				}
				a.unwrite(max(markA, a.boundary(b.lastWritten())))
			}
			return err
		}
	}
	if b != nil {
		if err := b.writePending(); err != nil {
			b.writeEach(^uint64(0))
			if a != nil {
				a.unwrite(max(markA, a.boundary(b.lastWritten())))
			}
			return err
		}
	}
	return nil
}

// txn is one record written to up to two streams: when the second
// refuses it, the first is cut back, so a record is in both or in none.
type txn struct {
	seq   uint64
	done  *stream
	start int64
}

func (t *txn) write(s *stream, b []byte) error {
	start := s.size
	if err := s.write(b, t.seq); err != nil {
		if t.done != nil {
			t.done.rollback(t.start)
		}
		return err
	}
	t.done, t.start = s, start
	return nil
}

// Flush writes the records waiting in memory and makes everything written
// so far durable (fsync). When an fsync
// fails, the records written since the last good one are kept in memory
// and written again before the next fsync (the kernel may have dropped
// the pages it could not write back, and a second fsync would not say so):
// a Flush that returns nil means every record so far is on disk.
func (w *Writer) Flush() error {
	var errs []error
	for _, p := range [][2]int{{alertsLog, alertsJSON}, {archivesLog, archivesJSON}} {
		a, b := w.streams[p[0]], w.streams[p[1]]
		if err := w.writePair(a, b); err != nil {
			// The whole records both files took are made durable, so
			// that Durable moves past them; sync would write a's
			// refused part alone.
			errs = append(errs, err)
			for _, s := range []*stream{a, b} {
				if s != nil {
					s.syncWritten()
				}
			}
			continue
		}
		for _, s := range []*stream{a, b} {
			if s != nil {
				errs = append(errs, s.sync())
			}
		}
	}
	return errors.Join(errs...)
}

// Push writes the records waiting in memory to the files, without an
// fsync. The daemon calls it when it has no more events queued, so that
// alerts reach the files within moments when events are few, and in
// batches of up to maxPending when many wait. On an error the records stay
// in memory, and the next write or Flush reports it again.
func (w *Writer) Push() error {
	return errors.Join(
		w.writePair(w.streams[alertsLog], w.streams[alertsJSON]),
		w.writePair(w.streams[archivesLog], w.streams[archivesJSON]))
}

// Seq is the number of the last record accepted by WriteAlert or
// WriteArchive (0 before the first); numbers only grow.
func (w *Writer) Seq() uint64 { return w.seq }

// Durable is the number up to which every record is on disk (fsynced) in
// every file: after a Flush that failed part way (a full disk), the
// records before the first one a file refused. The daemon commits the
// positions of those lines and no others.
func (w *Writer) Durable() uint64 {
	d := w.seq
	for _, s := range w.streams {
		if s != nil && len(s.recs) > 0 {
			d = min(d, s.recs[0].seq-1)
		}
	}
	return d
}

// Close flushes and closes the files. The hard links stay in place.
func (w *Writer) Close() error {
	if w.closed {
		return nil
	}
	w.closed = true
	err := w.Flush()
	return errors.Join(err, w.closeFiles())
}

func (w *Writer) closeFiles() error {
	var errs []error
	for _, s := range w.streams {
		if s != nil && s.f != nil {
			errs = append(errs, s.f.Close())
			s.f = nil
			s.unsynced, s.recs, s.written = nil, nil, 0
		}
	}
	return errors.Join(errs...)
}

// prepare stamps a zero time and switches files when the day changed.
func (w *Writer) prepare(a *alert.Alert) error {
	if w.closed {
		return errors.New("alertfile: writer is closed")
	}
	if a.Event == nil {
		return errors.New("alertfile: alert without event")
	}
	now := w.clock()
	if a.Time.IsZero() {
		a.Time = now
	}
	if d := dayOf(now); d != w.day {
		return w.openDay(d)
	}
	return nil
}

// alertOffset is the size of alerts.log, else of alerts.json; with both
// off analysisd's offset never moves.
func (w *Writer) alertOffset() int64 {
	if s := w.streams[alertsLog]; s != nil {
		return s.size
	}
	if s := w.streams[alertsJSON]; s != nil {
		return s.size
	}
	return w.lastOffset
}

// openDay moves every stream to the dated files of d.
func (w *Writer) openDay(d dayKey) error {
	// The records waiting in memory go to the files of their day, a pair
	// at a time, before any file is closed.
	if err := w.writePair(w.streams[alertsLog], w.streams[alertsJSON]); err != nil {
		return err
	}
	if err := w.writePair(w.streams[archivesLog], w.streams[archivesJSON]); err != nil {
		return err
	}
	for _, s := range w.streams {
		if s == nil {
			continue
		}
		if err := s.open(d); err != nil {
			return err
		}
	}
	w.day = d
	return nil
}

func formatID(t time.Time, off int64) string {
	var b [40]byte
	n := strconv.AppendInt(b[:0], t.Unix(), 10)
	n = append(n, '.')
	n = strconv.AppendInt(n, off, 10)
	return string(n)
}

// isKeepalive mirrors OS_Store, which never archives agent keepalives.
func isKeepalive(loc string) bool {
	return loc == "ossec-keepalive" || strings.Contains(loc, "->ossec-keepalive")
}

// appendArchiveLine renders OS_Store's line. Agent locations start with
// "(name) ip->"; only local events get the "hostname->" prefix.
func appendArchiveLine(b []byte, a *alert.Alert) []byte {
	ev := a.Event
	b = a.Time.AppendFormat(b, "2006 Jan 02 15:04:05 ")
	if !strings.HasPrefix(ev.Location, "(") {
		b = alert.AppendOneLine(b, ev.Hostname)
		b = append(b, "->"...)
	}
	b = alert.AppendOneLine(b, ev.Location)
	b = append(b, ' ')
	// One event, one line: control bytes of the log are escaped
	// (alert.AppendOneLine), so a log cannot add archive lines.
	b = alert.AppendOneLine(b, ev.FullLog)
	return append(b, '\n')
}

// stream is one of the four files: the open dated file plus its short
// hard-linked name.
//
// size counts the synced bytes (on disk for sure) followed by unsynced,
// the records accepted since the last good fsync; the file holds the
// synced bytes and the first written bytes of unsynced, the rest waits in
// memory for writePending. When a write or an fsync fails in a way that
// may leave the file different from that (a partial write whose cut
// failed, an fsync error), suspect is set and the next write or sync
// first restores the file: truncate to synced, write unsynced again.
type stream struct {
	base     string // HOME/logs/alerts or HOME/logs/archives
	tag      string // "alerts" or "archive" in ossec-<tag>-DD.<ext>
	ext      string // "log" or "json"
	term     string // what ends a record: "\n", or "\n\n" for alerts.log
	link     string // HOME/logs/alerts/alerts.log, ...
	path     string // the dated file currently open
	f        file
	size     int64
	synced   int64
	unsynced []byte
	recs     []rec // the records of unsynced
	written  int   // bytes of unsynced that are in the file, whole records
	dirty    bool
	suspect  bool
	// failing is set while the pair refuses writes: every record is then
	// written at once, so that the error keeps being returned (and the
	// caller keeps retrying) until the disk takes records again.
	failing bool

	openFile func(path string) (file, error)
	onRepair func(path string, cut int64)
}

// rec is one record of a stream's unsynced bytes: its sequence number
// and where it ends.
type rec struct {
	seq uint64
	end int
}

// maxUnsynced bounds the records a stream keeps for rewriting: past it, a
// write first fsyncs, so a failing disk stops the writer instead of
// growing memory.
const maxUnsynced = 4 << 20

// maxPending bounds the records a stream holds in memory before they are
// written to the file (Flush writes them otherwise).
//
// Small: a write refused by a full disk is seen within a few records, so
// that the daemon stops taking events (and sending their alerts to the
// other outputs) soon after the disk fills up, as with one write per
// record; each write still carries tens of records.
const maxPending = 16 << 10

// maxRecord is the room kept under maxUnsynced for the next record: a
// record larger than that may go over the bound once.
const maxRecord = 64 << 10

// repairWindow is how far back from the end a torn tail is looked for.
const repairWindow = 1 << 20

func newStream(dir string, kind int) *stream {
	s := &stream{ext: "log", term: "\n"}
	if kind == alertsJSON || kind == archivesJSON {
		s.ext = "json"
	}
	if kind == alertsLog || kind == alertsJSON {
		s.base, s.tag = filepath.Join(dir, "alerts"), "alerts"
		s.link = filepath.Join(s.base, "alerts."+s.ext)
	} else {
		s.base, s.tag = filepath.Join(dir, "archives"), "archive"
		s.link = filepath.Join(s.base, "archives."+s.ext)
	}
	if kind == alertsLog {
		s.term = "\n\n" // blocks end with a blank line
	}
	return s
}

// datedPath is base/YYYY/Mon/ossec-<tag>-DD.<ext>.
func (s *stream) datedPath(d dayKey) string {
	name := fmt.Sprintf("ossec-%s-%02d.%s", s.tag, d.day, s.ext)
	return filepath.Join(s.base, strconv.Itoa(d.year), d.month.String()[:3], name)
}

// open closes the current dated file (removing it when nothing was ever
// written to it, as analysisd does), opens the one of d for appending,
// cuts a torn last record off and points the short name at it.
func (s *stream) open(d dayKey) error {
	if err := s.closeOld(); err != nil {
		return err
	}
	path := s.datedPath(d)
	if err := os.MkdirAll(filepath.Dir(path), dirMode); err != nil {
		return fmt.Errorf("alertfile: create %q: %w", filepath.Dir(path), err)
	}
	f, err := s.openFile(path)
	if err != nil {
		return fmt.Errorf("alertfile: open %q: %w", path, err)
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return fmt.Errorf("alertfile: stat %q: %w", path, err)
	}
	size, err := s.repair(f, path, st.Size())
	if err != nil {
		f.Close()
		return err
	}
	s.f, s.path, s.size, s.synced, s.dirty, s.suspect = f, path, size, size, false, false
	s.unsynced, s.recs, s.written = s.unsynced[:0], s.recs[:0], 0
	return s.relink()
}

// repair makes a file that does not end with a whole record (a crash in
// the middle of a write) end with one: the partial record is cut off, its
// line was never committed and will be read again. When no record end is
// found in the last repairWindow bytes, the end is written instead, so
// the next record at least starts on its own line.
func (s *stream) repair(f file, path string, size int64) (int64, error) {
	if size == 0 {
		return 0, nil
	}
	n := min(size, repairWindow)
	tail := make([]byte, n)
	if _, err := f.ReadAt(tail, size-n); err != nil {
		return 0, fmt.Errorf("alertfile: read tail of %q: %w", path, err)
	}
	if strings.HasSuffix(string(tail), s.term) {
		return size, nil
	}
	i := strings.LastIndex(string(tail), s.term)
	if i < 0 && size > n {
		if _, err := f.Write([]byte(s.term)); err != nil {
			return 0, fmt.Errorf("alertfile: end torn record of %q: %w", path, err)
		}
		if s.onRepair != nil {
			s.onRepair(path, 0)
		}
		return size + int64(len(s.term)), nil
	}
	keep := int64(0) // no record end at all: the whole file is one torn record
	if i >= 0 {
		keep = size - n + int64(i+len(s.term))
	}
	if err := f.Truncate(keep); err != nil {
		return 0, fmt.Errorf("alertfile: cut torn record of %q: %w", path, err)
	}
	if s.onRepair != nil {
		s.onRepair(path, size-keep)
	}
	return keep, nil
}

func (s *stream) closeOld() error {
	if s.f == nil {
		return nil
	}
	if err := s.sync(); err != nil {
		// Kept open: the records not yet on disk can still be written.
		return fmt.Errorf("alertfile: close %q: %w", s.path, err)
	}
	err := s.f.Close()
	s.f = nil
	if s.size == 0 {
		// An empty day leaves no file behind.
		os.Remove(s.path)
	}
	if err != nil {
		return fmt.Errorf("alertfile: close %q: %w", s.path, err)
	}
	return nil
}

// relink replaces the short name by a hard link to the dated file.
func (s *stream) relink() error {
	if err := os.Remove(s.link); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("alertfile: unlink %q: %w", s.link, err)
	}
	if err := os.Link(s.path, s.link); err != nil {
		return fmt.Errorf("alertfile: link %q to %q: %w", s.link, s.path, err)
	}
	return nil
}

// write accepts one whole record: it waits in memory for writePending
// (Writer.writeFull made room before).
func (s *stream) write(b []byte, seq uint64) error {
	if s.f == nil {
		return fmt.Errorf("alertfile: write %q: file not open", s.path)
	}
	s.size += int64(len(b))
	s.unsynced = append(s.unsynced, b...)
	s.recs = append(s.recs, rec{seq, len(s.unsynced)})
	s.dirty = true
	return nil
}

// writePending writes the records waiting in memory with a single write
// call. A write that fails part way is cut back, so the file never holds
// part of a record that the next one would be glued to; the records stay
// in memory for the next try.
func (s *stream) writePending() error {
	if s.f == nil {
		return nil
	}
	if s.suspect {
		return s.restore()
	}
	if s.written == len(s.unsynced) {
		return nil
	}
	n, err := s.f.Write(s.unsynced[s.written:])
	if err != nil {
		if n > 0 {
			s.cut(s.synced + int64(s.written))
		}
		return fmt.Errorf("alertfile: write %q: %w", s.path, err)
	}
	s.written = len(s.unsynced)
	return nil
}

// writeBatch writes the waiting records numbered up to upTo in one call.
func (s *stream) writeBatch(upTo uint64) error {
	if s.suspect {
		return s.restore()
	}
	end := s.boundary(upTo)
	if end <= s.written {
		return nil
	}
	n, err := s.f.Write(s.unsynced[s.written:end])
	if err != nil {
		if n > 0 {
			s.cut(s.synced + int64(s.written))
		}
		return fmt.Errorf("alertfile: write %q: %w", s.path, err)
	}
	s.written = end
	return nil
}

// writeEach writes the waiting records numbered up to upTo one write call
// each, until one is refused (cut back when partly written).
func (s *stream) writeEach(upTo uint64) {
	if s.suspect {
		return
	}
	for _, r := range s.recs {
		if r.end <= s.written {
			continue
		}
		if r.seq > upTo {
			return
		}
		n, err := s.f.Write(s.unsynced[s.written:r.end])
		if err != nil {
			if n > 0 {
				s.cut(s.synced + int64(s.written))
			}
			return
		}
		s.written = r.end
	}
}

// lastWritten is the number of the last record in the file among those
// since the last fsync (0 when none).
func (s *stream) lastWritten() uint64 {
	var seq uint64
	for _, r := range s.recs {
		if r.end > s.written {
			break
		}
		seq = r.seq
	}
	return seq
}

// boundary is the end in unsynced of the last record numbered up to upTo.
func (s *stream) boundary(upTo uint64) int {
	end := 0
	for _, r := range s.recs {
		if r.seq > upTo {
			break
		}
		end = r.end
	}
	return end
}

// syncWritten fsyncs the whole records already in the file (after a
// refused batch) and drops them from the bytes kept for rewriting.
func (s *stream) syncWritten() {
	if s.f == nil || s.suspect || s.written == 0 {
		return
	}
	if err := s.f.Sync(); err != nil {
		s.suspect = true
		return
	}
	n := s.written
	s.synced += int64(n)
	s.unsynced = s.unsynced[:copy(s.unsynced, s.unsynced[n:])]
	k := 0
	for _, r := range s.recs {
		if r.end > n {
			s.recs[k] = rec{r.seq, r.end - n}
			k++
		}
	}
	s.recs = s.recs[:k]
	s.written = 0
}

// unwrite cuts the file back to the first written bytes of unsynced (what
// writePending wrote, refused by the other file of the pair); the records
// stay in memory.
func (s *stream) unwrite(written int) {
	if written >= s.written {
		return
	}
	s.written = written
	s.cut(s.synced + int64(written))
}

// rollback removes what was accepted after size (a record the other file
// of the pair refused).
func (s *stream) rollback(size int64) {
	if size < s.synced || size > s.size {
		return
	}
	s.unsynced = s.unsynced[:len(s.unsynced)-int(s.size-size)]
	for len(s.recs) > 0 && s.recs[len(s.recs)-1].end > len(s.unsynced) {
		s.recs = s.recs[:len(s.recs)-1]
	}
	s.size = size
	if s.written > len(s.unsynced) {
		s.written = len(s.unsynced)
		s.cut(size)
	}
}

// cut truncates the file to size; when that fails the file is suspect and
// restored before anything else is written.
func (s *stream) cut(size int64) {
	if err := s.f.Truncate(size); err != nil {
		s.suspect = true
	}
}

// restore makes the file hold exactly synced + unsynced again.
func (s *stream) restore() error {
	if err := s.f.Truncate(s.synced); err != nil {
		return fmt.Errorf("alertfile: restore %q: %w", s.path, err)
	}
	s.written = 0
	if len(s.unsynced) > 0 {
		if _, err := s.f.Write(s.unsynced); err != nil {
			s.f.Truncate(s.synced)
			return fmt.Errorf("alertfile: restore %q: %w", s.path, err)
		}
	}
	s.written = len(s.unsynced)
	s.suspect = false
	return nil
}

func (s *stream) sync() error {
	if s.f == nil || !s.dirty && !s.suspect {
		return nil
	}
	if err := s.writePending(); err != nil {
		return err
	}
	if err := s.f.Sync(); err != nil {
		// The kernel may have dropped the pages it failed to write: write
		// them again before the next fsync.
		s.suspect = true
		return fmt.Errorf("alertfile: sync %q: %w", s.path, err)
	}
	s.synced = s.size
	s.unsynced, s.recs, s.written = s.unsynced[:0], s.recs[:0], 0
	s.dirty = false
	return nil
}
