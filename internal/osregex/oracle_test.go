package osregex

import (
	"bufio"
	"bytes"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"
)

// Differential tests against the original C matchers. The oracle kit in
// ../shared/oracle (next to the checkout) holds the pristine os_regex
// sources of Wazuh 4.14.7, Wazuh 3.13.6 and OSSEC with a streaming driver;
// its osregex/build script compiles one binary per dialect. The binaries
// are GPL code used as a test oracle only: they are built into a cache
// directory outside the repository, never into it.

// oracleEngines maps the oracle's dialect names to gossec's engines.
var oracleEngines = []struct {
	name string
	eng  Engine
}{{"wazuh4", Wazuh4}, {"wazuh3", Wazuh3}, {"ossec", OSSEC}}

var (
	oracleOnce sync.Once
	oracleDir  string
	oracleErr  error
	// oracleOwned: oracleDir was made here (not ORACLE_BIN_DIR).
	oracleOwned bool
)

// TestMain removes the oracle build directory this test binary made.
func TestMain(m *testing.M) {
	code := m.Run()
	if oracleOwned && oracleDir != "" {
		os.RemoveAll(oracleDir)
	}
	os.Exit(code)
}

// oracleBinary returns the path of the oracle for dialect, building the
// kit once per test binary. It skips when the kit, a C compiler or (for
// ossec) PCRE2's headers are missing.
func oracleBinary(t testing.TB, dialect string) string {
	t.Helper()
	kit := ""
	for _, d := range []string{"../../../shared/oracle", "/work/shared/oracle"} {
		if _, err := os.Stat(filepath.Join(d, "osregex", "build")); err == nil {
			kit = d
			break
		}
	}
	if kit == "" {
		t.Skip("oracle kit ../shared/oracle not present: differential test skipped")
	}
	if _, err := exec.LookPath("cc"); err != nil {
		t.Skip("no C compiler (cc): oracle not built, differential test skipped")
	}
	oracleOnce.Do(func() {
		if d := os.Getenv("ORACLE_BIN_DIR"); d != "" {
			// Prebuilt (fuzzing: one build for all workers).
			oracleDir = d
			return
		}
		// A fresh directory per test binary: a stale oracle from an
		// older kit must never be trusted.
		oracleDir, oracleErr = os.MkdirTemp("", "gossec-osregex-oracle-")
		if oracleErr != nil {
			return
		}
		oracleOwned = true
		out, err := exec.Command("bash", filepath.Join(kit, "osregex", "build"), oracleDir).CombinedOutput()
		if err != nil {
			oracleErr = fmt.Errorf("oracle build: %w: %s", err, out)
		}
	})
	if oracleErr != nil {
		t.Skipf("oracle not built: %v", oracleErr)
	}
	bin := filepath.Join(oracleDir, "oracle-"+dialect)
	if _, err := os.Stat(bin); err != nil {
		t.Skipf("oracle-%s not built (for ossec: libpcre2-dev missing?)", dialect)
	}
	return bin
}

// oracleReply is one reply line of the driver.
type oracleReply struct {
	Match   bool     `json:"match"`
	End     *int     `json:"end"`
	Caps    []string `json:"caps"`
	CapsHex []string `json:"caps_hex"`
	Error   string   `json:"error"`
	Name    string   `json:"name"`
	Msg     string   `json:"msg"`
	UB      []string `json:"ub"`
}

// captures returns the exact capture bytes.
func (r *oracleReply) captures() []string {
	if r.CapsHex == nil {
		return r.Caps
	}
	out := make([]string, len(r.CapsHex))
	for i, h := range r.CapsHex {
		b, _ := hex.DecodeString(h)
		out[i] = string(b)
	}
	return out
}

// oracleReq is one request: kind is "regex", "regex,nosub", "match" or
// "pcre2,case".
type oracleReq struct {
	kind, pattern, subject string
}

// oracle is a running driver process.
type oracle struct {
	dialect string
	cmd     *exec.Cmd
	in      io.WriteCloser
	out     *bufio.Reader
}

func startOracle(t testing.TB, dialect string) *oracle {
	t.Helper()
	o, err := startOracleProc(oracleBinary(t, dialect), dialect)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(o.stop)
	return o
}

