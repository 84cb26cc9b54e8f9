package positions

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"sync"
	"time"
)

// FileID identifies a file independently of its name: device and inode.
type FileID struct {
	Dev uint64 `json:"dev"`
	Ino uint64 `json:"ino"`
}

// String renders the identity as "dev:ino".
func (id FileID) String() string {
	return strconv.FormatUint(id.Dev, 10) + ":" + strconv.FormatUint(id.Ino, 10)
}

// Fingerprint is a hash of the first Len bytes of a file. It tells a file
// apart from a later one that reuses its inode. Len may be smaller than the
// reader's maximum when the file was short; comparing hashes the same number
// of bytes of the candidate file.
type Fingerprint struct {
	Len    int    `json:"len"`
	SHA256 string `json:"sha256"`
}

// Entry is what is known about one file.
type Entry struct {
	Path        string      `json:"path"`
	Offset      int64       `json:"offset"`
	Fingerprint Fingerprint `json:"fingerprint"`
	Updated     time.Time   `json:"updated"`
}

// Options tune Open.
type Options struct {
	// IgnoreCorrupt starts with an empty store when the file cannot be
	// parsed, instead of failing. The unreadable file is renamed to
	// path+".corrupt" (path+".corrupt.1", ".2", ... when older copies are
	// there: none is ever overwritten) so that it is kept for inspection;
	// Store.SetAside tells the caller where.
	IgnoreCorrupt bool
	// Logger receives the warning about a corrupt file; nil discards it.
	Logger *slog.Logger
}

// ErrCorrupt is wrapped by the error Open returns for an unparsable file.
var ErrCorrupt = errors.New("corrupt positions file")

const formatVersion = 1

// fileFormat is the JSON document on disk.
type fileFormat struct {
	Version int         `json:"version"`
	Files   []fileEntry `json:"files"`
	// Patterns are the patterns followed since (see MarkFollowed). Older
	// readers ignore the field; a store written by one simply has none.
	Patterns map[string]time.Time `json:"patterns,omitempty"`
}

type fileEntry struct {
	FileID
	Entry
}

// Store is the in-memory map plus the file it is flushed to.
type Store struct {
	path string

	mu      sync.Mutex
	entries map[FileID]Entry
	gen     uint64 // bumped by every change
	flushed uint64 // gen of the last successful flush
	// patterns (under mu) maps a followed pattern to when it was first
	// followed.
	patterns map[string]time.Time

	flushMu sync.Mutex // serialises Flush so an older snapshot never lands last

	// rename is os.Rename; tests inject failures through it.
	rename func(oldpath, newpath string) error

	// asideTo and asideCause say where a corrupt file was set aside by
	// OpenWith, and why ("" and nil when it was not).
	asideTo    string
	asideCause error
}

// Open loads the store at path. A missing file is an empty store; a corrupt
// one is an error naming the file.
func Open(path string) (*Store, error) {
	return OpenWith(path, Options{})
}

// OpenWith is Open with options.
func OpenWith(path string, opts Options) (*Store, error) {
	s := &Store{path: path, entries: map[FileID]Entry{}, rename: os.Rename}
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return s, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read positions %q: %w", path, err)
	}
	if err := s.decode(data); err != nil {
		err = fmt.Errorf("%w %q: %w", ErrCorrupt, path, err)
		if !opts.IgnoreCorrupt {
			return nil, err
		}
		return s, s.setAside(err, opts.Logger)
	}
	return s, nil
}

// maxAside bounds the corrupt copies kept side by side; past it, opening
// fails rather than overwrite one.
const maxAside = 1000

// setAside keeps a corrupt file for inspection and starts empty. Every
// corrupt copy is kept: each goes to the first free name of path.corrupt,
// path.corrupt.1, path.corrupt.2, ... A hard link claims the name (it
// fails when the name is taken, where a rename would overwrite); where
// links are not supported a rename to a name checked free is used.
func (s *Store) setAside(cause error, log *slog.Logger) error {
	var aside string
	for i := 0; ; i++ {
		if i == maxAside {
			return fmt.Errorf("set aside corrupt positions %q: %d corrupt copies are already kept next to it", s.path, maxAside)
		}
		aside = s.path + ".corrupt"
		if i > 0 {
			aside += "." + strconv.Itoa(i)
		}
		err := os.Link(s.path, aside)
		if err == nil {
			if err := os.Remove(s.path); err != nil {
				return fmt.Errorf("set aside corrupt positions %q: %w", s.path, err)
			}
			break
		}
		if errors.Is(err, os.ErrExist) {
			continue
		}
		if _, serr := os.Lstat(aside); serr == nil {
			continue
		}
		if err := os.Rename(s.path, aside); err != nil {
			return fmt.Errorf("set aside corrupt positions %q: %w", s.path, err)
		}
		break
	}
	if log != nil {
		log.Warn("positions file corrupt, starting empty", "err", cause, "kept", aside)
	}
	s.entries = map[FileID]Entry{}
	s.gen = 1 // the file is gone: the next Flush must write one
	s.asideTo, s.asideCause = aside, cause
	return nil
}

// SetAside reports the copy OpenWith kept of a corrupt positions file and
// why it could not be read; kept is "" when the file was read.
func (s *Store) SetAside() (kept string, cause error) { return s.asideTo, s.asideCause }

