//go:build unix

package remote

import "syscall"

// fdBudget is how many descriptors the TCP intake may hold: half the soft
// RLIMIT_NOFILE (which the Go runtime has already raised to the hard
// limit at start), or 0 when the limit is unknown or practically
// unlimited.
func fdBudget() int {
	var rl syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &rl); err != nil || rl.Cur > 1<<30 {
		return 0
	}
	return max(1, int(rl.Cur/2))
}
