package tailer

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// strftime expands the C strftime conversions logcollector users put in
// locations (C locale). Unknown conversions are an error, so that a typo is
// reported at load instead of never matching a file.
func strftime(p string, t time.Time) (string, error) {
	if !strings.Contains(p, "%") {
		return p, nil
	}
	var b strings.Builder
	for i := 0; i < len(p); i++ {
		if p[i] != '%' {
			b.WriteByte(p[i])
			continue
		}
		if i+1 == len(p) {
			return "", fmt.Errorf("trailing %% at offset %d", i)
		}
		i++
		s, ok := conversion(p[i], t)
		if !ok {
			return "", fmt.Errorf("unknown strftime conversion %%%c at offset %d", p[i], i-1)
		}
		b.WriteString(s)
	}
	return b.String(), nil
}

func pad2(n int) string {
	if n < 10 {
		return "0" + strconv.Itoa(n)
	}
	return strconv.Itoa(n)
}

// conversion renders one strftime conversion character.
func conversion(c byte, t time.Time) (string, bool) {
	switch c {
	case 'Y':
		return strconv.Itoa(t.Year()), true
	case 'y':
		return pad2(t.Year() % 100), true
	case 'C':
		return pad2(t.Year() / 100), true
	case 'm':
		return pad2(int(t.Month())), true
	case 'd':
		return pad2(t.Day()), true
	case 'e':
		return fmt.Sprintf("%2d", t.Day()), true
	case 'H':
		return pad2(t.Hour()), true
	case 'I':
		return pad2((t.Hour()+11)%12 + 1), true
	case 'M':
		return pad2(t.Minute()), true
	case 'S':
		return pad2(t.Second()), true
	case 'p':
		return t.Format("PM"), true
	case 'j':
		return fmt.Sprintf("%03d", t.YearDay()), true
	case 'b', 'h':
		return t.Format("Jan"), true
	case 'B':
		return t.Format("January"), true
	case 'a':
		return t.Format("Mon"), true
	case 'A':
		return t.Format("Monday"), true
	case 'u':
		return strconv.Itoa((int(t.Weekday())+6)%7 + 1), true
	case 'w':
		return strconv.Itoa(int(t.Weekday())), true
	case 'F':
		return t.Format("2006-01-02"), true
	case 'D':
		return t.Format("01/02/06"), true
	case 'T':
		return t.Format("15:04:05"), true
	case 'R':
		return t.Format("15:04"), true
	case 'Z':
		return t.Format("MST"), true
	case 'z':
		return t.Format("-0700"), true
	case 's':
		return strconv.FormatInt(t.Unix(), 10), true
	case '%':
		return "%", true
	}
	return "", false
}