func startOracleProc(bin, dialect string) (*oracle, error) {
	cmd := exec.Command(bin)
	in, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", bin, err)
	}
	return &oracle{dialect: dialect, cmd: cmd, in: in, out: bufio.NewReaderSize(out, 1<<20)}, nil
}

func (o *oracle) stop() {
	o.in.Close()
	o.cmd.Wait()
}

// encode appends one request line: TSV when the fields allow it (the
// driver takes raw bytes), JSON otherwise.
func (o *oracle) encode(b []byte, r oracleReq) []byte {
	if !strings.ContainsAny(r.pattern, "\t\n\r\x00") && !strings.ContainsAny(r.subject, "\n\r\x00") {
		b = append(b, o.dialect...)
		b = append(b, '\t')
		b = append(b, r.kind...)
		b = append(b, '\t')
		b = append(b, r.pattern...)
		b = append(b, '\t')
		b = append(b, r.subject...)
		return append(b, '\n')
	}
	b = append(b, `{"dialect":`...)
	b = appendJSONBytes(b, o.dialect)
	b = append(b, `,"kind":`...)
	b = appendJSONBytes(b, r.kind)
	b = append(b, `,"pattern":`...)
	b = appendJSONBytes(b, r.pattern)
	b = append(b, `,"subject":`...)
	b = appendJSONBytes(b, r.subject)
	return append(b, "}\n"...)
}

// appendJSONBytes quotes s for the driver, which takes raw bytes inside
// JSON strings: encoding/json would replace invalid UTF-8 with U+FFFD.
func appendJSONBytes(b []byte, s string) []byte {
	b = append(b, '"')
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '"' || c == '\\':
			b = append(b, '\\', c)
		case c < 0x20:
			b = append(b, fmt.Sprintf(`\u%04x`, c)...)
		default:
			b = append(b, c)
		}
	}
	return append(b, '"')
}

// run sends a batch and returns the replies in order. The requests are
// written from a goroutine so that neither pipe can fill up.
func (o *oracle) run(t testing.TB, reqs []oracleReq) []oracleReply {
	t.Helper()
	werr := make(chan error, 1)
	go func() {
		w := bufio.NewWriterSize(o.in, 1<<20)
		var buf []byte
		for _, r := range reqs {
			buf = o.encode(buf[:0], r)
			if _, err := w.Write(buf); err != nil {
				werr <- err
				return
			}
		}
		werr <- w.Flush()
	}()
	out := make([]oracleReply, len(reqs))
	for i := range out {
		line, err := o.out.ReadBytes('\n')
		if err != nil {
			t.Fatalf("oracle-%s: reading reply %d: %v", o.dialect, i, err)
		}
		if bytes.Equal(line, []byte("{\"match\":false}\n")) {
			continue
		}
		if err := json.Unmarshal(line, &out[i]); err != nil {
			t.Fatalf("oracle-%s: reply %q: %v", o.dialect, line, err)
		}
		if out[i].Error == "request" {
			t.Fatalf("oracle-%s rejected %+v: %s", o.dialect, reqs[i], out[i].Msg)
		}
	}
	if err := <-werr; err != nil {
		t.Fatalf("oracle-%s: writing: %v", o.dialect, err)
	}
	return out
}

// runOne sends one request and returns the reply, or the error that
// ended the driver.
func (o *oracle) runOne(r oracleReq) (oracleReply, error) {
	var rep oracleReply
	if _, err := o.in.Write(o.encode(nil, r)); err != nil {
		return rep, err
	}
	line, err := o.out.ReadBytes('\n')
	if err != nil {
		return rep, err
	}
	err = json.Unmarshal(line, &rep)
	return rep, err
}

// gossecResult is what gossec answers to a request, in the oracle's terms.
type gossecResult struct {
	compileErr bool
	match      bool
	end        int // oracle convention (see the kit's README)
	hasEnd     bool
	caps       []string
}

