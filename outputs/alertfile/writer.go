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
	buf        []byte
	closed     bool
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
	enabled := [nStreams]bool{cfg.AlertsLog, cfg.AlertsJSON, cfg.LogAll, cfg.LogAllJSON}
	for i, on := range enabled {
		if on {
			w.streams[i] = newStream(cfg.Dir, i)
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
func (w *Writer) WriteAlert(a *alert.Alert) error {
	if err := w.prepare(a); err != nil {
		return err
	}
	if a.Rule == nil {
		return fmt.Errorf("alertfile: write alert for %q: %w", a.Event.Location, ErrNoRule)
	}
	w.lastOffset = w.alertOffset()
	a.ID = formatID(a.Time, w.lastOffset)
	if s := w.streams[alertsLog]; s != nil {
		w.buf = alert.AppendLog(w.buf[:0], a)
		if err := s.write(w.buf); err != nil {
			return err
		}
	}
	if s := w.streams[alertsJSON]; s != nil {
		w.buf = append(alert.AppendJSON(w.buf[:0], a), '\n')
		if err := s.write(w.buf); err != nil {
			return err
		}
	}
	return nil
}

// WriteArchive appends the event of a to archives.log (one line:
// "YYYY Mon DD HH:MM:SS host->location full_log") and/or archives.json
// (the alerts.json object of a, with the rule when a carries one). Pass
// every analysed event here, with its alert's rule when it fired one, as
// analysisd's logall does. a.ID is left unchanged.
func (w *Writer) WriteArchive(a *alert.Alert) error {
	if err := w.prepare(a); err != nil {
		return err
	}
	if s := w.streams[archivesLog]; s != nil && !isKeepalive(a.Event.Location) {
		w.buf = appendArchiveLine(w.buf[:0], a)
		if err := s.write(w.buf); err != nil {
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
		if err := s.write(w.buf); err != nil {
			return err
		}
	}
	return nil
}

// Flush makes everything written so far durable (fsync).
func (w *Writer) Flush() error {
	var errs []error
	for _, s := range w.streams {
		if s != nil {
			errs = append(errs, s.sync())
		}
	}
	return errors.Join(errs...)
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
type stream struct {
	base  string // HOME/logs/alerts or HOME/logs/archives
	tag   string // "alerts" or "archive" in ossec-<tag>-DD.<ext>
	ext   string // "log" or "json"
	link  string // HOME/logs/alerts/alerts.log, ...
	path  string // the dated file currently open
	f     *os.File
	size  int64
	dirty bool
}

func newStream(dir string, kind int) *stream {
	s := &stream{ext: "log"}
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
	return s
}

// datedPath is base/YYYY/Mon/ossec-<tag>-DD.<ext>.
func (s *stream) datedPath(d dayKey) string {
	name := fmt.Sprintf("ossec-%s-%02d.%s", s.tag, d.day, s.ext)
	return filepath.Join(s.base, strconv.Itoa(d.year), d.month.String()[:3], name)
}

// open closes the current dated file (removing it when nothing was ever
// written to it, as analysisd does), opens the one of d for appending and
// points the short name at it.
func (s *stream) open(d dayKey) error {
	if err := s.closeOld(); err != nil {
		return err
	}
	path := s.datedPath(d)
	if err := os.MkdirAll(filepath.Dir(path), dirMode); err != nil {
		return fmt.Errorf("alertfile: create %q: %w", filepath.Dir(path), err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, fileMode)
	if err != nil {
		return fmt.Errorf("alertfile: open %q: %w", path, err)
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return fmt.Errorf("alertfile: stat %q: %w", path, err)
	}
	s.f, s.path, s.size, s.dirty = f, path, st.Size(), false
	return s.relink()
}

func (s *stream) closeOld() error {
	if s.f == nil {
		return nil
	}
	err := s.sync()
	if cerr := s.f.Close(); err == nil {
		err = cerr
	}
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

// write appends b with a single write call.
func (s *stream) write(b []byte) error {
	n, err := s.f.Write(b)
	s.size += int64(n)
	s.dirty = true
	if err != nil {
		return fmt.Errorf("alertfile: write %q: %w", s.path, err)
	}
	return nil
}

func (s *stream) sync() error {
	if s.f == nil || !s.dirty {
		return nil
	}
	if err := s.f.Sync(); err != nil {
		return fmt.Errorf("alertfile: sync %q: %w", s.path, err)
	}
	s.dirty = false
	return nil
}
