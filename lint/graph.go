package lint

import (
	"maps"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/eastern-k8s/eastern/engine"
	"github.com/eastern-k8s/eastern/manifest"
)

// loadGraph is what the templates' directives say about each other, found
// without rendering: which file may load which (for any namespace and any
// variable values), and which namespaces the `${NAMESPACE}` candidates imply
// through the files that exist on disk. It reads through engine.Trees, so
// discovery obeys the render's rules: it reads and lists nothing outside a
// template's root directory and opens nothing but regular files.
type loadGraph struct {
	// loads maps a file's cleaned path to the existing files its directives
	// could load, sorted.
	loads map[string][]string
	// namespaces maps a file to the values of ${NAMESPACE} for which its
	// directives name an existing file.
	namespaces map[string][]string
	// patterns maps a file to its directives' candidates, as patterns with
	// every variable open: what it might read or probe, existing or not.
	patterns map[string][]engine.Pattern
	disk     *diskIndex
	expanded map[expandKey][]expansion
	// candidates remembers what each candidate, as written in a
	// directory, may load: the templates of one directory load the same
	// partials.
	candidates map[candidateKey]*candidateScan
	scans      []*candidateScan // follow's scratch space

	// What lint --changed needs (scanForChanges): walked lets a
	// candidate whose matches are all templates the walks found go
	// unexpanded, and index finds the candidates that could name a path.
	walked *walkMap
	index  *patternIndex
	// ownTree, when set, gives the tree of a matched file, which it is
	// read in however it is reached; others are read in their loader's.
	ownTree func(string) *engine.Tree
	names   []string // segments' scratch space
	// uncached: files are read without keeping them in the Cache, for a
	// graph of every file that only a few renders follow
	// (engine.Tree.ScanDirectives).
	uncached bool
}

type candidateKey struct {
	tree      *engine.Tree
	dir, text string
}

// candidateScan is what follow finds for one candidate.
type candidateScan struct {
	open       engine.Pattern // every variable open
	targets    []string       // the existing files it may name
	namespaces []string       // the namespaces it implies with the set variables
	// lexical: targets and namespaces were not looked for, because every
	// file open could name is a template the walks found and read
	// (walkMap.covers): its edges are the templates' paths it matches.
	lexical bool
	owners  []string // the files with the candidate, when the graph has an index
}

// candidate scans candidate c of a file in dir (vars are the walk's, the
// same for every file), once per tree, directory and text.
func (g *loadGraph) candidate(t *engine.Tree, dir, c string, vars map[string]string) *candidateScan {
	dir, c = climb(dir, c)
	key := candidateKey{t, dir, c}
	if cs, ok := g.candidates[key]; ok {
		return cs
	}
	cs := &candidateScan{open: engine.CandidatePattern(dir, c, nil)}
	if g.walked != nil && g.walked.covers(t.WorkDir(), t.Root(), cs.open) {
		cs.lexical = true
		g.candidates[key] = cs
		return cs
	}
	open := g.expand(t, cs.open)
	for _, e := range open {
		cs.targets = append(cs.targets, e.path)
	}
	set := open
	if len(vars) > 0 {
		set = g.expand(t, engine.CandidatePattern(dir, c, vars))
	}
	for _, e := range set {
		if e.namespace != "" && manifest.CheckNamespace(e.namespace) == nil {
			cs.namespaces = append(cs.namespaces, e.namespace)
		}
	}
	g.candidates[key] = cs
	return cs
}

// climb moves the leading "../" of candidate c up from dir, as the
// renderer's join and clean of the two would: apps/web with
// ../../partials/x.yaml is . with partials/x.yaml, so that the candidates
// of many directories naming one shared partial are scanned once.
// dir is clean, so its parent is what precedes its last '/': no Clean
// (the most frequent call of a scan) is needed.
func climb(dir, c string) (string, string) {
	for strings.HasPrefix(c, "../") && !strings.HasPrefix(c[len("../"):], "/") {
		i := strings.LastIndexByte(dir, '/')
		base := dir[i+1:]
		if base == "" || base == "." || base == ".." {
			break // "/", ".", "..", or a path ending in them
		}
		switch {
		case i < 0:
			dir = "."
		case i == 0:
			dir = "/"
		default:
			dir = dir[:i]
		}
		c = c[len("../"):]
	}
	return dir, c
}

