package syslog

import (
	"strconv"
	"strings"

	"github.com/gossec/gossec/internal/alert"
	"github.com/gossec/gossec/internal/event"
)

// CEF header constants, as Wazuh 4.9.2 writes them.
const (
	cefVendor  = "Wazuh Inc."
	cefProduct = "Wazuh"
	cefVersion = "v4.9.2"
)

// view is what the formats read from an alert: csyslogd's alert_data.
type view struct {
	level, id        int
	desc, loc, group string
	srcip, dstip     string
	user, log        string
	srcport, dstport int
	hasLog           bool
	ev               *event.Event // for cef_fields
}

// formatter renders messages for one destination. It keeps scratch
// buffers, so one formatter serves one goroutine at a time.
type formatter struct {
	format  Format
	header  Header
	host    string
	program string
	cefHost bool
	cefAll  bool
	pri     int
	max     int
	groups  []byte // scratch: the joined groups
	tail    []byte // scratch: fields written after the log
}

func newFormatter(c *Config, host string) *formatter {
	return &formatter{
		format: c.Format, header: c.Header, host: sanitizeHeaderField(host, 255),
		program: sanitizeHeaderField(c.Program, 48), pri: c.Priority(), max: c.MaxSize,
		cefHost: c.CEFHost, cefAll: c.CEFFields,
	}
}

// sanitizeHeaderField makes s a valid RFC 5424 HOSTNAME/APP-NAME (printable
// ASCII, no space, bounded), which is also safe in an RFC 3164 header.
func sanitizeHeaderField(s string, max int) string {
	if s == "" {
		return "-"
	}
	b := []byte(s)
	for i, c := range b {
		if c <= ' ' || c >= 0x7f {
			b[i] = '_'
		}
	}
	if len(b) > max {
		b = b[:max]
	}
	return string(b)
}

// load fills v from a; the strings alias a's, so v lives only as long as
// the alert is untouched.
func (f *formatter) load(v *view, a *alert.Alert) {
	ev, r := a.Event, a.Rule
	*v = view{level: r.Level, id: r.ID, desc: r.Description, loc: ev.Location, ev: ev}
	f.groups = joinGroups(f.groups[:0], r.Groups)
	v.group = bytesString(f.groups)
	v.srcip, _ = ev.Get(event.SrcIP)
	v.dstip, _ = ev.Get(event.DstIP)
	v.user, _ = ev.User()
	sp, _ := ev.Get(event.SrcPort)
	dp, _ := ev.Get(event.DstPort)
	v.srcport, v.dstport = atoi(sp), atoi(dp)
	if !r.NoFullLog {
		v.log, v.hasLog = ev.FullLog, true
	}
}

// complianceKinds are the group prefixes alerts.json moves out of
// rule.groups; csyslogd joins only what is left.
var complianceKinds = [...]string{"pci_dss_", "cis_", "gdpr_", "gpg13_", "hipaa_", "nist_800_53_", "tsc_"}

func joinGroups(b []byte, s string) []byte {
	for s != "" {
		tok := s
		if i := strings.IndexByte(s, ','); i >= 0 {
			tok, s = s[:i], s[i+1:]
		} else {
			s = ""
		}
		if tok == "" || isCompliance(tok) {
			continue
		}
		if len(b) > 0 {
			b = append(b, ',')
		}
		b = append(b, tok...)
	}
	return b
}

func isCompliance(tok string) bool {
	for _, k := range complianceKinds {
		if len(tok) > len(k) && strings.HasPrefix(tok, k) {
			return true
		}
	}
	return false
}

// atoi reads leading decimal digits, as C's atoi does for a port field.
func atoi(s string) int {
	n := 0
	for i := 0; i < len(s) && s[i] >= '0' && s[i] <= '9' && n < 1<<20; i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n
}

// appendMessage appends the whole syslog message for a, without framing,
// and reports whether max_size cut it.
func (f *formatter) appendMessage(b []byte, a *alert.Alert) ([]byte, bool) {
	var v view
	f.load(&v, a)
	return f.render(b, a, &v)
}

