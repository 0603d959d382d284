//go:build cluster

package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/eastern-k8s/eastern/cluster"
	"github.com/eastern-k8s/eastern/deploy"
	"github.com/eastern-k8s/eastern/diag"
	"github.com/eastern-k8s/eastern/engine"
	"github.com/eastern-k8s/eastern/internal/fspath"
	"github.com/eastern-k8s/eastern/lint"
	"github.com/eastern-k8s/eastern/report"
	"github.com/eastern-k8s/eastern/validator"
)

const deployUsage = `Render a template, lint it at the cluster's release, apply it and wait for the rollout.

Usage:
  eastern deploy TEMPLATE [NAMESPACE] [flags]

Every object is applied with server-side apply (field manager "eastern"):
Namespaces and CustomResourceDefinitions first, then the rest in manifest
order. Objects that name no namespace go into NAMESPACE, by default the
kubeconfig context's namespace, as with kubectl. Then eastern waits
for every Deployment, StatefulSet and DaemonSet to finish rolling out, and
when one fails or stalls it shows the pods that are not ready, the Warning
events and the last log lines of the failing containers.

Examples:
  eastern deploy app.yaml production -s IMAGE_TAG=$GIT_COMMIT
  eastern deploy app.yaml staging --dry-run=server      # the API server's verdict, nothing changed
  eastern deploy app.yaml production --diff --prune --timeout 10m

Flags:
{{flags}}
Exit codes: 0 deployed, 1 render, lint or apply error (what was applied is
listed), 2 usage error (nothing applied) or timed out, 3 rollout failed.
`

// Exit codes of deploy and job beyond the shared ones, Project Eastern's.
const (
	exitTimedOut = 2
	exitRollout  = 3
)

type deployCmd struct {
	renderFlags
	clusterFlags
	baseDir  string
	noLint   bool
	force    bool
	dryRun   string
	diff     bool
	prune    bool
	applyset string
	edit     bool
	noWait   bool
	timeout  time.Duration
	deadline time.Duration
	quiet    bool
}

func (a *app) deploy(args []string) int {
	var c deployCmd
	fs := pflag.NewFlagSet("deploy", pflag.ContinueOnError)
	c.renderFlags.register(fs, false)
	c.clusterFlags.register(fs)
	fs.Lookup("namespace").Usage = "`NAMESPACE` to deploy to, the value of ${NAMESPACE} (default: the kubeconfig context's namespace, as for kubectl)"
	fs.StringVar(&c.baseDir, "base-dir", "", "where load! paths of a template read from standard input resolve, `DIR`")
	fs.BoolVar(&c.noLint, "no-lint", false, "apply without linting the render first")
	fs.BoolVar(&c.force, "force-conflicts", false, "take over fields that another field manager owns instead of failing")
	fs.StringVar(&c.dryRun, "dry-run", "", "`server`: have the API server validate and admit every object without changing anything")
	fs.BoolVar(&c.diff, "diff", false, "show what would change in each object before applying it")
	fs.BoolVar(&c.prune, "prune", false, "delete objects an earlier deploy of this template and namespace created that it no longer renders (ApplySet)")
	fs.StringVar(&c.applyset, "applyset", "", "`NAME` of the ApplySet parent Secret for --prune (default: from the template's path)")
	fs.BoolVar(&c.edit, "edit", false, "open the rendered manifest in $EDITOR before applying it; an empty or unsaved file aborts")
	fs.BoolVar(&c.noWait, "no-wait", false, "return once everything is applied")
	fs.DurationVar(&c.timeout, "timeout", 5*time.Minute, "give up when no rollout makes progress for this `DURATION` (0: never)")
	fs.DurationVar(&c.deadline, "deadline", 0, "give up when the rollouts take longer than this `DURATION` in all (default: none)")
	fs.BoolVarP(&c.quiet, "quiet", "q", false, "do not print render warnings")
	if done, code := a.parseFlags(fs, deployUsage, args); done {
		return code
	}
	return a.finish("deploy", c.run(a, fs.Args()))
}

