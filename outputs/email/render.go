package email

import (
	"bytes"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gossec/gossec/internal/alert"
	"github.com/gossec/gossec/internal/event"
)

// Section is the copy of an alert that a notification is rendered from.
// It is also the data of a custom body template (<email_template>).
type Section struct {
	Product      string
	Time         time.Time
	Date         string // "2006 Jan 02 15:04:05", as alerts.log prints it
	AlertID      string
	ReceivedFrom string // "host->location", or "(agent) ip->location"
	Host         string // the part of ReceivedFrom before "->"
	Location     string
	RuleID       int
	Level        int
	Description  string
	Groups       string
	Mail         bool
	SrcIP        string
	DstIP        string
	User         string
	Logs         []string // full_log then previous_output; empty with no_full_log
}

// NewSection copies what a notification needs out of a, so the caller may
// reuse a.Event afterwards. a.Rule must not be nil.
func NewSection(a *alert.Alert, product string) *Section {
	ev, r := a.Event, a.Rule
	s := &Section{
		Product:     oneLine(product),
		Time:        a.Time,
		Date:        a.Time.Format("2006 Jan 02 15:04:05"),
		AlertID:     strings.Clone(a.ID),
		Location:    oneLine(ev.Location),
		RuleID:      r.ID,
		Level:       r.Level,
		Description: oneLine(r.Description),
		Groups:      oneLine(r.Groups),
		Mail:        r.Mail,
		SrcIP:       staticCopy(ev, event.SrcIP),
		DstIP:       staticCopy(ev, event.DstIP),
		User:        staticCopy(ev, event.DstUser),
	}
	// As in alerts.log: local events print "host->location"; an agent's
	// location already starts with "(name) ip->".
	if ev.AgentID == "" || ev.AgentID == "000" {
		s.Host = oneLine(ev.Hostname)
		s.ReceivedFrom = s.Host + "->" + s.Location
	} else {
		s.ReceivedFrom = s.Location
		s.Host, _, _ = strings.Cut(s.Location, "->")
	}
	if !r.NoFullLog {
		s.Logs = make([]string, 0, 1+len(a.Previous))
		s.Logs = append(s.Logs, oneLine(ev.FullLog))
		for _, p := range a.Previous {
			s.Logs = append(s.Logs, oneLine(p))
		}
	}
	return s
}

func staticCopy(ev *event.Event, f event.Static) string {
	v, _ := ev.Get(f)
	return oneLine(v)
}

// oneLine copies a value of the body (a one-line slot or a log line),
// escaping its control characters as alerts.log does
// (alert.AppendOneLine: LF as \n, CR as \r, others as \xHH), so log data
// can neither fake body lines nor reach a template with a line break.
func oneLine(s string) string {
	if !alert.HasControl(s) {
		return strings.Clone(s)
	}
	return alert.OneLine(s)
}

// subjectTag is the product's first word: "OSSEC" for "OSSEC HIDS".
func subjectTag(product string) string {
	tag, _, _ := strings.Cut(product, " ")
	return tag
}

// subjectSize is ossec-maild's subject limit (SUBJECT_SIZE-2 characters).
const subjectSize = 126

// Subject returns the full-format subject of one alert, as ossec-maild
// builds it: the host part of the location and the level, plus the
// description when full is set.
func (s *Section) Subject(full bool) string {
	tag := subjectTag(s.Product)
	var b strings.Builder
	if full {
		b.WriteString(tag + " Alert - " + s.Host + " - Level " + strconv.Itoa(s.Level) + " - " + s.Description)
	} else {
		b.WriteString(tag + " Notification - " + s.Host + " - Alert level " + strconv.Itoa(s.Level))
	}
	return cleanHeader(b.String(), subjectSize)
}

// SMSSubject is the SMS subject: "OSSEC <level> - <rule> - <description>".
func (s *Section) SMSSubject() string {
	return cleanHeader(subjectTag(s.Product)+" "+strconv.Itoa(s.Level)+" - "+strconv.Itoa(s.RuleID)+" - "+s.Description, subjectSize)
}

// smsBodySize is what ossec-maild keeps of the logs in an SMS.
const smsBodySize = 127

// SMSBody is the SMS body: the start of the log lines.
func (s *Section) SMSBody() string {
	var b []byte
	for _, l := range s.Logs {
		b = append(b, l...)
		b = append(b, '\n')
	}
	return truncUTF8(string(b), smsBodySize)
}

// AppendBody appends the OSSEC notification text of one alert (the layout
// of mysql-formats.md §2), with "\n" line ends; the MIME encoder turns
// them into CRLF.
func (s *Section) AppendBody(b []byte) []byte {
	b = append(b, s.Product...)
	b = append(b, " Notification.\n"...)
	b = append(b, s.Date...)
	b = append(b, "\n\nReceived From: "...)
	b = append(b, s.ReceivedFrom...)
	b = append(b, "\nRule: "...)
	b = strconv.AppendInt(b, int64(s.RuleID), 10)
	b = append(b, " fired (level "...)
	b = strconv.AppendInt(b, int64(s.Level), 10)
	b = append(b, ") -> \""...)
	b = append(b, s.Description...)
	b = append(b, "\"\n"...)
	b = appendExtra(b, "Src IP: ", s.SrcIP)
	b = appendExtra(b, "Dst IP: ", s.DstIP)
	b = appendExtra(b, "User: ", s.User)
	b = append(b, "Portion of the log(s):\n\n"...)
	for _, l := range s.Logs {
		b = append(b, l...)
		b = append(b, '\n')
	}
	return append(b, "\n--END OF NOTIFICATION\n"...)
}

func appendExtra(b []byte, label, v string) []byte {
	if v == "" {
		return b
	}
	b = append(b, label...)
	b = append(b, v...)
	return append(b, '\n')
}

// renderSection renders one alert of a full-format mail, through the
// custom template when one is configured.
func (c *Config) renderSection(s *Section) []byte {
	if c.tmpl == nil {
		return s.AppendBody(nil)
	}
	var buf bytes.Buffer
	if err := c.tmpl.Execute(&buf, s); err != nil {
		// A template that fails on some alert must not lose the alert:
		// fall back to the standard layout and say why.
		b := append([]byte("(email template failed: "), err.Error()...)
		b = append(b, ")\n"...)
		return s.AppendBody(b)
	}
	return buf.Bytes()
}

// cleanHeader makes s safe as a header value: invalid UTF-8 is replaced,
// every control character (CR and LF included) becomes a space, runs of
// spaces collapse, and the result is cut to max bytes on a rune boundary.
func cleanHeader(s string, max int) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		if isControl(r) || r == ' ' || r == '\u2028' || r == '\u2029' || r == '\u0085' {
			if !space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = true
			continue
		}
		space = false
		b.WriteRune(r)
	}
	return truncUTF8(strings.TrimRight(b.String(), " "), max)
}

// truncUTF8 cuts s to at most max bytes without splitting a rune.
func truncUTF8(s string, max int) string {
	if len(s) <= max {
		return s
	}
	i := max
	for i > 0 && !utf8.RuneStart(s[i]) {
		i--
	}
	return s[:i]
}
