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
// It is the only link between the consumer (put) and the sender (first,
// dropFirst), so it has its own lock; the file is written outside it
// because only the consumer puts.
type spool struct {
	dir    string
	max    int           // email_spool_size
	bad    int           // unreadable records found at open
	signal chan struct{} // one pending wake-up for the sender

	mu      sync.Mutex
	entries []spoolEntry
	seq     uint64
}

type spoolEntry struct {
	name string // file name; empty in memory mode
	msg  *outMsg
}

// openSpool creates dir and loads what a previous process left there,
// oldest first. Unreadable records are renamed *.bad and skipped.
// A spool that holds more than limit at open (the bound was lowered) keeps
// every record; new ones are refused until it is below limit again.
func openSpool(dir string, limit int) (*spool, error) {
	s := &spool{dir: dir, max: limit, signal: make(chan struct{}, 1)}
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
		s.entries = append(s.entries, spoolEntry{name: n, msg: msg})
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

// put appends m and wakes the sender. errSpoolFull: m was not kept. Any
// other error: the disk failed and m is kept in memory only.
func (s *spool) put(m *outMsg) error {
	s.mu.Lock()
	full := len(s.entries) >= s.max
	s.mu.Unlock()
	if full {
		return errSpoolFull
	}
	e := spoolEntry{msg: m}
	var err error
	if s.dir != "" {
		s.seq++
		name := filepath.Join(s.dir, fmt.Sprintf("%020d-%010d.json", m.Date.UnixNano(), s.seq))
		if err = writeRecord(name, m); err != nil {
			err = fmt.Errorf("mail spool record %q: %w", name, err)
		} else {
			e.name = name
		}
	}
	s.mu.Lock()
	s.entries = append(s.entries, e)
	s.mu.Unlock()
	select {
	case s.signal <- struct{}{}:
	default: // a wake-up is already pending
	}
	return err
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
	s.entries[0] = spoolEntry{}
	s.entries = s.entries[1:]
	s.mu.Unlock()
	if e.name != "" {
		_ = os.Remove(e.name)
	}
}