type expandKey struct {
	tree    *engine.Tree
	pattern string // pattern.String()
}

// scanLoads reads the directives of files and, transitively, of every file
// they could load, each file in the tree treeOf gives it (its render's root
// directory) and a loaded file in the tree of the file that loads it. The
// load graph covers every value of every variable, so that a partial stays
// a partial whatever -s says; the implied namespaces come only from files
// the set variables (vars) allow: with -s REGION=eu, r-${NAMESPACE}-${REGION}.yaml
// finds namespaces in r-*-eu.yaml alone.
func scanLoads(files []string, vars map[string]string, treeOf func(string) *engine.Tree) *loadGraph {
	return scanLoadsWith(newLoadGraph(), files, vars, treeOf, nil)
}

func scanLoadsWith(g *loadGraph, files []string, vars map[string]string, treeOf, ownTree func(string) *engine.Tree) *loadGraph {
	g.ownTree = ownTree
	g.loads = make(map[string][]string, len(files))
	g.candidates = make(map[candidateKey]*candidateScan, len(files))
	queue := make([]scanItem, 0, len(files))
	for _, f := range files {
		if t := treeOf(f); t != nil {
			queue = append(queue, scanItem{f, t})
		}
	}
	g.walk(queue, vars)
	return g
}

// scanDirectives is scanLoads for a template that is no file (one read
// from standard input): its directives, with load paths from dir.
func scanDirectives(directives []engine.Directive, dir string, vars map[string]string, t *engine.Tree) *loadGraph {
	g := newLoadGraph()
	var queue []scanItem
	for _, target := range g.follow(engine.StdinName, directives, dir, vars, t) {
		queue = append(queue, scanItem{target, t})
	}
	g.walk(queue, vars)
	return g
}

// scanForChanges is scanLoads for lint --changed, which needs what may
// load a changed file rather than what each file loads: the graph keeps an
// index of the candidates and who has them, and leaves unexpanded the
// candidates that walked shows to name templates only (nil: none).
func scanForChanges(files []string, vars map[string]string, treeOf func(string) *engine.Tree, walked *walkMap) *loadGraph {
	g := newLoadGraph()
	g.walked = walked
	g.uncached = true
	g.index = &patternIndex{byName: map[string][]*candidateScan{}, other: map[int][]*candidateScan{}}
	scanLoadsWith(g, files, vars, treeOf, nil)
	for _, cs := range g.candidates {
		g.index.add(cs)
	}
	return g
}

// scanRoots is scanLoads from roots alone: what they may load, with
// matched files (ownTree) read in their own trees as scanLoads reads them.
func scanRoots(roots []string, vars map[string]string, treeOf, ownTree func(string) *engine.Tree) *loadGraph {
	return scanLoadsWith(newLoadGraph(), roots, vars, treeOf, ownTree)
}

func newLoadGraph() *loadGraph {
	return &loadGraph{
		loads:      map[string][]string{},
		namespaces: map[string][]string{},
		patterns:   map[string][]engine.Pattern{},
		disk:       &diskIndex{lists: map[dirKey][]engine.Entry{}},
		expanded:   map[expandKey][]expansion{},
		candidates: map[candidateKey]*candidateScan{},
	}
}

// scanItem is a file to scan and the tree it is read from.
type scanItem struct {
	file string
	tree *engine.Tree
}

// walk scans the files of queue and every file they may load, a round at
// a time: the files of a round are read and their directives listed on
// every core (reading is most of discovery's time and shares nothing but
// the Cache) while this goroutine follows them one by one, in order, so
// that the graph does not depend on the scheduling.
func (g *loadGraph) walk(queue []scanItem, vars map[string]string) {
	// queued holds every file a round has taken, so that the thousands of
	// roots naming one partial queue it once.
	queued := make(map[string]bool, len(queue))
	round := queue[:0:0]
	for _, it := range queue {
		if _, done := g.loads[it.file]; !done && !queued[it.file] {
			queued[it.file] = true
			round = append(round, it)
		}
	}
	for len(round) > 0 {
		var next []scanItem
		eachDirectives(round, g.uncached, func(it scanItem, directives []engine.Directive, err error) {
			if err != nil {
				// The render of a root reports unreadable files and
				// escapes with the directive that loads them; discovery
				// just moves on.
				g.loads[it.file] = nil
				return
			}
			targets := g.follow(it.file, directives, filepath.Dir(it.file), vars, it.tree)
			g.loads[it.file] = targets
			for _, t := range targets {
				if !queued[t] {
					queued[t] = true
					tree := it.tree
					if g.ownTree != nil {
						if own := g.ownTree(t); own != nil {
							tree = own
						}
					}
					next = append(next, scanItem{t, tree})
				}
			}
		})
		round = next
	}
}

