package lint

import (
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/eastern-k8s/eastern/engine"
	"github.com/eastern-k8s/eastern/validator"
)

// loadGraph is what the templates' directives say about each other, found
// without rendering: which file may load which (for any namespace and any
// variable values), and which namespaces the `${NAMESPACE}` candidates imply
// through the files that exist on disk.
type loadGraph struct {
	// loads maps a file's cleaned path to the existing files its directives
	// could load, sorted.
	loads map[string][]string
	// namespaces are the values of ${NAMESPACE} that produce an existing file.
	namespaces map[string]bool
	disk       *diskIndex
	expanded   map[string][]expansion // by pattern.String()
}

// scanLoads reads the directives of files and, transitively, of every file
// they could load. The load graph covers every value of every variable, so
// that a partial stays a partial whatever -s says; the implied namespaces
// come only from files the set variables (vars) allow: with -s REGION=eu,
// r-${NAMESPACE}-${REGION}.yaml finds namespaces in r-*-eu.yaml alone.
func scanLoads(files []string, vars map[string]string) *loadGraph {
	g := &loadGraph{
		loads:      map[string][]string{},
		namespaces: map[string]bool{},
		disk:       &diskIndex{dirs: map[string]*dirListing{}},
		expanded:   map[string][]expansion{},
	}
	queue := slices.Clone(files)
	for len(queue) > 0 {
		file := queue[0]
		queue = queue[1:]
		if _, done := g.loads[file]; done {
			continue
		}
		src, err := os.ReadFile(file)
		if err != nil {
			// The render of a root reports unreadable files with the
			// directive that loads them; discovery just moves on.
			g.loads[file] = nil
			continue
		}
		var targets []string
		dir := filepath.Dir(file)
		for _, d := range engine.Directives(src) {
			for _, c := range d.Candidates {
				for _, e := range g.expand(candidatePattern(dir, c, nil)) {
					targets = append(targets, e.path)
				}
				for _, e := range g.expand(candidatePattern(dir, c, vars)) {
					if e.namespace != "" && validator.CheckNamespace(e.namespace) == nil {
						g.namespaces[e.namespace] = true
					}
				}
			}
		}
		targets = uniquePaths(targets)
		g.loads[file] = targets
		for _, t := range targets {
			if _, done := g.loads[t]; !done {
				queue = append(queue, t)
			}
		}
	}
	return g
}

func (g *loadGraph) expand(p pattern) []expansion {
	key := p.String()
	if es, ok := g.expanded[key]; ok {
		return es
	}
	es := g.disk.expand(p)
	g.expanded[key] = es
	return es
}

// splitRoots separates matched files into root templates and partials: a
// partial is a matched file that another matched file may load. Files that
// only load each other in a cycle would leave no root to report the cycle,
// so the first file of each group that no root reaches becomes a root too.
func (g *loadGraph) splitRoots(matched []string) (roots []string) {
	isMatched := make(map[string]bool, len(matched))
	for _, f := range matched {
		isMatched[f] = true
	}
	partial := map[string]bool{}
	for _, f := range matched {
		for _, t := range g.loads[f] {
			if t != f && isMatched[t] {
				partial[t] = true
			}
		}
	}
	reached := map[string]bool{}
	var reach func(string)
	reach = func(f string) {
		if reached[f] {
			return
		}
		reached[f] = true
		for _, t := range g.loads[f] {
			reach(t)
		}
	}
	for _, f := range matched {
		if !partial[f] {
			roots = append(roots, f)
			reach(f)
		}
	}
	for _, f := range matched {
		if !reached[f] {
			roots = append(roots, f)
			reach(f)
		}
	}
	slices.Sort(roots)
	return roots
}

// impliedNamespaces returns "default" and every namespace found on disk, sorted
// with default first.
func (g *loadGraph) impliedNamespaces() []string {
	var out []string
	for ns := range g.namespaces {
		if ns != engine.DefaultNamespace {
			out = append(out, ns)
		}
	}
	slices.Sort(out)
	return append([]string{engine.DefaultNamespace}, out...)
}

