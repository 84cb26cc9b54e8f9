package syslog

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/gossec/gossec/internal/event"
	"unicode/utf8"
)

// cefEvent is a parsed CEF line.
type cefEvent struct {
	header [7]string // version, vendor, product, version, signature id, name, severity
	ext    map[string]string
}

// parseCEF is a strict reader of the CEF specification (rev 25): the
// header's seven fields with only "\\" and "\|" escapes, then extensions
// whose values escape '\', '=', CR and LF and nothing else. It rejects
// duplicate keys, csN values without their csNLabel (or the reverse),
// control bytes and invalid UTF-8.
func parseCEF(s string) (*cefEvent, error) {
	if !utf8.ValidString(s) {
		return nil, errors.New("invalid UTF-8")
	}
	for i := 0; i < len(s); i++ {
		if s[i] < ' ' || s[i] == 0x7f {
			return nil, fmt.Errorf("control byte %#x at %d", s[i], i)
		}
	}
	rest, ok := strings.CutPrefix(s, "CEF:")
	if !ok {
		return nil, errors.New("no CEF: prefix")
	}
	ev := &cefEvent{ext: map[string]string{}}
	for i := range ev.header {
		var err error
		ev.header[i], rest, err = headerField(rest)
		if err != nil {
			return nil, fmt.Errorf("header field %d: %w", i, err)
		}
	}
	if ev.header[0] != "0" {
		return nil, fmt.Errorf("version %q", ev.header[0])
	}
	if err := parseExtensions(rest, ev.ext); err != nil {
		return nil, err
	}
	return ev, checkLabels(ev.ext)
}

func headerField(s string) (string, string, error) {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '|':
			return b.String(), s[i+1:], nil
		case '\\':
			if i+1 == len(s) || (s[i+1] != '\\' && s[i+1] != '|') {
				return "", "", fmt.Errorf("bad escape at %d", i)
			}
			i++
			b.WriteByte(s[i])
		default:
			b.WriteByte(c)
		}
	}
	return "", "", errors.New("unterminated")
}

// parseExtensions splits "k1=v1 k2=v2 ..." on the unescaped '=' signs: as
// a raw '=' may not appear in a value, each one ends a key, and the key is
// the word before it.
func parseExtensions(s string, ext map[string]string) error {
	if s == "" {
		return nil
	}
	var eqs []int
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case '=':
			eqs = append(eqs, i)
		}
	}
	if len(eqs) == 0 {
		return errors.New("extension without '='")
	}
	keyStart := 0
	for n, at := range eqs {
		key := s[keyStart:at]
		if err := checkKey(key); err != nil {
			return err
		}
		end := len(s)
		next := 0
		if n+1 < len(eqs) {
			sp := strings.LastIndexByte(s[:eqs[n+1]], ' ')
			if sp <= at {
				return fmt.Errorf("raw '=' in the value of %q", key)
			}
			end, next = sp, sp+1
		}
		v, err := unescapeValue(s[at+1 : end])
		if err != nil {
			return fmt.Errorf("%s: %w", key, err)
		}
		if _, dup := ext[key]; dup {
			return fmt.Errorf("duplicate key %q", key)
		}
		ext[key] = v
		keyStart = next
	}
	return nil
}

func checkKey(k string) error {
	if k == "" {
		return errors.New("empty key")
	}
	for _, c := range []byte(k) {
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_') {
			return fmt.Errorf("bad key %q", k)
		}
	}
	return nil
}

func unescapeValue(v string) (string, error) {
	var b strings.Builder
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c != '\\' {
			b.WriteByte(c)
			continue
		}
		if i+1 == len(v) {
			return "", errors.New("dangling backslash")
		}
		i++
		switch v[i] {
		case '\\', '=':
			b.WriteByte(v[i])
		case 'n':
			b.WriteByte('\n')
		case 'r':
			b.WriteByte('\r')
		default:
			return "", fmt.Errorf("bad escape \\%c", v[i])
		}
	}
	return b.String(), nil
}

