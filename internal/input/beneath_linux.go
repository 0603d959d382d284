package input

import (
	"io/fs"
	"os"
	"sync/atomic"

	"golang.org/x/sys/unix"
)

// beneathDir opens names beneath a directory with openat2 and
// RESOLVE_BENEATH: the kernel resolves every component, symlinks included,
// and refuses any that leads out — one system call, where os.Root takes one
// per component and an os.File. Kernels before 5.6 (or a seccomp filter)
// refuse openat2; then off is set and Dir falls back to os.Root.
type beneathDir struct {
	fd  atomic.Int64 // -1 once closed: Close and the cleanup may both run
	off atomic.Bool
}

func openBeneath(path string) *beneathDir {
	fd, err := unix.Open(path, unix.O_PATH|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil
	}
	b := &beneathDir{}
	b.fd.Store(int64(fd))
	return b
}

func (b *beneathDir) close() {
	if b == nil {
		return
	}
	if fd := b.fd.Swap(-1); fd >= 0 {
		unix.Close(int(fd))
	}
}

// open is openat2 beneath b; ok is false when the kernel cannot do it.
func (b *beneathDir) open(name string, flags int) (fd int, ok bool, err error) {
	if b == nil || b.off.Load() || b.fd.Load() < 0 {
		return -1, false, nil
	}
	dirfd := int(b.fd.Load())
	how := unix.OpenHow{
		Flags:   uint64(flags | unix.O_CLOEXEC),
		Resolve: unix.RESOLVE_BENEATH | unix.RESOLVE_NO_MAGICLINKS,
	}
	for range 16 {
		fd, err = unix.Openat2(dirfd, name, &how)
		switch err {
		case nil:
			return fd, true, nil
		case unix.EINTR, unix.EAGAIN:
			// EAGAIN: a rename raced with the resolution of "..".
			continue
		case unix.ENOSYS, unix.EPERM, unix.E2BIG, unix.EINVAL:
			b.off.Store(true)
			return -1, false, nil
		case unix.EXDEV:
			return -1, true, &fs.PathError{Op: "open", Path: name, Err: errEscapes}
		default:
			return -1, true, &fs.PathError{Op: "open", Path: name, Err: err}
		}
	}
	return -1, false, nil // renames without end: let os.Root try
}

func (b *beneathDir) readFile(name string, limit int64, buf []byte) ([]byte, bool, error) {
	fd, ok, err := b.open(name, unix.O_RDONLY|unix.O_NONBLOCK)
	if !ok || err != nil {
		return nil, ok, err
	}
	data, err := readFD(fd, name, limit, buf)
	return data, true, err
}

func (b *beneathDir) readDir(name string) ([]fs.DirEntry, bool, error) {
	// Without O_NONBLOCK, so that os.NewFile keeps it out of the poller;
	// O_DIRECTORY fails on a FIFO before opening it.
	fd, ok, err := b.open(name, unix.O_RDONLY|unix.O_DIRECTORY)
	if !ok || err != nil {
		return nil, ok, err
	}
	f := os.NewFile(uintptr(fd), name)
	defer f.Close()
	entries, err := f.ReadDir(-1)
	return entries, true, err
}
