package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"syscall"

	"github.com/bmatcuk/doublestar/v4"

	"github.com/eastern-k8s/eastern/diag"
	"github.com/eastern-k8s/eastern/engine"
	"github.com/eastern-k8s/eastern/internal/fspath"
	"github.com/eastern-k8s/eastern/internal/gitrepo"
	"github.com/eastern-k8s/eastern/internal/input"
	"github.com/eastern-k8s/eastern/lint"
	"github.com/eastern-k8s/eastern/manifest"
	"github.com/eastern-k8s/eastern/objdiff"
	"github.com/eastern-k8s/eastern/report"
	"github.com/eastern-k8s/eastern/validator"
)

// diffSide is one side of a comparison: the working tree, or the merge
// base's tree extracted into a temporary directory that stands for the
// repository's top.
type diffSide struct {
	workDir string // where relative paths start
	rev     string // the revision as the user named it; "" for the working tree
	tree    string // the extracted tree; "" for the working tree
	top     string // the repository's top, which tree stands for
}

// path is p, a path that names a file of the working tree (relative to
// the user's working directory, or absolute), on this side.
func (s diffSide) path(p string) string {
	if s.tree == "" || !filepath.IsAbs(p) {
		return p
	}
	if rel, ok := below(s.top, p); ok {
		return filepath.Join(s.tree, rel)
	}
	return p
}

// display is a path that a render on this side names, as the user sees
// it in the working tree.
func (s diffSide) display(p string) string {
	if s.tree == "" || !filepath.IsAbs(p) {
		return p
	}
	if rel, ok := below(s.tree, p); ok {
		return filepath.Join(s.top, rel)
	}
	return p
}

// has reports whether arg, a PATH or GLOB argument, names something on
// this side.
func (s diffSide) has(arg string) bool { return matchesIn(s.workDir, s.path(arg)) }

// below is p relative to dir when p lies within it.
func below(dir, p string) (string, bool) {
	p = filepath.Clean(p)
	if !fspath.Within(dir, p) {
		return "", false
	}
	rel, err := filepath.Rel(dir, p)
	return rel, err == nil
}

// sideRender is one target's render on one side.
type sideRender struct {
	template, namespace string
	objects             []objdiff.Object
}

// sideRenders are a side's renders in plan order, with the problems that
// stopped some and the warnings of all.
type sideRenders struct {
	renders  []sideRender
	problems diag.Findings
	warnings diag.Findings
}

// renderSide renders every target that lint would render with opts on
// side s, as many at once as there are CPUs.
func renderSide(s diffSide, opts lint.Options) (*sideRenders, error) {
	plan, err := lint.NewPlan(opts)
	if err != nil {
		return nil, err
	}
	defer plan.Close()
	out := &sideRenders{renders: make([]sideRender, len(plan.Targets))}
	problems := make([]diag.Findings, len(plan.Targets))
	warnings := make([]diag.Findings, len(plan.Targets))
	for _, n := range plan.Notes {
		if n.Severity >= diag.Warning {
			out.warnings = append(out.warnings, n)
		}
	}
	plan.Each(0, func(i int, t *lint.Target, res *engine.Result, err error) {
		template := s.display(t.Template)
		out.renders[i] = sideRender{template: template, namespace: t.Namespace}
		if res != nil {
			warnings[i] = res.Warnings
		}
		if err == nil {
			out.renders[i].objects, err = parseRender(res, t.Namespace)
		}
		problems[i] = diag.Collect(err)
	})
	for i := range plan.Targets {
		t := &plan.Targets[i]
		out.problems = append(out.problems, s.findings(problems[i], t)...)
		out.warnings = append(out.warnings, s.findings(warnings[i], t)...)
	}
	return out, nil
}

// parseRender splits a render into its objects; a document that is not
// YAML is a finding at the template line it came from.
func parseRender(res *engine.Result, namespace string) ([]objdiff.Object, error) {
	objs, err := objdiff.Parse(res.Output, namespace)
	if se, ok := errors.AsType[*manifest.SyntaxError](err); ok {
		pos, chain := res.SourceMap.Position(se.Line, 0)
		return nil, &diag.Finding{Severity: diag.Error, Rule: validator.RuleSyntax, Pos: pos, Chain: chain, Message: se.Msg}
	}
	return objs, err
}

