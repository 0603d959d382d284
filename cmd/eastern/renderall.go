package main

import (
	"bytes"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/bmatcuk/doublestar/v4"

	"github.com/eastern-k8s/eastern/diag"
	"github.com/eastern-k8s/eastern/engine"
	"github.com/eastern-k8s/eastern/internal/fspath"
	"github.com/eastern-k8s/eastern/internal/outdir"
	"github.com/eastern-k8s/eastern/internal/textsafe"
	"github.com/eastern-k8s/eastern/lint"
	"github.com/eastern-k8s/eastern/manifest"
	"github.com/eastern-k8s/eastern/report"
)

// renderAll is eastern render --all: every root template below the PATH
// and GLOB arguments for every namespace, found as eastern lint finds them
// (nearest .eastern.yaml, implied namespaces, -n), printed one after
// another or written to --output-dir as DIR/NAMESPACE/<template path>.
// Nothing is printed or written unless every render succeeds, unless
// --keep-going.
func (c *renderCmd) renderAll(a *app, args []string) error {
	switch {
	case c.baseDir != "":
		return diag.Usagef("--base-dir applies only to a template read from standard input, not to --all")
	case c.out.file != "":
		return diag.Usagef("--all prints every render, or writes them to --output-dir: not to one --output-file")
	case c.keepGoing && c.outputDir == "":
		return diag.Usagef("--keep-going applies to --output-dir")
	}
	for _, arg := range args {
		if arg == "-" {
			return diag.Usagef("--all renders files: - (standard input) is a single template")
		}
	}
	cwd, err := engine.WorkDir(a.workDir)
	if err != nil {
		return err
	}
	vars, err := c.vars(a.workDir)
	if err != nil {
		return err
	}
	if c.argocd {
		if err := c.fromArgoCD(a, cwd, vars); err != nil {
			return err
		}
	}
	configs, err := lint.NewConfigs(a.workDir, c.config)
	if err != nil {
		return err
	}
	defer configs.Close()
	var namespaces []string
	for _, n := range c.namespaces {
		namespaces = append(namespaces, strings.Split(n, ",")...)
	}
	opts := lint.Options{
		Paths: args, Namespaces: namespaces, Configs: configs, Vars: vars, RootDir: c.root, Strict: c.strict,
		WorkDir: a.workDir, MaxLoads: int(c.maxLoads), MaxOutput: int64(c.maxOutput),
	}
	dir := ""
	if c.outputDir != "" {
		dir = fspath.Abs(cwd, c.outputDir)
		opts.Skip = []string{dir} // not a tree of templates
	}
	plan, err := lint.NewPlan(opts)
	if err != nil {
		return err
	}
	defer plan.Close()

	type rendered struct {
		yaml, text []byte
		failed     diag.Findings
		warnings   diag.Findings
	}
	results := make([]rendered, len(plan.Targets))
	plan.Each(0, func(i int, t *lint.Target, res *engine.Result, err error) {
		r := &results[i]
		if res != nil {
			r.yaml, r.warnings = res.Output, inNamespace(res.Warnings, t.Namespace)
		}
		if err == nil && !c.noCheck {
			err = checkYAML(res)
		}
		if err == nil {
			r.text, err = c.out.encode(res)
		}
		if err != nil {
			r.failed = inNamespace(diag.Collect(err), t.Namespace)
		}
	})
	var failed, warnings diag.Findings
	for _, n := range plan.Notes {
		if n.Rule == lint.RuleSkipped && n.Severity >= diag.Warning {
			warnings = append(warnings, n) // a template in the output directory
		}
	}
	for _, r := range results {
		warnings = append(warnings, r.warnings...)
		failed = append(failed, r.failed...)
	}
	if !c.quiet {
		report.WriteText(a.stderr, warnings, a.color())
	}
	if len(failed) > 0 && !c.keepGoing {
		return failed
	}

	if dir == "" {
		var b bytes.Buffer
		for i, t := range plan.Targets {
			writeSource(&b, t.Template, t.Namespace, results[i].yaml)
		}
		text := b.Bytes()
		if c.out.format == "json" {
			// One List of every object: each render was checked above.
			if text, err = manifest.JSONList(text); err != nil {
				return err
			}
		}
		if _, err := a.stdout.Write(text); err != nil {
			return fmt.Errorf("writing standard output: %w", err)
		}
		return nil
	}

	files := map[string][]byte{}
	failedFiles := map[string]bool{}
	for i, t := range plan.Targets {
		name, err := c.outputName(cwd, t)
		if err != nil {
			return err
		}
		if results[i].failed != nil {
			failedFiles[name] = true
			continue
		}
		files[name] = results[i].text
	}
	inScope := renderScope(cwd, args, namespaces)
	res, err := outdir.Sync(dir, files, func(name string) bool { return failedFiles[name] || !inScope(name) })
	if err != nil {
		return err
	}
	if !c.quiet {
		fmt.Fprintf(a.text(a.stderr), "%s × %s into %s: %d written, %d unchanged, %d removed\n",
			report.Plural(countTemplates(plan.Targets), "template"), report.Plural(countNamespaces(plan.Targets), "namespace"),
			textsafe.Escape(c.outputDir), res.Written, res.Unchanged, res.Removed)
	}
	if len(failed) > 0 {
		return failed // --keep-going: the rest is written, the run still fails
	}
	return nil
}

