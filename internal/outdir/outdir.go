// Package outdir keeps a directory of generated files in step with what a
// run generated: eastern render --all --output-dir. Each file is replaced
// atomically and only when its content changed, so that a GitOps tool or
// a reviewer sees exactly the files whose manifests changed. A manifest in
// the directory lists the files the last run wrote; a file it lists that
// the new run does not write is removed, and nothing else ever is, so a
// README or a file of another tool in the directory is safe.
//
// Every path is opened beneath the directory (os.Root): a symbolic link
// planted inside it cannot make a write or a removal land outside it.
package outdir

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/eastern-k8s/eastern/internal/input"
)

// ManifestName is the file in the directory that lists what eastern wrote.
const ManifestName = ".eastern-rendered"

const manifestHeader = "# Files eastern render --all wrote here, one per line. It removes a file\n# it wrote that a later run does not write; it never touches files not listed.\n"

// Result counts what Sync did.
type Result struct {
	Written, Unchanged, Removed int
}

// Sync makes dir hold files (slash-separated names relative to dir →
// content), creating dir and subdirectories as needed. Files the previous
// Sync wrote that files lacks are removed, unless keep says to keep them
// (the outputs of a render that failed this time). A name that is not a
// local path is an error, before anything is written.
func Sync(dir string, files map[string][]byte, keep func(name string) bool) (Result, error) {
	var res Result
	names := make([]string, 0, len(files))
	for name := range files {
		if !isLocal(name) || name == ManifestName {
			return res, fmt.Errorf("%s: not a file name below %s", name, dir)
		}
		names = append(names, name)
	}
	slices.Sort(names)
	if err := os.MkdirAll(dir, 0o777); err != nil {
		return res, err
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return res, err
	}
	defer root.Close()
	previous, err := readManifest(root)
	if err != nil {
		return res, fmt.Errorf("%s: %w", path.Join(dir, ManifestName), err)
	}
	// The manifest is written before the first file and after the last, so
	// that a run killed half-way still lists every file it may have written.
	written := slices.Clone(names)
	for _, name := range previous {
		if _, ok := files[name]; !ok && keep != nil && keep(name) {
			written = append(written, name)
		}
	}
	slices.Sort(written)
	written = slices.Compact(written)
	if err := writeFile(root, ManifestName, manifestText(slices.Concat(written, previous))); err != nil {
		return res, err
	}
	// The files of one directory are written through a Root of that
	// directory, opened once: an operation on a path of the top Root opens
	// every directory on the way, and a large archive has a directory per
	// template and namespace.
	for i := 0; i < len(names); {
		sub := path.Dir(names[i])
		j := i + 1
		for j < len(names) && path.Dir(names[j]) == sub {
			j++
		}
		if err := syncDir(root, sub, names[i:j], files, &res); err != nil {
			return res, fmt.Errorf("writing %s: %w", path.Join(dir, err.name), err.err)
		}
		i = j
	}
	for _, name := range previous {
		if _, ok := slices.BinarySearch(written, name); ok {
			continue
		}
		switch err := root.Remove(name); {
		case err == nil:
			res.Removed++
			removeEmptyParents(root, name)
		case errors.Is(err, fs.ErrNotExist), input.Escapes(err):
			// Gone already, or behind a symbolic link someone put there:
			// not a file this directory holds.
		default:
			return res, fmt.Errorf("removing %s: %w", path.Join(dir, name), err)
		}
	}
	return res, writeFile(root, ManifestName, manifestText(written))
}

// Listed returns the files the manifest of dir lists, as slash-separated
// names relative to dir: what eastern render --all wrote there. A
// directory without a manifest lists none.
func Listed(dir string) (map[string]bool, error) {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, err
	}
	defer root.Close()
	names, err := readManifest(root)
	if err != nil {
		return nil, err
	}
	listed := make(map[string]bool, len(names))
	for _, n := range names {
		listed[n] = true
	}
	return listed, nil
}

// readManifest returns the names the manifest lists, sorted; none when it
// does not exist. Lines that are not local paths are ignored: a manifest
// edited to name ../x must not make eastern remove it.
func readManifest(root *os.Root) ([]string, error) {
	data, err := root.ReadFile(ManifestName)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var names []string
	for line := range strings.SplitSeq(string(data), "\n") {
		if line = strings.TrimSpace(line); line != "" && !strings.HasPrefix(line, "#") && isLocal(line) && line != ManifestName {
			names = append(names, line)
		}
	}
	slices.Sort(names)
	return slices.Compact(names), nil
}

func manifestText(names []string) []byte {
	names = slices.Clone(names)
	slices.Sort(names)
	var b bytes.Buffer
	b.WriteString(manifestHeader)
	for _, n := range slices.Compact(names) {
		b.WriteString(n)
		b.WriteByte('\n')
	}
	return b.Bytes()
}

// nameError is a failure to write the file name (relative to the top).
type nameError struct {
	name string
	err  error
}

// syncDir writes the names in sub (all of whose directory is sub) whose
// content differs from files, making sub as needed.
func syncDir(root *os.Root, sub string, names []string, files map[string][]byte, res *Result) *nameError {
	d := root
	if sub != "." {
		var err error
		d, err = root.OpenRoot(sub)
		if errors.Is(err, fs.ErrNotExist) {
			if err = root.MkdirAll(sub, 0o777); err == nil {
				d, err = root.OpenRoot(sub)
			}
		}
		if err != nil {
			return &nameError{names[0], err}
		}
		defer d.Close()
	}
	for _, name := range names {
		base := path.Base(name)
		cur, err := d.ReadFile(base)
		if err == nil && bytes.Equal(cur, files[name]) {
			res.Unchanged++
			continue
		}
		if err := replace(d, base, files[name], !errors.Is(err, fs.ErrNotExist)); err != nil {
			return &nameError{name, err}
		}
		res.Written++
	}
	return nil
}

// writeFile replaces name, in the top directory, with data.
func writeFile(root *os.Root, name string, data []byte) error {
	return replace(root, name, data, true)
}

// replace writes data to a temporary file in name's directory and renames
// it over name, which replaces a symbolic link rather than writing where
// it points. A new file gets 0666 less the umask, as os.Create gives; a
// file being replaced keeps its mode.
func replace(root *os.Root, name string, data []byte, exists bool) error {
	mode, keepMode := fs.FileMode(0o666), false
	if exists {
		if info, err := root.Lstat(name); err == nil && info.Mode().IsRegular() {
			mode, keepMode = info.Mode().Perm(), true
		}
	}
	tmp := path.Join(path.Dir(name), "."+path.Base(name)+".tmp"+strconv.FormatUint(rand.Uint64(), 36))
	f, err := root.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, mode)
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil && keepMode {
		err = root.Chmod(tmp, mode)
	}
	if err == nil {
		err = root.Rename(tmp, name)
	}
	if err != nil {
		root.Remove(tmp)
	}
	return err
}

// removeEmptyParents removes the directories of name that the removal
// left empty, up to the root.
func removeEmptyParents(root *os.Root, name string) {
	for dir := path.Dir(name); dir != "."; dir = path.Dir(dir) {
		if root.Remove(dir) != nil {
			return // not empty, or not ours to remove
		}
	}
}

func isLocal(name string) bool {
	return name != "" && !strings.Contains(name, "\\") && path.Clean(name) == name && fs.ValidPath(name) && name != "."
}