// eachDirectives calls fn with the directives of each item's file, in the
// order of items, from the calling goroutine; the files are read ahead of
// it on every core, through the Cache unless uncached.
func eachDirectives(items []scanItem, uncached bool, fn func(scanItem, []engine.Directive, error)) {
	type listed struct {
		i          int
		directives []engine.Directive
		err        error
	}
	results := make(chan listed, 64)
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(items)) {
		wg.Go(func() {
			var buf []byte // uncached reads go into one buffer per worker
			for {
				i := int(next.Add(1)) - 1
				if i >= len(items) {
					return
				}
				var ds []engine.Directive
				var err error
				if uncached {
					ds, buf, err = items[i].tree.ScanDirectives(items[i].file, buf)
				} else {
					ds, err = items[i].tree.Directives(items[i].file)
				}
				results <- listed{i, ds, err}
			}
		})
	}
	go func() {
		wg.Wait()
		close(results)
	}()
	// Workers take items in order, so few arrive early: they wait here.
	early := map[int]listed{}
	want := 0
	for r := range results {
		early[r.i] = r
		for {
			r, ok := early[want]
			if !ok {
				break
			}
			delete(early, want)
			fn(items[want], r.directives, r.err)
			want++
		}
	}
}

// follow returns the files directives (of file, in dir) may load, and
// records the namespaces their ${NAMESPACE} candidates imply and the
// candidates themselves.
func (g *loadGraph) follow(file string, directives []engine.Directive, dir string, vars map[string]string, t *engine.Tree) []string {
	scans := g.scans[:0]
	nTargets, nNamespaces := 0, 0
	for _, d := range directives {
		for _, c := range d.Candidates {
			cs := g.candidate(t, dir, c, vars)
			scans = append(scans, cs)
			nTargets += len(cs.targets)
			nNamespaces += len(cs.namespaces)
			if g.index != nil && (len(cs.owners) == 0 || cs.owners[len(cs.owners)-1] != file) {
				cs.owners = append(cs.owners, file)
			}
		}
	}
	g.scans = scans
	if g.index != nil {
		// The index holds the candidates: only the targets are needed.
		targets := make([]string, 0, nTargets)
		for _, cs := range scans {
			targets = append(targets, cs.targets...)
		}
		return slices.Clip(uniquePaths(targets))
	}
	n := len(scans)
	// Sized to fit: the graph holds the patterns and targets of every file
	// of the tree until discovery ends, its peak of memory.
	patterns := make([]engine.Pattern, 0, n)
	targets := make([]string, 0, nTargets)
	namespaces := make([]string, 0, nNamespaces)
	for _, cs := range scans {
		patterns = append(patterns, cs.open)
		targets = append(targets, cs.targets...)
		namespaces = append(namespaces, cs.namespaces...)
	}
	if n > 0 {
		if seen := g.patterns[file]; seen != nil {
			patterns = append(seen, patterns...)
		}
		g.patterns[file] = patterns
	}
	if len(namespaces) > 0 {
		slices.Sort(namespaces)
		g.namespaces[file] = slices.Compact(namespaces)
	}
	return slices.Clip(uniquePaths(targets))
}

// reach returns file and every file it may load, directly or through
// others, sorted.
func (g *loadGraph) reach(file string) []string {
	seen := map[string]bool{file: true}
	queue := []string{file}
	for len(queue) > 0 {
		f := queue[0]
		queue = queue[1:]
		for _, t := range g.loads[f] {
			if !seen[t] {
				seen[t] = true
				queue = append(queue, t)
			}
		}
	}
	out := slices.Collect(maps.Keys(seen))
	slices.Sort(out)
	return out
}

