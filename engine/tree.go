package engine

import (
	"errors"
	"io/fs"
	"path/filepath"
	"slices"
	"strings"

	"github.com/eastern-k8s/eastern/internal/fspath"
)

// Tree reads a template tree without rendering it, for tools that reason
// about templates (lint tells root templates from partials and finds the
// namespaces that `${NAMESPACE}` candidates imply). It obeys the render's
// rules exactly — nothing outside the root directory is read or listed,
// only regular files are read, nothing blocks — and shares its reads with
// the renders that use the same Cache. A Tree is safe for concurrent use.
type Tree struct {
	res *resolver
}

// Tree opens the tree below rootDir for reading through c; cwd is the
// working directory that relative paths start from. rootDir is as
// Options.RootDir (DefaultRoot gives the render's default for a template) and
// maxSize as Options.MaxOutput.
func (c *Cache) Tree(cwd, rootDir string, maxSize int64) (*Tree, error) {
	if maxSize <= 0 {
		maxSize = DefaultMaxOutput
	}
	shown := rootDir
	if rel, err := filepath.Rel(cwd, rootDir); err == nil && filepath.IsAbs(rootDir) && fspath.Within(cwd, rootDir) {
		shown = rel
	}
	res, err := newResolver(cwd, fspath.Abs(cwd, rootDir), filepath.Clean(shown), maxSize, c)
	if err != nil {
		return nil, err
	}
	return &Tree{res}, nil
}

// Root is the tree's root directory, absolute and clean.
func (t *Tree) Root() string { return t.res.root }

// WorkDir is the working directory that relative paths start from.
func (t *Tree) WorkDir() string { return t.res.cwd }

// DefaultRoot is the root directory of a render of template when
// Options.RootDir is empty: the working directory cwd when the template lies
// inside it, else the template's own directory.
func DefaultRoot(cwd, template string) string { return defaultRoot(cwd, template) }

// Directives reads the template at path (relative to the working
// directory, or absolute) and lists its directives. A path outside the
// root, a missing file and anything but a regular file are errors.
func (t *Tree) Directives(path string) ([]Directive, error) {
	real, err := t.res.locate(path)
	if err != nil {
		return nil, err
	}
	// Through the Cache alone, not the resolver's sources of one render:
	// that keeps a Tree safe for concurrent use.
	f, err := t.res.checked(path, real)
	if err != nil {
		return nil, err
	}
	return Directives(f.data), nil
}

// ScanDirectives is Directives for a pass over many files that renders
// will mostly not read — lint --changed lists the directives of every
// template in a repository to render a few. The file is read beneath the
// root and checked as a render reads and checks it, but the Cache keeps
// nothing of it, and a path that leaves the root is only an error, not
// explained. It is read into buf when buf has room; the buffer it returns,
// which the directives do not refer to, serves the next call.
func (t *Tree) ScanDirectives(path string, buf []byte) ([]Directive, []byte, error) {
	rel := path
	if !filepath.IsLocal(path) || !fspath.IsClean(path) || t.res.root != t.res.cwd {
		// Not the common case, a clean path below a root that is the
		// working directory: relative to the root, if inside it.
		abs := t.res.abs(path)
		if !fspath.Within(t.res.root, abs) || abs == t.res.root {
			return nil, buf, &escapeError{path: path, root: t.res.rootShown}
		}
		var err error
		if rel, err = filepath.Rel(t.res.root, abs); err != nil {
			return nil, buf, err
		}
	}
	data, err := t.res.dir.ReadFileInto(rel, t.res.maxSize, buf)
	if err != nil {
		return nil, buf, err
	}
	f, err := checkFile(path, data)
	if err != nil {
		return nil, data, err
	}
	return Directives(f.data), data, nil
}

// IsFile reports whether path is a regular file inside the root, or a
// symlink to one.
func (t *Tree) IsFile(path string) bool {
	_, err := t.res.locate(path)
	return err == nil
}

// Entry is one name in a directory of a Tree.
type Entry struct {
	Name string
	Dir  bool // a directory, or a symlink to one inside the root
	File bool // a regular file, or a symlink to one inside the root
}

// Entries lists the directory dir (relative to the working directory, or
// absolute) by name. Symlinks count as what they lead to while that lies
// inside the root, and are left out otherwise, like special files. A
// directory outside the root, or none at all, has no entries.
func (t *Tree) Entries(dir string) []Entry {
	abs := t.res.abs(dir)
	if !fspath.Within(t.res.root, abs) {
		return nil
	}
	real, err := t.res.realDir(abs)
	if err != nil || !fspath.Within(t.res.realRoot, real) {
		return nil
	}
	ls, err := t.res.list(real)
	if err != nil {
		return nil
	}
	entries := make([]Entry, 0, len(ls))
	for name, mode := range ls {
		e := Entry{Name: name, Dir: mode.IsDir(), File: mode.IsRegular()}
		if mode&fs.ModeSymlink != 0 {
			e.Dir, e.File = t.followLink(filepath.Join(dir, name))
		}
		if e.Dir || e.File {
			entries = append(entries, e)
		}
	}
	slices.SortFunc(entries, func(a, b Entry) int { return strings.Compare(a.Name, b.Name) })
	return entries
}

// followLink tells what the symlink at path leads to, when that is a
// directory or a regular file inside the root.
func (t *Tree) followLink(path string) (dir, file bool) {
	_, err := t.res.locate(path)
	var notFile *notFileError
	switch {
	case err == nil:
		return false, true
	case errors.As(err, &notFile) && notFile.mode.IsDir():
		return true, false
	}
	return false, false
}
