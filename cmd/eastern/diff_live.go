//go:build cluster

package main

import (
	"context"
	"fmt"

	"github.com/eastern-k8s/eastern/cluster"
	"github.com/eastern-k8s/eastern/deploy"
	"github.com/eastern-k8s/eastern/diag"
)

// diffLive is eastern diff --live: args are the positional arguments.
func (a *app) diffLive(c *diffCmd, args, _ []string) int {
	changed, err := c.runLive(a, args)
	return a.diffExit(changed, err)
}

// runLive prints the diff with the cluster and reports whether anything
// would change.
func (c *diffCmd) runLive(a *app, args []string) (bool, error) {
	switch {
	case c.since != "":
		return false, diag.Usagef("give --live or --since, not both")
	case c.output != "text":
		return false, diag.Usagef("--live writes text only, not -o %s", c.output)
	}
	if len(args) < 1 || len(args) > 2 {
		return false, diag.Usagef("want TEMPLATE [NAMESPACE]")
	}
	cf := clusterFlags{kubeconfig: c.kubeconfig, context: c.context}
	ns, client, err := cf.namespace(a, args[1:], c.namespaces)
	if err != nil {
		return false, err
	}
	template := args[0]
	// The same set as deploy's, so that its label is no difference.
	set, err := (&deployCmd{prune: c.prune, applyset: c.applyset}).applySet(a, template, ns)
	if err != nil {
		return false, err
	}
	renderOpts, err := c.options(a.workDir, template, c.baseDir, ns)
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
		if client, err = cf.connect(a); err != nil {
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
