package cli

import (
	"os"

	"golang.org/x/sys/unix"
)

// terminalFile asks the terminal driver: only a tty answers TCGETS.
func terminalFile(f *os.File) bool {
	_, err := unix.IoctlGetTermios(int(f.Fd()), unix.TCGETS)
	return err == nil
}
