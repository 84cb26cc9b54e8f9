package email

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"time"
)

// batch is the alerts of one message: a group waiting for its delay, or a
// single alert.
type batch struct {
	rcpts    *rcptSet
	format   Format
	sections []*Section
	deadline time.Time
}

// digest collects, per recipient set and format, the alerts the hourly
// cap held back; it is sent as one message once the hour has turned.
type digest struct {
	rcpts   *rcptSet
	format  Format
	hour    time.Time // the hour whose budget was spent
	entries []string
	size    int
	total   int
	omitted int
}

// limiter is email_maxperhour: one budget per local clock hour shared by
// every message the Mailer sends.
type limiter struct {
	max  int
	hour time.Time
	used int
}

// hourOf is the start of t's hour on t's own clock, so the budget turns
// over when the wall clock's hour changes (also in half-hour zones).
func hourOf(t time.Time) time.Time {
	y, mo, d := t.Date()
	return time.Date(y, mo, d, t.Hour(), 0, 0, 0, t.Location())
}

func (l *limiter) take(now time.Time) bool {
	if h := hourOf(now); !h.Equal(l.hour) {
		l.hour, l.used = h, 0
	}
	if l.used >= l.max {
		return false
	}
	l.used++
	return true
}

// budgetName is the file, in the spool directory, that keeps the hour's
// budget.
const budgetName = "budget"

// budgetRecord is the limiter as saved: the hour as Unix seconds, so a
// change of time zone cannot make an old hour look current.
type budgetRecord struct {
	Hour int64 `json:"hour"`
	Used int   `json:"used"`
}

// restore takes over what a previous process used of the current hour.
// A missing or unreadable file is a fresh budget.
func (l *limiter) restore(path string, now time.Time) {
	data, err := os.ReadFile(path)
	if err != nil {
		return
	}
	var r budgetRecord
	if json.Unmarshal(data, &r) != nil {
		return
	}
	if h := hourOf(now); r.Hour == h.Unix() && r.Used > 0 {
		l.hour, l.used = h, r.Used
	}
}

// take charges one mail to the hour's budget and saves the budget.
func (m *Mailer) take(now time.Time) bool {
	m.limMu.Lock()
	defer m.limMu.Unlock()
	if !m.lim.take(now) {
		return false
	}
	if m.budgetFile != "" {
		m.spool.saveBudget(m.budgetFile, budgetRecord{Hour: m.lim.hour.Unix(), Used: m.lim.used})
	}
	return true
}

// header fills the fields every message shares.
func (m *Mailer) header(kind string, rcpts *rcptSet, now time.Time) *outMsg {
	return &outMsg{
		Kind:     kind,
		ID:       m.nextID(now),
		Date:     now,
		FromName: cleanHeader(m.cfg.Product, subjectSize),
		From:     m.cfg.From,
		To:       rcpts.addrs[0],
		Cc:       rcpts.addrs[1:],
		ReplyTo:  m.cfg.ReplyTo,
		IDSName:  cleanHeader(m.cfg.IDSName, subjectSize),
	}
}

// compose renders a batch. A grouped mail takes the subject of its
// highest-level alert (the first of them), as ossec-maild does.
func (m *Mailer) compose(b *batch, now time.Time) *outMsg {
	if b.format == SMS {
		s := b.sections[0]
		msg := m.header(kindSMS, b.rcpts, now)
		msg.Subject, msg.Body = s.SMSSubject(), normalizeEOL([]byte(s.SMSBody()))
		msg.Alerts = 1
		return msg
	}
	msg := m.header(kindFull, b.rcpts, now)
	top := b.sections[0]
	var body []byte
	for i, s := range b.sections {
		if s.Level > top.Level {
			top = s
		}
		if i > 0 {
			body = append(body, '\n')
		}
		body = append(body, m.cfg.renderSection(s)...)
	}
	msg.Subject, msg.Body = top.Subject(m.cfg.FullSubject), normalizeEOL(body)
	msg.Alerts = len(b.sections)
	return msg
}

