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
// O_APPEND descriptor, so a crash never leaves half a record behind a
// complete one; Flush fsyncs what was written since the previous Flush,
// and the daemon commits input positions only after it.
//
// A Writer is owned by one goroutine (the analyzer); it has no locks.
//
// Imports: internal/alert and the standard library (tests: internal/event).
package alertfile
