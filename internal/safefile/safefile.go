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
	"strings"
	"syscall"
)

// Write replaces path with data: it writes a temporary file in the same
// directory and renames it over path. An existing file keeps its mode; a new
// one gets 0666 less the umask, as if created by os.Create. Missing parent
// directories are created, as mkdir -p would. A symlink stays a symlink: its
// target is replaced.
//
// A process killed while writing leaves no file behind on Linux, where the
// data goes to an unnamed file (O_TMPFILE) that gets a name only just before
// the rename; elsewhere, or in that short moment, it may leave a temporary
// file, which the next Write to the same path removes (see RemoveStale).
func Write(path string, data []byte) error {
	return write(path, data, true)
}

// write is Write; unnamed=false skips O_TMPFILE, so that tests can cover
// the named temporary files that other systems use.
func write(path string, data []byte, unnamed bool) error {
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
	removeStale(path)
	tmp, err := writeTemp(path, data, info, unnamed)
	if err != nil {
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return err
	}
	return nil
}

// writeTemp writes data to a new temporary file beside path, with the mode
// of old (nil: a new file), and returns the file's name.
func writeTemp(path string, data []byte, old fs.FileInfo, unnamed bool) (string, error) {
	if unnamed {
		// Not Linux, a kernel before 3.11 or a file system without
		// O_TMPFILE: a named temporary file from the start instead.
		if f, err := createUnnamed(filepath.Dir(path)); err == nil {
			return finishUnnamed(f, path, data, old)
		}
	}
	f, err := createTemp(path)
	if err != nil {
		return "", err
	}
	err = fill(f, data, old)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(f.Name())
		return "", err
	}
	return f.Name(), nil
}

// finishUnnamed fills f, an unnamed file from createUnnamed, and links it to
// a temporary name beside path, which it returns.
func finishUnnamed(f *os.File, path string, data []byte, old fs.FileInfo) (string, error) {
	if err := fill(f, data, old); err != nil {
		f.Close()
		return "", err
	}
	for range 100 {
		name := tempName(path)
		err := linkUnnamed(f, name)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		cerr := f.Close()
		switch {
		case err != nil:
			// No /proc to link through: write a named file after all.
			return writeTemp(path, data, old, false)
		case cerr != nil:
			os.Remove(name)
			return "", cerr
		}
		return name, nil
	}
	f.Close()
	return "", &fs.PathError{Op: "link temporary file", Path: TempPrefix(path) + "*", Err: fs.ErrExist}
}

// fill writes data to f, gives it the mode of old unless old is nil, and
// makes it durable before the rename can publish it.
func fill(f *os.File, data []byte, old fs.FileInfo) error {
	if _, err := f.Write(data); err != nil {
		return err
	}
	if old != nil {
		if err := f.Chmod(old.Mode().Perm()); err != nil {
			return err
		}
	}
	return f.Sync()
}

// TempPrefix starts the name of every temporary file Write creates beside
// path, so that callers can recognise their own: ".out.yaml.eastern-tmp-".
// The full name is the prefix, the writer's process id, "-" and a random
// base-36 number: ".out.yaml.eastern-tmp-4242-1x9kq3".
func TempPrefix(path string) string {
	dir, base := filepath.Split(path)
	return filepath.Join(dir, "."+base+".eastern-tmp-")
}

func tempName(path string) string {
	return TempPrefix(path) + strconv.Itoa(os.Getpid()) + "-" + strconv.FormatUint(rand.Uint64(), 36)
}

// createTemp creates a new file beside path with mode 0666, which the kernel
// reduces by the umask (os.CreateTemp would give 0600).
func createTemp(path string) (*os.File, error) {
	for range 100 {
		f, err := os.OpenFile(tempName(path), os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o666)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		return f, err
	}
	return nil, &fs.PathError{Op: "create temporary file", Path: TempPrefix(path) + "*", Err: fs.ErrExist}
}

// RemoveStale removes the temporary files that Write left beside path in
// eastern processes that are no longer running: killed between creating the
// file and renaming it. Only regular files named exactly as Write names
// them for this path are candidates, and a file stays while its writer's
// process id is in use, or when that cannot be told (Windows). Failures are
// ignored: cleaning up never makes a write fail.
func RemoveStale(path string) {
	if target, err := filepath.EvalSymlinks(path); err == nil {
		path = target
	}
	removeStale(path)
}

func removeStale(path string) {
	dir := filepath.Dir(path)
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	prefix := filepath.Base(TempPrefix(path))
	for _, e := range entries {
		pid, ok := tempWriter(e.Name(), prefix)
		if ok && e.Type().IsRegular() && !running(pid) {
			os.Remove(filepath.Join(dir, e.Name()))
		}
	}
}

// tempWriter returns the process id in name when name is prefix, a process
// id, "-" and a base-36 number, as tempName makes them; else ok is false.
func tempWriter(name, prefix string) (pid int, ok bool) {
	rest, ok := strings.CutPrefix(name, prefix)
	if !ok {
		return 0, false
	}
	digits, random, ok := strings.Cut(rest, "-")
	if !ok || random == "" || strings.Trim(random, "0123456789abcdefghijklmnopqrstuvwxyz") != "" {
		return 0, false
	}
	pid, err := strconv.Atoi(digits)
	if err != nil || pid <= 0 || strconv.Itoa(pid) != digits {
		return 0, false
	}
	return pid, true
}

// running reports whether process pid may still be running: only a process
// that is known to be gone (kill(pid, 0) fails with ESRCH) is not.
func running(pid int) bool {
	p, err := os.FindProcess(pid)
	if err != nil {
		return true // Windows: gone, or not ours to open; cannot tell
	}
	defer p.Release()
	return !errors.Is(p.Signal(syscall.Signal(0)), os.ErrProcessDone)
}