// gossecAnswer runs request r on the compiled pattern p (nil: compile
// error) with the semantics of eng.
func gossecAnswer(p *Pattern, eng Engine, r oracleReq, caps []int) (gossecResult, []int) {
	if p == nil {
		return gossecResult{compileErr: true}, caps
	}
	s := cString(r.subject)
	var g gossecResult
	switch r.kind {
	case "match":
		g.match = p.MatchString(s)
	case "regex,nosub":
		if re, ok := p.impl.(*osRegex); ok && eng != OSSEC {
			g.end, g.match = re.findEndRaw(s)
			g.hasEnd = g.match
		} else {
			g.end, g.match = p.FindEnd(s)
			g.hasEnd = g.match
		}
		if m := p.MatchString(s); m != g.match {
			// MatchString must agree with FindEnd; report it as a
			// difference of its own.
			g.match = m
			g.hasEnd = false
		}
	default: // regex with substrings, pcre2
		if re, ok := p.impl.(*osRegex); ok && eng != OSSEC {
			caps, g.end, g.match = re.findRaw(s, caps, true)
		} else {
			caps, g.end, g.match = p.Find(s, caps)
		}
		g.hasEnd = g.match
		if g.match {
			g.caps = make([]string, 0, len(caps)/2)
			for i := 0; i+1 < len(caps); i += 2 {
				g.caps = append(g.caps, s[caps[i]:caps[i+1]])
			}
		}
	}
	return g, caps
}

// oracleCompare reports how the reply differs from gossec's answer ("" if
// it does not).
func oracleCompare(g gossecResult, o *oracleReply, kind string) string {
	if o.Error == "compile" {
		if g.compileErr {
			return ""
		}
		return "C rejects the pattern (" + o.Name + "), gossec compiles it"
	}
	if g.compileErr {
		return "gossec rejects the pattern, C compiles it"
	}
	if g.match != o.Match {
		return fmt.Sprintf("match: gossec %v, C %v", g.match, o.Match)
	}
	if !g.match || kind == "match" {
		return ""
	}
	if o.End != nil && (!g.hasEnd || g.end != *o.End) {
		return fmt.Sprintf("end: gossec %d, C %d", g.end, *o.End)
	}
	if kind == "regex" || strings.HasPrefix(kind, "pcre2") {
		oc := o.captures()
		if len(oc) != len(g.caps) {
			return fmt.Sprintf("captures: gossec %q, C %q", g.caps, oc)
		}
		for i := range oc {
			if oc[i] != g.caps[i] {
				return fmt.Sprintf("captures: gossec %q, C %q", g.caps, oc)
			}
		}
	}
	return ""
}

// oracleExpr is one pattern to test and the requests it makes.
type oracleExpr struct {
	src   string // ruleset and element, for messages
	kind  Kind
	text  string
	kinds []string
}

var pcre2Elem = regexp.MustCompile(`(?s)<(\w+_pcre2|pcre2)(\s[^>]*)?>(.*?)</(\w+_pcre2|pcre2)>`)

