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
	expanded   map[string][]expansion // by candidate pattern
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
				set := substituteVars(c, vars)
				if !filepath.IsAbs(c) {
					c = filepath.Join(dir, c)
				}
				if !filepath.IsAbs(set) {
					set = filepath.Join(dir, set)
				}
				for _, e := range g.expand(c) {
					targets = append(targets, e.path)
				}
				for _, e := range g.expand(set) {
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

func (g *loadGraph) expand(pattern string) []expansion {
	if es, ok := g.expanded[pattern]; ok {
		return es
	}
	es := g.disk.expand(parsePattern(pattern))
	g.expanded[pattern] = es
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
// literal text and variable references.
type pattern [][]token

type token struct {
	text  string // literal text, or the variable name when isVar
	isVar bool
}

// parsePattern splits a candidate into segments and finds its references
// with the engine's syntax: ${NAME}, ${NAME:-fallback}, and $${NAME} for a
// literal ${NAME}.
func parsePattern(s string) pattern {
	var p pattern
	for seg := range strings.SplitSeq(s, "/") {
		p = append(p, parseSegment(seg))
	}
	return p
}

func parseSegment(s string) []token {
	var toks []token
	var lit strings.Builder
	for i := 0; i < len(s); {
		if s[i] != '$' {
			lit.WriteByte(s[i])
			i++
			continue
		}
		if strings.HasPrefix(s[i:], "$${") {
			if name, size := reference(s[i+1:]); name != "" {
				lit.WriteString(s[i+1 : i+1+size])
				i += 1 + size
				continue
			}
		}
		name, size := reference(s[i:])
		if name == "" {
			lit.WriteByte('$')
			i++
			continue
		}
		if lit.Len() > 0 {
			toks = append(toks, token{text: lit.String()})
			lit.Reset()
		}
		toks = append(toks, token{text: name, isVar: true})
		i += size
	}
	if lit.Len() > 0 || len(toks) == 0 {
		toks = append(toks, token{text: lit.String()})
	}
	return toks
}

// reference reads ${NAME} or ${NAME:-fallback} at the start of s and returns
// the name and the reference's length; name is "" for anything else.
func reference(s string) (name string, size int) {
	if len(s) < 4 || s[0] != '$' || s[1] != '{' || !isNameStart(s[2]) {
		return "", 0
	}
	i := 3
	for i < len(s) && isNameByte(s[i]) {
		i++
	}
	switch {
	case i < len(s) && s[i] == '}':
		return s[2:i], i + 1
	case strings.HasPrefix(s[i:], ":-"):
		if j := strings.IndexByte(s[i:], '}'); j >= 0 {
			return s[2:i], i + j + 1
		}
	}
	return "", 0
}

// substituteVars replaces the references in candidate to variables that
// vars sets, except ${NAMESPACE}, with their values as the engine would;
// references to unset variables stay, to match any text. A value is
// inserted literally: a reference inside it is escaped.
func substituteVars(candidate string, vars map[string]string) string {
	if len(vars) == 0 || !strings.Contains(candidate, "${") {
		return candidate
	}
	var b strings.Builder
	for i := 0; i < len(candidate); {
		s := candidate[i:]
		if strings.HasPrefix(s, "$${") {
			if name, size := reference(s[1:]); name != "" {
				b.WriteString(s[:1+size]) // an escaped reference stays escaped
				i += 1 + size
				continue
			}
		}
		name, size := reference(s)
		if name == "" {
			b.WriteByte(s[0])
			i++
			continue
		}
		if value, ok := vars[name]; ok && name != "NAMESPACE" {
			if fallback, has := strings.CutPrefix(s[2+len(name):size-1], ":-"); has && value == "" {
				value = fallback // the engine's rule for ${NAME:-fallback}
			}
			b.WriteString(escapeReferences(value))
		} else {
			b.WriteString(s[:size])
		}
		i += size
	}
	return b.String()
}

// escapeReferences doubles the '$' of every reference in s, so that
// parsePattern reads s as literal text.
func escapeReferences(s string) string {
	if !strings.Contains(s, "${") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if name, _ := reference(s[i:]); name != "" {
			b.WriteByte('$')
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func isNameStart(c byte) bool { return c == '_' || (c|0x20 >= 'a' && c|0x20 <= 'z') }

func isNameByte(c byte) bool {
	return isNameStart(c) || (c >= '0' && c <= '9') || c == '.' || c == '-'
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
