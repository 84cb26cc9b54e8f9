package itest

// Whole-engine differential test against the original C engine: OSSEC's
// ossec-logtest, built from the oracle kit in ../shared/oracle (see its
// README, section 2), loads the OSSEC 4.2 ruleset of ../shared/compat; the
// same lines go through `gossec logtest --json` with the same ruleset, and
// decoder, decoded fields, program name, rule and level are compared line
// by line. The lines are the log lines of OSSEC's own test files (from the
// kit's source tarball) and variants of them generated deterministically
// (spaces doubled, case changed, values swapped, truncated, control
// characters inserted).
//
// The oracle is GPL code: it is built into a cache folder outside the
// repository (os.UserCacheDir()/gossec-itest), never into the tree.

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"unicode"

	"github.com/gossec/gossec/internal/rulesettest"
)

// ossecOracleHost is the host name both engines give lines without a
// syslog header (each runs in its own UTS namespace).
const ossecOracleHost = "oraclehost"

// ossecOracleSentinel separates the input lines, as ossec-verdicts does
// for ossec-logtest, so that both engines see the same event stream.
const ossecOracleSentinel = "ossec_verdicts_sentinel_%d"

// ossecExplained lists the differences that are understood and accepted,
// by line kind (see COMPATIBILITY.md "Deliberate differences"). Empty:
// every difference fails the test.
var ossecExplained = map[string]string{}

func TestOSSECLogtestOracle(t *testing.T) {
	kit, compat := ossecKitDirs(t)
	ruleset := filepath.Join(compat, "ossec-4.2")
	dest := ossecBuildLogtest(t, kit, ruleset)
	base := ossecTestLines(t, filepath.Join(kit, "ossec", "ossec-7f06fe0d.tar.gz"))
	corpus := ossecCorpus(base)
	t.Logf("corpus: %d lines (%d from OSSEC's test files, the rest generated)", len(corpus), len(base))

	want := ossecRunOracle(t, kit, dest, corpus)
	bin := gossecBin
	if b := os.Getenv("GOSSEC_ORACLE_BIN"); b != "" {
		bin = b // measure another build (e.g. the code before a fix)
	}
	got := ossecRunGossec(t, bin, ruleset, corpus)

	var agree, compared, skipped int
	kinds := map[string][2]int{} // kind -> {agree, compared}
	var diffs []string
	for i, l := range corpus {
		if want[i].Skipped {
			skipped++
			continue
		}
		compared++
		k := kinds[l.kind]
		k[1]++
		w, g := want[i].verdict(), got[i]
		if d := w.diff(g); d == "" {
			agree++
			k[0]++
		} else if why, ok := ossecExplained[l.kind]; ok {
			agree++
			k[0]++
			t.Logf("explained (%s): line %d %q: %s", why, i+1, l.text, d)
		} else {
			diffs = append(diffs, fmt.Sprintf("line %d [%s] %q:\n%s", i+1, l.kind, ossecClip(l.text), d))
		}
		kinds[l.kind] = k
	}
	names := make([]string, 0, len(kinds))
	for k := range kinds {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		t.Logf("  %-10s %4d of %4d agree", k, kinds[k][0], kinds[k][1])
	}
	t.Logf("ossec-logtest agreement: %d of %d lines (%.2f%%); %d lines the oracle skipped (no event)",
		agree, compared, 100*float64(agree)/float64(max(compared, 1)), skipped)
	for i, d := range diffs {
		if i == 40 {
			t.Errorf("... and %d more", len(diffs)-40)
			break
		}
		t.Error(d)
	}
}

// ossecLine is one corpus line and how it was made.
type ossecLine struct {
	text string
	kind string // "visible" or the mutation's name
}

// ossecCorpus returns the visible lines followed by their variants. The
// generator is seeded: every run sees the same corpus.
func ossecCorpus(base []string) []ossecLine {
	var out []ossecLine
	for _, l := range base {
		out = append(out, ossecLine{l, "visible"})
	}
	r := rand.New(rand.NewSource(20261208))
	for _, l := range base {
		for _, m := range ossecMutations {
			v := m.f(l, r)
			// ossec-logtest ignores lines shorter than 2 bytes; a line
			// break would split the line in two.
			if v == l || len(v) < 2 || strings.ContainsAny(v, "\r\n") {
				continue
			}
			out = append(out, ossecLine{v, m.name})
		}
	}
	return out
}

