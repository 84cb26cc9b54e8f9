package osregex

import (
	"strings"
	"testing"
)

const benchLog = "Nov 21 09:12:01 host sshd[2231]: Failed password for invalid user admin from 192.168.10.23 port 51234 ssh2"

func BenchmarkOSMatch(b *testing.B) {
	p := MustCompile(OSMatch, "authentication failure|Failed password|^refused$")
	b.ReportAllocs()
	for b.Loop() {
		if !p.MatchString(benchLog) {
			b.Fatal("no match")
		}
	}
}

func BenchmarkOSMatchMiss(b *testing.B) {
	p := MustCompile(OSMatch, "authentication failure|Accepted publickey|^refused$")
	b.ReportAllocs()
	for b.Loop() {
		if p.MatchString(benchLog) {
			b.Fatal("match")
		}
	}
}

func BenchmarkOSRegexMatch(b *testing.B) {
	p := MustCompile(OSRegex, `^Failed \S+ for invalid user|password for invalid user (\S+) from (\S+) port (\d+)`)
	b.ReportAllocs()
	for b.Loop() {
		if !p.MatchString(benchLog) {
			b.Fatal("no match")
		}
	}
}

func BenchmarkOSRegexFindCaptures(b *testing.B) {
	p := MustCompile(OSRegex, `password for invalid user (\S+) from (\S+) port (\d+)`)
	caps := make([]int, 0, 16)
	b.ReportAllocs()
	for b.Loop() {
		var ok bool
		caps, _, ok = p.Find(benchLog, caps)
		if !ok || len(caps) != 6 {
			b.Fatal("no match")
		}
	}
}

// BenchmarkOSRegexSlowPath is the capture benchmark without the
// literal-prefix skip, to show what the fast path buys.
func BenchmarkOSRegexSlowPath(b *testing.B) {
	re := MustCompile(OSRegex, `password for invalid user (\S+) from (\S+) port (\d+)`).impl.(*osRegex)
	caps := make([]int, 0, 16)
	b.ReportAllocs()
	for b.Loop() {
		var ok bool
		caps, _, ok = re.findWith(benchLog, caps, false)
		if !ok {
			b.Fatal("no match")
		}
	}
}

func BenchmarkOSRegexClassStart(b *testing.B) {
	p := MustCompile(OSRegex, `(\d+.\d+.\d+.\d+) port (\d+)`)
	caps := make([]int, 0, 16)
	b.ReportAllocs()
	for b.Loop() {
		var ok bool
		caps, _, ok = p.Find(benchLog, caps)
		if !ok {
			b.Fatal("no match")
		}
	}
}

func BenchmarkPCRE2Find(b *testing.B) {
	p := MustCompile(PCRE2, `invalid user (\S+) from (\S+) port (\d+)`)
	caps := make([]int, 0, 16)
	b.ReportAllocs()
	for b.Loop() {
		var ok bool
		caps, _, ok = p.Find(benchLog, caps)
		if !ok {
			b.Fatal("no match")
		}
	}
}

// BenchmarkPCRE2FindPlain is BenchmarkPCRE2Find on Go's regexp alone,
// without the one-pass matcher.
func BenchmarkPCRE2FindPlain(b *testing.B) {
	re := MustCompile(PCRE2, `invalid user (\S+) from (\S+) port (\d+)`).impl.(*pcre2RE2)
	caps := make([]int, 0, 16)
	b.ReportAllocs()
	for b.Loop() {
		var ok bool
		caps, _, ok = re.findWith(benchLog, caps, false)
		if !ok {
			b.Fatal("no match")
		}
	}
}

func BenchmarkPCRE2Lookahead(b *testing.B) {
	p := MustCompile(PCRE2, `^(?=.*admin)(?=.*192\.168)`)
	b.ReportAllocs()
	for b.Loop() {
		if !p.MatchString(benchLog) {
			b.Fatal("no match")
		}
	}
}

