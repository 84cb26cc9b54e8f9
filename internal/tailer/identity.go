package tailer

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"

	"github.com/gossec/gossec/internal/positions"
)

// extendFingerprint hashes up to FingerprintSize leading bytes, up to end,
// the end of the line about to be emitted: only bytes consumed as lines,
// so the fingerprint committed with a line is already set on the first
// lines of a file. A closing audit tag is left out: the plugin removes it.
// The bytes already fingerprinted are checked in the same read.
func (f *follower) extendFingerprint(end int64) error {
	if f.fp.Len >= FingerprintSize || int64(f.fp.Len) >= end || isAuditTag(f.head) {
		return nil
	}
	n := int(min(end, FingerprintSize))
	b := f.scratch[:n]
	got, err := f.file.ReadAt(b, 0)
	if got < n {
		if err != nil && !errors.Is(err, io.EOF) {
			return fmt.Errorf("read %q: %w", f.where(), err)
		}
		return errRewritten // shorter than what we consumed
	}
	if old := f.fp; old.Len > 0 && hashOf(b[:old.Len]) != old.SHA256 {
		return errRewritten
	}
	f.fp = positions.Fingerprint{Len: n, SHA256: hashOf(b)}
	return nil
}

// errRewritten says the file's first bytes changed under us.
var errRewritten = errors.New("file rewritten")

func hashOf(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// fingerprint hashes the first n bytes; ok is false when the file is
// shorter.
func (f *follower) fingerprint(n int) (positions.Fingerprint, bool, error) {
	b := f.scratch[:n]
	got, err := f.file.ReadAt(b, 0)
	if got < n {
		if err != nil && !errors.Is(err, io.EOF) {
			return positions.Fingerprint{}, false, fmt.Errorf("read %q: %w", f.where(), err)
		}
		return positions.Fingerprint{}, false, nil
	}
	return positions.Fingerprint{Len: n, SHA256: hashOf(b)}, true, nil
}

func (f *follower) prefixMatchesErr(fp positions.Fingerprint) (bool, error) {
	if fp.Len == 0 {
		return true, nil
	}
	if fp.Len > FingerprintSize {
		return false, nil
	}
	got, ok, err := f.fingerprint(fp.Len)
	return ok && got.SHA256 == fp.SHA256, err
}

// prefixMatches says whether the file starts with the bytes fp describes.
func (f *follower) prefixMatches(fp positions.Fingerprint) bool {
	ok, err := f.prefixMatchesErr(fp)
	return ok && err == nil
}

// size is the file's current size, 0 when it cannot be known.
func (f *follower) size() int64 {
	fi, err := f.file.Stat()
	if err != nil {
		return 0
	}
	return fi.Size()
}

// readBefore returns up to n bytes ending at off.
func (f *follower) readBefore(off int64, n int) []byte {
	from := max(off-int64(n), 0)
	b := make([]byte, off-from)
	got, _ := f.file.ReadAt(b, from)
	return b[:got]
}

// resumeAt validates a stored offset against the file. A committed offset
// follows a newline; when the file now ends, or no longer has a line end,
// right there, the audit plugin may have trimmed its tag while we were
// stopped (resume at the end of the valid data); anything else means the
// file was truncated or rewritten (restart at 0).
func (f *follower) resumeAt(off int64) int64 {
	size := f.size()
	if off == size || off == 0 {
		return off
	}
	audit := f.looksLikeAudit()
	if off > size {
		if audit && off-size <= int64(len(auditTail)) {
			return size
		}
		f.r.t.total.truncations.Add(1)
		f.r.t.log.Info("file shorter than its stored position, reading from 0", "path", f.path, "offset", off, "size", size)
		return 0
	}
	before := f.readBefore(off, len(auditTail))
	if len(before) > 0 && before[len(before)-1] == '\n' {
		return off
	}
	if i := bytes.LastIndexByte(before, '\n'); audit && i >= 0 {
		return off - int64(len(before)) + int64(i) + 1
	}
	f.r.t.total.truncations.Add(1)
	f.r.t.log.Info("file changed under its stored position, reading from 0", "path", f.path, "offset", off)
	return 0
}

// lastLineStart is where "only future events" start: after the last
// newline, so that a line being written is read whole.
func (f *follower) lastLineStart() int64 {
	size := f.size()
	before := f.readBefore(size, f.r.cfg.MaxLine)
	if i := bytes.LastIndexByte(before, '\n'); i >= 0 {
		return size - int64(len(before)) + int64(i) + 1
	}
	if int64(len(before)) == size {
		return 0
	}
	return size
}
