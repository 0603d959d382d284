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
// A scan of a large repository calls it for every file, with paths that
// are clean already: those are joined without filepath.Clean, which would
// cost more than the rest of the call.
func Abs(dir, p string) string {
	switch {
	case filepath.IsAbs(p):
		if IsClean(p) {
			return p
		}
		return filepath.Clean(p)
	case filepath.Separator == '/' && p != "." && p != ".." && !strings.HasPrefix(p, "../") &&
		IsClean(p) && filepath.IsAbs(dir) && IsClean(dir):
		if dir == "/" {
			return dir + p
		}
		return dir + "/" + p
	}
	return filepath.Join(dir, p)
}

// IsClean reports whether p is already what filepath.Clean makes of it.
func IsClean(p string) bool {
	if filepath.Separator != '/' {
		return filepath.Clean(p) == p
	}
	switch {
	case p == "":
		return false
	case p == "." || p == "/":
		return true
	case strings.HasSuffix(p, "/"):
		return false
	}
	rest, abs := strings.CutPrefix(p, "/")
	up := !abs // a relative path may begin with ".." segments, and only there
	for seg := range strings.SplitSeq(rest, "/") {
		switch seg {
		case "", ".":
			return false
		case "..":
			if !up {
				return false
			}
		default:
			up = false
		}
	}
	return true
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
