// Package lint checks eastern templates offline: it finds the root templates
// among the files it is given, renders each for every namespace, and checks
// the output against the schemas of that namespace's Kubernetes release.
// Every finding points at a template line, never at the rendered output.
//
// The pipeline is discovery (discover.go, graph.go: paths → root templates
// and implied namespaces; for --changed, walkmap.go and touch.go find what
// a change touches without the whole graph), configuration (config.go,
// configs.go: .eastern.yaml), selection (plan.go: --changed, --shard), and
// checking (check.go: one render → findings), run here over a worker pool.
package lint

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/eastern-k8s/eastern/checks"
	"github.com/eastern-k8s/eastern/diag"
	"github.com/eastern-k8s/eastern/engine"
	"github.com/eastern-k8s/eastern/internal/fspath"
	"github.com/eastern-k8s/eastern/internal/outdir"
	"github.com/eastern-k8s/eastern/schema"
	"github.com/hashicorp/go-multierror"
)

// Options say what to lint and how.
type Options struct {
	// Paths are files, directories and doublestar globs; "." when empty.
	// Matched files that another matched file loads are partials and are
	// not linted on their own. Files that eastern render --all wrote into
	// an --output-dir, which its manifest lists, are not templates unless
	// named on their own.
	Paths []string
	// Templates are globs naming the root templates explicitly; when set,
	// Paths must be empty and no partials are inferred.
	Templates []string
	// Namespaces to render every template for. When empty: those the
	// template's config lists, else "default" plus every namespace that
	// the ${NAMESPACE} candidates of the template and what it loads find on
	// disk, with the variables Vars sets filled in.
	Namespaces []string
	// Configs finds each template's configuration; when nil, Config (which
	// may be nil too) serves every template.
	Configs *Configs
	Config  *Config
	// KubeVersion is the release for every namespace ("1.29"); when empty,
	// the config decides, else schema.Newest().
	KubeVersion string
	// Vars, RootDir and Strict are passed to the engine as for eastern
	// render. Vars win over the config's values.
	Vars    map[string]string
	RootDir string
	Strict  bool
	// StrictKinds makes kinds without a schema errors.
	StrictKinds bool
	// CRDs are files, directories and doublestar globs of
	// CustomResourceDefinitions (--crds), relative to WorkDir and beneath
	// the root directory, that custom resources are checked against
	// besides those of the render itself and of the config's crds.
	CRDs []string
	// HandOverCEL stops the run at the first render whose CRDs have
	// x-kubernetes-validations rules that this build, without CEL
	// (crd.Evaluates is false), cannot evaluate, so that the caller can
	// hand the whole run to a build that can (eastern-cluster):
	// Result.NeedsCEL says so, and the result is then incomplete.
	HandOverCEL bool
	// WorkDir is where relative paths start, as in engine.Options; the
	// process's working directory when empty.
	WorkDir string
	// Workers is how many renders run at once; GOMAXPROCS when 0.
	Workers int
	// MaxLoads and MaxOutput bound each render, as in engine.Options.
	MaxLoads  int
	MaxOutput int64
	// Stdin, when not nil, is the one template to lint (eastern lint -),
	// read from standard input and named engine.StdinName; its load!
	// paths resolve from BaseDir (the working directory when empty), as
	// for eastern render -. Paths and Templates must then be empty.
	Stdin   []byte
	BaseDir string
	// Changed, when not nil, limits the run to what a change touches: the
	// template × namespace renders that read or probe one of these files
	// (paths relative to WorkDir, or absolute; added, changed or deleted),
	// and every template below a changed config file.
	Changed []string
	// Shard, when its Count is not zero, limits the run to one of Count
	// slices of the templates, balanced by size.
	Shard Shard
	// Checks are --checks' settings, over every configuration's checks
	// block; the zero Block leaves the configuration (and the built-in
	// severities) alone.
	Checks checks.Block
	// Skip are absolute directories whose files are not templates unless
	// named on their own: eastern render --all's output directory. Each
	// one found there but those an earlier run wrote gets a lint.skipped
	// warning.
	Skip []string
	// Exclude are doublestar globs of files that are not templates,
	// relative to WorkDir (eastern lint --exclude): a file matching one,
	// or inside a directory matching one, is left out even when named on
	// its own.
	Exclude []string
}

