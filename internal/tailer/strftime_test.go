package tailer

import (
	"strings"
	"testing"
	"time"
)

func TestStrftime(t *testing.T) {
	at := time.Date(2026, 3, 7, 14, 5, 9, 0, time.FixedZone("CET", 3600))
	for _, tc := range []struct{ in, want string }{
		{"/var/log/app.log", "/var/log/app.log"},
		{"/var/log/app-%Y-%m-%d.log", "/var/log/app-2026-03-07.log"},
		{"%y%m%d %H:%M:%S", "260307 14:05:09"},
		{"%b %e %d %j", "Mar  7 07 066"},
		{"%h %B %a %A %u %w", "Mar March Sat Saturday 6 6"},
		{"%I%p %C %F %D %T %R", "02PM 20 2026-03-07 03/07/26 14:05:09 14:05"},
		{"%Z %z %s", "CET +0100 1772888709"},
		{"100%%/*.log", "100%/*.log"},
	} {
		got, err := strftime(tc.in, at)
		if err != nil || got != tc.want {
			t.Errorf("strftime(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
	for _, bad := range []string{"%Q", "x%", "%Y%"} {
		if _, err := strftime(bad, at); err == nil {
			t.Errorf("strftime(%q) succeeded", bad)
		}
	}
}

func FuzzStrftime(f *testing.F) {
	for _, s := range []string{"/var/log/%Y/%m/%d.log", "%%", "%", "a%zb%Q"} {
		f.Add(s)
	}
	at := time.Date(2026, 11, 21, 9, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, p string) {
		got, err := strftime(p, at)
		if err != nil {
			return
		}
		if !strings.Contains(p, "%") && got != p {
			t.Fatalf("strftime(%q) = %q, want it unchanged", p, got)
		}
	})
}
