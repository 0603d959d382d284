package lint

import (
	"bytes"
	"cmp"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/bmatcuk/doublestar/v4"

	"github.com/eastern-k8s/eastern/checks"
	"github.com/eastern-k8s/eastern/crd"
	"github.com/eastern-k8s/eastern/diag"
	"github.com/eastern-k8s/eastern/engine"
	"github.com/eastern-k8s/eastern/internal/fspath"
	"github.com/eastern-k8s/eastern/manifest"
)

// Target is one render of a run: a root template for a namespace, with
// what applies to it.
type Target struct {
	Template  string
	Namespace string
	// Release is the Kubernetes release its output is checked against.
	Release string
	// Vars are the config's values overlaid with Options.Vars.
	Vars map[string]string
	// RootDir is the render's root directory, "" for the engine's default.
	RootDir string
	// Config is the template's configuration; nil when none applies.
	Config *Config
	// Levels say which checks of package checks run, at what severity.
	Levels checks.Levels
	// OtherVars are the variables the config sets for some namespace:
	// a name that no namespace sets is text for a shell inside a block
	// scalar (engine.Options.OtherVars).
	OtherVars map[string]bool
	// CRDs are the CRDs that --crds and the config name for it; nil when
	// none (the render's own CRDs apply still).
	CRDs *crd.Set

	configChanged bool // a config file that applies to it changed
}

// Plan is what a run renders: every root template × namespace, found as
// eastern lint finds them, and the Cache they share. eastern lint checks
// each target; eastern render --all writes each. Close it when done.
type Plan struct {
	// Targets are by template, then namespace.
	Targets []Target
	// Notes are about the run: skipped files, config warnings.
	Notes diag.Findings
	// Selection says how Options.Changed or Options.Shard narrowed the
	// plan; nil when neither was set.
	Selection *Selection

	opts    Options
	cwd     string
	cache   *engine.Cache
	configs *Configs
	crds    *crdSets
	changed map[string]bool // absolute paths of Options.Changed
	touched []bool          // by target: its render read or probed a changed file
}

// Selection says how many templates of how many a run covers, and why.
type Selection struct {
	// Linted templates, of All that the paths found.
	Linted, All int
	// Reason, for people: "partials/probes.yaml changed", "shard 2/4".
	Reason string
}

// Shard is slice Index (1-based) of Count.
type Shard struct{ Index, Count int }

// MaxShards is the most slices --shard cuts a run into: far more agents
// than a CI fan-out has, few enough that a typo costs no memory.
const MaxShards = 10000

// ParseShard reads "I/N" (--shard).
func ParseShard(s string) (Shard, error) {
	var sh Shard
	var rest string
	if n, err := fmt.Sscanf(s, "%d/%d%s", &sh.Index, &sh.Count, &rest); (n != 2 && err == nil) || (err != nil && n != 2) || sh.Count < 1 || sh.Index < 1 || sh.Index > sh.Count {
		return Shard{}, diag.Usagef("--shard %q: want I/N with 1 ≤ I ≤ N, such as 2/4", s)
	}
	if sh.Count > MaxShards {
		return Shard{}, diag.Usagef("--shard %q: at most %d shards", s, MaxShards)
	}
	return sh, nil
}

// NewPlan finds the targets of a run.
func NewPlan(opts Options) (*Plan, error) {
	cwd, err := engine.WorkDir(opts.WorkDir)
	if err != nil {
		return nil, err
	}
	opts.WorkDir = cwd
	configs := opts.Configs
	if configs == nil {
		configs = forced(cwd, opts.Config)
	}
	for _, ns := range opts.Namespaces {
		if err := manifest.CheckNamespace(ns); err != nil {
			return nil, diag.Usagef("%v", err)
		}
	}
	opts.Namespaces = uniqueInOrder(opts.Namespaces)
	// Templates of one repository load the same partials: discovery and
	// every render read each file once.
	p := &Plan{opts: opts, cwd: cwd, cache: engine.NewCache(), configs: configs, crds: newCRDSets(cwd, opts.CRDs, opts.RootDir)}
	if err := p.build(); err != nil {
		p.Close()
		return nil, err
	}
	return p, nil
}

// Close releases the files the plan holds open.
func (p *Plan) Close() {
	p.cache.Close()
	p.crds.close()
	if p.opts.Configs == nil {
		p.configs.Close()
	}
}