// finish prints how a deploy or job ended and returns its exit code.
func (a *app) finish(cmd string, err error) int {
	var usage *diag.UsageError
	var rollout *deploy.RolloutError
	var partial *partialError
	if errors.As(err, &partial) {
		defer a.listApplied(cmd, partial.applied)
	}
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &usage):
		a.usageFailed(cmd, err)
		return exitUsage
	case errors.As(err, &rollout):
		io.WriteString(a.stderr, rollout.Report)
		a.failed(cmd, err)
		if rollout.TimedOut {
			return exitTimedOut
		}
		return exitRollout
	case isFindings(err):
		report.WriteText(a.stderr, diag.Collect(err), a.color())
		return exitFailed
	default:
		a.failed(cmd, err)
		return exitFailed
	}
}

// partialError is an error after some objects were applied: finish lists
// them, so that nothing half-applied goes unsaid.
type partialError struct {
	err     error
	applied []deploy.Applied
}

func (e *partialError) Error() string { return e.err.Error() }
func (e *partialError) Unwrap() error { return e.err }

func (a *app) listApplied(cmd string, applied []deploy.Applied) {
	if len(applied) == 0 {
		fmt.Fprintf(a.stderr, "eastern %s: nothing was applied\n", cmd)
		return
	}
	labels := make([]string, len(applied))
	for i, o := range applied {
		labels[i] = o.Label()
	}
	fmt.Fprintf(a.stderr, "eastern %s: applied before that: %s\n", cmd, strings.Join(labels, ", "))
}

func (c *deployCmd) run(a *app, args []string) error {
	if len(args) < 1 || len(args) > 2 {
		return diag.Usagef("want TEMPLATE [NAMESPACE]")
	}
	if c.dryRun != "" && c.dryRun != "server" {
		return diag.Usagef("--dry-run: want server, not %q", c.dryRun)
	}
	dryRun := c.dryRun == "server"
	if c.timeout < 0 || c.deadline < 0 {
		return diag.Usagef("--timeout and --deadline take a duration of 0 or more")
	}
	ns, client, err := c.clusterFlags.namespace(a, args[1:], c.namespaces)
	if err != nil {
		return err
	}
	template := args[0]
	set, err := c.applySet(a, template, ns)
	if err != nil {
		return err
	}
	rendered, err := c.renderAndEdit(a, template, ns)
	if err != nil {
		return err
	}
	if client == nil {
		if client, err = c.connect(a); err != nil {
			return err
		}
	}
	ctx, stop := interruptible()
	defer stop()
	if err := c.lint(ctx, a, client, rendered, template, ns); err != nil {
		return err
	}
	objs, err := deploy.Parse(rendered.output, rendered.lines)
	if err != nil {
		return err
	}
	opts := deploy.ApplyOptions{Namespace: ns, Force: c.force, DryRun: dryRun}
	if set != nil {
		opts.Labels = set.Labels()
	}
	if c.diff {
		changes, err := diffAll(ctx, client, objs, opts, set)
		if err != nil {
			return err
		}
		if err := deploy.WriteDiff(a.stdout, changes, a.stdoutColor()); err != nil {
			return fmt.Errorf("writing standard output: %w", err)
		}
	}
	if set != nil {
		if err := set.Begin(ctx, client, objs, dryRun); err != nil {
			return err
		}
	}
	verb := "applied"
	if dryRun {
		verb = "valid (server dry run)"
	}
	opts.Progress = func(o deploy.Applied) { fmt.Fprintf(a.stdout, "%s %s\n", o.Label(), verb) }
	opts.Skipped = func(o *deploy.Object, why string) {
		fmt.Fprintf(a.stdout, "%s not checked: %s\n", o.KubectlName(), why)
	}
	applied, err := deploy.Apply(ctx, client, objs, opts)
	if errors.Is(err, context.Canceled) {
		err = errors.New("interrupted while applying")
	}
	if err != nil {
		if dryRun {
			return err
		}
		return &partialError{err: err, applied: applied}
	}
	if set != nil {
		pruned := "pruned"
		if dryRun {
			pruned = "would be pruned (server dry run)"
		}
		err := set.Prune(ctx, client, applied, dryRun, func(label, note string) {
			if note != "" {
				note = " (" + note + ")"
			}
			fmt.Fprintf(a.stdout, "%s %s%s\n", label, pruned, note)
		})
		if errors.Is(err, context.Canceled) {
			err = errors.New("interrupted while pruning")
		}
		if err != nil && dryRun {
			return err
		}
		if err != nil {
			return &partialError{err: err, applied: applied}
		}
	}
	if dryRun || c.noWait {
		return nil
	}
	err = deploy.Wait(ctx, client, applied, deploy.WaitOptions{
		Timeout: c.timeout, Deadline: c.deadline, Out: a.stdout,
		Live: a.stdoutTerminal && a.getenv("TERM") != "dumb", Width: a.stdoutWidth(),
	})
	if errors.Is(err, context.Canceled) {
		return &partialError{err: errors.New("interrupted while waiting for the rollouts"), applied: applied}
	}
	return err
}

