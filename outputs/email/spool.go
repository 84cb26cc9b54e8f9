package email

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// maxSpool bounds the messages kept for retry; an outage longer than that
// at 12 mails an hour is a month.
const maxSpool = 10000

var errSpoolFull = errors.New("mail spool is full")

// spool keeps undelivered messages in order, one JSON file each under dir
// (written to a temporary name, synced, then renamed, so a crash leaves
// either the whole record or none). Without a dir it keeps them in memory.
type spool struct {
	dir     string
	entries []spoolEntry
	seq     uint64
}

type spoolEntry struct {
	name string // file name; empty in memory mode
	msg  *outMsg
}

// openSpool creates dir and loads what a previous process left there,
// oldest first. Unreadable records are renamed *.bad and skipped.
func openSpool(dir string) (*spool, error) {
	s := &spool{dir: dir}
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

func (s *spool) len() int { return len(s.entries) }

func (s *spool) first() *outMsg { return s.entries[0].msg }

func (s *spool) put(m *outMsg) error {
	if len(s.entries) >= maxSpool {
		return errSpoolFull
	}
	e := spoolEntry{msg: m}
	if s.dir != "" {
		s.seq++
		name := filepath.Join(s.dir, fmt.Sprintf("%020d-%010d.json", m.Date.UnixNano(), s.seq))
		if err := writeRecord(name, m); err != nil {
			// The disk failed: keep the message in memory at least.
			e.name = ""
		} else {
			e.name = name
		}
	}
	s.entries = append(s.entries, e)
	return nil
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
	if e := s.entries[0]; e.name != "" {
		_ = os.Remove(e.name)
	}
	s.entries[0] = spoolEntry{}
	s.entries = s.entries[1:]
}
