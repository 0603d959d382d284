// Package fspath answers questions about file paths that the standard
// library leaves to its callers.
package fspath

import (
	"path/filepath"
	"strings"
)

// Within reports whether path is dir or lies below it. Both must be clean
// and absolute; the answer is lexical, so resolve symlinks first where they
// matter.
func Within(dir, path string) bool {
	if path == dir {
		return true
	}
	if !strings.HasSuffix(dir, string(filepath.Separator)) {
		dir += string(filepath.Separator)
	}
	return strings.HasPrefix(path, dir)
}

// Abs makes p absolute against dir, a working directory the caller already
// knows (filepath.Abs asks the operating system every time), and cleans it.
func Abs(dir, p string) string {
	if filepath.IsAbs(p) {
		return filepath.Clean(p)
	}
	return filepath.Join(dir, p)
}

// Display is the absolute path p as a user reads it: relative to dir, the
// working directory, when p lies within it; else p.
func Display(dir, p string) string {
	if Within(dir, p) {
		if rel, err := filepath.Rel(dir, p); err == nil {
			return rel
		}
	}
	return p
}
