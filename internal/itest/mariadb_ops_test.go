package itest

// Checks of the MariaDB end-to-end scenario for issue 10 (brute force
// counted once per failure, a restart raises nothing high). Helpers are
// prefixed mdb to keep clear of other files.

import (
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

func mdbGroups(a map[string]any) []any {
	r, _ := a["rule"].(map[string]any)
	g, _ := r["groups"].([]any)
	return g
}

func mdbLevel(a map[string]any) int {
	n, _ := strconv.Atoi(str(a, "rule", "level"))
	return n
}

// mdbCheckBruteForce: the ten wrong passwords and the empty-user attempt
// are in both logs; each alerts once (group mysql_login_failed), and one
// brute-force alert (group authentication_failures) comes after the 5th
// failure alert, i.e. at the 6th failure.
func mdbCheckBruteForce(t *testing.T, alerts []map[string]any) {
	t.Helper()
	failures, brute, at := 0, 0, -1
	for _, a := range alerts {
		g := mdbGroups(a)
		switch {
		case slices.Contains(g, any("authentication_failures")):
			brute++
			if at < 0 {
				at = failures + 1
			}
		case slices.Contains(g, any("mysql_login_failed")) && mdbLevel(a) > 0:
			failures++
		}
	}
	t.Logf("failed logins: %d failure alerts, %d brute-force alerts (first at failure %d)", failures, brute, at)
	if brute != 1 || at != 6 {
		t.Errorf("%d brute-force alerts, the first at failure %d; want exactly 1, at the 6th", brute, at)
	}
	// 10 wrong passwords + 1 empty user name, minus the 6th (the brute
	// force alert took it).
	if failures != 10 {
		t.Errorf("%d failed-login alerts, want 10 (one per failure, the 6th being the brute-force alert)", failures)
	}
}

// mdbCheckRestart: nothing a restart writes alerts at level 10 or more;
// the audit plugin stopping with the server is the low rule 260906.
func mdbCheckRestart(t *testing.T, alerts []map[string]any) {
	t.Helper()
	stopped := false
	for _, a := range alerts {
		if mdbLevel(a) >= 10 {
			t.Errorf("restart alert of level %d: %s %s", mdbLevel(a), ruleID(a), fullLog(a))
		}
		if strings.Contains(fullLog(a), "server_audit: STOPPED") {
			stopped = true
			if ruleID(a) != "260906" {
				t.Errorf("audit plugin stopped by the shutdown: rule %s level %d, want 260906", ruleID(a), mdbLevel(a))
			}
		}
	}
	if !stopped {
		t.Error("no alert for the audit plugin stopping with the server")
	}
}

// mdbMailsWith counts the mails whose decoded body contains s.
func mdbMailsWith(t *testing.T, mails []string, s string) int {
	n := 0
	for _, m := range mails {
		if strings.Contains(decodeMail(t, m), s) {
			n++
		}
	}
	return n
}

// mdbWaitFor is waitFor that reports a timeout as an error and goes on,
// so the checks after it still show what happened.
func mdbWaitFor(t *testing.T, d time.Duration, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !ok() {
		if time.Now().After(deadline) {
			t.Errorf("timed out after %v waiting for %s", d, what)
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
}
