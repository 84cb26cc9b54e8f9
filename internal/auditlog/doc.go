// Package auditlog reads the audit logs of the MySQL family (the
// mysql_audit log format) and turns every audit record into one JSON event
// in a single schema.
//
// # What it recognises
//
// The format is detected per record, from the record's first byte, so a file
// that is rotated or reconfigured to another format is re-detected without
// help:
//
//   - MySQL Enterprise Audit XML, NEW (<AUDIT_RECORD> with child elements)
//     and OLD (one <AUDIT_RECORD .../> element with attributes);
//   - Percona audit_log XML NEW and OLD (told apart from MySQL's by the
//     RECORD element, where MySQL writes RECORD_ID), Percona JSON (one
//     {"audit_record":{...}} per line) and Percona CSV;
//   - MySQL 8 audit JSON (an array of objects; "[", "," and "]" are skipped);
//   - MariaDB server_audit lines;
//   - audit_login plugin JSON lines.
//
// # XML records
//
// An XML record is framed by its end ("/>" or </AUDIT_RECORD>, not inside
// a CDATA section or a comment) and then parsed whole, as XML, with
// github.com/beevik/etree: entities, numeric references and CDATA are
// decoded as XML defines them. A child element that holds elements
// becomes a JSON object: a NAME/VALUE (or KEY/VALUE) pair becomes a member
// named by its NAME, so MySQL 8's
// <CONNECTION_ATTRIBUTES><ATTRIBUTE><NAME>program_name</NAME><VALUE>mysql</VALUE>...
// is audit_record.connection_attributes.program_name, as in MySQL's JSON
// format; other elements become members named by their lower-cased tag.
// The first value of a name wins, in a record and in an object. The
// schema's own fields (name, status, ...) must be text. Characters XML
// forbids (control characters other than tab, newline and carriage
// return, raw or as references, and bytes that are not UTF-8) become
// U+FFFD instead of making the record unreadable. Records of the usual
// flat shape (attributes, or children holding only text) take a
// hand-written fast path that reads them as etree does (a fuzz target
// compares the two) at a tenth of the cost; everything else goes to etree.
//
// The XML root (<?xml ...?>, <AUDIT>, </AUDIT>) is skipped wherever it
// appears: the MySQL plugin writes </AUDIT> only at shutdown and removes it
// again when it reopens the file.
//
// # Output schema
//
// Every record becomes {"audit_record":{...},"format":"<source format>","mysql_audit_log":"percona"}
// using Percona's lower-case field names (name, record, timestamp,
// command_class, connection_id, status, sqltext, user, priv_user, os_user,
// os_login, proxy_user, host, ip, db), so the stock Wazuh 0530 rules (which
// match audit_record.name / audit_record.status /
// audit_record.command_class) apply to every source. Source fields with no
// Percona equivalent are kept under their own lower-case names. The known
// fields come first in that order, then the others in source order, so the
// output does not depend on the element order of the source.
//
// # Framing and errors
//
// Input arrives as lines (PushLine, the tailer's unit) or as raw bytes
// (Write). A record may span many lines and many reads; the reader keeps the
// unfinished record and completes it when its end arrives. A record that
// cannot be parsed is never dropped silently: it is counted, reported
// through Options.OnError as a *ParseError carrying the file offset of its
// first byte, and the reader resynchronises at the next record start.
//
// A Reader is not safe for concurrent use; it is owned by the goroutine that
// reads the file. The package imports the standard library, gjson, etree
// and internal/jsonstr.
package auditlog
