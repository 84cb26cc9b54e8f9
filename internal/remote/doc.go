// Package remote is the syslog intake of the daemon
// (<remote><connection>syslog</connection>): it listens on UDP and/or TCP
// (optionally TLS), applies <allowed-ips>/<denied-ips>, frames the byte
// stream into messages and hands each one, with its sender, to the
// analyzer as wazuh-remoted 4.x does.
//
// What analysisd receives (remoted syslog.c / syslogtcp.c, v4.9.2):
//   - location = the sender's IP address (IPv4-mapped IPv6 senders are
//     shown as IPv4; no port);
//   - text = the message without its leading "<PRI>" (everything up to the
//     first '>' when the message starts with '<'), the rest untouched; a
//     message without PRI is passed whole.
//
// RFC 5424 (our choice; remoted passes "1 2003-10-11T..." through, which
// no pre-decoder format recognises): a message that go-syslog validates as
// RFC 5424 is rewritten into the header analysisd's pre-decoder parses,
//
//	<ISO time with numeric offset> <HOSTNAME> <APP-NAME>[<PROCID>]: [<MSGID> ][<SD> ]<MSG>
//
// so the 5424 and 3164 forms of one rsyslog message decode alike. The
// time keeps its offset and precision (Z becomes +00:00; fractions are
// padded to 3 or 6 digits, the widths the pre-decoder knows); "-" fields
// are left out (APP-NAME "-" drops the program part, PROCID "-" the
// brackets, HOSTNAME "-" becomes the sender address, TIMESTAMP "-" the
// receive time); MSGID and STRUCTURED-DATA are kept verbatim, in wire
// order, when present, except the IANA-registered transport elements
// timeQuality, origin and meta (logger(1) adds timeQuality to everything);
// a BOM before MSG is removed. A message that looks
// like 5424 ("<PRI>1 ") but does not validate is passed as remoted would
// and counted as malformed.
//
// Framing: a UDP datagram is one message. A TCP (or TLS) connection is
// octet-counted (RFC 6587 3.4.1) when it starts with "<digits> <",
// newline-delimited otherwise; decided once per connection. One trailing
// "\n" and then one "\r" are removed; text after a NUL byte is cut (C
// strings: what remoted hands analysisd) and the cut counted
// (Stats.NULTruncated); empty messages are skipped. Every other byte is
// passed on, so an LF or CR inside a datagram (or an octet-counted frame)
// stays inside its one event, as with remoted; the renderers escape such
// bytes (internal/alert.AppendOneLine), so they cannot forge lines of
// alerts.log or of a mail.
// Messages longer than MaxMessage are truncated to it, delivered and
// counted as oversize (remoted truncates UDP the same way; on TCP it drops
// the connection, which loses data we prefer to keep). A bad octet count
// cannot be resynchronised: it is counted as malformed and the connection
// closed.
//
// Access (remoted OS_IPNotAllowed / OS_IPFoundList): a sender in Denied is
// refused; otherwise it must be in Allowed. Without Allowed remoted
// disables the syslog server: New returns ErrNoAllowedIPs. Entries are
// IPv4 or IPv6 addresses, CIDR prefixes, IPv4 dotted netmasks
// ("10.0.0.0/255.0.0.0"), "any", and "!" negations with remoted's quirk:
// once a negated entry is seen, a match of it or of any later entry means
// "not in the list", and reaching the end means "in the list". TCP
// connections are checked once at accept, datagrams one by one.
//
// Limits (TCP and TLS; gossec's own options, remoted has none for
// syslog): memory and descriptors are bounded by configuration, whatever
// the senders do.
//   - <max_connections> (default 200, rsyslog imtcp's MaxSessions): a
//     connection beyond it is accepted and closed at once (left in the
//     backlog it would only hang its sender), counted (RefusedLimit) and
//     logged. The cap is lowered, with a warning, to half of
//     RLIMIT_NOFILE (which the Go runtime raises to the hard limit at
//     start), so that a flood never takes the descriptors the tailer
//     needs to open a rotated file. The cap is per <remote> block.
//   - <idle_timeout> (default 5m; a number of seconds or with s, m, h, d;
//     0 disables it): a connection that sent nothing for that long is
//     closed and counted (IdleClosed); a partial line it left is
//     delivered first, as when the peer closes. Silence is measured per
//     read, so a sender that keeps sending is never cut.
//   - Buffers: each connection holds a 4 KiB read buffer. A line or frame
//     longer than that is assembled in a MaxMessage+1 byte buffer borrowed
//     from a pool and given back as soon as the message is delivered, so
//     the worst case is max_connections x (MaxMessage + a few KiB) and an
//     idle connection costs a few KiB. When a burst of long messages is
//     over (no buffer out for 5 s after 2 MiB or more were out at once)
//     the memory is returned to the kernel at once (debug.FreeOSMemory,
//     at most once a minute) rather than at the runtime's next collection.
//   - Oversize messages are cut to MaxMessage (above), counted and logged.
//
// Refused senders (by reason: denied, not allowed), refusals at the cap,
// idle closes and oversize messages are logged
// through internal/ratelog: at their first occurrence, then one
// "(repeated)" summary a minute while they go on (times=N, in=, the
// details of the latest); Run writes what is pending when it ends. The
// exact numbers are in Stats.
//
// Goroutines: Run starts one reader per UDP socket, one accept loop per
// TCP listener and one goroutine per connection (internal/ratelog adds a
// timer per condition while it goes on); all of them stop when Run's
// context is cancelled (Run closes the sockets and waits for them).
// Sending on out blocks, so a slow analyzer slows the readers down (UDP
// senders then lose datagrams in the kernel, as with remoted).
//
// Imports: internal/ratelog, github.com/leodido/go-syslog/v4/rfc5424 and
// the standard library.
package remote