// A pattern is a candidate path split at '/', each segment a sequence of
// literal text and variables; adjacent literals are one token, so a segment
// without variables is a single literal token.
type pattern [][]token

type token struct {
	text  string // literal text, or the variable name when isVar
	isVar bool
}

// candidatePattern reads a load! candidate of a file in dir (or "" for
// none) with the engine's own reader of ${NAME}, ${NAME:-fallback} and
// $${NAME}. A reference to a variable vars sets (but NAMESPACE) is its value
// as the engine would insert it, literal text; any other reference stays a
// variable, to match any text. The path is cleaned as filepath.Join cleans
// the engine's.
func candidatePattern(dir, candidate string, vars map[string]string) pattern {
	var toks []token
	literal := func(s string) {
		if n := len(toks); n > 0 && !toks[n-1].isVar {
			toks[n-1].text += s
			return
		}
		toks = append(toks, token{text: s})
	}
	for seg := range engine.Segments(candidate) {
		value, set := vars[seg.Name]
		switch {
		case !seg.Ref:
			literal(seg.Text)
		case set && seg.Name != "NAMESPACE":
			if seg.HasFallback && value == "" {
				value = seg.Fallback // the engine's rule for ${NAME:-fallback}
			}
			literal(value)
		default:
			toks = append(toks, token{text: seg.Name, isVar: true})
		}
	}
	absolute := len(toks) > 0 && !toks[0].isVar && strings.HasPrefix(toks[0].text, "/")
	if dir != "" && !absolute {
		toks = append([]token{{text: dir + "/"}}, toks...)
		if len(toks) > 1 && !toks[1].isVar {
			toks = append([]token{{text: toks[0].text + toks[1].text}}, toks[2:]...)
		}
	}
	return cleanPattern(splitPattern(toks), absolute || filepath.IsAbs(dir))
}

// splitPattern cuts tokens into path segments at the '/' of literals.
func splitPattern(toks []token) pattern {
	p := pattern{nil}
	for _, t := range toks {
		if t.isVar {
			p[len(p)-1] = append(p[len(p)-1], t)
			continue
		}
		for i, part := range strings.Split(t.text, "/") {
			if i > 0 {
				p = append(p, nil)
			}
			if part != "" {
				p[len(p)-1] = append(p[len(p)-1], token{text: part})
			}
		}
	}
	for i, seg := range p {
		if len(seg) == 0 {
			p[i] = []token{{}} // an empty segment: the root of an absolute path
		}
	}
	return p
}

// cleanPattern is filepath.Clean for patterns: it drops empty and "."
// segments and lets ".." remove the segment before it, variables included,
// as Clean does after the engine substitutes them. An absolute pattern
// keeps its leading empty segment.
func cleanPattern(p pattern, absolute bool) pattern {
	var out pattern
	if absolute {
		out, p = p[:1], p[1:]
	}
	for _, seg := range p {
		switch {
		case isLiteral(seg, "") || isLiteral(seg, "."):
		case isLiteral(seg, ".."):
			switch n := len(out); {
			case absolute && n == 1: // "/.." is "/"
			case n > 0 && !isLiteral(out[n-1], ".."):
				out = out[:n-1]
			default:
				out = append(out, seg)
			}
		default:
			out = append(out, seg)
		}
	}
	if len(out) == 0 {
		out = pattern{{{text: "."}}}
	}
	return out
}

func isLiteral(seg []token, text string) bool {
	return len(seg) == 1 && !seg[0].isVar && seg[0].text == text
}

// String writes p back as a path with ${NAME} for its variables, for keys
// and messages. Literal text that looks like a reference is escaped, so
// distinct patterns have distinct strings.
func (p pattern) String() string {
	var b strings.Builder
	for i, seg := range p {
		if i > 0 {
			b.WriteByte('/')
		}
		for _, t := range seg {
			if t.isVar {
				b.WriteString("${" + t.text + "}")
				continue
			}
			b.WriteString(strings.ReplaceAll(t.text, "$", "$$"))
		}
	}
	return b.String()
}

// expansion is one existing file a pattern could produce, with the value
// ${NAMESPACE} takes to produce it ("" when the pattern has none).
type expansion struct {
	path      string
	namespace string
}

