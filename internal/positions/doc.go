// Package positions owns the durable record of how far each followed file
// has been processed: a map from file identity (device and inode) to the
// path, the committed byte offset, a fingerprint of the file's first bytes
// and the time of the update.
//
// The store is written by whoever knows that lines have been fully
// processed (the daemon, after the alerts of a line are written), never by
// the reader itself, so a crash replays unprocessed lines instead of losing
// them. Set only changes memory; Flush makes the state durable atomically:
// a temporary file in the same directory is written, fsynced, renamed over
// the old file and the directory is fsynced, so a crash at any point leaves
// either the old or the new file, never a torn one. The file is JSON, mode
// 0600.
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
