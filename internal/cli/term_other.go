//go:build !linux

package cli

import "os"

// terminalFile falls back to the file mode where TCGETS is not known: a
// character device that is not the null device.
func terminalFile(f *os.File) bool {
	st, err := f.Stat()
	if err != nil || st.Mode()&os.ModeCharDevice == 0 {
		return false
	}
	null, err := os.Stat(os.DevNull)
	return err != nil || !os.SameFile(st, null)
}
