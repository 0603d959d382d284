//go:build unix

package engine

import (
	"io/fs"
	"syscall"
)

// readRegular reads a template file with four system calls: open, fstat,
// one read of the known size, close. os.ReadFile takes twice as many — it
// offers every file to the network poller and reads again to see EOF — and
// a large tree of partials spends most of its render time there.
func readRegular(path string) ([]byte, error) {
	var fd int
	err := retry(func() (err error) {
		fd, err = syscall.Open(path, syscall.O_RDONLY|syscall.O_CLOEXEC, 0)
		return err
	})
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: path, Err: err}
	}
	defer syscall.Close(fd)
	var st syscall.Stat_t
	if err := retry(func() error { return syscall.Fstat(fd, &st) }); err != nil {
		return nil, &fs.PathError{Op: "stat", Path: path, Err: err}
	}
	// One spare byte: a read that fills it means the file grew meanwhile.
	data := make([]byte, 0, int(st.Size)+1)
	for {
		var n int
		err := retry(func() (err error) {
			n, err = syscall.Read(fd, data[len(data):cap(data)])
			return err
		})
		if err != nil {
			return nil, &fs.PathError{Op: "read", Path: path, Err: err}
		}
		if n == 0 {
			return data, nil
		}
		data = data[:len(data)+n]
		if len(data) == int(st.Size) {
			return data, nil // all of it; for a regular file, no EOF read needed
		}
		if len(data) == cap(data) {
			data = append(data, 0)[:len(data)]
		}
	}
}

// retry repeats a system call interrupted by a signal.
func retry(call func() error) error {
	for {
		if err := call(); err != syscall.EINTR {
			return err
		}
	}
}
