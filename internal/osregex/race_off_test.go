//go:build !race

package osregex

const raceEnabled = false