// oracleCorpus collects every expression of every ruleset under
// ../shared/compat (deduplicated) and every test log line there.
func oracleCorpus(t testing.TB) ([]oracleExpr, []string) {
	t.Helper()
	compat := filepath.Join(sharedDir(t), "compat")
	var files []string
	for _, glob := range []string{"*/ruleset/decoders/*.xml", "*/ruleset/rules/*.xml", "*/etc/*decoder*.xml", "*/rules/*.xml", "*/etc/rules/*.xml", "*/etc/decoders/*.xml"} {
		m, err := filepath.Glob(filepath.Join(compat, glob))
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, m...)
	}
	sort.Strings(files)
	type key struct {
		kind  Kind
		text  string
		nosub bool
	}
	seen := map[key]bool{}
	var exprs []oracleExpr
	add := func(src string, kind Kind, text string, kinds ...string) {
		k := key{kind, text, len(kinds) == 1}
		if seen[k] {
			return
		}
		seen[k] = true
		exprs = append(exprs, oracleExpr{src: src, kind: kind, text: text, kinds: kinds})
	}
	for _, f := range files {
		rel, _ := filepath.Rel(compat, f)
		decoder := strings.Contains(filepath.Base(f), "decoder") || strings.Contains(rel, "decoders")
		for _, e := range extractExprs(t, f) {
			src := rel + " <" + e.elem + ">"
			switch e.kind {
			case OSRegex:
				if decoder && e.elem == "regex" {
					// Decoders compile <regex> with substrings;
					// prematch and rule elements without.
					add(src, OSRegex, e.text, "regex", "regex,nosub")
				} else {
					add(src, OSRegex, e.text, "regex,nosub")
				}
			case OSMatch:
				add(src, OSMatch, e.text, "match")
			case PCRE2:
				add(src, PCRE2, e.text, "pcre2,case")
			}
		}
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range pcre2Elem.FindAllStringSubmatch(xmlComment.ReplaceAllString(string(data), ""), -1) {
			add(rel+" <"+m[1]+">", PCRE2, m[3], "pcre2,case")
		}
	}
	// extractExprs walks a map: sort for a deterministic sample.
	sort.Slice(exprs, func(i, j int) bool {
		a, b := exprs[i], exprs[j]
		if a.text != b.text {
			return a.text < b.text
		}
		if a.kind != b.kind {
			return a.kind < b.kind
		}
		return len(a.kinds) < len(b.kinds)
	})
	var logs []string
	inis, err := filepath.Glob(filepath.Join(compat, "*", "tests", "*.ini"))
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(inis)
	seenLog := map[string]bool{}
	for _, f := range inis {
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
			// The line, and the part after a syslog-style header (what
			// decoders see), so ^-anchored patterns get their chance.
			for _, l := range []string{msg, afterHeader(msg)} {
				if l != "" && !seenLog[l] {
					seenLog[l] = true
					logs = append(logs, l)
				}
			}
		}
	}
	return exprs, logs
}

// afterHeader is a crude syslog header strip: the text after the first
// ": ", or "" when there is none.
func afterHeader(s string) string {
	if _, rest, ok := strings.Cut(s, ": "); ok {
		return rest
	}
	return ""
}

// oracleStats counts one dialect's run.
type oracleStats struct {
	requests, matches, ub, diffs int
	compaction                   int // PCRE2 capture lists equal once compacted
	limit                        int // C stopped at a PCRE2 resource limit
	byKind                       map[string]int
	examples                     []string
}

// runOracleDiff runs every (expression, log) pair that the sampler keeps
// through gossec and the oracle for one dialect.
func runOracleDiff(t *testing.T, dialect string, eng Engine, exprs []oracleExpr, logs []string, keep func(i, j int) bool) oracleStats {
	o := startOracle(t, dialect)
	st := oracleStats{byKind: map[string]int{}}
	const batch = 20000
	reqs := make([]oracleReq, 0, batch)
	type ref struct {
		p    *Pattern
		kind string
		src  string
	}
	refs := make([]ref, 0, batch)
	var caps []int
	type suspect struct {
		r   oracleReq
		ref ref
		g   gossecResult
	}
	var suspects []suspect
	exampled := map[string]bool{} // one example per pattern
	flush := func() {
		if len(reqs) == 0 {
			return
		}
		replies := o.run(t, reqs)
		for i, r := range reqs {
			rep := &replies[i]
			st.requests++
			if len(rep.UB) > 0 {
				st.ub++
				continue
			}
			var g gossecResult
			g, caps = gossecAnswer(refs[i].p, eng, r, caps)
			if rep.Match {
				st.matches++
			}
			if d := oracleCompare(g, rep, refs[i].kind); d != "" {
				cat := refs[i].kind
				if strings.HasPrefix(cat, "pcre2") && compactedEqual(g.caps, rep.captures()) {
					// OSSEC copies only the groups that took part
					// (issue 9 O-A): the decoder's concern, counted
					// apart.
					st.compaction++
					continue
				}
				if limitSuspect(eng, g, rep, r) {
					suspects = append(suspects, suspect{r, refs[i], g})
					continue
				}
				st.diffs++
				st.byKind[cat]++
				if !exampled[r.pattern] && len(st.examples) < 40 {
					exampled[r.pattern] = true
					st.examples = append(st.examples, fmt.Sprintf("%s %s %q on %q: %s", refs[i].src, r.kind, r.pattern, r.subject, d))
				}
			}
		}
		reqs, refs = reqs[:0], refs[:0]
		// A PCRE2 pattern without '$' that matches a prefix of the
		// subject matches the subject too: when C matches a prefix
		// (halved until it does, while gossec still matches it) but
		// not the whole subject, PCRE2 stopped at one of its resource
		// limits (match, depth or heap limit), which gossec does not
		// copy.
		for _, sp := range suspects {
			limited := false
			for re := sp.r; len(re.subject) > 1 && !limited; {
				re.subject = re.subject[:len(re.subject)/2]
				if !sp.ref.p.MatchString(re.subject) {
					break
				}
				limited = o.run(t, []oracleReq{re})[0].Match
			}
			if limited {
				st.limit++
				continue
			}
			st.diffs++
			st.byKind[sp.ref.kind]++
			if len(st.examples) < 40 {
				st.examples = append(st.examples, fmt.Sprintf("%s %s %q on %q: C no match, gossec %v", sp.ref.src, sp.r.kind, sp.r.pattern, sp.r.subject, sp.g.caps))
			}
		}
		suspects = suspects[:0]
	}
	for i, e := range exprs {
		if dialect != "ossec" && e.kind == PCRE2 {
			continue // only the OSSEC oracle links PCRE2
		}
		p, err := CompileWith(e.kind, e.text, Options{Engine: eng})
		if err != nil {
			p = nil
		}
		for _, kind := range e.kinds {
			for j, l := range logs {
				if !keep(i, j) {
					continue
				}
				if ossecInvalidPattern(eng, e.text) {
					st.requests++
					st.ub++ // undefined in C (it can crash)
					continue
				}
				reqs = append(reqs, oracleReq{kind: kind, pattern: e.text, subject: l})
				refs = append(refs, ref{p: p, kind: kind, src: e.src})
				if len(reqs) == batch {
					flush()
				}
			}
		}
	}
	flush()
	return st
}

