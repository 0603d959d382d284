package engine

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"unicode/utf8"

	"github.com/eastern-k8s/eastern/internal/fspath"
	"github.com/eastern-k8s/eastern/internal/input"
)

// source is one template file, read once per render however often it is
// loaded.
type source struct {
	display string // path as shown to the user
	real    string // symlink-free absolute path: identity for cycles and the cache
	*checkedFile
}

// checkedFile is what a file holds once checkFile has accepted it. It
// does not depend on the render, so the renders that share a Cache share
// it: a lint run renders each partial thousands of times, and would check
// its encoding as often. (Its parsed directives would save more time, but
// cost more memory than the contents: lint keeps every template's.)
type checkedFile struct {
	data []byte // without a byte order mark
	// endsWithNewline matters only for the root template: the output ends
	// with a newline exactly when it does.
	endsWithNewline bool
}

// resolver knows about files: where the root is, which candidate exists,
// whether it stays inside the root, and what a file holds.
type resolver struct {
	cwd      string
	root     string // absolute, cleaned
	realRoot string // root with symlinks resolved
	// rootShown is the root as messages show it: as given, or relative to
	// the working directory.
	rootShown string
	// dir opens files beneath realRoot only: the checks of locate explain
	// an escape, dir makes one impossible even if the tree changes after
	// them.
	dir     *input.Dir
	maxSize int64              // of one file: what the output may hold
	cache   *Cache             // shared with other renders, or this render's own
	sources map[string]*source // by real path: the display path is per render
}

// newResolver checks the root through cache, so that the renders of one
// lint run resolve a shared root once.
func newResolver(cwd, root, rootShown string, maxSize int64, cache *Cache) (*resolver, error) {
	real, err := cache.dirs.do(root, func() (string, error) {
		real, err := filepath.EvalSymlinks(root)
		if err != nil {
			return "", fmt.Errorf("root directory %s: %w", rootShown, unwrapPath(err))
		}
		if info, err := os.Stat(real); err != nil || !info.IsDir() {
			return "", fmt.Errorf("root %s is not a directory", rootShown)
		}
		return real, nil
	})
	if err != nil {
		return nil, err
	}
	dir, err := cache.roots.do(real, func() (*input.Dir, error) { return input.OpenDir(real) })
	if err != nil {
		return nil, fmt.Errorf("root directory %s: %w", rootShown, unwrapPath(err))
	}
	return &resolver{
		cwd:       cwd,
		root:      root,
		realRoot:  real,
		rootShown: rootShown,
		dir:       dir,
		maxSize:   maxSize,
		cache:     cache,
		sources:   map[string]*source{},
	}, nil
}

// abs makes a display path absolute without asking the OS for the working
// directory again.
func (rs *resolver) abs(p string) string { return fspath.Abs(rs.cwd, p) }

// errNotFound marks a candidate that does not exist; it is not a problem
// by itself (the next candidate is tried).
var errNotFound = errors.New("not found")

// escapeError is a candidate that resolves outside the root.
type escapeError struct {
	path   string // the candidate's display path
	target string // where a symlink on the way leads; "" when none is involved
	root   string // as shown to the user
}

func (e *escapeError) Error() string { return e.describe(e.path) }

// describe explains the escape of the candidate written as written.
func (e *escapeError) describe(written string) string {
	root := e.rootPhrase()
	switch {
	case e.target != "":
		return fmt.Sprintf("%s leads through a symlink to %s, outside %s", written, e.target, root)
	case written != e.path:
		return fmt.Sprintf("%s resolves to %s, outside %s", written, e.path, root)
	default:
		return fmt.Sprintf("%s is outside %s", written, root)
	}
}

// rootPhrase names the root for messages.
func (e *escapeError) rootPhrase() string {
	if e.root == "." {
		return `the root directory "." (the working directory; --root widens it)`
	}
	return fmt.Sprintf("the root directory %q", e.root)
}

// fileError is a template file that cannot be used: unreadable, or not
// UTF-8 text.
type fileError struct {
	path    string
	problem string // "is not valid UTF-8"
}

func (e *fileError) Error() string { return e.path + " " + e.problem }