// Result is everything one lint run found.
type Result struct {
	// Templates are the root templates linted, sorted.
	Templates []string
	// Namespaces are the namespaces any template was rendered for, in the
	// order the checks first name them.
	Namespaces []string
	// Objects counts the Kubernetes objects of every successful render;
	// ByCRD of them were checked against a CRD, and Skipped were of a kind
	// with neither a schema nor a CRD.
	Objects, ByCRD, Skipped int
	// Suppressed counts the findings that ignore comments silenced.
	Suppressed int
	// NeedsCEL: a CRD of the run has rules this build does not evaluate
	// (crd.Cache.NeedsCEL). With Options.HandOverCEL the run stopped there.
	NeedsCEL bool
	// Checks holds one entry per template × namespace: by root template,
	// then namespace in the order the template's namespaces come.
	Checks []diag.Check
	// Notes are about the run rather than one check: matched files that
	// were skipped, such as a named pipe that a glob matched.
	Notes diag.Findings
	// Selection says how Changed or Shard narrowed the run; nil when
	// neither was set.
	Selection *Selection
}

// Findings returns the notes, then every check's findings in Checks
// order: by root template, namespace, then template position. A finding
// that several namespaces' renders gave comes once, with the first of
// them.
func (r *Result) Findings() diag.Findings {
	all := slices.Clone(r.Notes)
	for i := range r.Checks {
		c := &r.Checks[i]
		for _, f := range c.Findings {
			if FirstIn(f, c) {
				all = append(all, f)
			}
		}
	}
	return all
}

// Run lints. Its error is for the run as a whole — a bad argument (a
// *diag.UsageError), an unreadable directory, schema data that cannot be
// loaded; problems in templates are findings.
func Run(opts Options) (*Result, error) {
	p, err := NewPlan(opts)
	if err != nil {
		return nil, err
	}
	defer p.Close()
	if err := loadSchemas(p.Targets); err != nil {
		return nil, err
	}
	checks := make([]diag.Check, len(p.Targets))
	runChecks(checks, p)
	res := &Result{Notes: p.Notes, Selection: p.Selection, NeedsCEL: p.crds.cache.NeedsCEL()}
	if res.NeedsCEL && opts.HandOverCEL {
		return res, nil
	}
	for i, c := range checks {
		if p.changed != nil && !p.touched[i] && !p.Targets[i].configChanged {
			continue // rendered, but the change is not in what it read
		}
		res.Checks = append(res.Checks, c)
		res.Objects += len(c.Objects)
		res.ByCRD += c.ByCRD
		res.Skipped += c.Skipped
		res.Suppressed += c.Suppressed
		if n := len(res.Templates); n == 0 || res.Templates[n-1] != c.Template {
			res.Templates = append(res.Templates, c.Template)
		}
		if !slices.Contains(res.Namespaces, c.Namespace) {
			res.Namespaces = append(res.Namespaces, c.Namespace)
		}
	}
	if p.Selection != nil && p.changed != nil {
		p.Selection.Linted = len(res.Templates)
	}
	mergeNamespaces(res.Checks)
	return res, nil
}

// discovery is what discover found.
type discovery struct {
	cwd   string
	roots []string
	// rootDirs maps each matched file to its renders' root directory; ""
	// (or absent) for the engine's default.
	rootDirs      map[string]string
	graph         *loadGraph
	notes         diag.Findings // matched files that were skipped
	configChanged map[string]bool
	reaches       map[string][]string

	treeOf, ownTree func(string) *engine.Tree
	vars            map[string]string
	loaders         map[string][]string // of graph, for lint --changed
}

// reach is graph.reach, remembered.
func (d *discovery) reach(root string) []string {
	r, ok := d.reaches[root]
	if !ok {
		r = d.graph.reach(root)
		d.reaches[root] = r
	}
	return r
}