// TestOracleRulesetPatterns compares gossec with the C matchers on every
// OS_Regex, OS_Match and PCRE2 expression of the shared rulesets against
// the shared test log lines, per dialect: match, end offset (Wazuh: the
// engine's returned pointer, which is compared before gossec clamps it)
// and captures. Pairs where the C code has undefined behaviour (the
// driver's "ub") are skipped and counted. By default each expression meets
// a deterministic sample of the lines (every one under ORACLE_FULL=1).
func TestOracleRulesetPatterns(t *testing.T) {
	exprs, logs := oracleCorpus(t)
	if len(exprs) < 4000 || len(logs) < 1000 {
		t.Fatalf("corpus too small (%d expressions, %d lines): extractor broken?", len(exprs), len(logs))
	}
	step := 23
	if raceEnabled || testing.Short() {
		step = 97
	}
	if os.Getenv("ORACLE_FULL") == "1" {
		step = 1
	}
	if s, err := strconv.Atoi(os.Getenv("ORACLE_STEP")); err == nil && s > 0 {
		step = s
	}
	// Each expression meets every step-th line, from an offset that
	// varies with the expression so that all lines are used.
	keep := func(i, j int) bool { return (i*7+j)%step == 0 }
	only := os.Getenv("ORACLE_DIALECT")
	for _, d := range oracleEngines {
		if only != "" && only != d.name {
			continue
		}
		t.Run(d.name, func(t *testing.T) {
			start := time.Now()
			st := runOracleDiff(t, d.name, d.eng, exprs, logs, keep)
			t.Logf("%s: %d expressions x %d lines / %d: %d requests, %d C matches, %d undefined-behaviour skipped, %d PCRE2 capture lists equal once compacted, %d PCRE2 resource limits, %d differences %v (%v)",
				d.name, len(exprs), len(logs), step, st.requests, st.matches, st.ub, st.compaction, st.limit, st.diffs, st.byKind, time.Since(start).Round(time.Millisecond))
			for _, e := range st.examples {
				t.Log(e)
			}
			if st.diffs > 0 && os.Getenv("ORACLE_REPORT") != "1" {
				t.Errorf("%d differences with the C engine", st.diffs)
			}
		})
	}
}