func BenchmarkWordMatch(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if !WordMatch("authentication_failed|invalid_login", "syslog,sshd,invalid_login,authentication_failed,") {
			b.Fatal("no match")
		}
	}
}

// benchLines are typical subjects of the OSSEC caseless rule literals.
var benchLines = []string{
	benchLog,
	"Nov 21 09:12:01 web01 kernel: [12345.678901] usb 1-1: new high-speed USB device number 2 using ehci-pci",
	`date=2026-11-21 time=09:12:01 devname="FG100" devid="FG100E" logid="0000000013" type="traffic" subtype="forward" level="notice" srcip=10.1.1.2 srcport=51234 dstip=8.8.8.8 dstport=53 proto=17 action="accept"`,
}

// BenchmarkPCRE2CaselessLiteralMiss is the OSSEC rules' common case: a
// caseless literal that is not in the line.
func BenchmarkPCRE2CaselessLiteralMiss(b *testing.B) {
	pats := []*Pattern{
		MustCompile(PCRE2, "(?i)telnetd"),
		MustCompile(PCRE2, "(?i)cachefsd: segmentation fault - core dumped"),
		MustCompile(PCRE2, "(?i)authentication failure|authentication error"),
		MustCompile(PCRE2, "(?i)^error: PAM: "),
	}
	b.ReportAllocs()
	for b.Loop() {
		for _, l := range benchLines {
			for _, p := range pats {
				if p.MatchString(l) {
					b.Fatal("match")
				}
			}
		}
	}
}

// BenchmarkPCRE2CaselessLiteralMissPlain is the same work on Go's regexp
// alone, without the literal matcher.
func BenchmarkPCRE2CaselessLiteralMissPlain(b *testing.B) {
	var pats []*pcre2RE2
	for _, s := range []string{"(?i)telnetd", "(?i)cachefsd: segmentation fault - core dumped",
		"(?i)authentication failure|authentication error", "(?i)^error: PAM: "} {
		pats = append(pats, MustCompile(PCRE2, s).impl.(*pcre2RE2))
	}
	b.ReportAllocs()
	for b.Loop() {
		for _, l := range benchLines {
			for _, p := range pats {
				if p.matchWith(l, false) {
					b.Fatal("match")
				}
			}
		}
	}
}

// BenchmarkPCRE2FilteredMiss: a caseless pattern with groups whose required
// literals are missing from the line.
func BenchmarkPCRE2FilteredMiss(b *testing.B) {
	p := MustCompile(PCRE2, `(?i)user (\S+) logged in from (\S+)`)
	caps := make([]int, 0, 16)
	b.ReportAllocs()
	for b.Loop() {
		for _, l := range benchLines {
			var ok bool
			if caps, _, ok = p.Find(l, caps); ok {
				b.Fatal("match")
			}
		}
	}
}

func BenchmarkPCRE2FilteredMissPlain(b *testing.B) {
	re := MustCompile(PCRE2, `(?i)user (\S+) logged in from (\S+)`).impl.(*pcre2RE2)
	caps := make([]int, 0, 16)
	b.ReportAllocs()
	for b.Loop() {
		for _, l := range benchLines {
			var ok bool
			if caps, _, ok = re.findWith(l, caps, false); ok {
				b.Fatal("match")
			}
		}
	}
}

// stockBench runs every pattern over every 25th test-case log.
func stockBench(b *testing.B, pats []*Pattern, find bool) {
	logs := stockLogs(b)
	var sample []string
	for i := 0; i < len(logs); i += 25 {
		sample = append(sample, logs[i])
	}
	caps := make([]int, 0, 32)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		for _, l := range sample {
			for _, p := range pats {
				if find {
					caps, _, _ = p.Find(l, caps)
				} else {
					p.MatchString(l)
				}
			}
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(sample)*len(pats)), "ns/match")
}