// checkLabels pairs every custom field with its label.
func checkLabels(ext map[string]string) error {
	for k := range ext {
		for _, p := range []string{"cs", "cn", "cfp", "flexString", "deviceCustomDate"} {
			rest, ok := strings.CutPrefix(k, p)
			if !ok || rest == "" || strings.Trim(rest, "0123456789") != "" {
				continue
			}
			if _, ok := ext[k+"Label"]; !ok {
				return fmt.Errorf("%s without %sLabel", k, k)
			}
		}
		if base, ok := strings.CutSuffix(k, "Label"); ok && strings.HasPrefix(base, "cs") && base != "cs" {
			if _, ok := ext[base]; !ok {
				return fmt.Errorf("%s without %s", k, base)
			}
		}
	}
	return nil
}

// TestCEFLongDescription: a description longer than max_size is cut, and
// the header is still closed (severity, dvc) so receivers parse it.
func TestCEFLongDescription(t *testing.T) {
	for _, desc := range []string{
		strings.Repeat("a", 5000),
		"0000000000000" + strings.Repeat("\xff", 3000),
		strings.Repeat("|\\", 2000),
	} {
		for _, h := range []Header{RFC3164, RFC5424} {
			a := findSample("sshd-failed").alert()
			a.Rule.Description = desc
			c := testConfig(FormatCEF, h)
			c.MaxSize = MinMaxSize
			msg, cut := newTestFormatter(t, c).appendMessage(nil, a)
			if !cut || len(msg) > c.MaxSize {
				t.Fatalf("cut=%v len=%d", cut, len(msg))
			}
			cef, err := parseCEF(payloadOf(t, string(msg), FormatCEF, h))
			if err != nil {
				t.Fatalf("%v\n%q", err, msg)
			}
			if !strings.HasSuffix(cef.header[5], "...") || cef.header[6] == "" || cef.ext["dvc"] == "" {
				t.Errorf("header %q ext %q", cef.header, cef.ext)
			}
		}
	}
}

// TestCEFFields: cef_fields adds the decoded fields csyslogd drops, each
// under its own key, values escaped, and nothing when the option is off.
func TestCEFFields(t *testing.T) {
	a := findSample("sshd-failed").alert()
	a.Event.Dynamic = nil
	a.Event.Set(event.Action, "insert")
	a.Event.Set(event.URL, "/a=b")
	for _, f := range []event.Field{
		{Name: "mysql.db", Value: "acme"}, {Name: "mysql.table", Value: "users"},
		{Name: "mysql.operation", Value: "insert"}, {Name: "mysql.row", Value: "8,brian,x=y\\z"},
		{Name: "empty", Value: ""}, {Name: "mysql.host", Value: "localhost"},
		{Name: "sixth", Value: "dropped: cs2..cs6 are five"},
	} {
		a.Event.AddDynamic(f.Name, f.Value)
	}
	want := map[string]string{
		"act": "insert", "request": "/a=b",
		"cs2": "acme", "cs2Label": "mysql.db", "cs3": "users", "cs3Label": "mysql.table",
		"cs4": "insert", "cs4Label": "mysql.operation", "cs5": "8,brian,x=y\\z", "cs5Label": "mysql.row",
		"cs6": "localhost", "cs6Label": "mysql.host", "cs1Label": "Location",
	}
	for _, on := range []bool{true, false} {
		c := testConfig(FormatCEF, RFC3164)
		c.CEFFields = on
		msg, _ := newTestFormatter(t, c).appendMessage(nil, a)
		cef, err := parseCEF(payloadOf(t, string(msg), FormatCEF, RFC3164))
		if err != nil {
			t.Fatalf("%v\n%q", err, msg)
		}
		for k, v := range want {
			got, ok := cef.ext[k]
			if on && got != v {
				t.Errorf("cef_fields: %s=%q, want %q\n%s", k, got, v, msg)
			}
			if !on && ok && k != "cs1Label" {
				t.Errorf("without cef_fields: %s=%q present", k, got)
			}
		}
		if on && strings.Contains(string(msg), "dropped") {
			t.Errorf("a sixth custom string was written: %s", msg)
		}
	}
}