func (p *Plan) build() error {
	d, err := discover(p.opts, p.cwd, p.cache, p.configs)
	if err != nil {
		return err
	}
	p.Notes = d.notes
	roots := d.roots
	all := len(roots)
	var reasons []string
	if p.opts.Changed != nil {
		roots, reasons = p.selectChanged(roots, d)
		d.followRoots(roots)
	}
	// Config warnings come from every root the run covers before it is
	// sharded, so that every shard reports the same ones and their merge
	// is the unsharded report.
	seenNotes := map[*Config]bool{}
	for _, root := range roots {
		cfg, err := p.configs.For(root, d.rootDirs[root])
		if err != nil {
			return err
		}
		if cfg != nil && !seenNotes[cfg] {
			seenNotes[cfg] = true
			p.Notes = append(p.Notes, cfg.Notes...)
		}
	}
	if p.opts.Shard.Count > 0 {
		roots = shard(roots, p.opts.Shard, func(root string) int64 { return d.size(root) })
		reasons = append(reasons, fmt.Sprintf("shard %d/%d", p.opts.Shard.Index, p.opts.Shard.Count))
	}
	if p.opts.Changed != nil || p.opts.Shard.Count > 0 {
		p.Selection = &Selection{Linted: len(roots), All: all, Reason: strings.Join(reasons, "; ")}
	}
	// Every template of a config shares its namespaces' levels.
	type levelKey struct {
		cfg *Config
		ns  string
	}
	resolved := map[levelKey]checks.Levels{}
	levels := func(cfg *Config, ns string) checks.Levels {
		l, ok := resolved[levelKey{cfg, ns}]
		if !ok {
			l = cfg.LevelsFor(ns, p.opts.Checks)
			resolved[levelKey{cfg, ns}] = l
		}
		return l
	}
	otherVars := map[*Config]map[string]bool{}
	var walk reachWalk
	for _, root := range roots {
		cfg, err := p.configs.For(root, d.rootDirs[root])
		if err != nil {
			return err
		}
		others, ok := otherVars[cfg]
		if !ok {
			others = cfg.NamespaceVarNames()
			otherVars[cfg] = others
		}
		namespaces := p.opts.Namespaces
		switch {
		case len(namespaces) > 0:
		case len(cfg.namespaceNames()) > 0:
			namespaces = cfg.namespaceNames()
		default:
			namespaces = d.graph.impliedBy(root, &walk)
		}
		crds, err := p.crds.forTarget(root, cfg, d.rootDirs[root])
		if err != nil {
			return err
		}
		for _, ns := range namespaces {
			p.Targets = append(p.Targets, Target{
				Template: root, Namespace: ns, Release: cfg.ReleaseFor(ns, p.opts.KubeVersion),
				Vars: cfg.VarsFor(ns, p.opts.Vars), RootDir: d.rootDirs[root], Config: cfg, OtherVars: others, CRDs: crds,
				Levels:        levels(cfg, ns),
				configChanged: d.configChanged[root],
			})
		}
	}
	p.Notes = append(p.Notes, p.crds.notes...)
	p.touched = make([]bool, len(p.Targets))
	return nil
}

// Render renders one target, through the plan's cache.
func (p *Plan) Render(t *Target) (*engine.Result, error) { return p.render(t, nil) }

// render is Render into the memory of reuse, a result the caller is done
// with (engine.Options.Reuse).
func (p *Plan) render(t *Target, reuse *engine.Result) (*engine.Result, error) {
	eo := engine.Options{
		Namespace: t.Namespace, Vars: t.Vars, OtherVars: t.OtherVars, RootDir: t.RootDir, Strict: p.opts.Strict, Cache: p.cache, WorkDir: p.cwd,
		MaxLoads: p.opts.MaxLoads, MaxOutput: p.opts.MaxOutput, Reuse: reuse,
	}
	if p.opts.Stdin != nil {
		eo.BaseDir = p.opts.BaseDir
		return engine.Render(bytes.NewReader(p.opts.Stdin), engine.StdinName, eo)
	}
	return engine.RenderFile(t.Template, eo)
}

// Each renders every target on a pool of workers (GOMAXPROCS when
// workers is 0) and calls fn with each result, from the workers: fn must
// be safe to call concurrently for different targets. The renders share
// the plan's cache, so each file is read once.
func (p *Plan) Each(workers int, fn func(i int, t *Target, res *engine.Result, err error)) {
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	workers = min(workers, len(p.Targets))
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= len(p.Targets) {
					return
				}
				t := &p.Targets[i]
				res, err := p.Render(t)
				fn(i, t, res, err)
			}
		})
	}
	wg.Wait()
}

// touches reports whether a render read or probed a changed file.
func (p *Plan) touches(res *engine.Result) bool {
	if res == nil {
		return true
	}
	for _, f := range res.Files {
		if p.changed[fspath.Abs(p.cwd, f)] {
			return true
		}
	}
	for _, pr := range res.Probes {
		if p.changed[fspath.Abs(p.cwd, pr.Path)] {
			return true
		}
	}
	return false
}

