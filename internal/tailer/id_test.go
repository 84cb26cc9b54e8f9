package tailer_test

import (
	"os"
	"syscall"
	"testing"

	"github.com/gossec/gossec/internal/tailer"
)

func statID(t *testing.T, fi os.FileInfo) tailer.FileID {
	t.Helper()
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		t.Skip("no inode numbers here")
	}
	return tailer.FileID{Dev: uint64(st.Dev), Ino: st.Ino}
}
