package main

import (
	"context"
	"errors"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/pflag"

	"github.com/eastern-k8s/eastern/diag"
	"github.com/eastern-k8s/eastern/engine"
	"github.com/eastern-k8s/eastern/lint"
	"github.com/eastern-k8s/eastern/report"
	"github.com/eastern-k8s/eastern/schema"
	"github.com/eastern-k8s/eastern/watch"
)

const watchUsage = `Render a template again every time it, or anything it loads, changes.

Usage:
  eastern watch TEMPLATE [NAMESPACE] [flags]

Watches the template, every file it loads, every higher-priority candidate
that would change which file a load! picks, and the --values file. Each
render is written atomically to --output-file FILE (a failed render leaves the file as
it was) or printed: on a terminal as a screen showing the latest render and
what changed; otherwise as a stream with a "# eastern watch: TIME NAMESPACE
ok" line before each render. Problems, and lint's findings unless --no-lint,
print to standard error at template file:line. Errors in the templates never
stop the watch, and a TEMPLATE that does not exist yet is waited for.

Examples:
  eastern watch deploy/app.yaml production
  eastern watch deploy/app.yaml production --output-file rendered/production.yaml
  eastern watch deploy/app.yaml -n staging,production --output-file 'rendered/${NAMESPACE}.yaml'

Flags:
{{flags}}
Stop with Ctrl-C. Exit codes: 0 stopped, 1 the watch could not start or go on
(standard output cannot be written, the working directory was removed), 2 usage error.
`

type watchCmd struct {
	renderFlags
	out         output
	noLint      bool
	kubeVersion string
	strictKinds bool
	crds        []string
	debounce    time.Duration
}

func (a *app) watch(args []string) int {
	var c watchCmd
	fs := pflag.NewFlagSet("watch", pflag.ContinueOnError)
	c.register(fs, true)
	c.out.register(fs, "write each good render atomically to `FILE` (must contain ${NAMESPACE} for several namespaces)")
	fs.BoolVar(&c.noLint, "no-lint", false, "only render; do not check the output against the Kubernetes schemas")
	fs.StringVar(&c.kubeVersion, "kube-version", "", "check against Kubernetes `RELEASE` (\"1.29\") for every namespace (default: from the config, else the newest)")
	fs.BoolVar(&c.strictKinds, "strict-kinds", false, "report kinds that have no schema as errors")
	fs.StringArrayVar(&c.crds, "crds", nil, "check custom resources against the CustomResourceDefinitions in `PATH` (repeatable: a file, a directory searched recursively, or a glob)")
	fs.DurationVar(&c.debounce, "debounce", watch.DefaultDebounce, "wait this `DURATION` after the last change before rendering")
	if done, code := a.parseFlags(fs, watchUsage, args); done {
		return code
	}
	opts, err := c.options(a, fs.Args())
	if err != nil {
		var usage *diag.UsageError
		if errors.As(err, &usage) {
			a.usageFailed("watch", err)
			return exitUsage
		}
		a.failed("watch", err)
		return exitFailed
	}
	w, err := watch.New(opts)
	var usage *diag.UsageError
	switch {
	case errors.As(err, &usage):
		a.usageFailed("watch", err)
		return exitUsage
	case err != nil:
		a.failed("watch", err)
		return exitFailed
	}
	// Ctrl-C and SIGTERM end the watch normally: Run returns after the
	// render in progress is written, never in the middle of a write.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := w.Run(ctx); err != nil {
		a.failed("watch", err)
		return exitFailed
	}
	return exitOK
}

