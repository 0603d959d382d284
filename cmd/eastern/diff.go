package main

import (
	"errors"
	"fmt"
	"slices"

	"github.com/spf13/pflag"

	"github.com/eastern-k8s/eastern/diag"
	"github.com/eastern-k8s/eastern/objdiff"
	"github.com/eastern-k8s/eastern/report"
)

const diffUsage = `Show what a change does to the rendered manifests, object by object.

Usage:
  eastern diff --since REF [PATH|GLOB ...] [flags]
  eastern diff -n BEFORE,AFTER [PATH|GLOB ...|-] [flags]
  eastern diff --live TEMPLATE [NAMESPACE] [flags]     (run by eastern-cluster)

--since REF compares the working tree (committed, staged, unstaged and
untracked changes) with the merge base of HEAD and REF: every root template
× namespace that eastern lint would render, found in each tree as lint finds
them (the nearest .eastern.yaml per template, the namespaces it lists or its
overrides imply; -n names them instead). A render that only one side has
shows all its objects added or removed. Paths are as in the working tree;
at the merge base, a --values or --config file inside the repository is
read as it was there (and left out if the branch added it).

-n BEFORE,AFTER compares each template's render for BEFORE with its render
for AFTER: what promoting staging to production changes.

Objects are matched by API group, kind, namespace and name, so reordering
documents or keys is no change. Each object added, removed or changed is a
unified diff of YAML with sorted keys; a line per render and one for all
sum up. The values of Secrets are masked, as kubectl diff masks them.
-o markdown writes a pull-request comment (a table, then each object in
<details>), -o json a report for programs. A render that fails on either
side is an error, listed with its template line; no diff is written.

--live compares a render with the cluster instead: the API server dry-runs
what eastern deploy would apply (server-side apply, field manager
"eastern", taking over fields other managers own) and the result is
compared with the live object, leaving out what only the server writes
(status, managedFields, resourceVersion and the like). A field the template
does not set is no difference. Give the same --prune and --applyset as the
deploy. eastern hands --live to eastern-cluster.

Examples:
  eastern diff --since origin/main
  eastern diff --since origin/main -o markdown > diff.md
  eastern diff -n staging,production web.yaml
  eastern diff --live app.yaml production -s IMAGE_TAG=$GIT_COMMIT

Flags:
{{flags}}
Exit codes, as diff(1) has them: 0 no change, 1 changes, 2 an error (usage,
a failed render, git missing or REF unknown; with --live, the cluster refused
a request or could not be reached).
`

// Exit codes of diff.
const (
	exitSame       = 0
	exitDifferent  = 1
	exitDiffFailed = 2
)

// diffFormats are the values of diff's -o.
var diffFormats = []string{"text", "markdown", "json"}

// liveFlags are the flags that only --live takes.
var liveFlags = []string{"kubeconfig", "context", "prune", "applyset"}

type diffCmd struct {
	renderFlags
	since   string
	output  string
	baseDir string
	quiet   bool
	// --live, and what only it takes: both binaries parse them, so that
	// eastern's help and completion are eastern-cluster's.
	live       bool
	kubeconfig string
	context    string
	prune      bool
	applyset   string
}

func (a *app) diff(args []string) int {
	var c diffCmd
	fs := pflag.NewFlagSet("diff", pflag.ContinueOnError)
	fs.StringVar(&c.since, "since", "", "compare the working tree with the merge base of HEAD and git `REF`")
	c.renderFlags.register(fs, true)
	fs.Lookup("namespace").Usage = "`NAMESPACE`(s): with --since, those to render (default: as lint finds them); without --since, BEFORE,AFTER; with --live, the one to deploy to (default: the kubeconfig context's)"
	fs.StringVarP(&c.output, "output", "o", "text", "output `FORMAT`: text, markdown (a pull-request comment) or json")
	fs.StringVar(&c.baseDir, "base-dir", "", "where load! paths of a template read from standard input resolve, `DIR`")
	fs.BoolVarP(&c.quiet, "quiet", "q", false, "do not print render warnings")
	fs.BoolVar(&c.live, "live", false, "compare with the objects in the cluster (eastern-cluster)")
	fs.StringVar(&c.kubeconfig, "kubeconfig", "", "with --live: kubeconfig `FILE` (default: $KUBECONFIG, then ~/.kube/config, then the in-cluster service account)")
	fs.StringVar(&c.context, "context", "", "with --live: kubeconfig `CONTEXT` to use (default: the current context)")
	fs.BoolVar(&c.prune, "prune", false, "with --live: compare as deploy --prune applies, with the ApplySet's label on every object")
	fs.StringVar(&c.applyset, "applyset", "", "with --live: `NAME` of the ApplySet parent Secret for --prune (default: from the template's path)")
	if done, code := a.parseFlags(fs, diffUsage, args); done {
		return code
	}
	if c.live {
		return a.diffLive(&c, fs.Args(), args)
	}
	for _, name := range liveFlags {
		if fs.Changed(name) {
			return a.diffExit(false, diag.Usagef("--%s applies to --live", name))
		}
	}
	d, err := c.run(a, fs.Args())
	if err == nil {
		err = c.write(a, d)
	}
	return a.diffExit(err == nil && d.Differ(), err)
}

// diffExit reports err, if any, and returns diff's exit code.
func (a *app) diffExit(changed bool, err error) int {
	var usage *diag.UsageError
	switch {
	case err == nil && changed:
		return exitDifferent
	case err == nil:
		return exitSame
	case errors.As(err, &usage):
		a.usageFailed("diff", err)
	case isFindings(err):
		report.WriteText(a.stderr, diag.Collect(err), a.color())
	default:
		a.failed("diff", err)
	}
	return exitDiffFailed
}

// run compares what the flags and args ask for.
func (c *diffCmd) run(a *app, args []string) (*objdiff.Diff, error) {
	a.verdictByExitCode()
	if !slices.Contains(diffFormats, c.output) {
		return nil, diag.Usagef("unknown output format %q (want text, markdown or json)", c.output)
	}
	switch {
	case c.since != "":
		return c.sinceDiff(a, args)
	case len(c.namespaces) == 2:
		return c.namespacesDiff(a, args)
	case len(c.namespaces) > 0:
		return nil, diag.Usagef("-n without --since names the two namespaces to compare, BEFORE,AFTER")
	}
	return nil, diag.Usagef("compare with what? Give --since REF, -n BEFORE,AFTER or --live")
}

// write prints d in the -o format.
func (c *diffCmd) write(a *app, d *objdiff.Diff) error {
	var err error
	switch c.output {
	case "markdown":
		err = objdiff.WriteMarkdown(a.stdout, d)
	case "json":
		err = objdiff.WriteJSON(a.stdout, d)
	default:
		err = objdiff.WriteText(a.stdout, d, objdiff.TextFormat{Color: a.stdoutColor(), ASCII: !a.utf8})
	}
	if err != nil {
		return fmt.Errorf("writing standard output: %w", err)
	}
	return nil
}