// discover finds the root templates, the root directory of each matched
// file's renders and the load graph; files that a config excludes are
// left out unless named on their own.
func discover(opts Options, cwd string, cache *engine.Cache, configs *Configs) (*discovery, error) {
	d := &discovery{cwd: cwd, configChanged: map[string]bool{}, reaches: map[string][]string{}}
	if opts.Stdin != nil {
		if len(opts.Templates) > 0 || len(opts.Paths) > 0 {
			return nil, diag.Usagef("a template on standard input is linted alone: no PATH or --template with it")
		}
		if opts.Changed != nil {
			return nil, diag.Usagef("a template on standard input is linted as it is: no --changed with it")
		}
		base := opts.BaseDir
		if base == "" {
			base = "."
		}
		root := opts.RootDir
		if root == "" {
			root = base
		}
		d.graph = newLoadGraph()
		if t, err := cache.Tree(cwd, fspath.Abs(cwd, root), opts.MaxOutput); err == nil {
			// A root that cannot be opened is the render's to report.
			d.graph = scanDirectives(engine.Directives(opts.Stdin), base, opts.Vars, t)
		}
		d.roots = []string{engine.StdinName}
		d.rootDirs = map[string]string{engine.StdinName: opts.RootDir}
		return d, nil
	}
	if opts.BaseDir != "" {
		return nil, diag.Usagef("--base-dir applies only to a template read from standard input")
	}
	if len(opts.Templates) > 0 && len(opts.Paths) > 0 {
		return nil, diag.Usagef("give either PATH arguments or --template, not both")
	}
	explicit := len(opts.Templates) > 0
	args := opts.Templates
	if !explicit {
		args = opts.Paths
		if len(args) == 0 {
			args = []string{"."}
		}
	}
	exclude, err := newExcludeFlag(opts.Exclude)
	if err != nil {
		return nil, err
	}
	files, bases, walked, notes, err := expandPaths(cwd, args, configFile(cwd, configs))
	if err != nil {
		return nil, err
	}
	d.notes = notes
	d.rootDirs = rootDirsFor(files, bases, opts.RootDir, cwd)
	kept := files[:0]
	charts := map[string]bool{}
	fd := finder{workDir: cwd, chartTemplates: map[string]bool{}}
	archives := newArchives(cwd)
	// Whether --skip leaves out the files of a directory: the files of
	// one directory share the answer.
	skippedDirs := map[string]bool{}
	skipped := func(f string) bool {
		dir := filepath.Dir(f)
		is, ok := skippedDirs[dir]
		if !ok {
			abs := fspath.Abs(cwd, dir)
			is = slices.ContainsFunc(opts.Skip, func(skip string) bool { return fspath.Within(skip, abs) })
			skippedDirs[dir] = is
		}
		return is
	}
	excluded := 0
	for _, f := range files {
		if exclude.matches(cwd, f) {
			excluded++
			continue
		}
		if bases[f] != "" {
			if archives.wrote(f, bases[f]) {
				continue
			}
			if skipped(f) {
				d.notes = append(d.notes, &diag.Finding{
					Severity: diag.Warning, Rule: RuleSkipped, Pos: diag.Position{File: f},
					Message: "skipped: a template inside the output directory is not rendered; keep templates out of it",
				})
				continue
			}
			out, err := configs.Excluded(f, d.rootDirs[f])
			if err != nil {
				return nil, err
			}
			if out {
				continue
			}
			if why := fd.notTemplate(f, charts); why != "" {
				d.notes = append(d.notes, &diag.Finding{
					Severity: diag.Info, Rule: RuleSkipped, Pos: diag.Position{File: f},
					Message: "skipped: " + why,
				})
				continue
			}
		}
		kept = append(kept, f)
	}
	files = kept
	// Skipped files by name, whichever check skipped them.
	slices.SortStableFunc(d.notes, func(a, b *diag.Finding) int { return strings.Compare(a.Pos.File, b.Pos.File) })
	if len(files) == 0 && excluded > 0 {
		return nil, diag.Usagef("no .yaml or .yml templates in %s that --exclude leaves in", joinArgs(args))
	}
	if len(files) == 0 {
		return nil, diag.Usagef("no .yaml or .yml templates in %s", joinArgs(args))
	}
	if opts.Changed == nil {
		cache.Expect(len(files)) // every file is read through it
	}
	trees := map[string]*engine.Tree{}
	treeOf := func(file string) *engine.Tree {
		dir := d.rootDirs[file]
		if dir == "" {
			dir = engine.DefaultRoot(cwd, file)
		}
		t, ok := trees[dir]
		if !ok {
			// A root directory that cannot be opened is the render's
			// error to report; discovery leaves the file alone.
			t, _ = cache.Tree(cwd, dir, opts.MaxOutput)
			trees[dir] = t
		}
		return t
	}
	d.treeOf = treeOf
	d.vars = opts.Vars
	if opts.Changed != nil {
		d.discoverForChanges(files, explicit, walked)
		return d, nil
	}
	d.graph = scanLoads(files, opts.Vars, treeOf)
	d.roots = files
	if !explicit {
		d.roots = d.graph.splitRoots(files)
	}
	return d, nil
}

