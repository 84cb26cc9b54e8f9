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
//     they were charged take their share when they are resent. The first
//     alert held in an hour is a WARN ("email_maxperhour reached", with
//     the cap, the hour it ends, the recipients, rule and level held); the
//     next ones are one rate-limited line a minute with a count.
//   - Delivery: github.com/wneessen/go-mail (STARTTLS or implicit TLS,
//     AUTH PLAIN/LOGIN). Send never blocks: it puts the alert in a
//     bounded queue (1,024; a full queue drops and counts it). Run's
//     goroutine (the consumer) routes, groups and charges alerts and puts
//     every composed mail in the spool, HOME/queue/mail/, one JSON file a
//     mail; a second goroutine (the sender) delivers the spool oldest
//     first, and a third writes the files, so neither a hung server nor a
//     slow disk stops the queue from draining. Grouping (MaxGroup alerts a
//     mail) applies to everything spooled, at shutdown too.
//   - Outages: refused connections, a server that accepts and never
//     answers (each attempt ends at the 30 s timeout), 4xx and 5xx
//     answers all leave the mail in the spool. One exception keeps a
//     single bad mail from blocking the spool for good: after a 5xx to
//     the oldest mail, the next ones are tried (up to 8 while each gets
//     a 5xx too); if the server takes one, the refused mail is set aside
//     in queue/mail/rejected/ (kept, counted in Rejected, logged) and
//     delivery goes on. The next attempt waits the
//     backoff (5 s doubling to 10 min) counted from the END of the failed
//     attempt; a success resets it and the spool drains back to back. The
//     spool holds at most <email_spool_size> mails (10000); a mail that
//     finds it full is the one dropped (newest-drop: the oldest mails hold
//     the start of an incident, and every alert is in the alert files),
//     counted in SpoolLost (mail_spool_lost). Run sends what a previous
//     process left there. A stop abandons a hung conversation at once and
//     writes every mail still in memory, so nothing is lost across a
//     clean restart; a mail the server accepted after gossec stopped
//     waiting may arrive twice (at least once, never lost). A crash loses
//     only the writer's backlog of mails not yet on disk.
//   - Logs: delivery failures, spool-full and queue-full drops and spool
//     write errors go to Config.Logger, rate limited by internal/ratelog
//     (the first at once, then one "(repeated)" summary a minute), every
//     line naming the output (output="email smtp.example.com:25"); a
//     success after failures writes the pending summary and one "mail
//     delivery recovered" line (failures=, after=: the failed attempts
//     and the time since the first; a ratelog.Outage).
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
// maild.grouping of internal_options), email_spool_size (mails the retry
// spool may hold, 10000, 1..1000000; a spool left larger by a previous
// run keeps its mails and refuses new ones until it is below the bound). The secret <smtp_password> may be
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
// internal/xmlconf, internal/ratelog, github.com/wneessen/go-mail and the
// standard library
// (tests also github.com/emersion/go-smtp and go-sasl).
package email
