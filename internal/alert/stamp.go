package alert

import (
	"sync/atomic"
	"time"
)

// Formatting a time with AppendFormat costs more than the rest of an
// alert's header. Alerts come in bursts that share their second, so the
// parts that do not depend on the sub-second are formatted once per
// (second, location) and reused; only the milliseconds are appended per
// alert. The cache holds one immutable entry swapped atomically: safe
// when renderers run on several goroutines, and a miss only costs the
// formatting that every alert used to pay.

// stamp is the formatted second of one instant in one location.
type stamp struct {
	sec  int64
	loc  *time.Location
	json []byte // "2006-01-02T15:04:05" (alerts.json, before ".000")
	zone []byte // "-0700" (alerts.json, after ".000")
	log  []byte // "2006 Jan 02 15:04:05 " (alerts.log header)
}

var lastStamp atomic.Pointer[stamp]

// stampOf returns the formatted second of t, from the cache when t falls
// in the cached second and location.
func stampOf(t time.Time) *stamp {
	sec, loc := t.Unix(), t.Location()
	if s := lastStamp.Load(); s != nil && s.sec == sec && s.loc == loc {
		return s
	}
	s := &stamp{
		sec:  sec,
		loc:  loc,
		json: t.AppendFormat(make([]byte, 0, 24), "2006-01-02T15:04:05"),
		zone: t.AppendFormat(make([]byte, 0, 8), "-0700"),
		log:  t.AppendFormat(make([]byte, 0, 24), "2006 Jan 02 15:04:05 "),
	}
	lastStamp.Store(s)
	return s
}

// appendJSONTime appends t as "2006-01-02T15:04:05.000-0700".
func appendJSONTime(b []byte, t time.Time) []byte {
	s := stampOf(t)
	b = append(b, s.json...)
	ms := t.Nanosecond() / 1e6
	b = append(b, '.', byte('0'+ms/100), byte('0'+ms/10%10), byte('0'+ms%10))
	return append(b, s.zone...)
}

// appendLogTime appends t as "2006 Jan 02 15:04:05 ".
func appendLogTime(b []byte, t time.Time) []byte {
	return append(b, stampOf(t).log...)
}