// BenchmarkStockOSSECRules: MatchString of the OSSEC 4.2 caseless rule
// patterns (the literal matchers and filters) on the test-case logs.
func BenchmarkStockOSSECRules(b *testing.B) {
	var pats []*Pattern
	for _, s := range ossecPCRE2Exprs(b) {
		if strings.HasPrefix(s, "(?i)") {
			if p, err := Compile(PCRE2, s); err == nil {
				pats = append(pats, p)
			}
		}
	}
	stockBench(b, pats, false)
}

// BenchmarkStockWazuhOSRegex: Find of the Wazuh 4.9.2 OS_Regex
// expressions on the test-case logs.
func BenchmarkStockWazuhOSRegex(b *testing.B) {
	var pats []*Pattern
	for _, e := range rulesetExprs(b) {
		if e.kind == OSRegex && e.elem != "field" {
			pats = append(pats, MustCompile(e.kind, e.text))
		}
	}
	stockBench(b, pats, true)
}

// BenchmarkStockWazuhOSMatch: MatchString of the Wazuh 4.9.2 OS_Match
// expressions.
func BenchmarkStockWazuhOSMatch(b *testing.B) {
	var pats []*Pattern
	for _, e := range rulesetExprs(b) {
		if e.kind == OSMatch {
			pats = append(pats, MustCompile(e.kind, e.text))
		}
	}
	stockBench(b, pats, false)
}

// BenchmarkOSRegexTrailingRun: a capture running to the end of a long
// line, as decoders extract their last field.
func BenchmarkOSRegexTrailingRun(b *testing.B) {
	p := MustCompile(OSRegex, `^(\S+): (\.+)$`)
	line := "kernel: " + strings.Repeat("lorem ipsum dolor sit amet ", 20)
	caps := make([]int, 0, 16)
	b.ReportAllocs()
	for b.Loop() {
		var ok bool
		if caps, _, ok = p.Find(line, caps); !ok {
			b.Fatal("no match")
		}
	}
}

func BenchmarkOSRegexTrailingRunPlain(b *testing.B) {
	re := MustCompile(OSRegex, `^(\S+): (\.+)$`).impl.(*osRegex)
	line := "kernel: " + strings.Repeat("lorem ipsum dolor sit amet ", 20)
	caps := make([]int, 0, 16)
	b.ReportAllocs()
	for b.Loop() {
		var ok bool
		if caps, _, ok = re.findWith(line, caps, false); !ok {
			b.Fatal("no match")
		}
	}
}

// BenchmarkPCRE2FindCaseless is BenchmarkPCRE2Find on a caseless pattern,
// as OSSEC compiles its *_pcre2 elements (one-pass matcher).
func BenchmarkPCRE2FindCaseless(b *testing.B) {
	p := MustCompile(PCRE2, `(?i)invalid user (\S+) from (\S+) port (\d+)`)
	caps := make([]int, 0, 16)
	b.ReportAllocs()
	for b.Loop() {
		var ok bool
		caps, _, ok = p.Find(benchLog, caps)
		if !ok {
			b.Fatal("no match")
		}
	}
}

// BenchmarkPCRE2FindCaselessPlain is BenchmarkPCRE2FindCaseless on Go's
// regexp alone.
func BenchmarkPCRE2FindCaselessPlain(b *testing.B) {
	re := MustCompile(PCRE2, `(?i)invalid user (\S+) from (\S+) port (\d+)`).impl.(*pcre2RE2)
	caps := make([]int, 0, 16)
	b.ReportAllocs()
	for b.Loop() {
		var ok bool
		caps, _, ok = re.findWith(benchLog, caps, false)
		if !ok {
			b.Fatal("no match")
		}
	}
}

// BenchmarkPCRE2MatchCaselessMiss is a caseless rule pattern on a subject
// that passes its prefilter but does not match.
func BenchmarkPCRE2MatchCaselessMiss(b *testing.B) {
	p := MustCompile(PCRE2, `(?i)user (\S+) from (\S+) port \d+ ssh3`)
	b.ReportAllocs()
	for b.Loop() {
		if p.MatchString(benchLog) {
			b.Fatal("match")
		}
	}
}
