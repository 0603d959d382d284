// Package input reads the files eastern takes as input — templates, partials,
// .eastern.yaml and --values files — by one set of rules: only regular files,
// opened without blocking (a named pipe or a device never stalls a run), no
// larger than a stated limit, and, when read through an os.Root, never from
// outside the root directory however the path's symlinks change meanwhile.
//
// A path check followed by an open is a race: a file can be swapped for a
// symlink or a FIFO between the two. Here the check is what was opened:
// os.Root resolves every component beneath the root, O_NONBLOCK keeps the
// open from waiting for a FIFO's writer, and fstat on the open descriptor
// decides whether it is a regular file.
package input

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
)

// ConfigLimit is the size limit of configuration and values files.
const ConfigLimit = 1 << 20

// NotRegularError is a file that exists but is not a regular file.
type NotRegularError struct {
	Path string
	Mode fs.FileMode
}

func (e *NotRegularError) Error() string {
	return fmt.Sprintf("%s is a %s, not a regular file", e.Path, Kind(e.Mode))
}

// TooLargeError is a file larger than the limit its reader allows.
type TooLargeError struct {
	Path  string
	Size  int64 // what fstat said, or what was read before the limit
	Limit int64
}

func (e *TooLargeError) Error() string {
	return fmt.Sprintf("%s is larger than %s (%s)", e.Path, Size(e.Limit), Size(e.Size))
}

// Escapes reports whether err is os.Root's refusal of a path that leads
// out of the root. The standard library does not export that error, so
// this is where eastern recognises its text.
func Escapes(err error) bool {
	for err != nil {
		if err.Error() == "path escapes from parent" {
			return true
		}
		err = errors.Unwrap(err)
	}
	return false
}

// ReadFile reads the regular file at path, a file the user named: it is not
// confined to a root, but it must be a regular file of at most limit bytes.
func ReadFile(path string, limit int64) ([]byte, error) {
	f, err := os.OpenFile(path, os.O_RDONLY|nonBlock, 0)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return readOpen(f, path, limit)
}

// ReadFileIn reads name (slash- or OS-separated, relative to root) beneath
// root: symlinks are followed only while they stay inside it.
func ReadFileIn(root *os.Root, name string, limit int64) ([]byte, error) {
	f, err := root.OpenFile(name, os.O_RDONLY|nonBlock, 0)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return readOpen(f, name, limit)
}

// ReadDirIn lists the directory name beneath root.
func ReadDirIn(root *os.Root, name string) ([]fs.DirEntry, error) {
	f, err := root.OpenFile(name, os.O_RDONLY|openDir, 0)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return f.ReadDir(-1)
}

// readOpen reads an open file after checking, on the descriptor itself,
// that it is a regular file within limit.
func readOpen(f *os.File, path string, limit int64) ([]byte, error) {
	info, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !info.Mode().IsRegular() {
		return nil, &NotRegularError{Path: path, Mode: info.Mode()}
	}
	size := info.Size()
	if size > limit {
		return nil, &TooLargeError{Path: path, Size: size, Limit: limit}
	}
	// One spare byte: a read that fills it means the file grew meanwhile.
	// Files of /proc report size 0 and are read until EOF, within limit.
	data := make([]byte, 0, size+1)
	for {
		n, err := f.Read(data[len(data):cap(data)])
		data = data[:len(data)+n]
		switch {
		case errors.Is(err, io.EOF) || (err == nil && n == 0):
			return data, nil
		case err != nil:
			return nil, err
		case int64(len(data)) > limit:
			return nil, &TooLargeError{Path: path, Size: int64(len(data)), Limit: limit}
		case size > 0 && int64(len(data)) == size:
			return data, nil // all of it: for a regular file, no EOF read needed
		case len(data) == cap(data):
			data = append(data, 0)[:len(data)]
		}
	}
}

// Kind names a file mode's type for messages: "directory", "named pipe".
func Kind(m fs.FileMode) string {
	switch {
	case m.IsRegular():
		return "regular file"
	case m.IsDir():
		return "directory"
	case m&fs.ModeNamedPipe != 0:
		return "named pipe"
	case m&fs.ModeSocket != 0:
		return "socket"
	case m&fs.ModeDevice != 0:
		return "device"
	case m&fs.ModeSymlink != 0:
		return "symbolic link"
	default:
		return "special file"
	}
}

// Size formats a byte count for messages: "256 MiB", "3.0 GiB", "512 bytes".
func Size(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d bytes", n)
	}
	units := []string{"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"}
	v, i := float64(n)/unit, 0
	for v >= unit && i < len(units)-1 {
		v /= unit
		i++
	}
	if v == float64(int64(v)) {
		return fmt.Sprintf("%d %s", int64(v), units[i])
	}
	return fmt.Sprintf("%.1f %s", v, units[i])
}
