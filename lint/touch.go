package lint

import (
	"path/filepath"
	"slices"
	"strings"
)

// patternIndex finds the candidates that could name a path without trying
// each: by the literal name their last segment is, or else by their number
// of segments.
type patternIndex struct {
	byName map[string][]*candidateScan
	other  map[int][]*candidateScan
}

func (ix *patternIndex) add(cs *candidateScan) {
	last := cs.open[len(cs.open)-1]
	if len(last) == 1 && !last[0].Var {
		ix.byName[last[0].Text] = append(ix.byName[last[0].Text], cs)
		return
	}
	ix.other[len(cs.open)] = append(ix.other[len(cs.open)], cs)
}

// naming calls fn with each candidate that could name the path whose
// segments are names, until fn returns true; it reports whether one did.
func (ix *patternIndex) naming(names []string, fn func(*candidateScan) bool) bool {
	for _, cs := range ix.byName[names[len(names)-1]] {
		if patternMatches(cs.open, names) && fn(cs) {
			return true
		}
	}
	for _, cs := range ix.other[len(names)] {
		if patternMatches(cs.open, names) && fn(cs) {
			return true
		}
	}
	return false
}

// segments splits path at its separators into the scratch space of g, for
// one call of patternIndex.naming at a time.
func (g *loadGraph) segments(path string) []string {
	g.names = g.names[:0]
	for name := range strings.SplitSeq(filepath.ToSlash(path), "/") {
		g.names = append(g.names, name)
	}
	return g.names
}

// eachLoader calls fn with each file that may load the file f, until fn
// returns true: the files a lexical candidate of theirs names it in, and
// those whose expanded candidates found it (loaders, from loads).
func (g *loadGraph) eachLoader(f string, loaders map[string][]string, fn func(string) bool) bool {
	for _, l := range loaders[f] {
		if fn(l) {
			return true
		}
	}
	return g.index.naming(g.segments(f), func(cs *candidateScan) bool {
		if !cs.lexical {
			return false // its loads say what it found
		}
		for _, o := range cs.owners {
			if o != f && fn(o) {
				return true
			}
		}
		return false
	})
}

// touching returns the files whose renders may read or probe a path,
// spelled (clean) in any of the ways given: the path itself, the files
// with a candidate that could name it (a partial added or deleted), and
// every file that may load one of those, directly or through others.
// The graph must have an index (scanForChanges).
func (g *loadGraph) touching(loaders map[string][]string, spellings ...string) map[string]bool {
	seen := map[string]bool{}
	var queue []string
	add := func(f string) bool {
		if !seen[f] {
			seen[f] = true
			queue = append(queue, f)
		}
		return false
	}
	for _, path := range spellings {
		add(path)
		g.index.naming(g.segments(path), func(cs *candidateScan) bool {
			for _, o := range cs.owners {
				add(o)
			}
			return false
		})
	}
	for len(queue) > 0 {
		f := queue[0]
		queue = queue[1:]
		g.eachLoader(f, loaders, add)
	}
	return seen
}

// splitRootsLexical is splitRoots for a graph whose lexical candidates
// have no loads: a partial is a matched file that another matched file may
// load (eachLoader). ok is false when some partial is reached from no
// root — files that only load each other — where splitRoots, on a graph
// of every load, picks the roots that report the cycle.
func (g *loadGraph) splitRootsLexical(matched []string, loaders map[string][]string) (roots []string, ok bool) {
	isMatched := make(map[string]bool, len(matched))
	for _, f := range matched {
		isMatched[f] = true
	}
	// loadedBy is the first matched file found to load each partial.
	loadedBy := make(map[string]string, len(matched))
	for _, f := range matched {
		g.eachLoader(f, loaders, func(l string) bool {
			if l != f && isMatched[l] {
				loadedBy[f] = l
				return true
			}
			return false
		})
	}
	isPartial := func(f string) bool { _, ok := loadedBy[f]; return ok }
	isRoot := func(f string) bool { return isMatched[f] && !isPartial(f) }
	reached := map[string]bool{}
	for _, f := range matched {
		switch {
		case !isPartial(f):
			roots = append(roots, f)
		case isRoot(loadedBy[f]):
			// Loaded by a root: most partials are.
		case !g.reachedFromRoot(f, isRoot, loaders, reached):
			return nil, false
		}
	}
	slices.Sort(roots)
	return roots, true
}

// reachedFromRoot reports whether a root may load f, directly or through
// other files, walking back from f; reached remembers the files found so.
func (g *loadGraph) reachedFromRoot(f string, isRoot func(string) bool, loaders map[string][]string, reached map[string]bool) bool {
	// Most partials are loaded by a root: the search keeps no state
	// until a loader is not one.
	var seen map[string]bool
	var queue []string
	for n := f; ; n, queue = queue[0], queue[1:] {
		found := g.eachLoader(n, loaders, func(l string) bool {
			if isRoot(l) || reached[l] {
				return true
			}
			if seen == nil {
				seen = map[string]bool{f: true}
			}
			if !seen[l] {
				seen[l] = true
				queue = append(queue, l)
			}
			return false
		})
		if found {
			reached[f] = true
			return true
		}
		if len(queue) == 0 {
			return false
		}
	}
}
