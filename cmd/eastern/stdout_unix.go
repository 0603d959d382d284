//go:build unix

package main

import (
	"os"

	"golang.org/x/sys/unix"
)

// closedAtStart reports whether f, a standard stream, was closed when the
// process started (eastern render >&-). Go's runtime opens /dev/null in
// place of a closed standard descriptor, read-write, so writes would
// succeed and the output vanish. A shell's >/dev/null opens it write-only;
// a read-write /dev/null also comes from `1<>/dev/null` and from some
// launchers (Python's subprocess.DEVNULL), which render and watch, whose
// output is the product, then count as closed too; lint, diff and report
// merge, whose verdict is their exit code, write to it all the same
// (app.verdictByExitCode).
func closedAtStart(f *os.File) bool {
	info, err := f.Stat()
	if err != nil || info.Mode()&os.ModeCharDevice == 0 {
		return false // pipes and files, the common case, need no more
	}
	null, err := os.Stat(os.DevNull)
	if err != nil || !os.SameFile(info, null) {
		return false
	}
	flags, err := unix.FcntlInt(f.Fd(), unix.F_GETFL, 0)
	return err == nil && flags&unix.O_ACCMODE == unix.O_RDWR
}