// discoverForChanges finds the roots among files for lint --changed, whose
// cost should grow with what changed: the graph expands only the
// candidates that may name something besides the templates the walks
// found, and what may load a changed file is found by matching paths
// against candidates (touching). Once the run's roots are selected,
// followRoots gives the graph of what they load.
func (d *discovery) discoverForChanges(files []string, explicit bool, walked *walkMap) {
	matched := make(map[string]bool, len(files))
	for _, f := range files {
		matched[f] = true
	}
	walked.settle(matched)
	d.ownTree = func(f string) *engine.Tree {
		if matched[f] {
			return d.treeOf(f)
		}
		return nil
	}
	d.graph = scanForChanges(files, d.vars, d.treeOf, walked)
	d.loaders = d.graph.loaders()
	d.roots = files
	if explicit {
		return
	}
	roots, ok := d.graph.splitRootsLexical(files, d.loaders)
	if !ok {
		// A cycle of partials: splitRoots needs every load.
		d.graph = scanForChanges(files, d.vars, d.treeOf, nil)
		d.loaders = d.graph.loaders()
		roots = d.graph.splitRoots(files)
	}
	d.roots = roots
}

// followRoots makes the graph what roots may load, for their namespaces
// and sizes, after discoverForChanges.
func (d *discovery) followRoots(roots []string) {
	d.graph = scanRoots(roots, d.vars, d.treeOf, d.ownTree)
	d.reaches = map[string][]string{}
}

// archives knows the directories that eastern render --all --output-dir
// marks as its output with outdir.ManifestName, and the files each one's
// manifest lists: rendered manifests are not templates, but a template
// kept in such a directory still is.
type archives struct {
	cwd   string
	above map[[2]string][]string     // base and directory → the archives from it up to base
	lists map[string]map[string]bool // archive → the files it wrote
	// of holds the archives of each directory of files as spelled, with
	// their base: the files of one directory share them.
	of map[[2]string][]string
}

func newArchives(cwd string) *archives {
	return &archives{cwd: cwd, above: map[[2]string][]string{}, lists: map[string]map[string]bool{}, of: map[[2]string][]string{}}
}

// wrote reports whether file, found below base, is one that render --all
// wrote into an archive between base (not included) and it.
func (a *archives) wrote(file, base string) bool {
	key := [2]string{filepath.Dir(file), base}
	found, ok := a.of[key]
	if !ok {
		found = a.between(fspath.Abs(a.cwd, key[0]), fspath.Abs(a.cwd, base))
		a.of[key] = found
	}
	if len(found) == 0 {
		return false
	}
	abs := fspath.Abs(a.cwd, file)
	for _, dir := range found {
		if rel, err := filepath.Rel(dir, abs); err == nil && a.lists[dir][filepath.ToSlash(rel)] {
			return true
		}
	}
	return false
}

