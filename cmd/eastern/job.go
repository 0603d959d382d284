//go:build cluster

package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/pflag"

	"github.com/eastern-k8s/eastern/cluster"
	"github.com/eastern-k8s/eastern/deploy"
	"github.com/eastern-k8s/eastern/diag"
	"github.com/eastern-k8s/eastern/lint"
)

const jobUsage = `Run a template's Job once for an image tag: apply it, stream its log, delete it.

Usage:
  eastern job TEMPLATE NAMESPACE TAG [flags]

TAG is the value of ${IMAGE_TAG} (it wins over -s IMAGE_TAG=…) and is
appended to the name of every Job (batch/v1) the template renders: Job
"migrate" run for tag 1.4.2 is job.batch/migrate-1-4-2. The name is made a
DNS label of at most 63 characters: lower case, other characters become
"-"; a longer one is cut and ends in a hash of the whole name, so that two
tags never share a Job.

The whole manifest is linted at the cluster's release and applied, the
ConfigMaps and Secrets the Job needs with it, with server-side apply as
eastern deploy does. Then eastern streams the log of the Job's pods as
they write it, across restarts of a container (restartPolicy OnFailure)
and across the new pods the Job starts after a failure (backoffLimit),
until the Job succeeds or fails.

Whichever way eastern ends (success, failure, timeout, Ctrl-C, SIGTERM) it
deletes the Job and its pods, unless --keep is given. After a signal it
deletes them and then exits; a second signal stops it at once.

A Job of the same name from an earlier run (kept with --keep) is deleted
first, and eastern waits until it is gone. One that has not finished may
be another run's at work: eastern stops with an error and leaves it alone.

Examples:
  eastern job migrate.yaml production $GIT_COMMIT
  eastern job migrate.yaml staging 1.4.2 --timeout 15m
  eastern job migrate.yaml staging 1.4.2 --keep      # then: kubectl describe job migrate-1-4-2

Flags:
{{flags}}
Exit codes: 0 the Job succeeded, 1 render, lint or apply error or no Job in
the template, 2 usage error or timed out, 3 the Job failed (or a pod cannot
start), 130 interrupted (SIGINT), 143 terminated (SIGTERM).
`

// Exit codes of job after a signal, as a shell reports a process that the
// signal ended: 128 + the signal's number.
const (
	exitInterrupted = 130 // SIGINT
	exitTerminated  = 143 // SIGTERM
)

type jobCmd struct {
	renderFlags
	clusterFlags
	timeout time.Duration
	keep    bool
	noLint  bool
	quiet   bool
}

func (a *app) job(args []string) int {
	var c jobCmd
	fs := pflag.NewFlagSet("job", pflag.ContinueOnError)
	c.renderFlags.register(fs, false)
	c.clusterFlags.register(fs)
	fs.DurationVar(&c.timeout, "timeout", 5*time.Minute, "give up when no log line arrives and neither the Job nor its pods change for this `DURATION` (0: never)")
	fs.BoolVar(&c.keep, "keep", false, "leave the Job and its pods in the cluster when eastern ends")
	fs.BoolVar(&c.noLint, "no-lint", false, "apply without linting the render first")
	fs.BoolVarP(&c.quiet, "quiet", "q", false, "do not print render and lint warnings")
	if done, code := a.parseFlags(fs, jobUsage, args); done {
		return code
	}
	return c.run(a, fs.Args())
}

// jobPlan is a job ready to apply: its render and objects, tagged.
type jobPlan struct {
	template, ns string
	rendered     *rendered
	objs, jobs   []*deploy.Object
	client       *cluster.Client
}

func (c *jobCmd) run(a *app, args []string) int {
	p, err := c.prepare(a, args)
	if err != nil {
		return a.finish("job", err)
	}
	// A closed pipe on standard output (eastern job … | head) must not end
	// eastern before it deleted the Job: writes fail instead.
	signal.Ignore(syscall.SIGPIPE)
	out := &recordingWriter{w: a.stdout}
	ctx, stop := interruptible()
	defer stop()
	applied, err := c.start(ctx, a, p, out)
	var jobs []deploy.Applied
	for _, o := range applied {
		if deploy.IsJob(o.Object) {
			jobs = append(jobs, o)
		}
	}
	if err == nil {
		err = deploy.FollowJobs(ctx, p.client, jobs, deploy.JobOptions{Timeout: c.timeout, Out: out})
	}
	var code int
	if err != nil && ctx.Err() != nil {
		code = signalled(ctx)
		what := "interrupted (SIGINT)"
		if code == exitTerminated {
			what = "terminated (SIGTERM)"
		}
		a.failed("job", errors.New(what))
	} else {
		code = a.finish("job", err)
	}
	// From here a second signal ends eastern at once.
	stop()
	if !c.cleanUp(a, p, jobs, out) && code == exitOK {
		code = exitFailed
	}
	if out.err != nil {
		a.failed("job", fmt.Errorf("writing standard output: %v; log lines were lost", out.err))
		if code == exitOK {
			code = exitFailed
		}
	}
	return code
}

