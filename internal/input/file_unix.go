//go:build unix

package input

import (
	"io/fs"
	"syscall"
)

// nonBlock makes opening a FIFO return at once instead of waiting for a
// writer; regular files ignore it.
const nonBlock = syscall.O_NONBLOCK

// openDir opens only a directory: one swapped for a FIFO fails at once
// instead of waiting for a writer.
const openDir = syscall.O_DIRECTORY

// readPath reads the file name, called path in messages, with plain system
// calls — open, fstat, read, close —
// rather than through os.File, which would start the runtime's network
// poller for a file opened O_NONBLOCK: a third of a small render's time.
func readPath(name, path string, limit int64) ([]byte, error) {
	var fd int
	err := retry(func() (err error) {
		fd, err = syscall.Open(name, syscall.O_RDONLY|syscall.O_NONBLOCK|syscall.O_CLOEXEC, 0)
		return err
	})
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: path, Err: err}
	}
	return readFD(fd, path, limit, nil)
}

// readFD reads the open descriptor fd and closes it.
func readFD(fd int, path string, limit int64, buf []byte) ([]byte, error) {
	defer syscall.Close(fd)
	var st syscall.Stat_t
	if err := retry(func() error { return syscall.Fstat(fd, &st) }); err != nil {
		return nil, &fs.PathError{Op: "stat", Path: path, Err: err}
	}
	read := func(b []byte) (n int, err error) {
		err = retry(func() (err error) {
			n, err = syscall.Read(fd, b)
			return err
		})
		return n, err
	}
	return readChecked(read, fileMode(uint32(st.Mode)), int64(st.Size), path, limit, buf)
}

// fileMode is the type part of a stat mode as fs.FileMode.
func fileMode(m uint32) fs.FileMode {
	switch m & syscall.S_IFMT {
	case syscall.S_IFREG:
		return 0
	case syscall.S_IFDIR:
		return fs.ModeDir
	case syscall.S_IFIFO:
		return fs.ModeNamedPipe
	case syscall.S_IFCHR:
		return fs.ModeDevice | fs.ModeCharDevice
	case syscall.S_IFBLK:
		return fs.ModeDevice
	case syscall.S_IFSOCK:
		return fs.ModeSocket
	case syscall.S_IFLNK:
		return fs.ModeSymlink
	}
	return fs.ModeIrregular
}

// retry repeats a system call interrupted by a signal.
func retry(call func() error) error {
	for {
		if err := call(); err != syscall.EINTR {
			return err
		}
	}
}
