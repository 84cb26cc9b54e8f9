package xmlconf

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// ErrNotYesNo is wrapped by YesNo's errors.
var ErrNotYesNo = errors.New("want yes or no")

// YesNo reads an option value written yes or no (any case); the error
// carries the element's position.
func YesNo(e *Node, v string) (bool, error) {
	switch strings.ToLower(v) {
	case "yes":
		return true, nil
	case "no":
		return false, nil
	}
	return false, &Error{Pos: e.Pos, Err: fmt.Errorf("<%s> %q: %w", e.Name, v, ErrNotYesNo)}
}

// IntIn reads a whole number from lo to hi; the error carries the
// element's position.
func IntIn(e *Node, v string, lo, hi int) (int, error) {
	n, err := strconv.Atoi(v)
	if err != nil || n < lo || n > hi {
		return 0, Errorf(e.Pos, "<%s> %q: want a number from %d to %d", e.Name, v, lo, hi)
	}
	return n, nil
}