var ossecMutations = []struct {
	name string
	f    func(string, *rand.Rand) string
}{
	{"spaces2", func(s string, _ *rand.Rand) string { return strings.ReplaceAll(s, " ", "  ") }},
	{"upper", func(s string, _ *rand.Rand) string { return strings.ToUpper(s) }},
	{"lower", func(s string, _ *rand.Rand) string { return strings.ToLower(s) }},
	{"swapcase", func(s string, _ *rand.Rand) string {
		return strings.Map(func(c rune) rune {
			if unicode.IsUpper(c) {
				return unicode.ToLower(c)
			}
			return unicode.ToUpper(c)
		}, s)
	}},
	{"swap", ossecSwapValues},
	{"trunc", func(s string, r *rand.Rand) string { return s[:len(s)/2+r.Intn(len(s)/2+1)] }},
	{"trunc-half", func(s string, _ *rand.Rand) string { return s[:len(s)/2] }},
	{"drop-word", func(s string, r *rand.Rand) string {
		w := strings.Split(s, " ")
		if len(w) < 3 {
			return s
		}
		i := 1 + r.Intn(len(w)-1)
		return strings.Join(append(w[:i:i], w[i+1:]...), " ")
	}},
	{"digits", func(s string, r *rand.Rand) string {
		d := byte('0' + r.Intn(10))
		return strings.Map(func(c rune) rune {
			if c >= '0' && c <= '9' && r.Intn(3) == 0 {
				return rune(d)
			}
			return c
		}, s)
	}},
	{"utf8", func(s string, r *rand.Rand) string {
		i := r.Intn(len(s) + 1)
		for i > 0 && i < len(s) && s[i]&0xC0 == 0x80 {
			i--
		}
		return s[:i] + []string{"é", "Ä", "日本", "ß"}[r.Intn(4)] + s[i:]
	}},
	// Invalid UTF-8: OSSEC matches with PCRE2 in UTF mode without a
	// validity check. Both sides' JSON carries the byte as U+FFFD (gossec
	// by design, the oracle's surrogate escape through encoding/json).
	{"bad-utf8", func(s string, r *rand.Rand) string {
		i := r.Intn(len(s) + 1)
		return s[:i] + "\xff" + s[i:]
	}},
	{"control", func(s string, r *rand.Rand) string {
		ctl := []string{"\t", "\x01", "\x7f", "\x1b[0m", "\x0b"}
		i := r.Intn(len(s) + 1)
		return s[:i] + ctl[r.Intn(len(ctl))] + s[i:]
	}},
}

// ossecSwapValues swaps two values of the line: the first two IPv4-like
// tokens when there are two, else two random words after the first four
// (past a syslog header).
func ossecSwapValues(s string, r *rand.Rand) string {
	words := strings.Split(s, " ")
	var ips []int
	for i, w := range words {
		if strings.Count(w, ".") == 3 && strings.IndexFunc(w, unicode.IsDigit) >= 0 {
			ips = append(ips, i)
		}
	}
	a, b := -1, -1
	switch {
	case len(ips) >= 2:
		a, b = ips[0], ips[1]
	case len(words) > 6:
		a = 4 + r.Intn(len(words)-4)
		b = 4 + r.Intn(len(words)-4)
	default:
		return s
	}
	words[a], words[b] = words[b], words[a]
	return strings.Join(words, " ")
}

func ossecClip(s string) string {
	if len(s) > 160 {
		return s[:160] + "..."
	}
	return s
}

// ossecVerdict is what is compared for one line.
type ossecVerdict struct {
	Decoder, Rule, Program string
	Level                  int
	Fields                 map[string]string
}