// notFileError is a candidate that exists but is not a regular file.
type notFileError struct {
	path string
	mode fs.FileMode
}

func (e *notFileError) Error() string {
	return fmt.Sprintf("%s is a %s, not a regular file", e.path, input.Kind(e.mode))
}

// locate finds the real path of display, checking confinement lexically and
// through symlinks. It returns errNotFound when nothing is there, an
// *escapeError when the path leaves the root (whether or not it exists), or
// another error for something that exists but cannot be a template.
func (rs *resolver) locate(display string) (string, error) {
	// Answers, errors included, are kept: a missing candidate is asked for
	// again by every render of a lint run.
	key := pathKey{rs.root, display}
	if l, ok := rs.cache.paths.get(key); ok {
		return l.real, l.err
	}
	real, err := rs.lookup(display)
	rs.cache.paths.put(key, located{real, err})
	return real, err
}

// join is filepath.Join(dir, candidate), once per Cache: the renders of a
// lint run join the same few candidates of each directory thousands of
// times, and cleaning "../../partials/x.yaml" costs an allocation each.
func (rs *resolver) join(dir, candidate string) string {
	key := joinKey{dir, candidate}
	if p, ok := rs.cache.joins.get(key); ok {
		return p
	}
	p := filepath.Join(dir, candidate)
	rs.cache.joins.put(key, p)
	return p
}

// lookup is locate without the cache.
func (rs *resolver) lookup(display string) (string, error) {
	abs := rs.abs(display)
	if !fspath.Within(rs.root, abs) {
		return "", &escapeError{path: display, root: rs.rootShown}
	}
	if abs == rs.root {
		// The root itself: its parent, where the steps below look it
		// up, lies outside.
		return "", &notFileError{display, fs.ModeDir}
	}
	dir, err := rs.realDir(filepath.Dir(abs))
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return "", errNotFound
		}
		return "", err
	}
	if !fspath.Within(rs.realRoot, dir) {
		return "", &escapeError{path: display, target: dir, root: rs.rootShown}
	}
	real := filepath.Join(dir, filepath.Base(abs))
	mode, err := rs.entryType(dir, filepath.Base(abs))
	if err != nil {
		return "", err
	}
	if mode&fs.ModeSymlink != 0 {
		target, err := filepath.EvalSymlinks(real)
		if err != nil {
			// A dangling link still must not point outside the root.
			if link, lerr := os.Readlink(real); lerr == nil {
				if !filepath.IsAbs(link) {
					link = filepath.Join(dir, link)
				}
				if link = filepath.Clean(link); !fspath.Within(rs.realRoot, link) {
					return "", &escapeError{path: display, target: link, root: rs.rootShown}
				}
			}
			return "", errNotFound
		}
		if !fspath.Within(rs.realRoot, target) {
			return "", &escapeError{path: display, target: target, root: rs.rootShown}
		}
		real = target
		info, err := os.Stat(real)
		if err != nil {
			return "", err
		}
		mode = info.Mode()
	}
	if !mode.IsRegular() {
		return "", &notFileError{display, mode}
	}
	return real, nil
}

// listing maps the names in one directory to their types.
type listing map[string]fs.FileMode

// entryType returns the type of the entry name in the real directory dir,
// or errNotFound. Candidates are mostly missing per-namespace overrides, so
// each directory is listed once instead of probing every name with a system
// call; names therefore match exactly, on case-insensitive file systems too.
func (rs *resolver) entryType(dir, name string) (fs.FileMode, error) {
	ls, err := rs.list(dir)
	if err != nil {
		// An unlistable directory may still be searchable: ask for the name.
		info, lerr := os.Lstat(filepath.Join(dir, name))
		if errors.Is(lerr, fs.ErrNotExist) {
			return 0, errNotFound
		}
		if lerr != nil {
			return 0, lerr
		}
		return info.Mode(), nil
	}
	mode, ok := ls[name]
	if !ok {
		return 0, errNotFound
	}
	return mode, nil
}