// options checks the command line and turns it into watch options.
func (c *watchCmd) options(a *app, args []string) (watch.Options, error) {
	var opts watch.Options
	switch {
	case len(args) == 0:
		return opts, diag.Usagef("no TEMPLATE given")
	case len(args) > 2:
		return opts, diag.Usagef("too many arguments: want TEMPLATE [NAMESPACE]")
	case args[0] == "-":
		return opts, diag.Usagef("cannot watch standard input: name a template file")
	}
	namespaces, err := namespacesArg(args[1:], c.namespaces, true)
	if err != nil {
		return opts, err
	}
	if err := c.out.check(); err != nil {
		return opts, err
	}
	if c.debounce <= 0 {
		return opts, diag.Usagef("--debounce must be positive")
	}
	// Bad -s, --values or configuration are mistakes to fix before
	// anything runs, not the first render's failure.
	cfg, err := lint.ConfigFor(a.workDir, c.config, args[0], c.root, "")
	if err != nil {
		return opts, err
	}
	if _, err := c.vars(a.workDir); err != nil {
		return opts, err
	}
	if len(args) < 2 && len(c.namespaces) == 0 && cfg != nil && len(cfg.Namespaces) > 0 {
		// As lint renders it: for the namespaces its config lists.
		namespaces = nil
		for _, ns := range cfg.Namespaces {
			namespaces = append(namespaces, ns.Name)
		}
		if len(namespaces) > 1 && c.out.file != "" && !strings.Contains(c.out.file, watch.NamespaceVar) {
			return opts, diag.Usagef("%s lists %d namespaces: name one, or put %s in --output-file", cfg.Path, len(namespaces), watch.NamespaceVar)
		}
	}
	opts = watch.Options{
		Template:   args[0],
		Namespaces: namespaces,
		Vars: func(ns string) (map[string]string, error) {
			return c.templateVars(a.workDir, args[0], "", ns)
		},
		OtherVars: func() map[string]bool {
			// A config that cannot be read is Vars' error to report.
			cfg, _ := lint.ConfigFor(a.workDir, c.config, args[0], c.root, "")
			return cfg.NamespaceVarNames()
		},
		WorkDir:   a.workDir,
		RootDir:   c.root,
		Strict:    c.strict,
		MaxLoads:  int(c.maxLoads),
		MaxOutput: int64(c.maxOutput),
		Output:    c.out.file,
		Encode:    c.out.encode,
		Stdout:    a.stdout,
		Stderr:    a.stderr,
		Screen:    a.stdoutTerminal && c.out.file == "",
		Color:     a.color(),
		Debounce:  c.debounce,
	}
	opts.Inputs = append(opts.Inputs, c.values...)
	// The configs that may apply are watched even while they do not
	// exist, so that creating one counts.
	configPaths, err := lint.ConfigPaths(a.workDir, c.config, args[0], c.root)
	if err != nil {
		return opts, err
	}
	opts.Inputs = append(opts.Inputs, configPaths...)
	if c.noLint {
		if c.kubeVersion != "" || c.strictKinds || len(c.crds) > 0 {
			return opts, diag.Usagef("--kube-version, --strict-kinds and --crds have no effect with --no-lint")
		}
		return opts, nil
	}
	var release string
	if c.kubeVersion != "" {
		var err error
		var newer bool
		if release, newer, err = schema.ResolveRelease(c.kubeVersion); err != nil {
			return opts, diag.Usagef("--kube-version: %v", err)
		}
		if newer {
			report.WriteText(a.stderr, diag.Findings{lint.NewerRelease(c.kubeVersion, diag.Position{})}, a.color())
		}
	}
	// The CRDs are read again for every check: a change to one is a
	// reason to check again.
	crdPaths, err := lint.CRDPaths(a.workDir, c.config, args[0], c.root, c.crds)
	if err != nil {
		return opts, err
	}
	opts.Inputs = append(opts.Inputs, crdPaths...)
	live, err := lint.NewLiveCheck(lint.LiveOptions{
		WorkDir: a.workDir, Config: c.config, Template: args[0], RootDir: c.root, KubeVersion: release, StrictKinds: c.strictKinds,
		CRDs: c.crds,
	})
	if err != nil {
		return opts, err
	}
	opts.Check = func(res *engine.Result, renderErr error, namespace string) diag.Findings {
		return live.Check(res, renderErr, namespace)
	}
	return opts, nil
}