// findings are copies of the findings of t's render with its context,
// naming files as the user sees them: at a revision, as git show names
// them there, "origin/main:web.yaml".
func (s diffSide) findings(fs diag.Findings, t *lint.Target) diag.Findings {
	out := make(diag.Findings, len(fs))
	name := func(file string) string {
		if file == "" || s.rev == "" {
			return s.display(file)
		}
		return s.rev + ":" + s.display(file)
	}
	for i, f := range fs {
		c := *f
		if c.Pos.File == "" {
			c.Pos.File = t.Template // a problem with the template as a whole
		}
		c.Template, c.Namespace = s.display(t.Template), t.Namespace
		c.Pos.File = name(c.Pos.File)
		c.Chain = slices.Clone(c.Chain)
		for j := range c.Chain {
			c.Chain[j].File = name(c.Chain[j].File)
		}
		out[i] = &c
	}
	return out
}

// lintOptions are the options both sides share.
func (c *diffCmd) lintOptions(workDir string, vars map[string]string) lint.Options {
	return lint.Options{
		Vars: vars, RootDir: c.root, Strict: c.strict, WorkDir: workDir,
		MaxLoads: int(c.maxLoads), MaxOutput: int64(c.maxOutput),
	}
}

// namespacesDiff compares each template's render for one namespace with
// its render for the other.
func (c *diffCmd) namespacesDiff(a *app, args []string) (*objdiff.Diff, error) {
	before, after := c.namespaces[0], c.namespaces[1]
	if before == after {
		return nil, diag.Usagef("-n %s,%s: give two different namespaces to compare", before, after)
	}
	vars, err := c.vars(a.workDir)
	if err != nil {
		return nil, err
	}
	opts := c.lintOptions(a.workDir, vars)
	opts.Paths, opts.Namespaces, opts.BaseDir = args, c.namespaces, c.baseDir
	if len(args) == 1 && args[0] == "-" {
		if opts.Stdin, err = c.readStdin(a); err != nil {
			return nil, err
		}
		opts.Paths = nil
	} else if slices.Contains(args, "-") {
		return nil, diag.Usagef("- (standard input) is compared alone, not with other paths")
	}
	if opts.Configs, err = lint.NewConfigs(a.workDir, c.config); err != nil {
		return nil, err
	}
	defer opts.Configs.Close()
	side, err := renderSide(diffSide{workDir: a.workDir}, opts)
	if err != nil {
		return nil, err
	}
	c.warn(a, side.warnings)
	if len(side.problems) > 0 {
		return nil, side.problems
	}
	d := &objdiff.Diff{}
	// The plan renders each template for both namespaces, in -n's order.
	for i := 0; i+1 < len(side.renders); i += 2 {
		b, af := side.renders[i], side.renders[i+1]
		if b.template != af.template || b.namespace != before || af.namespace != after {
			return nil, fmt.Errorf("internal error: renders %s [%s] and %s [%s] do not pair", b.template, b.namespace, af.template, af.namespace)
		}
		objdiff.StripNamespace(b.objects, before)
		objdiff.StripNamespace(af.objects, after)
		changes, err := objdiff.Compare(b.objects, af.objects)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", b.template, err)
		}
		d.Renders = append(d.Renders, objdiff.Render{
			Template: b.template, Changes: changes,
			Before: objdiff.Side{Namespace: before, Rendered: true},
			After:  objdiff.Side{Namespace: after, Rendered: true},
		})
	}
	return d, nil
}

// readStdin reads the template on standard input, as lint - does.
func (c *diffCmd) readStdin(a *app) ([]byte, error) {
	if a.stdinTerminal {
		return nil, diag.Usagef("- reads a template from standard input, which is a terminal")
	}
	data, err := io.ReadAll(io.LimitReader(a.stdin, int64(c.maxOutput)+1))
	if err != nil {
		return nil, fmt.Errorf("reading standard input: %w", err)
	}
	if int64(len(data)) > int64(c.maxOutput) {
		return nil, fmt.Errorf("%s is larger than the output limit of %s (--max-output raises it)", engine.StdinName, input.Size(int64(c.maxOutput)))
	}
	return data, nil
}

