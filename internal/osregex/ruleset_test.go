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
