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
// Every alert or archive record is appended with one write(2) on an
// O_APPEND descriptor. A write the filesystem refuses part way (ENOSPC,
// EIO) is cut back (ftruncate to the size before it), and a record goes to
// both files of a pair (alerts.log and alerts.json, archives.log and
// archives.json) or to neither, so the caller can retry it and get it
// written once, whole, with the same id. A file opened with a partial last
// record (a crash in the middle of a write) is cut back to its last whole
// record, reported through Config.OnRepair, so the next record never gets
// glued to it; alerts.log blocks end with a blank line, the other files'
// records with a newline.
//
// Flush fsyncs what was written since the previous Flush, and the daemon
// commits input positions only after it. The bytes written since the last
// good fsync are kept (at most 4 MiB per file; past that a write fsyncs
// first, so a failing disk stops the writer instead of growing memory):
// after a failed fsync the kernel may have dropped them, so they are
// written again before the next fsync, and a Flush that returns nil means
// every record so far is on disk.
//
// A Writer is owned by one goroutine (the analyzer); it has no locks.
//
// Imports: internal/alert and the standard library (tests: internal/event).
package alertfile
