// Package alertfile writes the daemon's alert and archive files the way
// wazuh-analysisd 4.x lays them out under HOME/logs:
//
//	alerts/YYYY/Mon/ossec-alerts-DD.log    alerts/alerts.log    (hard link)
//	alerts/YYYY/Mon/ossec-alerts-DD.json   alerts/alerts.json   (hard link)
//	archives/YYYY/Mon/ossec-archive-DD.log  archives/archives.log  (hard link)
//	archives/YYYY/Mon/ossec-archive-DD.json archives/archives.json (hard link)
//
// As in analysisd (getloglocation.c), the data always goes to the dated
// file and the short name is a hard link to it. When the day of the
// injected clock changes, the dated files of the new day are opened, the
// short names are unlinked and re-linked to them (so alerts.log starts
// empty), and a dated file of the old day that stayed empty is removed. A
// restart on the same day appends to the existing dated file, so alert ids
// keep growing.
//
// Alert ids are "<sec>.<offset>": the alert's time in seconds and the size
// of alerts.log before the alert (alerts.json when alerts.log is off).
// archives.json carries an id too: the event's second and the offset of
// the last alert written, as analysisd's shared __crt_ftell gives it.
//
// Records are kept in memory and appended with one write(2) per file for
// many records, on an O_APPEND descriptor: at Push (the daemon calls it
// when its queue runs empty, so alerts show at once when events are
// few), at Flush, or when more than 16 KiB wait (ids count the records in memory, so they are the ones
// immediate writes would give). A write the filesystem refuses part way
// (ENOSPC, EIO) is cut back (ftruncate to the size before it); the
// records then go one write each until one is refused, so a full disk is
// used up to its last whole record. Records are numbered, the same number
// in both files of a pair (alerts.log and alerts.json, archives.log and
// archives.json), and after a refusal the other file of the pair is cut
// back to the records both hold: a record is in both or in neither. A
// record refused while the writer makes room for it is not taken, so the
// caller can retry it and get it written once, whole, with the same id;
// while a pair refuses writes, every record is written at once so that
// the error persists until the disk takes records again. A file opened
// with a partial last record (a crash in the middle of a write) is cut
// back to its last whole record, reported through Config.OnRepair, so the
// next record never gets glued to it; alerts.log blocks end with a blank
// line, the other files' records with a newline.
//
// Flush writes what waits and fsyncs, and the daemon commits input
// positions only after it: a Flush that returns nil means every record so
// far is on disk. When Flush fails part way, Durable tells up to which
// record number (Seq numbers them) everything is on disk, and the daemon
// commits the positions of those lines only. The bytes written since the
// last good fsync are kept (at most 4 MiB per file; past that a write
// fsyncs first, so a failing disk stops the writer instead of growing
// memory): after a failed fsync the kernel may have dropped them, so they
// are written again before the next fsync.
//
// A Writer is owned by one goroutine (the analyzer); it has no locks.
//
// Imports: internal/alert and the standard library (tests: internal/event).
package alertfile
