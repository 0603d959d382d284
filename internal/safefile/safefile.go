// Package safefile replaces files atomically, so that a reader never sees a
// half-written file and a failed write leaves the previous file untouched.
package safefile

import (
	"errors"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
)

// Write replaces path with data: it writes a temporary file in the same
// directory and renames it over path. An existing file keeps its mode; a new
// one gets 0666 less the umask, as if created by os.Create. Missing parent
// directories are created, as mkdir -p would. A symlink stays a symlink: its
// target is replaced.
func Write(path string, data []byte) (err error) {
	if target, err := filepath.EvalSymlinks(path); err == nil {
		path = target
	}
	info, err := os.Stat(path)
	switch {
	case err == nil && info.IsDir():
		return &fs.PathError{Op: "write", Path: path, Err: errors.New("is a directory")}
	case err == nil && !info.Mode().IsRegular():
		return &fs.PathError{Op: "write", Path: path, Err: errors.New("not a regular file")}
	case err != nil && !errors.Is(err, fs.ErrNotExist):
		return err
	}
	if info == nil {
		if err := os.MkdirAll(filepath.Dir(path), 0o777); err != nil {
			return err
		}
	}
	tmp, err := createTemp(path)
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if _, err = tmp.Write(data); err != nil {
		return err
	}
	if info != nil {
		if err = tmp.Chmod(info.Mode().Perm()); err != nil {
			return err
		}
	}
	if err = tmp.Sync(); err != nil {
		return err
	}
	if err = tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// TempPrefix starts the name of every temporary file Write creates beside
// path, so that callers can recognise (and clean up) their own.
func TempPrefix(path string) string {
	dir, base := filepath.Split(path)
	return filepath.Join(dir, "."+base+".tmp-")
}

// createTemp creates a new file beside path with mode 0666, which the kernel
// reduces by the umask (os.CreateTemp would give 0600).
func createTemp(path string) (*os.File, error) {
	prefix := TempPrefix(path)
	for range 100 {
		name := prefix + strconv.FormatUint(rand.Uint64(), 36)
		f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o666)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		return f, err
	}
	return nil, &fs.PathError{Op: "create temporary file", Path: prefix + "*", Err: fs.ErrExist}
}
