package itest

import (
	"testing"
	"time"
)

// wmWaitFollowing waits until the daemon follows the home's file rel: its
// tailer lists a file only once the file's start offset is fixed (its end
// under only-future-events), and the state file, written at every commit
// tick, then names it. A line appended after this is a future event; a
// fixed sleep before the write proved nothing on a loaded machine.
func wmWaitFollowing(t testing.TB, h *home, rel string, timeout time.Duration) {
	t.Helper()
	key := "file_lines_read:" + h.path(rel)
	waitFor(t, timeout, key+" in the state file", func() bool { return h.state(key) >= 0 })
}
