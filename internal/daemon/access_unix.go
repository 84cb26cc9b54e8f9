//go:build unix

package daemon

import (
	"fmt"
	"os"
	"slices"
	"syscall"
)

// allowed checks one permission bit (4 read, 1 search) of path for r, the
// way the kernel picks the owner, group or other bits.
func (r Reader) allowed(path string, bit os.FileMode) error {
	fi, err := os.Stat(path)
	if err != nil {
		return err
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return nil
	}
	mode := fi.Mode().Perm()
	var have os.FileMode
	switch {
	case int(st.Uid) == r.UID:
		have = mode >> 6
	case slices.Contains(r.GIDs, int(st.Gid)):
		have = mode >> 3
	default:
		have = mode
	}
	if have&bit == 0 {
		return fmt.Errorf("%w on %s (mode %04o, owner uid %d, group gid %d)", errNoAccess, path, mode, st.Uid, st.Gid)
	}
	return nil
}