// render appends the message for a, whose view v was loaded by load.
func (f *formatter) render(b []byte, a *alert.Alert, v *view) ([]byte, bool) {
	start := len(b)
	b = f.appendHeader(b, a)
	w := msgw{b: b, limit: start + f.max}
	switch f.format {
	case FormatCEF:
		f.cef(&w, v)
	case FormatJSON:
		f.json(&w, v, false)
	case FormatJSONFull:
		full := alert.AppendJSON(w.b, a)
		if len(full) <= w.limit {
			return full, false
		}
		w.b = full[:len(w.b)]
		f.json(&w, v, true)
		return w.b, true
	case FormatSplunk:
		f.splunk(&w, v)
	default:
		f.plain(&w, v)
	}
	return w.b, w.full
}

func (f *formatter) appendHeader(b []byte, a *alert.Alert) []byte {
	b = append(b, '<')
	b = strconv.AppendInt(b, int64(f.pri), 10)
	b = append(b, '>')
	if f.header == RFC5424 {
		b = append(b, "1 "...)
		b = a.Time.AppendFormat(b, "2006-01-02T15:04:05.000000Z07:00")
		b = append(b, ' ')
		b = append(b, f.host...)
		b = append(b, ' ')
		b = append(b, f.program...)
		return append(b, " - - - "...)
	}
	b = a.Time.AppendFormat(b, "Jan _2 15:04:05 ")
	if f.format == FormatCEF {
		// csyslogd writes CEF right after the time; cef_hostname adds
		// the host, the layout ArcSight documents.
		if f.cefHost {
			b = append(b, f.host...)
			b = append(b, ' ')
		}
		return b
	}
	b = append(b, f.host...)
	b = append(b, ' ')
	b = append(b, f.program...)
	return append(b, ": "...)
}

// plain is the "default" format.
func (f *formatter) plain(w *msgw, v *view) {
	w.lit("Alert Level: ")
	w.int(v.level)
	w.lit("; Rule: ")
	w.int(v.id)
	w.lit(" - ")
	w.val(v.desc, escLine, 0)
	w.lit("; Location: ")
	w.val(v.loc, escLine, 0)
	w.lit(";")
	w.field(" classification: ", v.group, ";", escLine)
	w.field(" srcip: ", v.srcip, ";", escLine)
	w.field(" dstip: ", v.dstip, ";", escLine)
	w.field(" user: ", v.user, ";", escLine)
	if v.hasLog && w.lit(" ") {
		w.val(v.log, escLine, 0)
	}
}

func (f *formatter) splunk(w *msgw, v *view) {
	w.lit("crit=")
	w.int(v.level)
	w.lit(" id=")
	w.int(v.id)
	w.splunkQuoted(` description="`, v.desc, `"`)
	w.splunkQuoted(` component="`, v.loc, `",`)
	if v.group != "" {
		w.splunkQuoted(` classification="`, v.group, `",`)
	}
	if v.srcip != "" && w.splunkQuoted(` src_ip="`, v.srcip, `",`) {
		w.port(" src_port=", v.srcport, ",")
	}
	if v.dstip != "" && w.splunkQuoted(` dst_ip="`, v.dstip, `",`) {
		w.port(" dst_port=", v.dstport, ",")
	}
	if v.user != "" {
		w.splunkQuoted(` acct="`, v.user, `",`)
	}
	if v.hasLog {
		w.splunkQuoted(` message="`, v.log, `"`)
	}
}

// json is the compact csyslogd object. With truncated set (a json-full
// alert too large for max_size) it says so.
func (f *formatter) json(w *msgw, v *view, truncated bool) {
	// One byte is kept for the closing brace, whatever gets cut.
	w.limit--
	w.lit(`{"crit":`)
	w.int(v.level)
	w.lit(`,"id":`)
	w.int(v.id)
	w.jsonField(`,"component":"`, v.loc, 0)
	w.jsonField(`,"classification":"`, v.group, 0)
	w.jsonField(`,"description":"`, v.desc, 0)
	// The fields after the message are written first into the scratch
	// tail, so a long message is cut to leave room for them.
	t := msgw{b: f.tail[:0], limit: f.max}
	t.jsonField(`,"acct":"`, v.user, 0)
	t.jsonField(`,"src_ip":"`, v.srcip, 0)
	t.port(`,"src_port":`, v.srcport, "")
	t.jsonField(`,"dst_ip":"`, v.dstip, 0)
	t.port(`,"dst_port":`, v.dstport, "")
	if truncated {
		t.lit(`,"truncated":true`)
	}
	f.tail = t.b
	if v.hasLog {
		w.jsonField(`,"message":"`, v.log, len(t.b))
	}
	if len(w.b)+len(t.b) <= w.limit {
		w.close(bytesString(t.b)) // room kept by the message's reserve
	}
	w.limit++
	w.close("}")
}