// hold adds a batch that found the hour's budget spent to the digest of
// its recipient set. Beyond DigestMaxBytes alerts are only counted.
func (m *Mailer) hold(b *batch, now time.Time) {
	m.warnCap(b, now)
	key := strconv.Itoa(int(b.format)) + ":" + b.rcpts.key
	d := m.digests[key]
	if d == nil {
		d = &digest{rcpts: b.rcpts, format: b.format, hour: hourOf(now)}
		m.digests[key] = d
	}
	for _, s := range b.sections {
		var e string
		if b.format == SMS {
			e = s.SMSSubject() + "\n"
		} else {
			e = string(m.cfg.renderSection(s))
		}
		d.total++
		m.stats.held.Add(1)
		if len(d.entries) == 0 && len(e) > m.cfg.DigestMaxBytes {
			e = truncUTF8(e, m.cfg.DigestMaxBytes) + "\n(truncated)\n"
		}
		if len(d.entries) > 0 && d.size+len(e) > m.cfg.DigestMaxBytes {
			d.omitted++
			m.stats.notShown.Add(1)
			m.rl.Log(slog.LevelWarn, "not_shown", "alert left out of the next-hour digest by its size cap (counted in it)",
				"digest_max_bytes", m.cfg.DigestMaxBytes, "rule", s.RuleID)
			continue
		}
		d.entries = append(d.entries, e)
		d.size += len(e)
	}
}

// warnCap says, once per hour, that email_maxperhour is spent and what
// it holds back, then counts the held alerts into a summary a minute
// (ratelog): without it an urgent alert waits for the next-hour digest
// and nobody knows why.
func (m *Mailer) warnCap(b *batch, now time.Time) {
	top := b.sections[0]
	for _, s := range b.sections {
		if s.Level > top.Level {
			top = s
		}
	}
	args := []any{"email_maxperhour", m.cfg.MaxPerHour, "until", hourOf(now).Add(time.Hour).Format("15:04"),
		"to", strings.Join(b.rcpts.addrs, ","), "alerts", len(b.sections), "rule", top.RuleID, "level", top.Level}
	if h := hourOf(now); !h.Equal(m.capWarned) {
		m.capWarned = h
		m.rl.Resolve("held") // a new hour: a new episode
		m.log.Warn("email_maxperhour reached: alerts are held for one digest when the hour turns", args...)
		return
	}
	if !m.rl.Again("held") {
		m.rl.Log(slog.LevelWarn, "held", "alert held for the next-hour digest by email_maxperhour", args...)
	}
}

// sendDueDigests sends the digests of hours that are over, as far as the
// new hour's budget allows; the rest wait for the next hour.
func (m *Mailer) sendDueDigests(now time.Time) {
	if len(m.digests) == 0 {
		return
	}
	cur := hourOf(now)
	for _, k := range sortedKeys(m.digests) {
		d := m.digests[k]
		if !cur.After(d.hour) {
			continue
		}
		if !m.take(now) {
			return
		}
		delete(m.digests, k)
		m.toSpool(m.composeDigest(d, now))
	}
}

func (m *Mailer) composeDigest(d *digest, now time.Time) *outMsg {
	msg := m.header(kindDigest, d.rcpts, now)
	tag := subjectTag(m.cfg.Product)
	n := strconv.Itoa(d.total)
	capText := strconv.Itoa(m.cfg.MaxPerHour)
	var b strings.Builder
	if d.format == SMS {
		msg.Subject = cleanHeader(tag+" digest - "+n+" alerts over email_maxperhour", subjectSize)
		b.WriteString(n + " alerts held (email_maxperhour " + capText + "):\n")
	} else {
		msg.Subject = cleanHeader(tag+" Notification digest - "+n+" alerts held by email_maxperhour", subjectSize)
		b.WriteString(m.cfg.Product + " Notification digest.\n")
		b.WriteString(n + " alerts were held because email_maxperhour (" + capText +
			") was reached in the hour starting " + d.hour.Format("2006 Jan 02 15:04") + ".\n\n")
	}
	for i, e := range d.entries {
		if i > 0 && d.format == Full {
			b.WriteByte('\n')
		}
		b.WriteString(e)
	}
	if d.omitted > 0 {
		if d.format == Full {
			b.WriteByte('\n')
		}
		b.WriteString(strconv.Itoa(d.omitted) + " more not shown.\n")
	}
	msg.Body = normalizeEOL([]byte(b.String()))
	msg.Alerts = d.total
	return msg
}

// normalizeEOL turns CRLF and lone CR into LF. The quoted-printable
// encoder writes every line end as CRLF, but it merges a lone CR with a
// later LF even when other bytes come between, which would lose a line.
func normalizeEOL(b []byte) string {
	if !bytes.ContainsRune(b, '\r') {
		return string(b)
	}
	b = bytes.ReplaceAll(b, []byte("\r\n"), []byte("\n"))
	return string(bytes.ReplaceAll(b, []byte("\r"), []byte("\n")))
}