// list reads a directory's entries, once per Cache.
func (rs *resolver) list(dir string) (listing, error) {
	return rs.cache.lists.do(dir, func() (listing, error) {
		entries, err := rs.dir.ReadDir(rs.inRoot(dir))
		if err != nil {
			return nil, err
		}
		ls := make(listing, len(entries))
		for _, e := range entries {
			ls[e.Name()] = e.Type()
		}
		return ls, nil
	})
}

// inRoot returns real, a symlink-free path that locate found inside the
// root, relative to the root, as input.Dir takes it.
func (rs *resolver) inRoot(real string) string {
	rel, err := filepath.Rel(rs.realRoot, real)
	if err != nil {
		return real // not below the root: input.Dir refuses it
	}
	return rel
}

// realDir resolves the symlinks of a directory, once per Cache.
func (rs *resolver) realDir(dir string) (string, error) {
	return rs.cache.dirs.do(dir, func() (string, error) { return filepath.EvalSymlinks(dir) })
}

// read returns the parsed source at real, reading it on first use.
func (rs *resolver) read(display, real string) (*source, error) {
	if src, ok := rs.sources[real]; ok {
		return src, nil
	}
	f, err := rs.checked(display, real)
	if err != nil {
		return nil, err
	}
	src := &source{display: display, real: real, checkedFile: f}
	rs.sources[real] = src
	return src, nil
}

// checked reads real and checks it, once per Cache while the Cache has
// room for its contents. Problems are not kept: they name display, the
// path as this render shows it.
func (rs *resolver) checked(display, real string) (*checkedFile, error) {
	if f, ok := rs.cache.checked.get(real); ok {
		return f, nil
	}
	data, err := rs.dir.ReadFile(rs.inRoot(real), rs.maxSize)
	var notFile *input.NotRegularError
	var tooLarge *input.TooLargeError
	switch {
	case errors.As(err, &notFile):
		// It was a regular file when locate looked.
		return nil, &notFileError{display, notFile.Mode}
	case input.Escapes(err):
		// It was inside the root when locate looked.
		return nil, &fileError{display, "cannot be read: it changed to lead outside the root directory"}
	case errors.As(err, &tooLarge):
		return nil, &fileError{display, fmt.Sprintf("is larger than the output limit of %s (--max-output raises it)", input.Size(tooLarge.Limit))}
	case err != nil:
		return nil, &fileError{display, "cannot be read: " + unwrapPath(err).Error()}
	}
	f, err := checkFile(display, data)
	if err == nil && rs.cache.hold(len(data)) {
		rs.cache.checked.put(real, f)
	}
	return f, err
}

var utf8BOM = []byte("\xef\xbb\xbf")

// parseSource checks a file's encoding.
func parseSource(display string, data []byte) (*source, error) {
	f, err := checkFile(display, data)
	if err != nil {
		return nil, err
	}
	return &source{display: display, checkedFile: f}, nil
}

// checkFile checks a file's encoding.
func checkFile(display string, data []byte) (*checkedFile, error) {
	data = bytes.TrimPrefix(data, utf8BOM)
	if i := bytes.IndexByte(data, 0); i >= 0 {
		return nil, &fileError{display, fmt.Sprintf("contains a NUL byte at offset %d: not a text template", i)}
	}
	if !utf8.Valid(data) {
		return nil, &fileError{display, "is not valid UTF-8"}
	}
	if line := loneCR(data); line > 0 {
		// YAML reads a lone CR as a line break and the engine does not:
		// directives after it would pass unseen, and lint's lines drift.
		return nil, &fileError{display, fmt.Sprintf("has a carriage return without a line feed on line %d: save it with LF or CRLF line endings", line)}
	}
	return &checkedFile{data: data, endsWithNewline: bytes.HasSuffix(data, []byte("\n"))}, nil
}

// unwrapPath drops the *fs.PathError wrapper, whose path the caller already names.
func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// loneCR returns the 1-based line of the first CR that does not end a CRLF
// line ending, or 0 when there is none.
func loneCR(data []byte) int {
	for i := 0; ; i++ {
		j := bytes.IndexByte(data[i:], '\r')
		if j < 0 {
			return 0
		}
		i += j
		if i+1 == len(data) || data[i+1] != '\n' {
			return bytes.Count(data[:i], []byte("\n")) + 1
		}
	}
}