func (f *formatter) cef(w *msgw, v *view) {
	w.lit("CEF:0|")
	w.val(cefVendor, escCEFHeader, 0)
	w.lit("|")
	w.val(cefProduct, escCEFHeader, 0)
	w.lit("|")
	w.val(cefVersion, escCEFHeader, 0)
	w.lit("|")
	w.int(v.id)
	w.lit("|")
	// The rest of the header and dvc are written first into the scratch
	// tail and their room reserved, so a description of any length is cut
	// and the header still closes.
	t := msgw{b: f.tail[:0], limit: f.max}
	t.lit("|")
	t.int(min(v.level, 10))
	t.lit("|dvc=")
	t.val(f.host, escCEFExt, 0)
	f.tail = t.b
	if w.full {
		return
	}
	w.val(v.desc, escCEFHeader, len(t.b))
	w.close(bytesString(t.b))
	w.field(" cs1=", v.loc, " cs1Label=Location", escCEFExt)
	w.field(" cat=", v.group, "", escCEFExt)
	w.field(" src=", v.srcip, "", escCEFExt)
	w.port(" dpt=", v.dstport, "")
	w.port(" spt=", v.srcport, "")
	w.field(" dhost=", v.dstip, "", escCEFExt)
	w.field(" shost=", v.srcip, "", escCEFExt)
	w.field(" suser=", v.user, "", escCEFExt)
	w.field(" dst=", v.dstip, "", escCEFExt)
	if f.cefAll {
		f.cefFields(w, v.ev)
	}
	if v.hasLog && w.lit(" msg=") {
		w.val(v.log, escCEFExt, 0)
	}
}

// cefDictionary maps the decoded fields csyslogd leaves out to their CEF
// dictionary keys.
var cefDictionary = [...]struct {
	field event.Static
	key   string
}{
	{event.Action, " act="},
	{event.Protocol, " proto="},
	{event.URL, " request="},
	{event.Status, " outcome="},
}

// cefCustom are the CEF custom string keys left after cs1 (Location).
var cefCustom = [...][2]string{
	{" cs2=", " cs2Label="}, {" cs3=", " cs3Label="}, {" cs4=", " cs4Label="},
	{" cs5=", " cs5Label="}, {" cs6=", " cs6Label="},
}

// cefFields writes, for cef_fields, the dictionary fields and then the
// first dynamic fields (mysql.db, mysql.table, ...) as labelled custom
// strings, one index each, so no key repeats.
func (f *formatter) cefFields(w *msgw, ev *event.Event) {
	for _, d := range cefDictionary {
		v, _ := ev.Get(d.field)
		w.field(d.key, v, "", escCEFExt)
	}
	next := 0
	for _, fd := range ev.Dynamic {
		if next == len(cefCustom) || w.full {
			return
		}
		if fd.Value == "" {
			continue
		}
		f.cefCustomString(w, cefCustom[next], fd)
		next++
	}
}

// cefCustomString writes "csN=value csNLabel=name" as a pair: the label is
// rendered first and its room reserved, so a long value is cut and a
// value never goes out without its label.
func (f *formatter) cefCustomString(w *msgw, keys [2]string, fd event.Field) {
	t := msgw{b: f.tail[:0], limit: f.max}
	t.lit(keys[1])
	t.val(fd.Name, escCEFExt, 0)
	f.tail = t.b
	if len(w.b)+len(keys[0])+len(trailer)+len(t.b) > w.limit {
		w.full = true
		return
	}
	w.lit(keys[0])
	w.val(fd.Value, escCEFExt, len(t.b))
	w.close(bytesString(t.b))
}