func (s *Store) decode(data []byte) error {
	var doc fileFormat
	if err := json.Unmarshal(data, &doc); err != nil {
		return err
	}
	if doc.Version != formatVersion {
		return fmt.Errorf("unsupported version %d (want %d)", doc.Version, formatVersion)
	}
	for _, fe := range doc.Files {
		if fe.Offset < 0 || fe.Fingerprint.Len < 0 {
			return fmt.Errorf("negative offset or fingerprint length for file %s (%q)", fe.FileID, fe.Path)
		}
		s.entries[fe.FileID] = fe.Entry
	}
	if len(doc.Patterns) > 0 {
		s.patterns = doc.Patterns
	}
	return nil
}

// Path is the file the store flushes to.
func (s *Store) Path() string { return s.path }

// Get returns the entry of id.
func (s *Store) Get(id FileID) (Entry, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.entries[id]
	return e, ok
}

// Set records e for id in memory; Flush makes it durable.
func (s *Store) Set(id FileID, e Entry) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.entries[id] = e
	s.gen++
}

// Followed says whether pattern was marked followed (MarkFollowed) in this
// store, and since when.
func (s *Store) Followed(pattern string) (time.Time, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	since, ok := s.patterns[pattern]
	return since, ok
}

// MarkFollowed records, in memory, that pattern is followed from now on;
// Flush makes it durable. A reader uses it to tell the files that existed
// before a pattern was first followed (only future events: skipped) from
// the ones created since, even those it has no position for because it
// stopped before committing any. Marking a marked pattern does nothing.
func (s *Store) MarkFollowed(pattern string, now time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.patterns[pattern]; ok {
		return
	}
	if s.patterns == nil {
		s.patterns = map[string]time.Time{}
	}
	s.patterns[pattern] = now
	s.gen++
}

// Delete removes the entry of id if it exists and drop(entry) is true; it
// reports whether it did. drop runs with the store locked: it must not
// call back into the store.
func (s *Store) Delete(id FileID, drop func(Entry) bool) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.entries[id]
	if !ok || !drop(e) {
		return false
	}
	delete(s.entries, id)
	s.gen++
	return true
}

// Len is the number of entries.
func (s *Store) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.entries)
}

// Snapshot returns a copy of all entries.
func (s *Store) Snapshot() map[FileID]Entry {
	s.mu.Lock()
	defer s.mu.Unlock()
	m := make(map[FileID]Entry, len(s.entries))
	for id, e := range s.entries {
		m[id] = e
	}
	return m
}

// Prune removes every entry for which keep returns false. keep runs with
// the store locked: it must not call back into the store.
func (s *Store) Prune(keep func(FileID, Entry) bool) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for id, e := range s.entries {
		if !keep(id, e) {
			delete(s.entries, id)
			n++
		}
	}
	if n > 0 {
		s.gen++
	}
	return n
}

// snapshot encodes the current state and returns it with its generation.
func (s *Store) snapshot() ([]byte, uint64, error) {
	s.mu.Lock()
	doc := fileFormat{Version: formatVersion, Files: make([]fileEntry, 0, len(s.entries))}
	for id, e := range s.entries {
		doc.Files = append(doc.Files, fileEntry{id, e})
	}
	if len(s.patterns) > 0 {
		doc.Patterns = make(map[string]time.Time, len(s.patterns))
		for p, t := range s.patterns {
			doc.Patterns[p] = t
		}
	}
	gen := s.gen
	s.mu.Unlock()
	// Sorted output keeps the file diffable and the tests deterministic.
	sort.Slice(doc.Files, func(i, j int) bool {
		a, b := doc.Files[i].FileID, doc.Files[j].FileID
		return a.Dev < b.Dev || a.Dev == b.Dev && a.Ino < b.Ino
	})
	data, err := json.MarshalIndent(doc, "", "  ")
	return append(data, '\n'), gen, err
}

// Flush writes the store to its file atomically. It does nothing when
// nothing changed since the last successful flush.
func (s *Store) Flush() error {
	s.flushMu.Lock()
	defer s.flushMu.Unlock()
	s.mu.Lock()
	clean := s.gen == s.flushed
	s.mu.Unlock()
	if clean {
		return nil
	}
	data, gen, err := s.snapshot()
	if err != nil {
		return fmt.Errorf("encode positions %q: %w", s.path, err)
	}
	if err := s.writeAtomic(data); err != nil {
		return err
	}
	s.mu.Lock()
	s.flushed = gen
	s.mu.Unlock()
	return nil
}

// writeAtomic replaces the file by data: temp file, fsync, rename, fsync dir.
func (s *Store) writeAtomic(data []byte) (err error) {
	dir := filepath.Dir(s.path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(s.path)+".tmp*")
	if err != nil {
		return fmt.Errorf("flush positions %q: %w", s.path, err)
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if err = tmp.Chmod(0o600); err != nil {
		return fmt.Errorf("flush positions %q: %w", s.path, err)
	}
	if _, err = tmp.Write(data); err != nil {
		return fmt.Errorf("flush positions %q: %w", s.path, err)
	}
	if err = tmp.Sync(); err != nil {
		return fmt.Errorf("flush positions %q: %w", s.path, err)
	}
	if err = tmp.Close(); err != nil {
		return fmt.Errorf("flush positions %q: %w", s.path, err)
	}
	if err = s.rename(tmp.Name(), s.path); err != nil {
		return fmt.Errorf("flush positions %q: %w", s.path, err)
	}
	return syncDir(dir)
}

// syncDir makes the rename itself durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("sync directory %q: %w", dir, err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("sync directory %q: %w", dir, err)
	}
	return nil
}