// selectChanged keeps the roots whose renders may read or probe a changed
// file, found from the load graph without rendering (each render then
// says exactly which namespaces it touched), and the roots below a changed
// config. It returns the reasons, for the summary.
func (p *Plan) selectChanged(roots []string, d *discovery) ([]string, []string) {
	p.changed = map[string]bool{}
	var abs, rels, configDirs []string
	for _, c := range p.opts.Changed {
		a := fspath.Abs(p.cwd, c)
		abs = append(abs, a)
		p.changed[a] = true
		rels = append(rels, fspath.Display(p.cwd, a))
		if filepath.Base(a) == ConfigFile && !p.configs.force {
			configDirs = append(configDirs, filepath.Dir(a))
		}
		if p.configs.forcedPath != "" && a == p.configs.forcedPath {
			configDirs = append(configDirs, "/") // --config applies to all
		}
	}
	// The files whose renders may read or probe each changed file, found
	// backwards from it: the cost grows with what the change touches, not
	// with the number of roots.
	touching := make([]map[string]bool, len(p.opts.Changed))
	for i, c := range p.opts.Changed {
		touching[i] = d.graph.touching(d.loaders, filepath.Clean(c), rels[i])
	}
	why := map[string]bool{}
	var kept []string
	for _, root := range roots {
		rootAbs := fspath.Abs(p.cwd, root)
		for _, dir := range configDirs {
			if fspath.Within(dir, rootAbs) {
				d.configChanged[root] = true
				name := filepath.Join(dir, ConfigFile)
				if dir == "/" {
					name = p.configs.forcedPath
				}
				why[fspath.Display(p.cwd, name)] = true
			}
		}
		for i := range p.opts.Changed {
			// A changed CRD file changes the verdict on the custom
			// resources of every template it applies to.
			if p.namesCRDFile(root, d.rootDirs[root], abs[i]) {
				d.configChanged[root] = true
				why[rels[i]] = true
			}
		}
		touched := d.configChanged[root]
		for i := range p.opts.Changed {
			if touching[i][root] {
				touched = true
				why[rels[i]] = true
			}
		}
		if touched {
			kept = append(kept, root)
		}
	}
	reasons := slices.Sorted(func(yield func(string) bool) {
		for r := range why {
			if !yield(r) {
				return
			}
		}
	})
	const shown = 3
	switch {
	case len(p.opts.Changed) == 0:
		return kept, []string{"nothing changed"}
	case len(reasons) == 0:
		return kept, []string{"no template reads " + plural(len(p.opts.Changed), "the changed file", "the %d changed files")}
	case len(reasons) > shown:
		return kept, []string{strings.Join(reasons[:shown], ", ") + fmt.Sprintf(" and %d more changed", len(reasons)-shown)}
	}
	return kept, []string{strings.Join(reasons, ", ") + " changed"}
}

// namesCRDFile reports whether abs is one of the CRD files that --crds or
// the config of root name: the file, below the directory, or matched by
// the glob.
func (p *Plan) namesCRDFile(root, rootDir, abs string) bool {
	if crdPathsName(p.cwd, p.opts.CRDs, abs) {
		return true
	}
	cfg, err := p.configs.For(root, rootDir)
	return err == nil && cfg != nil && cfg.Dir != "" && crdPathsName(cfg.Dir, cfg.CRDs, abs)
}

func crdPathsName(base string, paths []string, abs string) bool {
	for _, path := range paths {
		full := fspath.Abs(base, path)
		if isGlob(path) {
			if ok, _ := doublestar.Match(filepath.ToSlash(full), filepath.ToSlash(abs)); ok {
				return true
			}
		} else if fspath.Within(full, abs) {
			return true
		}
	}
	return false
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return fmt.Sprintf(many, n)
}

// shard returns slice sh of roots: the roots, largest first, go each to
// the slice with the least size so far (the lowest index on a tie), so
// that slices take about as long and the split depends only on the roots
// and their sizes. The slice keeps the roots' order.
func shard(roots []string, sh Shard, size func(string) int64) []string {
	order := slices.Clone(roots)
	sizes := make(map[string]int64, len(roots))
	for _, r := range roots {
		sizes[r] = size(r)
	}
	slices.SortStableFunc(order, func(a, b string) int {
		return cmp.Or(cmp.Compare(sizes[b], sizes[a]), strings.Compare(a, b))
	})
	load := make([]int64, sh.Count)
	mine := map[string]bool{}
	for _, r := range order {
		best := 0
		for i := range load {
			if load[i] < load[best] {
				best = i
			}
		}
		load[best] += max(sizes[r], 1)
		if best == sh.Index-1 {
			mine[r] = true
		}
	}
	var out []string
	for _, r := range roots {
		if mine[r] {
			out = append(out, r)
		}
	}
	return out
}

// sizeOf is the bytes a root's render reads at most: the sizes of the
// files it may load, each once.
func (d *discovery) size(root string) int64 {
	var n int64
	for _, f := range d.reach(root) {
		if info, err := os.Stat(fspath.Abs(d.cwd, f)); err == nil {
			n += info.Size()
		}
	}
	return n
}
