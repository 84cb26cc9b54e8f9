package email

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
)

var errSpoolFull = errors.New("mail spool is full")

// spool keeps undelivered messages in order, one JSON file each under dir
// (written to a temporary name, synced, then renamed, so a crash leaves
// either the whole record or none). Without a dir it keeps them in memory.
//
// It is the link between the consumer (put), the sender (first,
// dropFirst) and the disk (writeLoop), so it has its own lock. put only
// appends in memory: the files are written by writeLoop, so a slow disk
// (two fsyncs a mail) never holds up the consumer and its bounded queue.
// A clean stop writes everything (flush); a crash loses the mails not yet
// on disk, the writer's short backlog.
type spool struct {
	dir    string
	max    int                // email_spool_size: memory and disk together
	bad    int                // unreadable records found at open
	signal chan struct{}      // one pending wake-up for the sender
	wsig   chan struct{}      // one pending wake-up for the writer
	wsync  chan chan struct{} // test hook: answered once the writer flushed
	// onWriteErr reports a record that could not be written (the mail
	// stays in memory).
	onWriteErr func(error)

	mu      sync.Mutex
	entries []*spoolEntry
	queued  []*spoolEntry // not yet written
	seq     uint64
	budget  *budgetWrite // latest budget to save, if any
}

type spoolEntry struct {
	name    string // file name; empty in memory mode
	msg     *outMsg
	onDisk  bool // the file exists
	writing bool // the writer is writing it
	gone    bool // delivered or dropped: no file must remain
}

type budgetWrite struct {
	path string
	rec  budgetRecord
}

// openSpool creates dir and loads what a previous process left there,
// oldest first. Unreadable records are renamed *.bad and skipped.
// A spool that holds more than limit at open (the bound was lowered) keeps
// every record; new ones are refused until it is below limit again.
func openSpool(dir string, limit int) (*spool, error) {
	s := &spool{dir: dir, max: limit, signal: make(chan struct{}, 1), wsig: make(chan struct{}, 1),
		wsync: make(chan chan struct{})}
	if dir == "" {
		return s, nil
	}
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("mail spool %q: %w", dir, err)
	}
	names, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil {
		return nil, fmt.Errorf("mail spool %q: %w", dir, err)
	}
	slices.Sort(names) // names start with a zero-padded time and sequence
	for _, n := range names {
		msg, err := readRecord(n)
		if err != nil {
			_ = os.Rename(n, n+".bad")
			s.bad++
			continue
		}
		s.entries = append(s.entries, &spoolEntry{name: n, msg: msg, onDisk: true})
	}
	if len(names) > 0 {
		// Continue numbering after the newest record.
		var t int64
		var q uint64
		if _, err := fmt.Sscanf(filepath.Base(names[len(names)-1]), "%d-%d", &t, &q); err == nil {
			s.seq = q
		}
	}
	return s, nil
}

func readRecord(path string) (*outMsg, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var m outMsg
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, fmt.Errorf("mail spool record %q: %w", path, err)
	}
	if m.From == "" || m.To == "" {
		return nil, fmt.Errorf("mail spool record %q: no sender or recipient", path)
	}
	return &m, nil
}

func (s *spool) len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.entries)
}

// first is the oldest message, if any.
func (s *spool) first() (*outMsg, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.entries) == 0 {
		return nil, false
	}
	return s.entries[0].msg, true
}

// put appends m, wakes the sender and, with a directory, the writer. It
// fails with errSpoolFull when the spool holds max mails (m is not kept).
func (s *spool) put(m *outMsg) error {
	s.mu.Lock()
	if len(s.entries) >= s.max {
		s.mu.Unlock()
		return errSpoolFull
	}
	e := &spoolEntry{msg: m}
	if s.dir != "" {
		s.seq++
		e.name = filepath.Join(s.dir, fmt.Sprintf("%020d-%010d.json", m.Date.UnixNano(), s.seq))
		s.queued = append(s.queued, e)
	}
	s.entries = append(s.entries, e)
	s.mu.Unlock()
	wake(s.signal)
	if s.dir != "" {
		wake(s.wsig)
	}
	return nil
}

