package predecode

import (
	"os"
	"strings"
	"sync"
)

// ParseAgentLocation splits the location of an agent event,
// "[ID] (name) ip->path": it returns the agent id (the text between '[' and
// the first ']'), the location after "] " and the agent name, the text
// inside the parentheses when that location starts with '(' ("" when it
// does not or the ')' is missing). The agent name replaces any syslog
// hostname of the line.
//
// ok is false when loc does not start with '['. A location that starts with
// '[' but has no ']' also gives ok false: analysisd rejects such a message
// with a format error, so callers that must tell the two apart check the
// '[' themselves.
func ParseAgentLocation(loc string) (agentID, location, hostname string, ok bool) {
	if !strings.HasPrefix(loc, "[") {
		return "", "", "", false
	}
	k := strings.IndexByte(loc, ']')
	if k < 0 {
		return "", "", "", false
	}
	agentID = loc[1:k]
	// analysisd skips the ']' and the byte after it, whatever that byte is.
	if k+2 <= len(loc) {
		location = loc[k+2:]
	}
	if strings.HasPrefix(location, "(") {
		if e := strings.IndexByte(location, ')'); e >= 0 {
			hostname = location[1:e]
		}
	}
	return agentID, location, hostname, true
}

// ShortHostname returns the manager's host name truncated at its first '.',
// the hostname of local events whose line has no syslog hostname. It is
// computed once; "localhost" stands in when the system name is unknown.
var ShortHostname = sync.OnceValue(func() string {
	h, err := os.Hostname()
	if err != nil || h == "" {
		return "localhost"
	}
	if i := strings.IndexByte(h, '.'); i >= 0 {
		h = h[:i]
	}
	return h
})

// JSONHostname recomputes alerts.json's predecoder.hostname from full_log
// the way analysisd does, with the POSIX regex
// `^[A-Z][a-z][a-z] [ 0123][0-9] [0-9][0-9]:[0-9][0-9]:[0-9][0-9] ([^ ]+)`:
// only BSD-style headers give one. It returns "" when the line does not
// match.
func JSONHostname(fullLog string) string {
	s := TrimAtNUL(fullLog)
	if len(s) < 17 || !isBSDStamp(s) {
		return ""
	}
	e := 16
	for e < len(s) && s[e] != ' ' {
		e++
	}
	return s[16:e] // non-empty: s[16] is not a space, checked by isBSDStamp
}

// isBSDStamp checks the regex's fixed part "Mmm dd hh:mm:ss " and that a
// non-space byte follows it (the "+" of the capture). len(s) >= 17.
func isBSDStamp(s string) bool {
	isUpper := func(c byte) bool { return 'A' <= c && c <= 'Z' }
	return isUpper(s[0]) && isLower(s[1]) && isLower(s[2]) && s[3] == ' ' &&
		strings.IndexByte(" 0123", s[4]) >= 0 && isDigit(s[5]) && s[6] == ' ' &&
		isDigit(s[7]) && isDigit(s[8]) && s[9] == ':' &&
		isDigit(s[10]) && isDigit(s[11]) && s[12] == ':' &&
		isDigit(s[13]) && isDigit(s[14]) && s[15] == ' ' && s[16] != ' '
}
