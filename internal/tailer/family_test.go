package tailer

import (
	"path/filepath"
	"testing"
)

// TestFamilyGlob: a strftime pattern matches the paths it named on any
// day, and only those.
func TestFamilyGlob(t *testing.T) {
	for _, tc := range []struct {
		pattern, path string
		want          bool
	}{
		{"/var/log/app.log", "/var/log/app.log", true},
		{"/var/log/app.log", "/var/log/app.log.1", false},
		{"/var/log/app-%Y%m%d.log", "/var/log/app-20261206.log", true},
		{"/var/log/app-%Y%m%d.log", "/var/log/other-20261206.log", false},
		{"/var/log/%Y/%b/app.log", "/var/log/2025/Dec/app.log", true},
		{"/var/log/100%%-%d.log", "/var/log/100%-07.log", true},
		{"/var/log/*.log", "/var/log/x.log", true},
	} {
		fam := familyGlob(tc.pattern)
		if got, err := filepath.Match(fam, tc.path); err != nil || got != tc.want {
			t.Errorf("familyGlob(%q) = %q matches %q: %v (%v), want %v", tc.pattern, fam, tc.path, got, err, tc.want)
		}
	}
}
