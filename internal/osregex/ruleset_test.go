package osregex

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// sharedDir locates the read-only reference material next to the checkout.
func sharedDir(t testing.TB) string {
	for _, d := range []string{"../../../shared", "/work/shared"} {
		if fi, err := os.Stat(filepath.Join(d, "compat", "wazuh-4.9.2")); err == nil && fi.IsDir() {
			return d
		}
	}
	t.Skip("shared reference material not found")
	return ""
}

var (
	xmlComment = regexp.MustCompile(`(?s)<!--.*?-->`)
	typeAttr   = regexp.MustCompile(`\btype\s*=\s*["']([^"']*)["']`)
	exprElems  = map[string]Kind{
		"regex":        OSRegex,
		"prematch":     OSRegex,
		"match":        OSMatch,
		"program_name": OSMatch,
		"field":        OSRegex,
	}
)

type rulesetExpr struct {
	file, elem string
	kind       Kind
	text       string
}

// extractExprs is a crude scanner for expression elements: good enough for
// the stock files, not a replacement for the xmlconf package.
func extractExprs(t testing.TB, file string) []rulesetExpr {
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	src := xmlComment.ReplaceAllString(string(data), "")
	var out []rulesetExpr
	for name, def := range exprElems {
		re := regexp.MustCompile(`(?s)<` + name + `(\s[^>]*)?>(.*?)</` + name + `>`)
		for _, m := range re.FindAllStringSubmatch(src, -1) {
			kind := def
			if a := typeAttr.FindStringSubmatch(m[1]); a != nil {
				if k, ok := ParseKind(a[1]); ok {
					kind = k
				}
			}
			out = append(out, rulesetExpr{file: filepath.Base(file), elem: name, kind: kind, text: m[2]})
		}
	}
	return out
}

func rulesetExprs(t testing.TB) []rulesetExpr {
	root := filepath.Join(sharedDir(t), "compat", "wazuh-4.9.2", "ruleset")
	var all []rulesetExpr
	for _, sub := range []string{"decoders", "rules"} {
		files, err := filepath.Glob(filepath.Join(root, sub, "*.xml"))
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			all = append(all, extractExprs(t, f)...)
		}
	}
	return all
}

// TestStockRulesetCompiles compiles every expression of the Wazuh 4.9.2
// ruleset with its dialect; the stock files must produce no error.
func TestStockRulesetCompiles(t *testing.T) {
	exprs := rulesetExprs(t)
	counts := map[Kind]int{}
	backtrack := 0
	for _, e := range exprs {
		p, err := Compile(e.kind, e.text)
		if err != nil {
			t.Errorf("%s <%s>: %v", e.file, e.elem, err)
			continue
		}
		counts[e.kind]++
		if _, ok := p.impl.(*pcre2Backtrack); ok {
			backtrack++
		}
	}
	t.Logf("compiled %d expressions: osmatch %d, osregex %d, pcre2 %d (%d on regexp2)",
		len(exprs), counts[OSMatch], counts[OSRegex], counts[PCRE2], backtrack)
	if len(exprs) < 4000 {
		t.Errorf("extracted only %d expressions; extractor broken?", len(exprs))
	}
	if strings.Contains(os.Getenv("OSREGEX_DUMP"), "1") {
		for _, e := range exprs {
			t.Logf("%s\t%s\t%s\t%s", e.file, e.elem, e.kind, e.text)
		}
	}
}

// stockLogs returns the log lines of Wazuh's ruleset test cases, with and
// without their syslog header (decoders see the part after it).
func stockLogs(t testing.TB) []string {
	files, err := filepath.Glob(filepath.Join(sharedDir(t), "compat", "wazuh-4.9.2", "tests", "*.ini"))
	if err != nil {
		t.Fatal(err)
	}
	var logs []string
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, line := range strings.Split(string(data), "\n") {
			if !strings.HasPrefix(line, "log ") {
				continue
			}
			_, msg, ok := strings.Cut(line, " = ")
			if !ok {
				continue
			}
			logs = append(logs, msg)
			// Crude header strip: "Mmm dd hh:mm:ss host prog: rest".
			if f := strings.SplitN(msg, ": ", 2); len(f) == 2 {
				logs = append(logs, f[1])
			}
		}
	}
	return logs
}

// TestStockRulesetOnLogs runs every stock OS_Regex expression over the
// test-case logs and compares the literal-skip path with the plain scan,
// and the non-capturing entry points with each other. It also runs every
// expression of every dialect concurrently to shake out data races.
func TestStockRulesetOnLogs(t *testing.T) {
	exprs := rulesetExprs(t)
	logs := stockLogs(t)
	// Every 16th log keeps the run to a few seconds; -short / -race use a
	// tenth of that.
	step := 16
	if testing.Short() || raceEnabled {
		step = 80
	}
	sample := logs[:0:0]
	for i := 0; i < len(logs); i += step {
		sample = append(sample, logs[i])
	}
	logs = sample
	matches := 0
	for _, e := range exprs {
		p, err := Compile(e.kind, e.text)
		if err != nil {
			t.Fatalf("%s: %v", e.text, err)
		}
		re, ok := p.impl.(*osRegex)
		if !ok {
			continue
		}
		for _, l := range logs {
			fc, fe, fok := re.findWith(l, nil, true)
			sc, se, sok := re.findWith(l, nil, false)
			if fok != sok || fe != se || !equalInts(fc, sc) {
				t.Fatalf("%q on %q: fast (%v %d %v) != slow (%v %d %v)", e.text, l, fc, fe, fok, sc, se, sok)
			}
			end, eok := p.FindEnd(l)
			if eok != p.MatchString(l) || (eok && (end < 0 || end > len(l))) {
				t.Fatalf("%q on %q: FindEnd %d %v disagrees with MatchString", e.text, l, end, eok)
			}
			if fok {
				matches++
			}
		}
	}
	t.Logf("%d logs, %d OS_Regex matches", len(logs), matches)

	pats := make([]*Pattern, 0, len(exprs))
	for i := 0; i < len(exprs); i += step / 16 {
		pats = append(pats, MustCompile(exprs[i].kind, exprs[i].text))
	}
	done := make(chan struct{})
	for w := 0; w < 4; w++ {
		go func(w int) {
			defer func() { done <- struct{}{} }()
			caps := make([]int, 0, 32)
			for i := w; i < len(logs); i += 4 {
				for _, p := range pats {
					caps, _, _ = p.Find(logs[i], caps)
					p.MatchString(logs[i])
				}
			}
		}(w)
	}
	for w := 0; w < 4; w++ {
		<-done
	}
}
