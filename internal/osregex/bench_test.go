package osregex

import "testing"

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
