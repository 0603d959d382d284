// Package lint checks eastern templates offline: it finds the root templates
// among the files it is given, renders each for every namespace, and checks
// the output against the schemas of that namespace's Kubernetes release.
// Every finding points at a template line, never at the rendered output.
//
// The pipeline is discovery (discover.go, graph.go: paths → root templates
// and implied namespaces), configuration (config.go: .eastern.yaml), and
// checking (check.go: one render → findings), run here over a worker pool.
package lint

import (
	"bytes"
	"cmp"
	"fmt"
	"os"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/eastern-k8s/eastern/diag"
	"github.com/eastern-k8s/eastern/engine"
	"github.com/eastern-k8s/eastern/internal/fspath"
	"github.com/eastern-k8s/eastern/manifest"
	"github.com/eastern-k8s/eastern/schema"
	"github.com/hashicorp/go-multierror"
)

// Options say what to lint and how.
type Options struct {
	// Paths are files, directories and doublestar globs; "." when empty.
	// Matched files that another matched file loads are partials and are
	// not linted on their own.
	Paths []string
	// Templates are globs naming the root templates explicitly; when set,
	// Paths must be empty and no partials are inferred.
	Templates []string
	// Namespaces to render for. When empty: those Config lists, else
	// "default" plus every namespace the templates' ${NAMESPACE}
	// candidates find on disk, with the variables Vars sets filled in.
	Namespaces []string
	// Config is the parsed .eastern.yaml, or nil.
	Config *Config
	// KubeVersion is the release for every namespace ("1.29"); when empty,
	// Config decides, else schema.Newest().
	KubeVersion string
	// Vars, RootDir and Strict are passed to the engine as for eastern render.
	Vars    map[string]string
	RootDir string
	Strict  bool
	// StrictKinds makes kinds without a schema errors.
	StrictKinds bool
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
}

// Result is everything one lint run found.
type Result struct {
	// Templates are the root templates, sorted.
	Templates []string
	// Namespaces are the namespaces each template was rendered for.
	Namespaces []string
	// Releases maps each namespace to the release it was checked against.
	Releases map[string]string
	// Objects counts the Kubernetes objects of every successful render.
	Objects int
	// Checks holds one entry per template × namespace: by root template,
	// then namespace in Namespaces order.
	Checks []diag.Check
	// Notes are about the run rather than one check: matched files that
	// were skipped, such as a named pipe that a glob matched.
	Notes diag.Findings
}

// Findings returns the notes, then every check's findings in Checks
// order: by root template, namespace, then template position.
func (r *Result) Findings() diag.Findings {
	all := slices.Clone(r.Notes)
	for _, c := range r.Checks {
		all = append(all, c.Findings...)
	}
	return all
}

// Run lints. Its error is for the run as a whole — a bad argument (a
// *diag.UsageError), an unreadable directory, schema data that cannot be
// loaded; problems in templates are findings.
func Run(opts Options) (*Result, error) {
	cwd, err := engine.WorkDir(opts.WorkDir)
	if err != nil {
		return nil, err
	}
	// Templates of one repository load the same partials: discovery and
	// every render read each file once.
	cache := engine.NewCache()
	defer cache.Close()
	roots, rootDirs, graph, notes, err := discover(opts, cwd, cache)
	if err != nil {
		return nil, err
	}
	namespaces := opts.Namespaces
	switch {
	case len(namespaces) > 0:
		for _, ns := range namespaces {
			if err := manifest.CheckNamespace(ns); err != nil {
				return nil, diag.Usagef("%v", err)
			}
		}
		namespaces = uniqueInOrder(namespaces)
	case len(opts.Config.namespaceNames()) > 0:
		namespaces = opts.Config.namespaceNames()
	default:
		namespaces = graph.impliedNamespaces()
	}
	releases := make(map[string]string, len(namespaces))
	for _, ns := range namespaces {
		releases[ns] = opts.Config.ReleaseFor(ns, opts.KubeVersion)
	}
	if err := loadSchemas(releases); err != nil {
		return nil, err
	}

	checks := make([]diag.Check, len(roots)*len(namespaces))
	for i := range checks {
		root, ns := roots[i/len(namespaces)], namespaces[i%len(namespaces)]
		checks[i] = diag.Check{Template: root, Namespace: ns, Release: releases[ns]}
	}
	opts.WorkDir = cwd
	runChecks(checks, opts, rootDirs, cache)

	if opts.Config != nil {
		notes = append(notes, opts.Config.Notes...)
	}
	res := &Result{Templates: roots, Namespaces: namespaces, Releases: releases, Checks: checks, Notes: notes}
	for i := range checks {
		res.Objects += len(checks[i].Objects)
	}
	return res, nil
}

