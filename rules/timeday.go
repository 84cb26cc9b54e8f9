package rules

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// dayTime is a compiled <time> element: minutes since midnight, both ends
// included, at minute resolution (analysisd compares "HH:MM" strings).
type dayTime struct {
	start, end int
	not        bool
}

// parseDayTime reads "6 pm - 8:30 am", "18:00-20:00", "!10am-11am". A range
// whose start is later than its end becomes "not between end and start".
func parseDayTime(s string) (*dayTime, error) {
	src := s
	s = strings.ReplaceAll(s, " ", "")
	d := &dayTime{}
	if strings.HasPrefix(s, "!") {
		d.not = true
		s = s[1:]
	}
	a, b, ok := strings.Cut(s, "-")
	if !ok {
		return nil, fmt.Errorf("invalid time %q", src)
	}
	var err error
	if d.start, err = parseHour(a); err != nil {
		return nil, fmt.Errorf("invalid time %q", src)
	}
	if d.end, err = parseHour(b); err != nil {
		return nil, fmt.Errorf("invalid time %q", src)
	}
	if d.start > d.end {
		d.start, d.end = d.end, d.start
		d.not = true
	}
	return d, nil
}

// parseHour reads h, h:mm, with an optional am/pm suffix.
func parseHour(s string) (int, error) {
	s = strings.ToLower(s)
	pm, am := strings.HasSuffix(s, "pm"), strings.HasSuffix(s, "am")
	if pm || am {
		s = s[:len(s)-2]
	}
	hs, ms, hasMin := strings.Cut(s, ":")
	h, err := strconv.Atoi(hs)
	if err != nil || h < 0 || h > 23 {
		return 0, fmt.Errorf("invalid hour %q", s)
	}
	m := 0
	if hasMin {
		if m, err = strconv.Atoi(ms); err != nil || m < 0 || m > 59 {
			return 0, fmt.Errorf("invalid minute %q", s)
		}
	}
	switch {
	case pm && h < 12:
		h += 12
	case am && h == 12:
		h = 0
	}
	return h*60 + m, nil
}

func (d *dayTime) on(t time.Time) bool {
	m := t.Hour()*60 + t.Minute()
	in := m >= d.start && m <= d.end
	return in != d.not
}

// weekDays is a compiled <weekday> element.
type weekDays [7]bool

var dayNames = []struct {
	name string
	day  int // 0-6, 7 weekdays, 8 weekends
}{
	{"sunday", 0}, {"sun", 0}, {"monday", 1}, {"mon", 1}, {"tuesday", 2}, {"tue", 2},
	{"wednesday", 3}, {"wed", 3}, {"thursday", 4}, {"thu", 4}, {"friday", 5}, {"fri", 5},
	{"saturday", 6}, {"sat", 6}, {"weekdays", 7}, {"weekends", 8},
}

// parseWeekDays reads a list of day names (full or three letters,
// "weekdays", "weekends") separated by spaces or commas, optionally
// negated by a leading '!'. Names are matched as case-insensitive
// prefixes, as OS_IsValidDay does.
func parseWeekDays(s string) (*weekDays, error) {
	src := s
	var w weekDays
	not := strings.HasPrefix(s, "!")
	if not {
		s = s[1:]
	}
	for {
		s = strings.TrimLeft(s, " ,")
		if s == "" {
			break
		}
		n, ok := matchDay(s, &w)
		if !ok {
			return nil, fmt.Errorf("invalid weekday %q", src)
		}
		s = s[n:]
	}
	if not {
		for i := range w {
			w[i] = !w[i]
		}
	}
	return &w, nil
}

func matchDay(s string, w *weekDays) (int, bool) {
	for _, d := range dayNames {
		if len(s) < len(d.name) || !strings.EqualFold(s[:len(d.name)], d.name) {
			continue
		}
		switch d.day {
		case 7:
			for i := 1; i <= 5; i++ {
				w[i] = true
			}
		case 8:
			w[0], w[6] = true, true
		default:
			w[d.day] = true
		}
		return len(d.name), true
	}
	return 0, false
}

func (w *weekDays) on(t time.Time) bool { return w[t.Weekday()] }