// sinceDiff compares the working tree with the merge base of HEAD and
// --since: the same discovery runs in both trees, and the renders are
// matched by template and namespace.
func (c *diffCmd) sinceDiff(a *app, args []string) (*objdiff.Diff, error) {
	if slices.Contains(args, "-") {
		return nil, diag.Usagef("--since compares trees; a template on standard input has no other side")
	}
	cwd, err := engine.WorkDir(a.workDir)
	if err != nil {
		return nil, err
	}
	repo, err := gitrepo.Open(cwd)
	if err != nil {
		return nil, diag.Usagef("--since: %v", err)
	}
	base, err := repo.MergeBase(c.since)
	if err != nil {
		return nil, diag.Usagef("--since: %v", err)
	}
	for _, p := range append(slices.Clone(args), c.root) {
		if p != "" {
			if _, inside := below(repo.Top, fspath.Abs(cwd, p)); !inside {
				return nil, diag.Usagef("%s lies outside the git repository of %s: --since compares what git holds", p, repo.Top)
			}
		}
	}
	tree, err := os.MkdirTemp("", "eastern-diff-")
	if err != nil {
		return nil, err
	}
	stop := removeOnInterrupt(tree)
	defer stop()
	if real, err := filepath.EvalSymlinks(tree); err == nil {
		tree = real
	}
	if err := repo.Extract(base, tree); err != nil {
		return nil, fmt.Errorf("--since %s: %w", c.since, err)
	}
	rel, _ := below(repo.Top, cwd)
	old := diffSide{workDir: filepath.Join(tree, rel), rev: c.since, tree: tree, top: repo.Top}
	// The working directory may be new on the branch.
	if err := os.MkdirAll(old.workDir, 0o755); err != nil {
		return nil, err
	}
	now := diffSide{workDir: cwd}
	for _, p := range args {
		if !now.has(p) && !old.has(p) {
			return nil, diag.Usagef("%s: no such file or directory, and no match, in the working tree or at %s", p, c.since)
		}
	}
	if len(args) == 0 && !hasTemplates(now.workDir) && !hasTemplates(old.workDir) {
		return nil, diag.Usagef("no .yaml or .yml templates in the working tree or at %s", c.since)
	}
	after, err := c.renderTree(a, now, cwd, args)
	if err != nil {
		return nil, err
	}
	before, err := c.renderTree(a, old, cwd, args)
	if err != nil {
		return nil, err
	}
	c.warn(a, after.warnings)
	if problems := append(after.problems, before.problems...); len(problems) > 0 {
		return nil, problems
	}
	return pairRenders(before, after, c.since, base)
}

// renderTree renders, on side s, what lint would render for args: those
// of them that exist there (a template the branch added or deleted
// exists on one side only).
func (c *diffCmd) renderTree(a *app, s diffSide, cwd string, args []string) (*sideRenders, error) {
	flags := c.renderFlags
	if s.tree != "" {
		flags.values = nil
		for _, v := range c.values {
			if p := s.path(fspath.Abs(cwd, v)); exists(p) {
				flags.values = append(flags.values, p)
			}
		}
	}
	vars, err := flags.vars(cwd)
	if err != nil {
		return nil, err
	}
	opts := c.lintOptions(s.workDir, vars)
	opts.Namespaces = c.namespaces
	if c.root != "" && s.tree != "" {
		opts.RootDir = s.path(fspath.Abs(cwd, c.root))
	}
	for _, p := range args {
		if s.has(p) {
			opts.Paths = append(opts.Paths, s.path(p))
		}
	}
	if len(args) > 0 && len(opts.Paths) == 0 || len(args) == 0 && !hasTemplates(s.workDir) {
		return &sideRenders{}, nil // nothing of what was asked for exists on this side
	}
	config := c.config
	if config != "" && s.tree != "" {
		if config = s.path(fspath.Abs(cwd, config)); !exists(config) {
			config = "" // the branch added it
		}
	}
	if opts.Configs, err = lint.NewConfigs(s.workDir, config); err != nil {
		return nil, err
	}
	defer opts.Configs.Close()
	return renderSide(s, opts)
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// matchesIn reports whether arg, a PATH or GLOB argument, names something
// in dir: a file, a directory that holds templates, or a glob that
// matches, as lint matches it.
func matchesIn(dir, arg string) bool {
	if info, err := os.Stat(fspath.Abs(dir, arg)); err == nil {
		return !info.IsDir() || hasTemplates(fspath.Abs(dir, arg))
	}
	if !strings.ContainsAny(arg, "*?[{") || !doublestar.ValidatePathPattern(arg) {
		return false
	}
	base, rest := doublestar.SplitPattern(filepath.ToSlash(arg))
	found, err := doublestar.Glob(os.DirFS(fspath.Abs(dir, filepath.FromSlash(base))), rest, doublestar.WithNoHidden(), doublestar.WithNoFollow())
	return err == nil && len(found) > 0
}

// hasTemplates reports whether dir holds a .yaml or .yml file outside
// hidden directories, as lint's search for templates would find.
func hasTemplates(dir string) bool {
	found := false
	filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		switch {
		case err != nil:
			return nil
		case path != dir && strings.HasPrefix(d.Name(), "."):
			if d.IsDir() {
				return filepath.SkipDir
			}
		case !d.IsDir() && (filepath.Ext(path) == ".yaml" || filepath.Ext(path) == ".yml"):
			found = true
			return filepath.SkipAll
		}
		return nil
	})
	return found
}