func (g *loadGraph) expand(t *engine.Tree, p engine.Pattern) []expansion {
	key := expandKey{t, p.String()}
	if es, ok := g.expanded[key]; ok {
		return es
	}
	es := g.disk.expand(t, p)
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

// reachWalk is the scratch space of impliedBy, reused from root to root:
// seen marks the files of the current walk with its number.
type reachWalk struct {
	walk       int
	seen       map[string]int
	queue, out []string
	lists      map[string][]string // the lists impliedBy returned, to share
}

// impliedBy returns "default" and every namespace that the ${NAMESPACE}
// candidates of the files root reaches (itself and what it may load) find
// on disk, sorted with default first: app A's overrides/x-prod.yaml says
// nothing about app B. A lint run asks it for each of thousands of roots:
// it neither lists nor sorts the reach, and roots with the same
// namespaces share one list.
func (g *loadGraph) impliedBy(root string, w *reachWalk) []string {
	if w.seen == nil {
		w.seen, w.lists = map[string]int{}, map[string][]string{}
	}
	w.walk++
	w.seen[root] = w.walk
	w.queue = append(w.queue[:0], root)
	w.out = w.out[:0]
	for len(w.queue) > 0 {
		f := w.queue[len(w.queue)-1]
		w.queue = w.queue[:len(w.queue)-1]
		for _, ns := range g.namespaces[f] {
			if ns != engine.DefaultNamespace {
				w.out = append(w.out, ns)
			}
		}
		for _, t := range g.loads[f] {
			if w.seen[t] != w.walk {
				w.seen[t] = w.walk
				w.queue = append(w.queue, t)
			}
		}
	}
	slices.Sort(w.out)
	w.out = slices.Compact(w.out)
	key := strings.Join(w.out, "\x00")
	if list, ok := w.lists[key]; ok {
		return list
	}
	list := append([]string{engine.DefaultNamespace}, w.out...)
	w.lists[key] = list
	return list
}

// loaders inverts loads: for each file, the files that may load it.
func (g *loadGraph) loaders() map[string][]string {
	out := make(map[string][]string, len(g.loads))
	for f, targets := range g.loads {
		for _, t := range targets {
			if t != f {
				out[t] = append(out[t], f)
			}
		}
	}
	return out
}

// patternMatches reports whether the clean pattern p could name the path
// whose segments are names.
func patternMatches(p engine.Pattern, names []string) bool {
	if len(p) != len(names) {
		return false
	}
	ns := ""
	for i, seg := range p {
		var ok bool
		if ns, ok = matchSegment(seg, names[i], ns); !ok {
			return false
		}
	}
	return true
}

// expansion is one existing file a pattern could produce, with the value
// ${NAMESPACE} takes to produce it ("" when the pattern has none).
type expansion struct {
	path      string
	namespace string
}

// diskIndex keeps the directory listings that expanding patterns needs,
// by tree, so that thousands of patterns over the same override
// directories cost one listing each.
type diskIndex struct {
	lists map[dirKey][]engine.Entry
}

type dirKey struct {
	tree *engine.Tree
	dir  string
}

func (d *diskIndex) list(t *engine.Tree, dir string) []engine.Entry {
	key := dirKey{t, dir}
	if l, ok := d.lists[key]; ok {
		return l
	}
	l := t.Entries(dir)
	d.lists[key] = l
	return l
}

// isFile reports whether dir holds a regular file (or a symlink to one
// inside the root) called name: one listing of dir answers every name in
// it, where asking for each name would cost a lookup apiece.
func (d *diskIndex) isFile(t *engine.Tree, dir, name string) bool {
	l := d.list(t, dir)
	i, found := slices.BinarySearchFunc(l, name, func(e engine.Entry, name string) int { return strings.Compare(e.Name, name) })
	return found && l[i].File
}

// expand returns the existing regular files p could name, walking its
// segments: a literal segment is looked up, a segment with variables is
// matched against the directory's entries (a variable matches any text
// without '/').
func (d *diskIndex) expand(t *engine.Tree, p engine.Pattern) []expansion {
	type state struct {
		path string
		ns   string
	}
	var start string
	if p.Absolute() {
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
			if len(seg) == 1 && !seg[0].Var {
				name := seg[0].Text
				if name == "." || name == ".." || name == "" {
					next = append(next, state{filepath.Join(dir, name), st.ns})
					continue
				}
				// A directory on the way needs no look: a path through
				// nothing lists nothing, and ancestors of the root (of an
				// absolute path) are not the tree's to list.
				if !last || d.isFile(t, dir, name) {
					next = append(next, state{joinPath(st.path, name), st.ns})
				}
				continue
			}
			for _, e := range d.list(t, dir) {
				if last && !e.File || !last && !e.Dir {
					continue
				}
				if ns, ok := matchSegment(seg, e.Name, st.ns); ok {
					next = append(next, state{joinPath(st.path, e.Name), ns})
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
// returned ns is its value after this segment. Other variables match any
// text. Where ${NAMESPACE} could take several values, it takes the one that
// starts earliest, then the shortest. Matching never backtracks: each step
// works on the set of positions in name that the tokens so far can reach,
// so six adjacent variables and a long name cost what one does.
func matchSegment(seg engine.PatternSegment, name, ns string) (string, bool) {
	first := slices.IndexFunc(seg, isNamespace)
	if first < 0 || ns != "" {
		return ns, matches(seg, name, ns)
	}
	starts := reach(seg[:first], name, "", positions(len(name), 0))
	rest := seg[first+1:]
	if !slices.ContainsFunc(rest, isNamespace) {
		// The rest does not depend on the value: where can it begin?
		ends := reachBack(rest, name)
		for s := range starts {
			if starts[s] {
				for e := s; e <= len(name); e++ {
					if ends[e] {
						return name[s:e], true
					}
				}
			}
		}
		return "", false
	}
	// ${NAMESPACE} again later in the segment: each value must be tried.
	// That is cubic in the name's length, so it is bounded: past the
	// budget the segment matches nothing, which only ever leaves a
	// namespace unimplied. Real names are short; this is for hostile ones.
	budget := matchBudget
	for s := range starts {
		if !starts[s] {
			continue
		}
		for e := s; e <= len(name); e++ {
			if budget -= (len(name) - e + 1) * len(rest); budget < 0 {
				return "", false
			}
			if matches(rest, name[e:], name[s:e]) {
				return name[s:e], true
			}
		}
	}
	return "", false
}

// matchBudget bounds the positions matchSegment may visit for one name
// when ${NAMESPACE} stands twice in a segment: a 40-character name takes
// about a hundredth of it.
const matchBudget = 1 << 18

func isNamespace(t engine.PatternPart) bool { return t.Var && t.Text == "NAMESPACE" }

// matches reports whether seg matches all of name, with ${NAMESPACE} as
// the literal ns.
func matches(seg engine.PatternSegment, name, ns string) bool {
	return reach(seg, name, ns, positions(len(name), 0))[len(name)]
}

// positions returns a set of positions 0…n holding only p.
func positions(n, p int) []bool {
	set := make([]bool, n+1)
	set[p] = true
	return set
}

// reach returns the positions of name that seg can reach from the
// positions in from: a literal moves past itself where name has it, a
// variable reaches every position from the first one reached on (it takes
// any text). ${NAMESPACE} is the literal ns.
func reach(seg engine.PatternSegment, name, ns string, from []bool) []bool {
	cur := from
	for _, t := range seg {
		next := make([]bool, len(name)+1)
		if t.Var && !isNamespace(t) {
			if p := slices.Index(cur, true); p >= 0 {
				for q := p; q <= len(name); q++ {
					next[q] = true
				}
			}
		} else {
			lit := t.Text
			if t.Var {
				lit = ns
			}
			reached := false
			for p, ok := range cur {
				if ok && strings.HasPrefix(name[p:], lit) {
					next[p+len(lit)] = true
					reached = true
				}
			}
			if !reached {
				return next // nothing left to reach: the rest cannot match
			}
		}
		cur = next
	}
	return cur
}

// reachBack returns the positions of name from which seg, which has no
// ${NAMESPACE}, matches the rest of name.
func reachBack(seg engine.PatternSegment, name string) []bool {
	cur := positions(len(name), len(name))
	for i := len(seg) - 1; i >= 0; i-- {
		t := seg[i]
		next := make([]bool, len(name)+1)
		if t.Var {
			last := len(cur) - 1
			for last >= 0 && !cur[last] {
				last--
			}
			for p := 0; p <= last; p++ {
				next[p] = true
			}
		} else {
			for p := 0; p+len(t.Text) <= len(name); p++ {
				if cur[p+len(t.Text)] && strings.HasPrefix(name[p:], t.Text) {
					next[p] = true
				}
			}
		}
		cur = next
	}
	return cur
}
