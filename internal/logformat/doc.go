// Package logformat turns the lines of a tailed file into events according
// to the file's <localfile><log_format>, as Wazuh 4.9.2's logcollector does
// (src/logcollector/read_*.c), plus the new mysql_audit format.
//
// A Framer is fed complete lines (without "\n") with the file offset after
// each line, and returns the events those lines complete. Every event
// carries End, the offset after the last line it consumed: the position the
// daemon may commit once the event's alerts are written. Lines held back in
// an unfinished group are never covered by an emitted End, so a restart
// re-reads them instead of losing them.
//
// Formats (see New):
//
//   - syslog (and its aliases apache, squid, iis): one line, one event.
//   - json: one line, one JSON object, re-serialised without whitespace,
//     with the <label>s added as members (dotted keys nest, existing
//     members win, a "[...]" value is inserted as a JSON array), as
//     W_JSON_AddField does. A line that is not a JSON object is dropped,
//     as in Wazuh, but counted and reported.
//   - mysql_log: "MySQL log: <timestamp> <message>" for lines with the
//     YYMMDD HH:MM:SS or the two ISO-8601 prefixes Wazuh recognises; lines
//     starting with two tabs and six spaces repeat the previous timestamp;
//     every other line is dropped (counted).
//   - multi-line:N: N lines joined with single spaces.
//   - multi-line-regex: Wazuh's <multiline_regex match replace timeout>
//     grouping with a PCRE2 expression.
//   - mysql_audit: MySQL-family audit logs, normalised by package auditlog
//     into one JSON event per record; labels are added as for json.
//
// NUL bytes: every line-based format (syslog and aliases, json,
// mysql_log, multi-line:N, multi-line-regex) cuts a line at its first NUL
// byte, frames the text before it as if the line ended there, counts the
// cut (Stats.NULCut) and reports it (Options.OnNUL, with the offset and
// the line's start, the discarded part included). This is what the
// analysis engine sees of such a line — analysisd holds every event in a
// C string — and a NUL planted in a line can no longer hide the event
// before it. Per format: syslog emits the prefix (possibly empty, like an
// empty line); json parses the prefix, so an object that does not close
// before the NUL is dropped as not JSON (counted as a drop too); mysql_log
// matches its timestamp on the prefix; in the multi-line formats the
// line counts as a line and adds its prefix to the group. mysql_audit
// records go to package auditlog unchanged. The C collectors disagree
// with each other here, and none does this: OSSEC 4.2's read_syslog.c
// (fgets, then strrchr for the newline, which stops at the NUL) turns the
// first NUL into a space and sends up to the second NUL (with a single
// NUL: the whole line, its newline included); its
// read_multiline.c takes a line with a NUL for an incomplete read and
// retries it for ever; its read_mysql_log.c keeps the prefix but then
// skips the next line; Wazuh 4.x's readers drop the whole line with a
// debug message.
//
// Deliberate differences from Wazuh 4.9.2:
//
//   - json keeps numbers and string escapes as written (cJSON rewrites
//     them: 1.0 becomes 1, \u00e9 becomes é); only blanks are removed.
//   - a line with a NUL byte is cut at it, not dropped (see above).
//   - multi-line:N emits a group still incomplete after Options.Timeout
//     without new lines; Wazuh loses such a group at the end of a read.
//   - multi-line-regex measures its timeout from the last line with
//     time.Duration precision (Wazuh: whole seconds, strictly greater), and
//     lets '$' match before a final newline as PCRE2 does (see matches).
//   - mysql_log keeps the last timestamp per file, not process-wide. OSSEC
//     (ossec-hids) recognises only the YYMMDD prefix; Wazuh, and this
//     package, also the two ISO forms.
//   - Invalid option values are errors, where Wazuh warns and falls back.
//   - Other Wazuh formats (command, full_command, audit, snort-full, nmapg,
//     djb-multilog, postgresql_log, eventchannel, ...) are not supported.
//
// Framers hold their unfinished group between calls. Flush emits a group
// whose idle timeout has passed; Deadline tells the caller when to call it.
// Framers are not safe for concurrent use: each belongs to the goroutine
// that reads its file.
//
// The package may import internal/jsonstr (JSON strings),
// internal/osregex (PCRE2 for multi-line-regex),
// internal/auditlog and gjson.
package logformat
