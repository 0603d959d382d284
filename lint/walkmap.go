package lint

import (
	"path/filepath"

	"github.com/eastern-k8s/eastern/engine"
	"github.com/eastern-k8s/eastern/internal/fspath"
)

// walkMap is what the walks of directory arguments saw: the directories
// they listed, and in each the entries that are not templates discovery
// reads — READMEs, hidden files and directories, symlinks, files a config
// excludes. A candidate whose every match on disk would lie among the
// templates is answered by matching their names (loadGraph.lexical),
// without expanding it on disk: that is what lets lint --changed skip the
// work of a full load graph.
type walkMap struct {
	dirs map[string]*walkedDir // by path, spelled as the templates' paths are
	// templates are the regular template files the walks found; settle
	// makes those discovery leaves out entries of their directory.
	templates map[string]bool
}

type walkedDir struct {
	subdirs []string     // names of the walked directories in it (settle)
	others  []otherEntry // what is in it besides templates and walked directories
	// clean: neither it nor a walked directory below it has others.
	clean bool
}

// otherEntry is an entry of a walked directory that discovery does not
// read: a file, or, when mayBeDir, what may be a directory the walk did not
// enter (a hidden one, a symlink).
type otherEntry struct {
	name     string
	mayBeDir bool
}

func newWalkMap() *walkMap {
	return &walkMap{dirs: map[string]*walkedDir{}, templates: map[string]bool{}}
}

// dir records a directory the walk lists, spelled as its files are.
func (w *walkMap) dir(path string) {
	if w.dirs[path] == nil { // two arguments may walk it
		w.dirs[path] = &walkedDir{}
	}
}

// other records an entry of a walked directory that is not a template.
func (w *walkMap) other(path string, mayBeDir bool) {
	if d := w.dirs[filepath.Dir(path)]; d != nil {
		d.others = append(d.others, otherEntry{filepath.Base(path), mayBeDir})
	}
}

// settle records the walked templates that discovery left out (kept says
// which it reads) as others, and marks the directories whose trees hold
// nothing but templates clean.
func (w *walkMap) settle(kept map[string]bool) {
	for f := range w.templates {
		if !kept[f] {
			w.other(f, false)
		}
	}
	// Each walked directory is a subdirectory of its walked parent,
	// whichever argument walked which first (apps/prod, then apps).
	for path := range w.dirs {
		if parent := w.dirs[filepath.Dir(path)]; parent != nil && filepath.Dir(path) != path {
			parent.subdirs = append(parent.subdirs, filepath.Base(path))
		}
	}
	for path, d := range w.dirs {
		if len(d.others) == 0 {
			w.markClean(path, d)
		}
	}
}

// markClean decides whether d, at path, is clean, deciding its walked
// subdirectories first.
func (w *walkMap) markClean(path string, d *walkedDir) bool {
	if d.clean || len(d.others) > 0 {
		return d.clean
	}
	for _, name := range d.subdirs {
		if !w.markClean(filepath.Join(path, name), w.dirs[filepath.Join(path, name)]) {
			return false
		}
	}
	d.clean = true
	return true
}

// covers reports whether every existing file that the clean pattern p
// could name, in the tree rooted at root (absolute), is a template
// discovery reads, through directories the walks listed: then matching
// the templates' paths against p finds what expanding p on disk would.
// It answers false when it cannot tell.
func (w *walkMap) covers(cwd, root string, p engine.Pattern) bool {
	if len(w.dirs) == 0 {
		return false
	}
	// The literal directories p starts with.
	n := 0
	for n < len(p)-1 && len(p[n]) == 1 && !p[n][0].Var {
		n++
	}
	var dir string
	switch {
	case p.Absolute() && n == 1:
		dir = "/"
	case p.Absolute():
		dir = "/" + joinSegments(p[1:n])
	case n == 0:
		dir = "."
	default:
		dir = joinSegments(p[:n])
	}
	if !fspath.Within(root, fspath.Abs(cwd, dir)) {
		return false // expanding finds nothing outside the tree
	}
	return w.coversFrom(dir, p[n:])
}

func joinSegments(segs engine.Pattern) string {
	parts := make([]string, len(segs))
	for i, s := range segs {
		parts[i] = s[0].Text
	}
	return filepath.Join(parts...)
}

// coversFrom is covers for the segments segs below the directory dir.
func (w *walkMap) coversFrom(dir string, segs engine.Pattern) bool {
	d := w.dirs[dir]
	if d == nil {
		return false // not listed: a directory outside the walks, or none
	}
	if d.clean {
		return true
	}
	seg := segs[0]
	last := len(segs) == 1
	for _, o := range d.others {
		if (last || o.mayBeDir) && segmentMatches(seg, o.name) {
			return false
		}
	}
	if last {
		return true
	}
	for _, name := range d.subdirs {
		if segmentMatches(seg, name) && !w.coversFrom(filepath.Join(dir, name), segs[1:]) {
			return false
		}
	}
	return true
}

// segmentMatches reports whether seg, every variable open, could be name.
func segmentMatches(seg engine.PatternSegment, name string) bool {
	_, ok := matchSegment(seg, name, "")
	return ok
}