// pairRenders matches the renders of both sides by template and
// namespace, in the working tree's order, the merge base's own after.
func pairRenders(before, after *sideRenders, rev, base string) (*objdiff.Diff, error) {
	type key struct{ template, namespace string }
	old := map[key]sideRender{}
	for _, r := range before.renders {
		old[key{r.template, r.namespace}] = r
	}
	d := &objdiff.Diff{Since: rev, MergeBase: base}
	seen := map[key]bool{}
	add := func(b, af *sideRender, template, namespace string) error {
		var bo, ao []objdiff.Object
		if b != nil {
			bo = b.objects
		}
		if af != nil {
			ao = af.objects
		}
		changes, err := objdiff.Compare(bo, ao)
		if err != nil {
			return fmt.Errorf("%s: %w", template, err)
		}
		d.Renders = append(d.Renders, objdiff.Render{
			Template: template, Changes: changes,
			Before: objdiff.Side{Rev: rev, Namespace: namespace, Rendered: b != nil},
			After:  objdiff.Side{Namespace: namespace, Rendered: af != nil},
		})
		return nil
	}
	for i := range after.renders {
		r := &after.renders[i]
		k := key{r.template, r.namespace}
		seen[k] = true
		var b *sideRender
		if o, ok := old[k]; ok {
			b = &o
		}
		if err := add(b, r, r.template, r.namespace); err != nil {
			return nil, err
		}
	}
	for i := range before.renders {
		r := &before.renders[i]
		if k := (key{r.template, r.namespace}); !seen[k] {
			seen[k] = true
			if err := add(r, nil, r.template, r.namespace); err != nil {
				return nil, err
			}
		}
	}
	slices.SortStableFunc(d.Renders, func(x, y objdiff.Render) int { return strings.Compare(x.Template, y.Template) })
	return d, nil
}

// warn prints the render warnings of the working tree, each once (every
// namespace of a template repeats them), unless -q.
func (c *diffCmd) warn(a *app, fs diag.Findings) {
	if c.quiet {
		return
	}
	seen := map[string]bool{}
	var once diag.Findings
	for _, f := range fs {
		if msg := f.Error(); !seen[msg] {
			seen[msg] = true
			once = append(once, f)
		}
	}
	report.WriteText(a.stderr, once, a.color())
}

// removeOnInterrupt removes dir when the process is interrupted or
// terminated meanwhile, and when the returned function is called: a copy
// of the repository must not stay behind in the temporary directory.
func removeOnInterrupt(dir string) (stop func()) {
	signals := make(chan os.Signal, 1)
	signal.Notify(signals, os.Interrupt, syscall.SIGTERM)
	done := make(chan struct{})
	go func() {
		select {
		case sig := <-signals:
			os.RemoveAll(dir)
			code := 130 // as a shell reports SIGINT
			if sig == syscall.SIGTERM {
				code = 143
			}
			os.Exit(code)
		case <-done:
		}
	}()
	return func() {
		signal.Stop(signals)
		close(done)
		os.RemoveAll(dir)
	}
}