// prepare renders the template for TAG and finds its Jobs; nothing has
// touched the cluster yet.
func (c *jobCmd) prepare(a *app, args []string) (*jobPlan, error) {
	if len(args) != 3 {
		return nil, diag.Usagef("want TEMPLATE NAMESPACE TAG")
	}
	if c.timeout < 0 {
		return nil, diag.Usagef("--timeout: want a duration of 0 (no timeout) or more, not %s", c.timeout)
	}
	template, tag := args[0], args[2]
	if template == "" {
		return nil, diag.Usagef("TEMPLATE is empty; use - to read standard input")
	}
	if strings.TrimSpace(tag) == "" {
		return nil, diag.Usagef("TAG is empty")
	}
	ns, err := namespaceArg(args[1:2], c.namespaces)
	if err != nil {
		return nil, err
	}
	opts, err := c.options(a.workDir, template, "", ns)
	if err != nil {
		return nil, err
	}
	if old, ok := opts.Vars["IMAGE_TAG"]; ok && old != tag && !c.quiet {
		a.failed("job", fmt.Errorf("warning: TAG %q replaces IMAGE_TAG=%q given with -s, --values or %s", tag, old, lint.ConfigFile))
	}
	opts.Vars["IMAGE_TAG"] = tag
	res, err := a.renderTemplate(template, "", opts, c.quiet)
	if err != nil {
		return nil, err
	}
	objs, err := deploy.Parse(res.Output, &res.SourceMap)
	if err != nil {
		return nil, err
	}
	jobs := deploy.TagJobs(objs, tag)
	if len(jobs) == 0 {
		name := template
		if name == "-" {
			name = "standard input"
		}
		return nil, fmt.Errorf("%s renders no Job (kind Job, apiVersion batch/v1) for namespace %s", name, ns)
	}
	client, err := c.connect(a)
	if err != nil {
		return nil, err
	}
	return &jobPlan{template: template, ns: ns, objs: objs, jobs: jobs, client: client,
		rendered: &rendered{output: res.Output, lines: &res.SourceMap, res: res}}, nil
}

// start lints, makes room for the Jobs and applies the manifest. It
// returns what was applied, also with an error.
func (c *jobCmd) start(ctx context.Context, a *app, p *jobPlan, out io.Writer) ([]deploy.Applied, error) {
	// Lint as deploy does, with the flags the two commands share.
	lintOnly := deployCmd{noLint: c.noLint, quiet: c.quiet}
	if err := lintOnly.lint(ctx, a, p.client, p.rendered, p.template, p.ns); err != nil {
		return nil, err
	}
	for _, j := range p.jobs {
		if ns := j.GetNamespace(); ns != "" && ns != p.ns {
			continue // Apply rejects it: nothing of another namespace is touched
		}
		deleted, err := deploy.ClearJob(ctx, p.client, p.ns, j.GetName())
		if err != nil {
			return nil, err
		}
		if deleted {
			fmt.Fprintf(out, "job.batch/%s deleted (left by an earlier run)\n", j.GetName())
		}
	}
	applied, err := deploy.Apply(ctx, p.client, p.objs, deploy.ApplyOptions{
		Namespace: p.ns,
		Progress:  func(o deploy.Applied) { fmt.Fprintf(out, "%s applied\n", o.Label()) },
	})
	if err != nil {
		return applied, &partialError{err: err, applied: applied}
	}
	return applied, nil
}

// cleanUp deletes the Jobs that were applied, unless --keep; it reports
// whether all went well.
func (c *jobCmd) cleanUp(a *app, p *jobPlan, jobs []deploy.Applied, out io.Writer) bool {
	ok := true
	// The run's context may be cancelled by a signal; the clean-up gets
	// its own, bounded so that an unreachable cluster cannot hold it.
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for _, j := range jobs {
		label := j.Label()
		if c.keep {
			fmt.Fprintf(out, "%s kept (--keep)\n", label)
			continue
		}
		existed, err := deploy.DeleteJob(ctx, p.client, j)
		switch {
		case err != nil:
			ok = false
			a.failed("job", fmt.Errorf("deleting %s: %v; delete it with: kubectl delete job %s -n %s", label, err, j.Object.GetName(), j.Object.GetNamespace()))
		case existed:
			fmt.Fprintf(out, "%s deleted\n", label)
		default:
			fmt.Fprintf(out, "%s was already gone\n", label)
		}
	}
	return ok
}

// signalled is the exit code after the signal that cancelled ctx.
func signalled(ctx context.Context) int {
	if cause := context.Cause(ctx); cause != nil && strings.HasPrefix(cause.Error(), syscall.SIGTERM.String()) {
		return exitTerminated
	}
	return exitInterrupted
}

// recordingWriter remembers the first error of its writer.
type recordingWriter struct {
	w   io.Writer
	err error
}

func (r *recordingWriter) Write(p []byte) (int, error) {
	if r.err != nil {
		return 0, r.err
	}
	n, err := r.w.Write(p)
	if err != nil {
		r.err = err
	}
	return n, err
}
