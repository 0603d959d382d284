package safefile

import (
	"os"
	"strconv"

	"golang.org/x/sys/unix"
)

// createUnnamed opens a new regular file in dir that has no name (O_TMPFILE,
// Linux 3.11 and later): if the process dies before linkUnnamed, the kernel
// frees it and nothing is left behind. The mode is 0666 less the umask.
func createUnnamed(dir string) (*os.File, error) {
	return os.OpenFile(dir, unix.O_TMPFILE|os.O_WRONLY, 0o666)
}

// linkUnnamed gives f, from createUnnamed, the name name. It links through
// /proc/self/fd, which any process may do; linkat with AT_EMPTY_PATH would
// need CAP_DAC_READ_SEARCH.
func linkUnnamed(f *os.File, name string) error {
	proc := "/proc/self/fd/" + strconv.Itoa(int(f.Fd()))
	if err := unix.Linkat(unix.AT_FDCWD, proc, unix.AT_FDCWD, name, unix.AT_SYMLINK_FOLLOW); err != nil {
		return &os.LinkError{Op: "link", Old: proc, New: name, Err: err}
	}
	return nil
}
