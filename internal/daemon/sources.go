package daemon

import (
	"sort"
	"sync"

	"github.com/gossec/gossec/internal/remote"
	"github.com/gossec/gossec/internal/tailer"
)

// sources keeps the running tailers and syslog servers so their counters
// reach the state file and /metrics. Inputs register themselves; the
// analyzer goroutine and the metrics handler read.
type sources struct {
	mu      sync.Mutex
	tailers map[*tailer.Tailer]struct{}
	remotes map[*remote.Server]struct{}
	// Counters of inputs that stopped (reloads), so totals never go back.
	gone inputTotals
}

type inputTotals struct {
	lines, truncatedLines, rotations, truncations, auditTrims, readErrors uint64
	remoteReceived, remoteRefused, remoteMalformed, remoteNULTruncated    uint64
	remoteOversize, remoteConnRefused, remoteIdleClosed                   uint64
}

// fileCount is the lines read from one file since start.
type fileCount struct {
	path  string
	lines int64
}

func (s *sources) addTailer(t *tailer.Tailer) func() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.tailers == nil {
		s.tailers = map[*tailer.Tailer]struct{}{}
	}
	s.tailers[t] = struct{}{}
	return func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		st := t.Stats()
		s.gone.addTailer(st)
		delete(s.tailers, t)
	}
}

func (s *sources) addRemote(r *remote.Server) func() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.remotes == nil {
		s.remotes = map[*remote.Server]struct{}{}
	}
	s.remotes[r] = struct{}{}
	return func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		s.gone.addRemote(r.Stats())
		delete(s.remotes, r)
	}
}

func (t *inputTotals) addTailer(st tailer.Stats) {
	t.lines += uint64(st.Lines)
	t.truncatedLines += uint64(st.Truncated)
	t.rotations += uint64(st.Rotations)
	t.truncations += uint64(st.Truncations)
	t.auditTrims += uint64(st.AuditTrims)
	t.readErrors += uint64(st.Errors)
}

func (t *inputTotals) addRemote(st remote.Stats) {
	t.remoteReceived += st.Received
	t.remoteRefused += st.RefusedDenied + st.RefusedNotAllowed
	t.remoteMalformed += st.Malformed
	t.remoteNULTruncated += st.NULTruncated
	t.remoteOversize += st.Oversize
	t.remoteConnRefused += st.RefusedLimit
	t.remoteIdleClosed += st.IdleClosed
}

// snapshot returns the totals over stopped and running inputs, and the
// lines read per file currently followed, sorted by path.
func (s *sources) snapshot() (inputTotals, []fileCount) {
	s.mu.Lock()
	defer s.mu.Unlock()
	tot := s.gone
	var files []fileCount
	for t := range s.tailers {
		st := t.Stats()
		tot.addTailer(st)
		for _, f := range st.Files {
			files = append(files, fileCount{path: f.Path, lines: f.Lines})
		}
	}
	for r := range s.remotes {
		tot.addRemote(r.Stats())
	}
	sort.Slice(files, func(i, j int) bool { return files[i].path < files[j].path })
	return tot, files
}