func (w ossecVerdict) diff(g ossecVerdict) string {
	var b strings.Builder
	if w.Decoder != g.Decoder {
		fmt.Fprintf(&b, "  decoder: ossec %q, gossec %q\n", w.Decoder, g.Decoder)
	}
	if w.Rule != g.Rule || w.Level != g.Level {
		fmt.Fprintf(&b, "  rule: ossec %s/%d, gossec %s/%d\n", w.Rule, w.Level, g.Rule, g.Level)
	}
	if w.Program != g.Program {
		fmt.Fprintf(&b, "  program_name: ossec %q, gossec %q\n", w.Program, g.Program)
	}
	keys := map[string]bool{}
	for k := range w.Fields {
		keys[k] = true
	}
	for k := range g.Fields {
		keys[k] = true
	}
	var ks []string
	for k := range keys {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	for _, k := range ks {
		wv, wok := w.Fields[k]
		gv, gok := g.Fields[k]
		if wv != gv || wok != gok {
			fmt.Fprintf(&b, "  field %s: ossec %s, gossec %s\n", k, ossecShow(wv, wok), ossecShow(gv, gok))
		}
	}
	return b.String()
}

func ossecShow(v string, ok bool) string {
	if !ok {
		return "unset"
	}
	return fmt.Sprintf("%q", v)
}

// ossecOracleOut is one ossec-verdicts line.
type ossecOracleOut struct {
	Decoder     *string           `json:"decoder"`
	Rule        *string           `json:"rule"`
	Level       *int              `json:"level"`
	Fields      map[string]string `json:"fields"`
	ProgramName *string           `json:"program_name"`
	Skipped     bool              `json:"skipped"`
}

func (o ossecOracleOut) verdict() ossecVerdict {
	v := ossecVerdict{Fields: o.Fields}
	if o.Decoder != nil {
		v.Decoder = *o.Decoder
	}
	if o.Rule != nil {
		v.Rule = *o.Rule
	}
	if o.Level != nil {
		v.Level = *o.Level
	}
	if o.ProgramName != nil {
		v.Program = *o.ProgramName
	}
	if v.Fields == nil {
		v.Fields = map[string]string{}
	}
	return v
}

// ossecFieldName maps gossec's alerts.json field names to the names
// ossec-logtest prints in phase 2.
var ossecFieldName = map[string]string{"protocol": "proto", "data": "extra_data", "systemname": "system_name"}

// ossecRunGossec runs the corpus, with the sentinels, through one
// `gossec logtest --json` session in a UTS namespace named like the
// oracle's.
func ossecRunGossec(t *testing.T, bin, ruleset string, corpus []ossecLine) []ossecVerdict {
	t.Helper()
	var in bytes.Buffer
	for i, l := range corpus {
		fmt.Fprintf(&in, "%s\n"+ossecOracleSentinel+"\n", l.text, i)
	}
	cmd := ossecUTS(t, bin, "logtest", "--json", "--home", ruleset, "-c", filepath.Join(ruleset, "etc", "ossec.conf"))
	cmd.Stdin = &in
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("gossec logtest: %v\n%s", err, stderr.String())
	}
	var res []ossecVerdict
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	n := 0
	for sc.Scan() {
		n++
		if n%2 == 0 {
			continue // a sentinel's result
		}
		var a struct {
			Decoder *struct {
				Name string `json:"name"`
			} `json:"decoder"`
			Rule *struct {
				ID    string `json:"id"`
				Level int    `json:"level"`
			} `json:"rule"`
			Predecoder struct {
				ProgramName string `json:"program_name"`
			} `json:"predecoder"`
			Data map[string]any `json:"data"`
		}
		if err := json.Unmarshal(sc.Bytes(), &a); err != nil {
			t.Fatalf("gossec output line %d: %v: %s", n, err, sc.Bytes())
		}
		v := ossecVerdict{Program: a.Predecoder.ProgramName, Fields: map[string]string{}}
		if a.Decoder != nil {
			v.Decoder = a.Decoder.Name
		}
		if a.Rule != nil {
			v.Rule, v.Level = a.Rule.ID, a.Rule.Level
		}
		ossecFlatten(v.Fields, "", a.Data)
		res = append(res, v)
	}
	if len(res) != len(corpus) {
		t.Fatalf("gossec answered %d of %d lines", len(res), len(corpus))
	}
	return res
}

func ossecFlatten(dst map[string]string, prefix string, m map[string]any) {
	for k, v := range m {
		name := prefix + k
		if prefix == "" {
			if n, ok := ossecFieldName[k]; ok {
				name = n
			}
		}
		switch x := v.(type) {
		case map[string]any:
			ossecFlatten(dst, name+".", x)
		case string:
			dst[name] = x
		default:
			b, _ := json.Marshal(x)
			dst[name] = string(b)
		}
	}
}

// ossecUTS runs bin in a private UTS namespace with the oracle's host
// name (as root; otherwise in an unprivileged user namespace).
func ossecUTS(t *testing.T, bin string, args ...string) *exec.Cmd {
	t.Helper()
	pre := []string{"unshare", "--uts"}
	if os.Geteuid() != 0 {
		pre = []string{"unshare", "-r", "--uts"}
	}
	all := append(pre, "sh", "-c", `hostname "$0" && exec "$@"`, ossecOracleHost, bin)
	return exec.Command(all[0], append(all[1:], args...)...)
}

func ossecRunOracle(t *testing.T, kit, dest string, corpus []ossecLine) []ossecOracleOut {
	t.Helper()
	var in bytes.Buffer
	for _, l := range corpus {
		in.WriteString(l.text)
		in.WriteByte('\n')
	}
	cmd := exec.Command("python3", filepath.Join(kit, "ossec", "ossec-verdicts"), dest, "--hostname", ossecOracleHost)
	cmd.Stdin = &in
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("ossec-verdicts: %v\n%s", err, stderr.String())
	}
	var res []ossecOracleOut
	dec := json.NewDecoder(bytes.NewReader(out))
	for {
		var o ossecOracleOut
		if err := dec.Decode(&o); err == io.EOF {
			break
		} else if err != nil {
			t.Fatalf("ossec-verdicts output: %v", err)
		}
		res = append(res, o)
	}
	if len(res) != len(corpus) {
		t.Fatalf("ossec-verdicts answered %d of %d lines\n%s", len(res), len(corpus), stderr.String())
	}
	return res
}

