//go:build cluster

package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/spf13/pflag"

	"github.com/eastern-k8s/eastern/cluster"
	"github.com/eastern-k8s/eastern/deploy"
	"github.com/eastern-k8s/eastern/diag"
	"github.com/eastern-k8s/eastern/report"
)

const diffUsage = `Show what eastern deploy would change in the cluster, without changing anything.

Usage:
  eastern diff --live TEMPLATE [NAMESPACE] [flags]

The template is rendered as eastern deploy renders it, and for every object
the API server works out what server-side apply (field manager "eastern",
taking over fields another manager owns, as --force-conflicts does) would
make of it, in a dry run; that is compared with the live object and printed
as a unified diff of YAML with sorted keys, one object after another, then
a line that sums up: "namespace web: 3 objects: 1 changed, 1 new, 1 unchanged".
Unchanged objects are not printed.

It answers "does the cluster still run what git says?": someone's
kubectl edit, scale or patch of a field the template sets shows. A field
the template does not set (a label someone added, defaults the server
filled in) is no difference, since a deploy leaves it alone. Left out as
well: status, metadata.managedFields, resourceVersion, generation, uid,
creationTimestamp, selfLink, deletionTimestamp, deletionGracePeriodSeconds,
and annotations only Kubernetes writes (deployment.kubernetes.io/revision
and the like). The values of Secrets are masked, as kubectl diff masks
them. Objects whose CustomResourceDefinition or Namespace the manifest
creates are new, shown as rendered.

Give the same --prune and --applyset as the deploy: they add the ApplySet's
label to every object.

Examples:
  eastern diff --live app.yaml production -s IMAGE_TAG=$GIT_COMMIT
  eastern diff --live app.yaml staging --context staging || echo "staging has drifted"

Flags:
{{flags}}
Exit codes, as diff(1) has them (not deploy's): 0 nothing would change,
1 something would change, 2 an error (usage, render, or the cluster refused
a request or could not be reached).
`

// Exit codes of diff.
const (
	exitSame       = 0
	exitDifferent  = 1
	exitDiffFailed = 2
)

type diffCmd struct {
	renderFlags
	clusterFlags
	live     bool
	baseDir  string
	prune    bool
	applyset string
	quiet    bool
}

func (a *app) diff(args []string) int {
	var c diffCmd
	fs := pflag.NewFlagSet("diff", pflag.ContinueOnError)
	fs.BoolVar(&c.live, "live", false, "compare with the objects in the cluster (required)")
	c.renderFlags.register(fs, false)
	c.clusterFlags.register(fs)
	fs.Lookup("namespace").Usage = "`NAMESPACE` to deploy to, the value of ${NAMESPACE} (default: the kubeconfig context's namespace, as for kubectl)"
	fs.StringVar(&c.baseDir, "base-dir", "", "where load! paths of a template read from standard input resolve, `DIR`")
	fs.BoolVar(&c.prune, "prune", false, "compare as deploy --prune applies: with the ApplySet's label on every object")
	fs.StringVar(&c.applyset, "applyset", "", "`NAME` of the ApplySet parent Secret for --prune (default: from the template's path)")
	fs.BoolVarP(&c.quiet, "quiet", "q", false, "do not print render warnings")
	if done, code := a.parseFlags(fs, diffUsage, args); done {
		return code
	}
	changed, err := c.run(a, fs.Args())
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

// run prints the diff and reports whether anything would change.
func (c *diffCmd) run(a *app, args []string) (bool, error) {
	if !c.live {
		return false, diag.Usagef("--live is required: diff compares a render with the cluster")
	}
	if len(args) < 1 || len(args) > 2 {
		return false, diag.Usagef("want TEMPLATE [NAMESPACE]")
	}
	ns, client, err := c.clusterFlags.namespace(a, args[1:], c.namespaces)
	if err != nil {
		return false, err
	}
	template := args[0]
	// The same set as deploy's, so that its label is no difference.
	set, err := (&deployCmd{prune: c.prune, applyset: c.applyset}).applySet(a, template, ns)
	if err != nil {
		return false, err
	}
	renderOpts, err := c.options(a.workDir, ns)
	if err != nil {
		return false, err
	}
	res, err := a.renderTemplate(template, c.baseDir, renderOpts, c.quiet)
	if err != nil {
		return false, err
	}
	objs, err := deploy.Parse(res.Output, &res.SourceMap)
	if err != nil {
		return false, err
	}
	if client == nil {
		if client, err = c.connect(a); err != nil {
			return false, err
		}
	}
	ctx, stop := interruptible()
	defer stop()
	opts := deploy.ApplyOptions{Namespace: ns}
	if set != nil {
		opts.Labels = set.Labels()
	}
	changes, err := diffAll(ctx, client, objs, opts, set)
	if err != nil {
		return false, err
	}
	if err := deploy.WriteDiff(a.stdout, changes, a.stdoutColor()); err != nil {
		return false, fmt.Errorf("writing standard output: %w", err)
	}
	for _, ch := range changes {
		if ch.Action != deploy.Unchanged {
			return true, nil
		}
	}
	return false, nil
}

// diffAll is what a deploy of objs would change, with the objects its
// --prune would delete when set is not nil.
func diffAll(ctx context.Context, client *cluster.Client, objs []*deploy.Object, opts deploy.ApplyOptions, set *deploy.ApplySet) ([]deploy.Change, error) {
	changes, err := deploy.Diff(ctx, client, objs, opts)
	if err != nil || set == nil {
		return changes, err
	}
	pruned, err := set.Pruned(ctx, client, objs, opts)
	return append(changes, pruned...), err
}
