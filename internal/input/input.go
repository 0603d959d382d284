// Package input reads the files eastern takes as input — templates, partials,
// .eastern.yaml and --values files — by one set of rules: only regular files,
// opened without blocking (a named pipe or a device never stalls a run), no
// larger than a stated limit, and, when read through a Dir, never from
// outside that directory however the path's symlinks change meanwhile.
//
// A path check followed by an open is a race: a file can be swapped for a
// symlink or a FIFO between the two. Here the check is what was opened: the
// kernel (openat2 with RESOLVE_BENEATH, on Linux) or os.Root (elsewhere)
// resolves every component beneath the directory, O_NONBLOCK keeps the open
// from waiting for a FIFO's writer, and fstat on the open descriptor decides
// whether it is a regular file.
package input

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
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

// errEscapes is the kernel's refusal of a path that leads out of a Dir.
var errEscapes = errors.New("path escapes from parent")

// Escapes reports whether err refuses a path that leads out of a Dir.
// os.Root does not export its error of that kind, which has the same text.
func Escapes(err error) bool {
	for ; err != nil; err = errors.Unwrap(err) {
		if err == errEscapes || err.Error() == errEscapes.Error() {
			return true
		}
	}
	return false
}

// Dir is a directory opened for reading beneath it. It is safe for
// concurrent use.
type Dir struct {
	root *os.Root
	// beneath opens names beneath the directory in one system call where
	// the kernel can; nil elsewhere.
	beneath *beneathDir
}

// OpenDir opens the directory at path.
func OpenDir(path string) (*Dir, error) {
	root, err := os.OpenRoot(path)
	if err != nil {
		return nil, err
	}
	d := &Dir{root: root, beneath: openBeneath(path)}
	if d.beneath != nil {
		// A Dir nobody closed must not leak its descriptor.
		runtime.AddCleanup(d, (*beneathDir).close, d.beneath)
	}
	return d, nil
}

// Close releases the directory.
func (d *Dir) Close() error {
	d.beneath.close()
	return d.root.Close()
}

// ReadFile reads name (relative to d) beneath d: symlinks are followed
// only while they stay inside it. It must be a regular file of at most
// limit bytes.
func (d *Dir) ReadFile(name string, limit int64) ([]byte, error) {
	return d.ReadFileInto(name, limit, nil)
}

// ReadFileInto is ReadFile into the memory of buf when it has room: a
// pass over thousands of files that keeps none of them reads them all
// into one buffer.
func (d *Dir) ReadFileInto(name string, limit int64, buf []byte) ([]byte, error) {
	if data, ok, err := d.beneath.readFile(name, limit, buf); ok {
		return data, err
	}
	f, err := d.root.OpenFile(name, os.O_RDONLY|nonBlock, 0)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return readOpen(f, name, limit, buf)
}

// ReadDir lists the directory name beneath d.
func (d *Dir) ReadDir(name string) ([]fs.DirEntry, error) {
	if entries, ok, err := d.beneath.readDir(name); ok {
		return entries, err
	}
	f, err := d.root.OpenFile(name, os.O_RDONLY|openDir, 0)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return f.ReadDir(-1)
}

// ReadFile reads the regular file at path, a file the user named: it is not
// confined to a directory, but it must be a regular file of at most limit
// bytes. A relative path starts from workDir (the process's working
// directory when empty); messages name path as given.
func ReadFile(workDir, path string, limit int64) ([]byte, error) {
	open := path
	if workDir != "" && !filepath.IsAbs(path) {
		open = filepath.Join(workDir, path)
	}
	return readPath(open, path, limit)
}

// readOpen reads an open file after checking, on the descriptor itself,
// that it is a regular file within limit.
func readOpen(f *os.File, path string, limit int64, buf []byte) ([]byte, error) {
	info, err := f.Stat()
	if err != nil {
		return nil, err
	}
	return readChecked(f.Read, info.Mode(), info.Size(), path, limit, buf)
}

// readChecked reads with read once mode and size, the open file's own,
// show a regular file within limit; into buf when it has room.
func readChecked(read func([]byte) (int, error), mode fs.FileMode, size int64, path string, limit int64, buf []byte) ([]byte, error) {
	if !mode.IsRegular() {
		return nil, &NotRegularError{Path: path, Mode: mode}
	}
	if size > limit {
		return nil, &TooLargeError{Path: path, Size: size, Limit: limit}
	}
	// One spare byte: a read that fills it means the file grew meanwhile.
	// Files of /proc report size 0 and are read until EOF, within limit.
	data := buf[:0]
	if int64(cap(buf)) < size+1 {
		data = make([]byte, 0, size+1)
	}
	for {
		n, err := read(data[len(data):cap(data)])
		data = data[:len(data)+max(n, 0)]
		switch {
		case errors.Is(err, io.EOF) || (err == nil && n == 0):
			return data, nil
		case err != nil:
			return nil, &fs.PathError{Op: "read", Path: path, Err: err}
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
