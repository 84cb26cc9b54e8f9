// Package syslog forwards alerts to syslog servers, SIEMs included, the way
// OSSEC/Wazuh csyslogd does: one Output per <syslog_output> block, each
// with its own filters (level, rule_id, group, location), message format
// and transport.
//
// # Formats
//
// The payloads are byte-compatible with csyslogd (Wazuh 4.9.2 alert.c),
// with the deliberate fixes listed below:
//
//	default    Alert Level: L; Rule: N - desc; Location: loc; classification: g; srcip: ..; dstip: ..; user: ..; <full_log>
//	splunk     crit=L id=N description="desc" component="loc", classification="g", src_ip="..", src_port=P, ..., message="<full_log>"
//	json       the compact csyslogd object {"crit":L,"id":N,"component":..,"classification":..,"description":..,"message":..,"acct":..,"src_ip":..,...}
//	json-full  the alerts.json object (internal/alert.AppendJSON), as Wazuh 4.x sends for format json
//	cef        CEF:0|Wazuh Inc.|Wazuh|v4.9.2|N|desc|min(L,10)|dvc=host cs1=loc cs1Label=Location cat=g src=.. ... msg=<full_log>
//
// "json" is the compact OSSEC object; the full alerts.json document is
// selected with <format>json-full</format> (alias json_full). Fixes
// relative to csyslogd: in default and splunk, control bytes of the alert
// (CR, LF, NUL, ESC, DEL, ...; not TAB) are escaped as in alerts.log
// (internal/alert.AppendOneLine: \n, \r, \xHH), so log data cannot end a
// message early or forge a line on any transport, UDP included; CEF follows the CEF specification (header: '\' and
// '|' escaped, CR/LF become spaces; extensions: '\', '=', CR and LF
// escaped; invalid UTF-8 becomes U+FFFD and other control bytes spaces)
// and never repeats a key (Wazuh 4.9.2 emits suser= and dst= twice); in
// splunk values the double quote is removed, as the original OSSEC did,
// so a value cannot end early; a rule with no_full_log sends no log line
// (csyslogd would send the whole JSON alert instead). The user is dstuser,
// or srcuser when dstuser is unset; ports are sent when greater than 0.
// Syscheck fields (hashes, file) do not exist in gossec and are never sent.
//
// # Header and framing
//
// The header is RFC 3164 by default, "<PRI>Mmm dd hh:mm:ss HOST PROGRAM: "
// with the day space-padded and the alert's own time; as in csyslogd the
// cef format has no HOST and PROGRAM ("<PRI>Mmm dd hh:mm:ss CEF:0|..."),
// which receivers misparse (rsyslog and syslog-ng take "CEF:0|Wazuh" for
// the host): <cef_hostname>yes</cef_hostname> inserts HOST, the layout
// ArcSight documents. Even then a BSD parser reads "CEF:" as a tag:
// syslog-ng's $PROGRAM is "CEF" and its $MSG starts "0|"; a receiver that
// hands its message field to a CEF parser wants <header>rfc5424</header>.
//
// Both real receivers are tested (rsyslog_test.go, syslogng_test.go):
// every format over UDP, TCP and TLS, both headers and both framings, the
// raw message as sent and the fields each receiver parses out of it, and
// the JSON and CEF payloads taken apart by syslog-ng's own parsers.
// <header>rfc5424</header> selects "<PRI>1 TIMESTAMP HOST PROGRAM - - - "
// with microseconds and the UTC offset, for every format. HOST is the
// short host name (up to the first dot), or the FQDN with use_fqdn;
// PROGRAM is "ossec" unless <program> says otherwise. PRI is local0.warning
// (132) unless <facility>/<severity> say otherwise.
//
// UDP sends one datagram per alert. TCP and TLS use newline framing by
// default (CR, LF and NUL in the message become spaces, as OSSEC 4.3
// does: a second guard, as no format leaves them in a message) or RFC 6587
// octet counting with <framing>octet-counting</framing> ("LEN SP MSG",
// bytes untouched). A
// message longer than <max_size> (default 64000 bytes) has its last field
// (the log) cut on a character boundary, escaping intact, and "..." added.
//
// # Delivery
//
// Send renders the alert at once (the analyzer reuses the Event) into a
// bounded queue; when the queue is full the OLDEST message is dropped and
// counted. Run is the only goroutine of an Output: it waits on a signal
// channel (no polling), dials with a timeout, reconnects with exponential
// backoff (250ms doubling to 30s, ±20% jitter) and retries the message
// that failed, so while the server is down nothing the queue can hold is
// lost. Before each write on TCP/TLS it peeks at the socket without
// blocking (MSG_PEEK|MSG_DONTWAIT) to notice a server that closed the
// connection, so a restarted receiver does not silently swallow the next
// message; a connection that dies in the middle of a burst can still lose
// what the kernel had accepted (TCP has no application acknowledgement).
// UDP is fire-and-forget. Run returns nil when its context ends; messages
// still queued then are abandoned. Failed dials and writes, queue-full
// drops and abandoned messages go to Config.Logger, rate limited by
// internal/ratelog (the first at once, then one "(repeated)" summary a
// minute), each line naming the output (output="syslog siem:514/tcp");
// the first write after failures writes the pending summaries and logs
// "syslog delivery recovered" (failures=, after=: the failed dials and
// writes and the time since the first; a ratelog.Outage).
//
// # Options
//
// csyslogd's: server (required), port (514; 6514 with TLS), format, level,
// rule_id (comma-separated), group and location (OS_Match; event_location
// is accepted too), use_fqdn. OSSEC 4.3's: protocol udp|tcp (or tls),
// tls yes|no, tls_verify yes|no (default yes), tls_ca (alias ca_file).
// gossec's: header rfc3164|rfc5424, framing newline|octet-counting,
// program, hostname, facility and severity (names or numbers),
// cef_hostname, cef_fields (yes adds act, proto, request, outcome and the
// first five dynamic fields as cs2..cs6 with labels), queue_size (1024),
// max_size (64000, at least 1024).
// The group filter matches the comma-joined groups or any single group;
// the location filter matches the whole location or the part after an
// agent's "->".
//
// Imports: internal/alert, internal/event, internal/osregex,
// internal/xmlconf, internal/ratelog and the standard library.
package syslog
