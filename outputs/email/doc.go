// Package email sends alert notifications by SMTP, the way ossec-maild
// lays them out, with the fixes users asked for (ecosystem.md §2, items
// 13–23):
//
//   - Routing: the global <email_to> recipients get every alert whose rule
//     carries the mail flag (alert.Rule.Mail, computed at load from
//     <email_alert_level>, alert_by_email and no_email_alert). Each
//     <email_alerts> block is matched on its own (level, rule_id, group,
//     event_location) and does not depend on the global path.
//   - Grouping: alerts are grouped per recipient set, so a mail only ever
//     goes to people who were entitled to every alert in it.
//   - Limits: <email_maxperhour> is one limiter for every mail this package
//     sends (grouped, single, SMS, digest). Alerts that find the hour's
//     budget spent are held per recipient set and sent in the next hour as
//     one digest with a size cap and an "N more not shown" line. The
//     hour's count is saved (HOME/queue/mail/budget), so a restart within
//     the hour does not reset it, and mails spooled at shutdown before
//     they were charged take their share when they are resent.
//   - Delivery: github.com/wneessen/go-mail (STARTTLS or implicit TLS,
//     AUTH PLAIN/LOGIN). A failed delivery is spooled under
//     HOME/queue/mail/ as JSON and retried with exponential backoff; Run
//     sends what a previous process left there. Send never blocks.
//   - Headers: every header value is stripped of control characters, so
//     log data cannot add headers; one To and one Cc header.
//   - Body: every item of event data (log lines, previous_output,
//     description, host, location, addresses, user) has its control bytes
//     escaped as in alerts.log (internal/alert.AppendOneLine: \n, \r,
//     \xHH), so a log cannot start a body line (no forged "Rule:" or
//     "** Alert" line, in the default layout or a template); the subject
//     shows the description with the same escapes.
//
// ossec.conf: <global> email_notification, email_to (repeatable),
// email_from, email_reply_to, email_idsname, smtp_server (a host; a
// sendmail path is rejected), helo_server, smtp_port (25; 465 with
// implicit TLS), email_maxperhour (12), auth_smtp, smtp_user,
// smtp_password, secure_smtp (no = plain, yes|starttls = STARTTLS
// required, tls|ssl|implicit = implicit TLS), smtp_tls_verify (yes).
// gossec additions in <global>: email_product ("OSSEC HIDS"),
// email_template (a text/template file for one alert's section),
// email_full_subject and email_grouping (maild.full_subject and
// maild.grouping of internal_options). The secret <smtp_password> may be
// given literally, as env:NAME (read from the environment at load) or as
// <smtp_password file="path"/> (first line of the file, read at load).
//
// Layout: each alert is rendered as in mysql-formats.md §2 ("<product>
// Notification." / date / blank / "Received From: host->location" /
// "Rule: N fired (level L) -> "desc"" / Src IP, Dst IP, User lines when
// set / "Portion of the log(s):" / blank / log lines / blank /
// "--END OF NOTIFICATION"); a grouped mail joins them with a blank line
// and takes the subject of its highest-level alert: "OSSEC Notification -
// <host> - Alert level N" ("OSSEC Alert - <host> - Level N - <desc>" with
// full subjects). SMS: "OSSEC <level> - <rule> - <desc>" and the first 127
// bytes of the log.
//
// Imports: internal/alert, internal/event, internal/osregex,
// internal/xmlconf, github.com/wneessen/go-mail and the standard library
// (tests also github.com/emersion/go-smtp and go-sasl).
package email
