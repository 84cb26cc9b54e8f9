package daemon

import (
	"errors"
	"fmt"
	"os"
	"os/user"
	"path/filepath"
	"strconv"
)

// Reader is the account whose access the checks of `run -t` and `check`
// judge: the service's user (as under systemd, User=gossec) or the user
// running the check.
type Reader struct {
	Name    string
	UID     int
	GIDs    []int // primary group first
	Current bool  // the process's own user: its real access is tried
}

// LookupReader returns the account named name, or the current user when
// name is empty.
func LookupReader(name string) (Reader, error) {
	var (
		u   *user.User
		err error
	)
	if name == "" {
		u, err = user.Current()
	} else {
		u, err = user.Lookup(name)
	}
	if err != nil {
		return Reader{}, fmt.Errorf("looking up user %q: %w", name, err)
	}
	r := Reader{Name: u.Username}
	r.UID, _ = strconv.Atoi(u.Uid)
	r.Current = r.UID == os.Getuid()
	gid, _ := strconv.Atoi(u.Gid)
	r.GIDs = append(r.GIDs, gid)
	if ids, err := u.GroupIds(); err == nil {
		for _, s := range ids {
			if g, err := strconv.Atoi(s); err == nil && g != gid {
				r.GIDs = append(r.GIDs, g)
			}
		}
	}
	return r, nil
}

// errNoAccess is a read denied to the checked account.
var errNoAccess = errors.New("permission denied")

// canRead says whether r can open path for reading. For the current user
// it opens the file; for another account (root checking for the service
// user) it walks the permission bits of every folder on the way and of the
// file, naming the first that denies access.
func (r Reader) canRead(path string) error {
	if r.Current {
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		return f.Close()
	}
	if r.UID == 0 {
		_, err := os.Stat(path)
		return err
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return err
	}
	var dirs []string
	for d := filepath.Dir(abs); ; d = filepath.Dir(d) {
		dirs = append(dirs, d)
		if d == filepath.Dir(d) {
			break
		}
	}
	for i := len(dirs) - 1; i >= 0; i-- {
		if err := r.allowed(dirs[i], 1); err != nil {
			return err
		}
	}
	return r.allowed(abs, 4)
}
