package logformat

import (
	"strings"
	"time"
)

// mysqlFramer implements log_format mysql_log (read_mysql_log.c of Wazuh
// 4.9.2). A line with a recognised timestamp prefix becomes
// "MySQL log: <timestamp> <message>", the message's leading blanks
// removed. A line starting with two tabs and six spaces (MySQL's way of
// writing several events in one second) reuses the last timestamp seen.
// Every other line is dropped. Unlike Wazuh, whose last timestamp is one
// static shared by all files, each framer remembers its own.
type mysqlFramer struct {
	base
	noPending
	last string // the last timestamp prefix
}

func (f *mysqlFramer) Push(line string, end int64, _ time.Time) []Event {
	f.start()
	line = f.cutNUL(line, end)
	ts, msg, ok := mysqlPrefix(line)
	switch {
	case ok:
		if ts != f.last {
			f.last = strings.Clone(ts) // keep no reference to the line
		}
	case f.last != "" && isMySQLContinuation(line):
		msg = strings.TrimLeft(line[2:], " \t")
	default:
		f.drop(line, end, ErrNoMySQLPrefix)
		return f.out
	}
	f.emit("MySQL log: "+f.last+" "+msg, end)
	return f.out
}

// mysqlPrefix recognises, exactly as Wazuh does (its lengths count the
// newline, hence the >= here):
//
//	YYMMDD HH:MM:SS                   (length >= 18)
//	YYYY-MM-DDThh:mm:ss.uuuuuu+hh:mm  (length >= 35, then a blank)
//	YYYY-MM-DDThh:mm:ss.uuuuuuZ       (length >= 30, then a blank)
//
// and returns the prefix and the message after it, leading blanks removed.
// A space-padded hour ("180709  0:43:24") is not recognised, as in Wazuh.
func mysqlPrefix(s string) (ts, msg string, ok bool) {
	switch {
	case len(s) >= 18 && matchShape(s, "dddddd dd:??:??"):
		ts, msg = s[:15], s[15:]
	case len(s) >= 35 && matchShape(s, "dddd-dd-ddTdd:dd:dd.dddddd?dd:dd ") && (s[26] == '+' || s[26] == '-'):
		ts, msg = s[:32], s[32:]
	case len(s) >= 30 && matchShape(s, "dddd-dd-ddTdd:dd:dd.ddddddZ "):
		ts, msg = s[:27], s[27:]
	default:
		return "", "", false
	}
	return ts, strings.TrimLeft(msg, " \t"), true
}

// matchShape checks s against a shape: 'd' is a digit, '?' any byte,
// anything else itself. The shapes check exactly the positions
// read_mysql_log.c checks: the old form, for one, leaves the minute and
// second digits unchecked.
func matchShape(s, shape string) bool {
	if len(s) < len(shape) {
		return false
	}
	for i := 0; i < len(shape); i++ {
		switch c := shape[i]; c {
		case 'd':
			if s[i] < '0' || s[i] > '9' {
				return false
			}
		case '?':
		default:
			if s[i] != c {
				return false
			}
		}
	}
	return true
}

// isMySQLContinuation: two tabs then six spaces, length >= 10.
func isMySQLContinuation(s string) bool {
	return len(s) >= 10 && strings.HasPrefix(s, "\t\t      ")
}
