// Package positions owns the durable record of how far each followed file
// has been processed: a map from file identity (device and inode) to the
// path, the committed byte offset, a fingerprint of the file's first bytes
// and the time of the update.
//
// The offsets of lines are written by whoever knows that they have been
// fully processed (the daemon, after the alerts of a line are written), so
// a crash replays unprocessed lines instead of losing them. The reader
// (internal/tailer) writes only what cannot jump over an unprocessed line:
// where a new file starts before it reads it, the patterns it has followed
// (MarkFollowed: files without an entry then appeared since, and are read
// from the start), and the removal (Delete) of entries of files it read to
// their end once that end is committed. Anyone may Flush: what Set holds
// is always safe to make durable.
//
// Set only changes memory; Flush makes the state durable atomically: a
// temporary file in the same directory is written, fsynced, renamed over
// the old file and the directory is fsynced, so a crash at any point
// leaves either the old or the new file, never a torn one. The file is
// JSON, mode 0600; the pattern marks are an optional "patterns" member
// that older versions ignore.
//
// A corrupt file is an error (ErrCorrupt) unless Options.IgnoreCorrupt is
// set: then it is renamed to the first free name of path.corrupt,
// path.corrupt.1, ... (no older copy is ever overwritten), the store
// starts empty, and Store.SetAside names the copy.
//
// A Store is safe for concurrent use.
//
// Imports: standard library only.
package positions