// fromArgoCD reads what Argo CD's config management plugin server passes
// a plugin in the environment: the Application's namespace, its plugin
// variables (ARGOCD_ENV_NAME, which -s still overrides), and the source
// path, which says where the repository's top is, so that loads may reach
// partials shared by several apps. The server runs the plugin in the
// source path without a shell, so eastern reads these itself.
func (c *renderCmd) fromArgoCD(a *app, cwd string, vars map[string]string) error {
	ns := a.getenv("ARGOCD_APP_NAMESPACE")
	if ns == "" {
		return diag.Usagef("--argocd: ARGOCD_APP_NAMESPACE is not set (Argo CD sets it for a config management plugin)")
	}
	if len(c.namespaces) > 0 {
		return diag.Usagef("--argocd takes the namespace from ARGOCD_APP_NAMESPACE: no -n with it")
	}
	c.namespaces = []string{ns}
	sets := map[string]bool{}
	for _, s := range c.sets {
		key, _, _ := strings.Cut(s, "=")
		sets[key] = true
	}
	for _, kv := range os.Environ() {
		name, value, _ := strings.Cut(kv, "=")
		key, ok := strings.CutPrefix(name, argoCDEnvPrefix)
		if !ok || sets[key] {
			continue
		}
		if err := engine.CheckVarName(key); err != nil {
			return diag.Usagef("--argocd: %s: %v", name, err)
		}
		vars[key] = value
	}
	if c.root == "" {
		if src := filepath.Clean(a.getenv("ARGOCD_APP_SOURCE_PATH")); src != "." && filepath.IsLocal(src) {
			if top, ok := strings.CutSuffix(cwd, string(filepath.Separator)+src); ok {
				c.root = top
			}
		}
	}
	return nil
}

// argoCDEnvPrefix starts the names of the variables an Argo CD Application
// sets for its plugin (spec.source.plugin.env).
const argoCDEnvPrefix = "ARGOCD_ENV_"

// outputName is where --output-dir keeps target's render:
// NAMESPACE/<template path>, with .json for -o json.
func (c *renderCmd) outputName(cwd string, t lint.Target) (string, error) {
	rel := fspath.Display(cwd, fspath.Abs(cwd, t.Template))
	if filepath.IsAbs(rel) || !filepath.IsLocal(rel) {
		return "", diag.Usagef("%s lies outside the working directory: --output-dir keeps the renders of templates inside it", t.Template)
	}
	name := filepath.ToSlash(rel)
	if c.out.format == "json" {
		name = strings.TrimSuffix(name, filepath.Ext(name)) + ".json"
	}
	return t.Namespace + "/" + name, nil
}

// renderScope says which files of an output directory a run of render
// --all answers for, by their names (NAMESPACE/<template path>): those of
// templates its PATH and GLOB arguments cover ("." when none) in the
// namespaces -n names (any, without -n). A file of the directory that the
// run does not write is removed only within that scope — rendering apps/a
// into an archive of the whole repository leaves apps/b's files be.
func renderScope(cwd string, args, namespaces []string) func(name string) bool {
	type scope struct {
		abs  string // a directory or file argument, absolute
		glob string // or a glob, slash-separated
	}
	var scopes []scope
	for _, arg := range args {
		if _, err := os.Stat(fspath.Abs(cwd, arg)); err != nil && isGlobArg(arg) {
			scopes = append(scopes, scope{glob: filepath.ToSlash(filepath.Clean(arg))})
			continue
		}
		scopes = append(scopes, scope{abs: fspath.Abs(cwd, arg)})
	}
	return func(name string) bool {
		ns, rel, ok := strings.Cut(name, "/")
		if !ok || len(namespaces) > 0 && !slices.Contains(namespaces, ns) {
			return false
		}
		if len(scopes) == 0 {
			return true
		}
		// With -o json, the template's own extension is not in the name.
		stem := strings.TrimSuffix(rel, path.Ext(rel))
		for _, template := range []string{rel, stem + ".yaml", stem + ".yml"} {
			abs := fspath.Abs(cwd, filepath.FromSlash(template))
			for _, sc := range scopes {
				if sc.glob != "" {
					spelled := fspath.Display(cwd, abs)
					if path.IsAbs(sc.glob) {
						spelled = abs
					}
					// A glob that matches a directory covers what is below it.
					for p := filepath.ToSlash(spelled); p != "." && p != "/"; p = path.Dir(p) {
						if doublestar.MatchUnvalidated(sc.glob, p) {
							return true
						}
					}
				} else if fspath.Within(sc.abs, abs) {
					return true
				}
			}
		}
		return false
	}
}

// isGlobArg reports whether a PATH argument is a glob, as lint reads them.
func isGlobArg(arg string) bool { return strings.ContainsAny(arg, "*?[{") }

// writeSource appends one render to a stream of renders, after a comment
// naming where it came from, as helm template's "# Source:" lines do.
func writeSource(b *bytes.Buffer, template, namespace string, text []byte) {
	fmt.Fprintf(b, "---\n# Source: %s (namespace %s)\n", textsafe.Escape(template), namespace)
	b.Write(text)
	if len(text) > 0 && text[len(text)-1] != '\n' {
		b.WriteByte('\n')
	}
}

func countTemplates(ts []lint.Target) int {
	n := 0
	for i, t := range ts {
		if i == 0 || ts[i-1].Template != t.Template {
			n++
		}
	}
	return n
}

func countNamespaces(ts []lint.Target) int {
	seen := map[string]bool{}
	for _, t := range ts {
		seen[t.Namespace] = true
	}
	return len(seen)
}

// inNamespace fills in the namespace of findings that lack one, on copies:
// the engine does not know which namespace a render is for.
func inNamespace(fs diag.Findings, ns string) diag.Findings {
	out := make(diag.Findings, len(fs))
	for i, f := range fs {
		c := *f
		if c.Namespace == "" {
			c.Namespace = ns
		}
		out[i] = &c
	}
	return out
}