// applySet is the ApplySet of a --prune deploy (nil without --prune): the
// --applyset Secret, or by default the one ApplySetName derives from the
// template's absolute path.
func (c *deployCmd) applySet(a *app, template, ns string) (*deploy.ApplySet, error) {
	if !c.prune {
		if c.applyset != "" {
			return nil, diag.Usagef("--applyset names the set that --prune prunes; add --prune")
		}
		return nil, nil
	}
	name := c.applyset
	if name == "" {
		if template == "" || template == "-" {
			return nil, diag.Usagef("--prune of a template read from standard input needs --applyset NAME")
		}
		path, err := filepath.Abs(fspath.Abs(a.workDir, template))
		if err != nil {
			return nil, err
		}
		name = deploy.ApplySetName(path)
	}
	set, err := deploy.NewApplySet(name, ns, versionNumber())
	if err != nil {
		return nil, diag.Usagef("--applyset: %v", err)
	}
	return set, nil
}

// rendered is a render ready to apply: its output, and what maps the
// output's lines to template lines (nil after --edit changed it).
type rendered struct {
	output []byte
	lines  validator.LineMap
	res    *engine.Result
}

func (c *deployCmd) renderAndEdit(a *app, template, ns string) (*rendered, error) {
	opts, err := c.options(a.workDir, template, c.baseDir, ns)
	if err != nil {
		return nil, err
	}
	res, err := a.renderTemplate(template, c.baseDir, opts, c.quiet)
	if err != nil {
		return nil, err
	}
	r := &rendered{output: res.Output, lines: &res.SourceMap, res: res}
	if c.edit {
		edited, err := a.editManifest(res.Output)
		if err != nil {
			return nil, err
		}
		if string(edited) != string(res.Output) {
			r.output, r.lines = edited, nil
		}
	}
	return r, nil
}

// lint checks the render at the cluster's release; errors stop the deploy.
func (c *deployCmd) lint(ctx context.Context, a *app, client *cluster.Client, r *rendered, template, ns string) error {
	if c.noLint {
		return nil
	}
	serverRelease, err := client.Release(ctx)
	if err != nil {
		return err
	}
	release, note := lintRelease(serverRelease)
	var check diag.Check
	if r.lines != nil {
		// As eastern lint checks it for the namespace: the nearest
		// config's checks and CRDs, at the cluster's release.
		live, err := lint.NewLiveCheck(lint.LiveOptions{WorkDir: a.workDir, Config: c.config, Template: template, RootDir: c.root, KubeVersion: release})
		if err != nil {
			return err
		}
		check.Findings = live.Check(r.res, nil, ns)
	} else {
		fs, _ := validator.Validate(r.output, validator.Options{Release: release, Namespace: ns})
		for _, f := range fs {
			f.Pos.File = "(edited manifest)"
		}
		check = diag.Check{Findings: fs}
	}
	// A deploy shows what stops it and what to worry about; the notes
	// of the practice checks are lint's to list.
	fs := slices.DeleteFunc(check.Findings, func(f *diag.Finding) bool { return f.Severity < diag.Warning })
	if note != nil {
		fs = append(diag.Findings{note}, fs...)
	}
	if !c.quiet || countSeverity(fs, diag.Error) > 0 {
		report.WriteText(a.stderr, fs, a.color())
	}
	if n := countSeverity(fs, diag.Error); n > 0 {
		return fmt.Errorf("lint found %d error(s) at Kubernetes %s; nothing was applied (--no-lint skips the check)", n, release)
	}
	return nil
}

// countSeverity is how many findings have severity sev.
func countSeverity(fs diag.Findings, sev diag.Severity) int {
	n := 0
	for _, f := range fs {
		if f.Severity == sev {
			n++
		}
	}
	return n
}
