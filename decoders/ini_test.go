package decoders

import (
	"bufio"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/gossec/gossec/internal/event"
	"github.com/gossec/gossec/internal/predecode"
)

// iniCase is one log line of a Wazuh ruleset test file with the decoder
// its section expects.
type iniCase struct {
	file, section string
	line          string
	pass          bool
	decoder       string
}

var iniLogKey = regexp.MustCompile(`^log\s+\d+\s+(pass|fail)\s*=\s*(.*)$`)

// readIniCases is a crude reader of tests/*.ini: it keeps every log line
// (inline " ;" comments cut, as Python 2's ConfigParser does) and the
// section's expected decoder. Multi-line correlation values are not merged;
// every line is a case of its own, which is enough for decoding.
func readIniCases(t testing.TB) []iniCase {
	home := wazuhHome(t)
	files, err := filepath.Glob(filepath.Join(home, "tests", "*.ini"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no ini files: %v", err)
	}
	var out []iniCase
	for _, f := range files {
		out = append(out, readIni(t, f)...)
	}
	return out
}

func readIni(t testing.TB, path string) []iniCase {
	fh, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	var cases []iniCase
	var section string
	first := len(cases)
	flush := func(dec string) {
		for i := first; i < len(cases); i++ {
			if cases[i].decoder == "" {
				cases[i].decoder = dec
			}
		}
	}
	sc := bufio.NewScanner(fh)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		raw := sc.Text()
		if raw == "" || raw[0] == ';' || raw[0] == '#' || raw[0] == ' ' || raw[0] == '\t' {
			continue
		}
		if strings.HasPrefix(raw, "[") {
			section = strings.TrimSuffix(strings.TrimPrefix(raw, "["), "]")
			first = len(cases)
			continue
		}
		value := cutInlineComment(raw)
		if m := iniLogKey.FindStringSubmatch(value); m != nil {
			cases = append(cases, iniCase{file: filepath.Base(path), section: section, line: strings.TrimSpace(m[2]), pass: m[1] == "pass"})
			continue
		}
		if k, v, ok := strings.Cut(value, "="); ok && strings.TrimSpace(k) == "decoder" {
			flush(strings.TrimSpace(v))
		}
	}
	return cases
}

// cutInlineComment drops a ';' comment preceded by whitespace.
func cutInlineComment(s string) string {
	for i := 1; i < len(s); i++ {
		if s[i] == ';' && (s[i-1] == ' ' || s[i-1] == '\t') {
			return s[:i]
		}
	}
	return s
}

// eventFor pre-decodes a test line the way wazuh-logtest feeds it.
func eventFor(line string) *event.Event {
	h := predecode.Parse(line)
	ev := &event.Event{
		Location: "stdin", AgentID: "000", FullLog: predecode.TrimAtNUL(line), Log: h.Log,
		Timestamp: h.Timestamp, Hostname: h.Hostname, ProgramName: h.ProgramName,
		HasProgramName: h.HasProgramName, Time: time.Unix(1700000000, 0),
	}
	if !h.HasHostname {
		ev.Hostname = "manager"
	}
	return ev
}

// snapshot renders everything Decode produced, for comparisons.
func snapshot(ev *event.Event) string {
	var b strings.Builder
	if ev.Decoder != nil {
		b.WriteString(ev.Decoder.Name + "|" + ev.Decoder.Parent + "|" + ev.Decoder.Type + "\n")
	}
	for f := event.Static(0); f < event.NumStatic; f++ {
		if v, ok := ev.Get(f); ok {
			b.WriteString(f.String() + "=" + v + "\n")
		}
	}
	for _, d := range ev.Dynamic {
		b.WriteString(d.Name + ":" + d.Value + "\n")
	}
	return b.String()
}

// TestIndexMatchesPlainScan decodes every .ini line with the indexed and
// the plain ordered scan and requires identical results.
func TestIndexMatchesPlainScan(t *testing.T) {
	for _, load := range []func(testing.TB) *Set{loadWazuh, loadOSSEC} {
		s := load(t)
		for _, c := range readIniCases(t) {
			a, b := eventFor(c.line), eventFor(c.line)
			s.decode(a, NewState(), true)
			s.decode(b, NewState(), false)
			if sa, sb := snapshot(a), snapshot(b); sa != sb {
				t.Errorf("%s [%s]: indexed and plain scans differ for %q:\nindexed:\n%s\nplain:\n%s", c.file, c.section, c.line, sa, sb)
			}
		}
	}
}

// TestIniExpectedDecoders compares the decoder name of every pass line with
// the one its section expects.
func TestIniExpectedDecoders(t *testing.T) {
	s := loadWazuh(t)
	total, bad := 0, 0
	for _, c := range readIniCases(t) {
		if !c.pass || c.decoder == "" || strings.Contains(c.file, "geoip") {
			continue
		}
		total++
		ev := eventFor(c.line)
		s.Decode(ev, NewState())
		got := ""
		if ev.Decoder != nil {
			got = ev.Decoder.Name
		}
		if got != c.decoder {
			bad++
			t.Errorf("%s [%s]: decoder %q, want %q for %q", c.file, c.section, got, c.decoder, c.line)
		}
	}
	t.Logf("%d of %d pass lines decoded by the expected decoder", total-bad, total)
}
