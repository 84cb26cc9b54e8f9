// Package tailer follows a set of log files, named by glob and strftime
// patterns, and emits their complete lines with the byte offsets where each
// line starts and ends. It never loses or repeats a line across restarts,
// rotations and truncations, as far as the file system lets it tell.
//
// # Design
//
// One goroutine (Run) owns the set of followed files. It rescans the
// patterns every PollInterval (the stat scan is the source of truth) and
// sooner when fsnotify reports a change in a watched directory; fsnotify
// watches directories, never files, and is only a hint: when it cannot be
// used (NFS, watch limits, Config.NoNotify) polling alone gives the same
// results, later. Each followed file has its own goroutine that holds the
// file open, reads with pread from its own offset and sends lines to the
// caller's channel, blocking when it is full: back-pressure, never drops.
// Lines of one file are emitted in order. The file goroutines stop when the
// context passed to Run is done; Run waits for them before returning.
//
// # Identity
//
// A file is its device and inode, checked against a SHA-256 fingerprint of
// its first bytes (up to FingerprintSize, only bytes already consumed as
// complete lines). A stored position resumes a file only when both match;
// a different fingerprint means a new file that reused the inode.
//
// # Order across files
//
// A newly found file waits until every file of the same pattern already
// followed has been read to its end once, and every rotated one to its end
// after the rotation; files found by the same scan are started oldest
// (modification time) first, in a chain. So a rotated generation's lines
// come before its successor's, even when several rotations happened
// between two scans. It is best effort: a directory listing races with
// renames, so a file renamed before any scan saw it may be found after its
// successor; its lines then interleave with the successor's (none is lost
// or repeated). Under overload, a file that never catches up delays newly
// found files of its pattern.
//
// # Rotation and truncation
//
//   - rename + create: the renamed file keeps its goroutine and is read to
//     its end before its successor starts (see above). If its new name
//     still matches a pattern it stays followed (and open) until deleted.
//   - a file that left the patterns (renamed away or deleted) is read to its
//     end and then watched for RotateGrace more; a last line without newline
//     is emitted at the end of the grace period (End is then the file size),
//     the successor starts, and the file is forgotten (closed).
//   - copytruncate / truncation (size below our offset) and rewrites (the
//     fingerprinted first bytes changed under the same inode, checked after
//     every read so that bytes of the new content are never taken for the
//     continuation of the old): the file restarts at offset 0. Lines
//     written and truncated before we read them are lost: that is inherent
//     to copytruncate.
//   - MySQL audit plugin: on reopen the plugin removes a trailing
//     "</AUDIT>\n" before appending (docs/mysql-formats.md §3). When the
//     tail we consumed is exactly that tag and it disappeared (the file
//     shrank into it, or its bytes changed), reading continues where the
//     tag began: nothing is replayed. The "</AUDIT>" line itself has then
//     already been emitted once. A stored position is treated the same way
//     at startup when the file looks like an audit log.
//
// # Starting points
//
// A stored position (Config.Positions) for the same identity resumes
// exactly at the stored offset (a file that ended or was forgotten earlier
// in the same Run resumes where it was left, too). Otherwise a file starts
// at 0, except with OnlyFutureEvents for the files found by the first scan
// of a pattern never followed with this store before: they existed before
// we watched, and start at their end (the start of their last, unfinished
// line). Each pattern is marked followed in the store at Run's first scan,
// so that after a restart a file without a stored position is known to
// have appeared since (while we watched, or while we were stopped) and is
// read from 0 instead of being taken for pre-existing content.
//
// # Positions and crashes
//
// The caller commits Line.End after processing (see Line.Entry); the
// tailer writes the store only to make a restart after a crash at any
// moment lose nothing:
//
//   - the starting point of every file without a usable stored position
//     (0, or the end for only future events, with the fingerprint of the
//     bytes before it) and the pattern marks are stored and flushed before
//     the file is read: never past a line that was emitted, so they cannot
//     jump over lines the caller has not committed;
//   - at Run's first scan, a stored file of a pattern that no pattern
//     matches any more but that is still in the directory of the path it
//     was followed under (app.log.1, app.log-20261207, ...: renamed by a
//     rotation while we were stopped, or just before a crash) is found by
//     device and inode, checked by fingerprint, and read from its stored
//     offset to its end before the files that match the patterns, with
//     Line.Path the path it was followed under; then it is forgotten like
//     any file that left the patterns;
//   - the entry of a file that left the patterns is dropped once it was
//     read to its end, stayed quiet for RotateGrace and the caller
//     committed that end; the entry of a file that is in its directory
//     under no name any more is dropped at Run's first scan.
//
// Lines processed but not committed when the process dies are read again:
// a crash repeats at most the caller's commit window.
//
// # Missing and unreadable files
//
// A pattern that matches no file at Run's first scan is one WARN with the
// reason its folder gives (WhyAbsent), and its first file one INFO when it
// appears; scans in between say nothing. A matched file that cannot be
// opened (permission denied) is retried every scan and logged through
// internal/ratelog: the first failure at once, then one summary per
// ErrorInterval (a minute) while it lasts, and "file readable again" when
// it opens.
//
// # Limits
//
// A file created and renamed out of the patterns (or deleted) before any
// scan saw it is never read. A file rotated into another directory, or
// compressed, while we were stopped is not found again: its unread lines
// are lost. A line longer than MaxLine is emitted once,
// cut to MaxLine bytes, with Truncated set; the rest of it is skipped and
// counted. Bytes are passed through untouched: invalid UTF-8 and NUL bytes
// are not an error.
//
// Imports: internal/positions, internal/ratelog and fsnotify.
package tailer