// discover finds the root templates, the root directory of each matched
// file's renders ("" for the engine's default) and the load graph; notes
// say which matched files it skipped.
func discover(opts Options, cwd string, cache *engine.Cache) (roots []string, rootDirs map[string]string, graph *loadGraph, notes diag.Findings, err error) {
	if opts.Stdin != nil {
		if len(opts.Templates) > 0 || len(opts.Paths) > 0 {
			return nil, nil, nil, nil, diag.Usagef("a template on standard input is linted alone: no PATH or --template with it")
		}
		base := opts.BaseDir
		if base == "" {
			base = "."
		}
		root := opts.RootDir
		if root == "" {
			root = base
		}
		graph = newLoadGraph()
		if t, err := cache.Tree(cwd, fspath.Abs(cwd, root), opts.MaxOutput); err == nil {
			// A root that cannot be opened is the render's to report.
			graph = scanDirectives(engine.Directives(opts.Stdin), base, opts.Vars, t)
		}
		return []string{engine.StdinName}, map[string]string{engine.StdinName: opts.RootDir}, graph, nil, nil
	}
	if opts.BaseDir != "" {
		return nil, nil, nil, nil, diag.Usagef("--base-dir applies only to a template read from standard input")
	}
	if len(opts.Templates) > 0 && len(opts.Paths) > 0 {
		return nil, nil, nil, nil, diag.Usagef("give either PATH arguments or --template, not both")
	}
	explicit := len(opts.Templates) > 0
	args := opts.Templates
	if !explicit {
		args = opts.Paths
		if len(args) == 0 {
			args = []string{"."}
		}
	}
	files, bases, notes, err := expandPaths(cwd, args, configFile(cwd, opts.Config))
	if err != nil {
		return nil, nil, nil, nil, err
	}
	if len(files) == 0 {
		return nil, nil, nil, nil, diag.Usagef("no .yaml or .yml templates in %s", joinArgs(args))
	}
	rootDirs = rootDirsFor(files, bases, opts.RootDir, cwd)
	trees := map[string]*engine.Tree{}
	treeOf := func(file string) *engine.Tree {
		dir := rootDirs[file]
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
	graph = scanLoads(files, opts.Vars, treeOf)
	if explicit {
		return files, rootDirs, graph, notes, nil
	}
	return graph.splitRoots(files), rootDirs, graph, notes, nil
}

// configFile returns the file info of the config lint reads, or nil: a
// --config file inside the linted tree is configuration, not a template.
func configFile(cwd string, c *Config) os.FileInfo {
	if c == nil || c.Path == "" {
		return nil
	}
	info, err := os.Stat(fspath.Abs(cwd, c.Path))
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
		case base != "" && !fspath.Within(cwd, fspath.Abs(cwd, f)):
			out[f] = base
		}
	}
	return out
}

// loadSchemas decodes each release's schemas once, in parallel, before any
// check needs them: a release that cannot be loaded fails the run up front.
func loadSchemas(releases map[string]string) error {
	var distinct []string
	for _, r := range releases {
		if !slices.Contains(distinct, r) {
			distinct = append(distinct, r)
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

// runChecks renders and checks every entry of checks on a pool of workers.
// Each check writes only its own entry, so the result is the same for any
// number of workers.
func runChecks(checks []diag.Check, opts Options, roots map[string]string, cache *engine.Cache) {
	workers := opts.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	workers = min(workers, len(checks))
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= len(checks) {
					return
				}
				runCheck(&checks[i], opts, roots[checks[i].Template], cache)
			}
		})
	}
	wg.Wait()
}

func runCheck(c *diag.Check, opts Options, root string, cache *engine.Cache) {
	eo := engine.Options{
		Namespace: c.Namespace, Vars: opts.Vars, RootDir: root, Strict: opts.Strict, Cache: cache, WorkDir: opts.WorkDir,
		MaxLoads: opts.MaxLoads, MaxOutput: opts.MaxOutput,
	}
	var res *engine.Result
	var err error
	if opts.Stdin != nil {
		eo.BaseDir = opts.BaseDir
		res, err = engine.Render(bytes.NewReader(opts.Stdin), engine.StdinName, eo)
	} else {
		res, err = engine.RenderFile(c.Template, eo)
	}
	*c = CheckRender(res, err, c.Template, c.Namespace, c.Release, opts.StrictKinds)
}

// sortByPosition orders one check's findings by template position; rule and
// message break ties so that the order never depends on scheduling.
func sortByPosition(fs diag.Findings) {
	slices.SortStableFunc(fs, func(a, b *diag.Finding) int {
		return cmp.Or(
			cmp.Compare(a.Pos.File, b.Pos.File),
			cmp.Compare(a.Pos.Line, b.Pos.Line),
			cmp.Compare(a.Pos.Col, b.Pos.Col),
			cmp.Compare(b.Severity, a.Severity),
			cmp.Compare(a.Rule, b.Rule),
			cmp.Compare(a.Field, b.Field),
			cmp.Compare(a.Message, b.Message),
		)
	})
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