// diskIndex lists directories once, so that thousands of patterns over the
// same override directories cost one ReadDir each.
type diskIndex struct {
	dirs map[string]*dirListing
}

type dirListing struct {
	entries []dirEntry
	byName  map[string]int
}

type dirEntry struct {
	name  string
	isDir bool
	isReg bool
}

func (d *diskIndex) list(dir string) *dirListing {
	if l, ok := d.dirs[dir]; ok {
		return l
	}
	entries, _ := os.ReadDir(dir)
	l := &dirListing{entries: make([]dirEntry, 0, len(entries)), byName: make(map[string]int, len(entries))}
	for _, e := range entries {
		de := dirEntry{name: e.Name(), isDir: e.IsDir(), isReg: e.Type().IsRegular()}
		if e.Type()&os.ModeSymlink != 0 {
			if info, err := os.Stat(filepath.Join(dir, e.Name())); err == nil {
				de.isDir, de.isReg = info.IsDir(), info.Mode().IsRegular()
			}
		}
		l.byName[de.name] = len(l.entries)
		l.entries = append(l.entries, de)
	}
	d.dirs[dir] = l
	return l
}

// lookup finds one entry of dir by name.
func (d *diskIndex) lookup(dir, name string) (dirEntry, bool) {
	l := d.list(dir)
	if i, ok := l.byName[name]; ok {
		return l.entries[i], true
	}
	return dirEntry{}, false
}

// expand returns the existing regular files p could name, walking its
// segments: a literal segment is looked up, a segment with variables is
// matched against the directory's entries (a variable matches any text
// without '/').
func (d *diskIndex) expand(p pattern) []expansion {
	type state struct {
		path string
		ns   string
	}
	var start string
	if len(p) > 0 && len(p[0]) == 1 && p[0][0].text == "" && !p[0][0].isVar {
		start, p = "/", p[1:] // absolute path
	}
	states := []state{{path: start}}
	for i, seg := range p {
		last := i == len(p)-1
		var next []state
		for _, st := range states {
			dir := st.path
			if dir == "" {
				dir = "."
			}
			if len(seg) == 1 && !seg[0].isVar {
				name := seg[0].text
				if name == "." || name == ".." || name == "" {
					next = append(next, state{filepath.Join(dir, name), st.ns})
					continue
				}
				if e, ok := d.lookup(dir, name); ok && (last && e.isReg || !last && e.isDir) {
					next = append(next, state{joinPath(st.path, name), st.ns})
				}
				continue
			}
			for _, e := range d.list(dir).entries {
				if last && !e.isReg || !last && !e.isDir {
					continue
				}
				if ns, ok := matchSegment(seg, e.name, st.ns); ok {
					next = append(next, state{joinPath(st.path, e.name), ns})
				}
			}
		}
		states = next
		if len(states) == 0 {
			return nil
		}
	}
	out := make([]expansion, len(states))
	for i, st := range states {
		out[i] = expansion{path: filepath.Clean(st.path), namespace: st.ns}
	}
	return out
}

func joinPath(dir, name string) string {
	if dir == "" {
		return name
	}
	return filepath.Join(dir, name)
}

// matchSegment matches one path segment against name. ns is the value
// ${NAMESPACE} already has from an earlier segment ("" for none yet); the
// returned ns is its value after this segment.
func matchSegment(seg []token, name, ns string) (string, bool) {
	if len(seg) == 0 {
		return ns, name == ""
	}
	t := seg[0]
	if !t.isVar {
		if !strings.HasPrefix(name, t.text) {
			return "", false
		}
		return matchSegment(seg[1:], name[len(t.text):], ns)
	}
	// A variable takes a prefix of name; try the shortest first.
	for n := 0; n <= len(name); n++ {
		val := name[:n]
		nextNS := ns
		if t.text == "NAMESPACE" {
			if ns != "" && ns != val {
				continue
			}
			nextNS = val
		}
		if got, ok := matchSegment(seg[1:], name[n:], nextNS); ok {
			return got, true
		}
	}
	return "", false
}