// compactedEqual reports whether two capture lists are equal once empty
// captures are dropped from both (gossec cannot tell an unset group from
// an empty one).
func compactedEqual(a, b []string) bool {
	var x, y []string
	for _, c := range a {
		if c != "" {
			x = append(x, c)
		}
	}
	for _, c := range b {
		if c != "" {
			y = append(y, c)
		}
	}
	if len(x) != len(y) {
		return false
	}
	for i := range x {
		if x[i] != y[i] {
			return false
		}
	}
	return true
}

// limitSuspect reports a difference that may be a PCRE2 resource limit:
// the OSSEC engine on the regexp path, gossec matches, C does not, and
// the pattern has no end anchor (so matching a prefix implies matching
// the whole subject).
func limitSuspect(eng Engine, g gossecResult, o *oracleReply, r oracleReq) bool {
	return eng == OSSEC && g.match && g.hasEnd && !o.Match && o.Error == "" &&
		r.kind != "match" && !strings.Contains(r.pattern, "$")
}

// FuzzOracle compares gossec with the C matchers on random patterns and
// subjects: sel picks the dialect (Wazuh 4, Wazuh 3, OSSEC) and the entry
// point (OS_Regex with substrings, without, OS_Match). It skips when the
// oracle cannot be built.
func FuzzOracle(f *testing.F) {
	seeds := []struct {
		pat, s string
	}{
		{`severity="(\.+)"`, `a severity="high"`},
		{`[(\S+)]$`, "x [abc]"},
		{`abc|`, "xyz"},
		{`(\.*)$`, "abc"},
		{`^\s*(\w*)`, "  ab"},
		{`(\w+): (\.+) from (\S+)`, "%ASA-4: Duplicate TCP SYN from a:1/2 to b"},
		{`user (\S+) from (\S*)\s*$`, "user root from 10.0.0.1  "},
		{`^abc$|x\d+?`, "x12"},
		{`!^a$|b`, "A"},
		{`\p*\w+\s+\d*\s\d+:`, "<1>Jan  3 13:45:36: %"},
	}
	for _, sd := range seeds {
		for sel := 0; sel < 9; sel++ {
			f.Add(sd.pat, sd.s, uint8(sel))
		}
	}
	r := rand.New(rand.NewSource(9))
	for i := 0; i < 30; i++ {
		f.Add(randOSRegex(r), randSubject(r, subjTokens, 12), uint8(r.Intn(9)))
	}
	kinds := []string{"regex", "regex,nosub", "match"}
	f.Fuzz(func(t *testing.T, pat, s string, sel uint8) {
		d := oracleEngines[int(sel)%len(oracleEngines)]
		kind := kinds[int(sel)/len(oracleEngines)%len(kinds)]
		if ossecInvalidPattern(d.eng, pat) {
			return // undefined in C (it can crash): no reference
		}
		// A fresh driver per input, so that a crash of the C code is
		// charged to the input that caused it.
		o := startOracle(t, d.name)
		k := OSRegex
		if kind == "match" {
			k = OSMatch
		}
		p, err := CompileWith(k, pat, Options{Engine: d.eng})
		if err != nil {
			p = nil
		}
		req := oracleReq{kind: kind, pattern: pat, subject: s}
		rep, err := o.runOne(req)
		if err != nil {
			o.in.Close()
			werr := o.cmd.Wait()
			t.Fatalf("oracle-%s on %s %q / %q: %v (exit: %v)", d.name, kind, pat, s, err, werr)
		}
		if len(rep.UB) > 0 {
			return // C undefined behaviour: no reference
		}
		g, _ := gossecAnswer(p, d.eng, req, nil)
		if diff := oracleCompare(g, &rep, kind); diff != "" {
			if limitSuspect(d.eng, g, &rep, req) && len(s) > 1000 {
				return // a PCRE2 resource limit, see runOracleDiff
			}
			t.Fatalf("%s %s %q on %q: %s", d.name, kind, pat, s, diff)
		}
	})
}

// ossecInvalidPattern: OSSEC compiles its PCRE2 rewrite with
// PCRE2_NO_UTF_CHECK, so a pattern that is not valid UTF-8 is undefined
// behaviour there (it never matches in gossec).
func ossecInvalidPattern(eng Engine, pat string) bool {
	return eng == OSSEC && !utf8.ValidString(cString(pat))
}
