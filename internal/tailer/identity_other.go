//go:build !unix

package tailer

import "os"

// fileIDOf has no device/inode to offer here: such files are not followed.
func fileIDOf(os.FileInfo) (FileID, bool) { return FileID{}, false }
