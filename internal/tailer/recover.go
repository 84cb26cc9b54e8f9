package tailer

import (
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/gossec/gossec/internal/positions"
)

// This file is what makes a restart after a crash at any moment lose
// nothing: the starting point of every new file is stored before it is
// read, each pattern is marked followed in the store, and a stored file
// that was rotated away while we were stopped is found again by identity
// next to the live one and read to its end first.

// markPatterns notes, at Run's first scan, which patterns were never
// followed with this store, and marks every pattern followed from now on.
// Only the files of a never-followed pattern found by that scan are
// "pre-existing" for OnlyFutureEvents: any other file without a stored
// position appeared while we were watching, or while we were stopped
// after watching, and is read from 0.
func (r *run) markPatterns() {
	st := r.cfg.Positions
	r.families = r.families[:0]
	for _, p := range r.cfg.Patterns {
		r.families = append(r.families, familyGlob(p))
		if st == nil {
			r.fresh[p] = true
			continue
		}
		if _, ok := st.Followed(p); !ok {
			r.fresh[p] = true
			st.MarkFollowed(p, r.cfg.Clock())
			r.dirty = true
		}
	}
}

// familyGlob turns the strftime conversions of a pattern into "*", so that
// it matches the paths the pattern named on any day.
func familyGlob(p string) string {
	if !strings.Contains(p, "%") {
		return p
	}
	var b strings.Builder
	for i := 0; i < len(p); i++ {
		switch {
		case p[i] != '%':
			b.WriteByte(p[i])
		case i+1 < len(p) && p[i+1] == '%':
			b.WriteByte('%')
			i++
		default:
			b.WriteByte('*')
			i++
		}
	}
	return b.String()
}

// owner returns the pattern a stored path was followed under, "" when it
// is not one of ours.
func (r *run) owner(path string) string {
	if r.excluded(path) {
		return ""
	}
	for i, fam := range r.families {
		if ok, _ := filepath.Match(fam, path); ok {
			return r.cfg.Patterns[i]
		}
	}
	return ""
}

// findRotated adds to found the files of our stored entries that no
// pattern matches any more but that are still in the directory of the
// path they were followed under (app.log.1, app.log-20261207, ...): they
// were renamed by a rotation, maybe before we read them to their end.
// They are read from their stored position to their end, before their
// successors (see older), then forgotten. The fingerprint is checked
// when the file is opened (adoptRotated).
func (r *run) findRotated(found map[FileID]candidate) {
	st := r.cfg.Positions
	if st == nil {
		return
	}
	want := map[FileID]string{} // identity -> pattern
	dirs := map[string]bool{}
	for id, e := range st.Snapshot() {
		if _, ok := found[id]; ok {
			continue
		}
		if pat := r.owner(e.Path); pat != "" {
			want[id] = pat
			dirs[filepath.Dir(e.Path)] = true
		}
	}
	if len(want) == 0 {
		return
	}
	sorted := make([]string, 0, len(dirs))
	for d := range dirs {
		sorted = append(sorted, d)
	}
	sort.Strings(sorted)
	listed := map[string]bool{}
	for _, dir := range sorted {
		des, err := os.ReadDir(dir)
		if err != nil {
			continue // unreadable or not mounted yet: keep its entries
		}
		listed[dir] = true
		for _, de := range des {
			if !de.Type().IsRegular() {
				continue
			}
			fi, err := de.Info()
			if err != nil {
				continue // vanished since the listing
			}
			id, ok := fileIDOf(fi)
			if !ok {
				continue
			}
			pat, ok := want[id]
			if !ok {
				continue
			}
			delete(want, id) // the first name wins for hard links
			p := filepath.Join(dir, de.Name())
			if r.matchesNow(p) {
				continue // a pattern names it: a stat failed in the scan, the next one follows it
			}
			r.t.log.Info("found a file rotated away while stopped", "path", p, "id", id)
			found[id] = candidate{path: p, pattern: pat, id: id, mtime: fi.ModTime(), away: true}
		}
	}
	r.dropVanished(want, listed)
}

// dropVanished forgets the entries of files that are no longer in their
// directory under any name (deleted, compressed into a new file, moved
// elsewhere): nothing can read them again, and the store stays bounded.
func (r *run) dropVanished(want map[FileID]string, listed map[string]bool) {
	for id := range want {
		r.cfg.Positions.Delete(id, func(e positions.Entry) bool {
			return listed[filepath.Dir(e.Path)]
		})
	}
}

// matchesNow says whether a pattern, expanded now, names p.
func (r *run) matchesNow(p string) bool {
	now := r.cfg.Clock()
	for _, raw := range r.cfg.Patterns {
		exp, err := strftime(raw, now)
		if err != nil {
			continue // checked by New; cannot happen
		}
		if ok, _ := filepath.Match(exp, p); ok && !r.excluded(p) {
			return true
		}
	}
	return false
}

// adoptRotated checks that a file found by findRotated is the one stored
// (same first bytes) and makes its lines carry the path it was followed
// under, so that alerts keep naming the configured log.
func (r *run) adoptRotated(f *follower) bool {
	st := r.cfg.Positions
	e, ok := st.Get(f.id)
	if !ok {
		return false
	}
	if !f.prefixMatches(e.Fingerprint) {
		// The stored file is gone and another one reuses its inode.
		r.t.log.Info("forgetting a stored file: another file next to the patterns has its identity", "path", f.path, "id", f.id)
		st.Delete(f.id, func(now positions.Entry) bool { return now.Fingerprint == e.Fingerprint })
		return false
	}
	f.path = e.Path
	return true
}

// record stores where a file without a usable stored position starts,
// with the fingerprint of the bytes before that point, so that a restart
// resumes there instead of taking the file for a pre-existing one, and
// can find the file by identity if it is rotated away. The offset never
// passes a line that was emitted: the file is not read yet. A closing
// audit tag before the start is left out of the fingerprint: the plugin
// removes it.
func (r *run) record(f *follower) {
	st := r.cfg.Positions
	if st == nil {
		return
	}
	limit := f.pos
	if f.anchor != nil {
		limit = f.anchorAt
	}
	f.fp = positions.Fingerprint{}
	if n := int(min(limit, FingerprintSize)); n > 0 {
		if fp, ok, err := f.fingerprint(n); err == nil && ok {
			f.fp = fp
		}
	}
	st.Set(f.id, positions.Entry{Path: f.path, Offset: f.pos, Fingerprint: f.fp, Updated: r.cfg.Clock()})
	r.dirty = true
}

// dropCommitted removes the stored entries of files that left the
// patterns and were read to their end, once the caller has committed that
// end: a restart has nothing left to read in them. An entry that now
// belongs to another file (the inode was reused) is left alone.
func (r *run) dropCommitted() {
	st := r.cfg.Positions
	for id, d := range r.drops {
		wait := false
		st.Delete(id, func(e positions.Entry) bool {
			if e.Fingerprint != d.fp {
				return false
			}
			if e.Offset < d.pos {
				wait = true // lines still being processed
				return false
			}
			return true
		})
		if !wait {
			delete(r.drops, id)
		}
	}
}