// between returns the archives among dir and its ancestors below base,
// each directory's answer looked up once.
func (a *archives) between(dir, base string) []string {
	if dir == base || !fspath.Within(base, dir) {
		return nil
	}
	key := [2]string{base, dir}
	if found, ok := a.above[key]; ok {
		return found
	}
	found := a.between(filepath.Dir(dir), base)
	if _, err := os.Lstat(filepath.Join(dir, outdir.ManifestName)); err == nil {
		// A manifest that cannot be read lists nothing: its files are
		// linted as templates rather than hidden.
		listed, _ := outdir.Listed(dir)
		a.lists[dir] = listed
		found = append(slices.Clip(found), dir)
	}
	a.above[key] = found
	return found
}

// configFile returns the file info of the forced config, or nil: a
// --config file inside the linted tree is configuration, not a template.
func configFile(cwd string, cs *Configs) os.FileInfo {
	if cs.forcedPath == "" {
		return nil
	}
	info, err := os.Stat(cs.forcedPath)
	if err != nil {
		return nil
	}
	return info
}

// rootDirsFor decides the --root of each template's renders. An explicit
// root applies to all. Otherwise the engine's default (the working
// directory) serves templates inside it; a template outside it, found in a
// directory or by a glob, may load files anywhere in the tree that argument
// named — so that "eastern lint ../other-repo" works as it would from
// inside that repository — and a file named on its own gets the engine's
// default for it, its own directory. The engine's default is left out.
func rootDirsFor(files []string, bases map[string]string, explicit, cwd string) map[string]string {
	out := make(map[string]string, len(files))
	for _, f := range files {
		switch base := bases[f]; {
		case explicit != "":
			out[f] = explicit
		case base != "" && !filepath.IsLocal(f) && !fspath.Within(cwd, fspath.Abs(cwd, f)):
			out[f] = base
		}
	}
	return out
}

// loadSchemas decodes each release's schemas once, in parallel, before any
// check needs them: a release that cannot be loaded fails the run up front.
func loadSchemas(targets []Target) error {
	var distinct []string
	for _, t := range targets {
		if !slices.Contains(distinct, t.Release) {
			distinct = append(distinct, t.Release)
		}
	}
	slices.SortFunc(distinct, schema.CompareReleases)
	var g multierror.Group
	for _, r := range distinct {
		g.Go(func() error {
			if _, err := schema.Load(r); err != nil {
				return fmt.Errorf("loading the schemas of Kubernetes %s: %w", r, err)
			}
			return nil
		})
	}
	merr := g.Wait()
	if merr == nil {
		return nil
	}
	// One per line, in an order that does not depend on which load ended first.
	slices.SortFunc(merr.Errors, func(a, b error) int { return strings.Compare(a.Error(), b.Error()) })
	merr.ErrorFormat = func(errs []error) string {
		lines := make([]string, len(errs))
		for i, err := range errs {
			lines[i] = err.Error()
		}
		return strings.Join(lines, "\n")
	}
	return merr.ErrorOrNil()
}

// runChecks renders and checks every target of p into checks, on a pool
// of workers. Each check writes only its own entry, so the result is the
// same for any number of workers.
// keptOutput bounds the output a lint worker keeps to render into next:
// a typical render's many times over.
const keptOutput = 1 << 20

func runChecks(checks []diag.Check, p *Plan) {
	workers := p.opts.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	workers = min(workers, len(checks))
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			// A check keeps nothing of the output it read: the next
			// render of the worker writes into the same memory.
			var done *engine.Result
			for {
				i := int(next.Add(1)) - 1
				if i >= len(checks) || p.opts.HandOverCEL && p.crds.cache.NeedsCEL() {
					return
				}
				t := &p.Targets[i]
				res, err := p.render(t, done)
				if p.changed != nil {
					p.touched[i] = p.touches(res)
				}
				checks[i] = checkRender(res, err, t, p.opts.StrictKinds, t.CRDs.Output(p.crds.cache))
				// A render of a size templates seldom reach is not held
				// for the rest of the run.
				if res != nil && cap(res.Output) <= keptOutput {
					done = res
				}
			}
		})
	}
	wg.Wait()
}

func uniqueInOrder(list []string) []string {
	var out []string
	for _, s := range list {
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

func joinArgs(args []string) string {
	if len(args) == 1 {
		return args[0]
	}
	return fmt.Sprint(args)
}