// saveBudget has the writer save the hour's budget (the latest value
// wins), so the consumer never waits for the disk.
func (s *spool) saveBudget(path string, rec budgetRecord) {
	s.mu.Lock()
	s.budget = &budgetWrite{path: path, rec: rec}
	s.mu.Unlock()
	wake(s.wsig)
}

func wake(ch chan struct{}) {
	select {
	case ch <- struct{}{}:
	default: // a wake-up is already pending
	}
}

// writeLoop writes queued records until stop is closed, then writes what
// is left and returns.
func (s *spool) writeLoop(stop <-chan struct{}) {
	for {
		select {
		case <-s.wsig:
			s.flush()
		case w := <-s.wsync:
			s.flush()
			close(w)
		case <-stop:
			s.flush()
			return
		}
	}
}

// flush writes every queued record and the budget.
func (s *spool) flush() {
	for {
		s.mu.Lock()
		batch := s.queued
		s.queued = nil
		b := s.budget
		s.budget = nil
		for _, e := range batch {
			e.writing = !e.gone
		}
		s.mu.Unlock()
		if len(batch) == 0 && b == nil {
			return
		}
		if b != nil {
			// A lost write only forgets part of one hour's count.
			_ = writeRecord(b.path, b.rec)
		}
		for _, e := range batch {
			if !e.writing {
				continue // delivered before it reached the disk
			}
			err := writeRecord(e.name, e.msg)
			s.mu.Lock()
			e.writing = false
			e.onDisk = err == nil
			gone := e.gone
			s.mu.Unlock()
			if gone && err == nil {
				_ = os.Remove(e.name)
			}
			if err != nil && s.onWriteErr != nil {
				s.onWriteErr(fmt.Errorf("mail spool record %q: %w", e.name, err))
			}
		}
	}
}

// writeRecord writes v as JSON to name atomically: a temporary file,
// synced, then renamed.
func writeRecord(name string, v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return err
	}
	tmp := strings.TrimSuffix(name, ".json") + ".tmp"
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, name)
	}
	if err != nil {
		_ = os.Remove(tmp)
	}
	return err
}

// dropFirst forgets the oldest message once it was delivered.
func (s *spool) dropFirst() {
	s.mu.Lock()
	e := s.entries[0]
	s.mu.Unlock()
	s.drop(e.msg)
}

// at is the i-th oldest message (0: the oldest), if the spool holds it.
func (s *spool) at(i int) (*outMsg, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if i >= len(s.entries) {
		return nil, false
	}
	return s.entries[i].msg, true
}

// drop forgets msg (delivered or set aside) and removes its record.
func (s *spool) drop(msg *outMsg) {
	s.mu.Lock()
	i := slices.IndexFunc(s.entries, func(e *spoolEntry) bool { return e.msg == msg })
	if i < 0 {
		s.mu.Unlock()
		return
	}
	e := s.entries[i]
	s.entries = slices.Delete(s.entries, i, i+1)
	e.gone = true
	remove := e.onDisk && !e.writing // else the writer skips or removes it
	s.mu.Unlock()
	if remove {
		_ = os.Remove(e.name)
	}
}

// rejectedDir is where records of mails a server refused for good are
// kept, under the spool directory; the spool never reads it back, an
// operator moves a record back to the spool to send it again.
const rejectedDir = "rejected"

// setAside keeps msg's record under rejectedDir and drops it from the
// spool. It returns the record's path ("" for a spool in memory, which
// has nowhere to keep it).
func (s *spool) setAside(msg *outMsg) (string, error) {
	if s.dir == "" {
		s.drop(msg)
		return "", nil
	}
	dir := filepath.Join(s.dir, rejectedDir)
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return "", fmt.Errorf("mail spool %q: %w", dir, err)
	}
	s.mu.Lock()
	i := slices.IndexFunc(s.entries, func(e *spoolEntry) bool { return e.msg == msg })
	name := ""
	if i >= 0 {
		name = s.entries[i].name
	}
	s.mu.Unlock()
	if name == "" {
		return "", nil // already gone
	}
	// A fresh record, not a rename: the spool writer may not have
	// written the original yet.
	path := filepath.Join(dir, filepath.Base(name))
	if err := writeRecord(path, msg); err != nil {
		return "", fmt.Errorf("mail spool record %q: %w", path, err)
	}
	s.drop(msg)
	return path, nil
}