// ossecKitDirs locates ../shared/oracle and ../shared/compat or skips.
func ossecKitDirs(t *testing.T) (kit, compat string) {
	t.Helper()
	shared := filepath.Join("..", "..", "..", "shared")
	if d := os.Getenv("GOSSEC_SHARED"); d != "" {
		shared = d
	}
	kit, compat = filepath.Join(shared, "oracle"), filepath.Join(shared, "compat")
	for _, p := range []string{filepath.Join(kit, "ossec", "build-ossec-logtest"), filepath.Join(compat, "ossec-4.2", "etc", "ossec.conf")} {
		if _, err := os.Stat(p); err != nil {
			t.Skipf("oracle kit not present (%s): the OSSEC oracle test needs ../shared", p)
		}
	}
	for _, tool := range []string{"cc", "make", "python3", "unshare", "tar"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("no %s: the OSSEC oracle test builds and runs ossec-logtest", tool)
		}
	}
	if os.Geteuid() != 0 {
		if err := exec.Command("unshare", "-r", "--uts", "true").Run(); err != nil {
			t.Skipf("not root and no unprivileged user namespaces (%v): ossec-logtest chroots", err)
		}
	}
	abs := func(p string) string {
		a, err := filepath.Abs(p)
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	return abs(kit), abs(compat)
}

// ossecBuildLogtest builds ossec-logtest for the ruleset once per kit and
// ruleset version, into the user's cache folder (about a minute on two
// cores); it skips when the build fails (no libpcre2-dev).
func ossecBuildLogtest(t *testing.T, kit, ruleset string) string {
	t.Helper()
	h := sha256.New()
	for _, p := range []string{filepath.Join(kit, "ossec", "ossec-7f06fe0d.tar.gz"), filepath.Join(kit, "ossec", "build-ossec-logtest")} {
		st, err := os.Stat(p)
		if err != nil {
			t.Skipf("oracle kit incomplete: %v", err)
		}
		fmt.Fprintf(h, "%s %d %d\n", p, st.Size(), st.ModTime().UnixNano())
	}
	filepath.WalkDir(ruleset, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if st, err := d.Info(); err == nil {
				fmt.Fprintf(h, "%s %d %d\n", p, st.Size(), st.ModTime().UnixNano())
			}
		}
		return nil
	})
	cache, err := os.UserCacheDir()
	if err != nil {
		cache = os.TempDir()
	}
	dest := filepath.Join(cache, "gossec-itest", "ossec-logtest-"+hex.EncodeToString(h.Sum(nil))[:16])
	if _, err := os.Stat(filepath.Join(dest, "bin", "ossec-logtest")); err == nil {
		return dest
	}
	if testing.Short() {
		t.Skip("-short: ossec-logtest is not built yet (a minute or two on two cores)")
	}
	if err := os.MkdirAll(filepath.Dir(dest), 0o755); err != nil {
		t.Fatal(err)
	}
	// ossec-logtest has its home compiled in: it is built at its final
	// path, and a failed build leaves nothing there.
	out, err := exec.Command("bash", filepath.Join(kit, "ossec", "build-ossec-logtest"), dest, ruleset).CombinedOutput()
	if err != nil {
		os.RemoveAll(dest)
		t.Skipf("building ossec-logtest failed (libpcre2-dev installed?): %v\n%s", err, out)
	}
	return dest
}

// ossecTestLines returns the log lines of OSSEC's own ruleset test files
// (contrib/ossec-testing/tests/*.ini in the source tarball), read as
// OSSEC's runtests.py reads them.
func ossecTestLines(t *testing.T, tarball string) []string {
	t.Helper()
	dir := t.TempDir()
	out, err := exec.Command("tar", "-xzf", tarball, "-C", dir, "--wildcards", "*contrib/ossec-testing/tests/*.ini").CombinedOutput()
	if err != nil {
		t.Skipf("cannot unpack OSSEC's test files: %v\n%s", err, out)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "contrib", "ossec-testing", "tests", "*.ini"))
	if len(files) == 0 { // a tarball with a top folder
		files, _ = filepath.Glob(filepath.Join(dir, "*", "contrib", "ossec-testing", "tests", "*.ini"))
	}
	sort.Strings(files)
	if len(files) == 0 {
		t.Skip("no OSSEC test files in the tarball")
	}
	var lines []string
	for _, f := range files {
		cases, err := rulesettest.ReadFile(f, rulesettest.OSSEC)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range cases {
			for _, l := range c.Lines {
				if len(l) >= 2 {
					lines = append(lines, l)
				}
			}
		}
	}
	return lines
}
