// Package alert holds the Alert model (an event snapshot plus a summary of
// the rule that fired) and its two renderings: the alerts.json object
// (Wazuh 4.x schema) and the alerts.log block (OSSEC layout). Every consumer
// — logtest, the daemon's alert files, syslog and email outputs — renders
// through this one package, so the formats cannot drift apart.
//
// AppendOneLine is the escaping of every line-oriented rendering
// (alerts.log here; archives.log, mail bodies and the plain syslog formats
// in outputs): LF and CR become \n and \r, the other C0 controls but TAB
// and DEL become \xHH, everything else (printable text, TAB, valid and
// invalid UTF-8) is copied unchanged. No byte of event data can therefore
// start a line of alerts.log, of a mail body or of a syslog frame, while
// ordinary logs render byte for byte as in OSSEC/Wazuh. alerts.json keeps
// the exact text (JSON escaping), byte-compatible with Wazuh.
//
// Imports: internal/event, internal/jsonstr and the standard library.
package alert
