package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"

	"github.com/spf13/pflag"

	"github.com/eastern-k8s/eastern/checks"
	"github.com/eastern-k8s/eastern/diag"
	"github.com/eastern-k8s/eastern/engine"
	"github.com/eastern-k8s/eastern/internal/fspath"
	"github.com/eastern-k8s/eastern/internal/gitrepo"
	"github.com/eastern-k8s/eastern/internal/input"
	"github.com/eastern-k8s/eastern/internal/safefile"
	"github.com/eastern-k8s/eastern/lint"
	"github.com/eastern-k8s/eastern/report"
	"github.com/eastern-k8s/eastern/schema"
)

const lintUsage = `Check templates offline against the schemas of each namespace's Kubernetes release.

Usage:
  eastern lint [PATH|GLOB ...] [flags]
  eastern lint - [flags]            (one template from standard input; loads from --base-dir)

Directories are searched recursively for .yaml and .yml files; globs may use
** (quote them). Hidden files and directories are skipped. A file that another
linted file loads is a partial and is checked only through the templates that
load it; --template names the root templates explicitly instead. Loads may
reach anywhere below the working directory; a template outside it may load
files inside the PATH or glob directory that found it (--root widens both).

Each template is rendered once per namespace: -n if given, else those listed
in its .eastern.yaml, else "default" plus every namespace that the ${NAMESPACE}
candidates of the template and what it loads find on disk
(overrides/env-production.yaml → production), with the variables -s and
--values set filled in. Findings point at template lines, with the loads that
led there.

Custom resources are checked against their CustomResourceDefinitions: those in
the render itself, and those in the files --crds and crds: name (the files are
read, not linted; see docs/crds.md). Kinds with neither a schema nor a CRD are
skipped with a note; the summary counts both.

.eastern.yaml: the nearest one in a template's directory or above it (up to
the working directory, or --root) applies to it; --config forces one for all.
  kubeVersion: "1.29"          # default for every namespace
  values: {REGISTRY: registry.example.com}   # -s and --values win
  namespaces:
    production: {kubeVersion: "1.24", values: {REPLICAS: "3"}}
    staging: {}
  exclude: [testdata]          # not templates; paths from the config's directory
  crds: [crds]                 # CRD files, as --crds; paths from the config's directory
  checks:                      # docs/checks.md; --checks wins
    default: {practices: warning}
    namespaces:
      production: {practices: error, disable: [image.latest-tag]}

Practice checks (resources, spreading, probes, images; privileges at warning)
report at info and reference checks (a Service that selects no pod, an Ingress
backend that names no Service) at warning unless configured. A comment
"# eastern:ignore RULE[,RULE] -- reason" on a finding's line or the line above
silences it.

--exclude GLOB leaves out matching files (relative to the working directory,
as kubeconform's -ignore-filename-pattern), even those named on their own.
kustomization.yaml, Chart.yaml, values*.yaml next to a Chart.yaml and Helm
templates with {{ }} that a directory or glob finds are skipped with a note.

--changed-since REF lints only what the change since the merge base with REF
touches: the template × namespace renders that read or probe a changed,
added or deleted file, and the templates below a changed .eastern.yaml.
--shard I/N lints one of N slices of the templates, balanced by size, for a
CI fan-out; eastern report merge joins the shards' -o json reports.

Examples:
  eastern lint
  eastern lint 'apps/**/*.yaml' -n production,staging --kube-version 1.29
  eastern lint deploy/ -o junit > lint.xml
  eastern lint -o github
  eastern lint --changed-since origin/main
  eastern lint --shard 2/4 -o json > lint-2.json
  eastern lint --checks practices=error,-image.latest-tag
  eastern lint . --exclude 'vendor/**' --exclude '**/testdata'

Flags:
{{flags}}
Exit codes: 0 no findings at the --fail-on level, 1 findings at that level, 2 usage or internal error.
`

// errHandOverCEL ends a lint run that needs CRD rules evaluated by
// eastern-cluster, c.celBinary (celBinary).
var errHandOverCEL = errors.New("CRD rules need eastern-cluster")

type lintCmd struct {
	renderFlags
	// celBinary is eastern-cluster, to hand the run to if its CRDs have
	// rules this eastern does not evaluate; stdin is the template read
	// from standard input, for it.
	celBinary   string
	stdin       []byte
	templates   []string
	kubeVersion string
	strictKinds bool
	crds        []string
	failOn      string
	output      string
	workers     int
	baseDir     string
	reports     []string
	since       string
	changed     []string
	shard       string
	checks      []string
	exclude     []string
}

func (a *app) lint(args []string) int {
	var c lintCmd
	fs := pflag.NewFlagSet("lint", pflag.ContinueOnError)
	c.register(fs, true)
	fs.StringArrayVar(&c.templates, "template", nil, "root template `GLOB` (repeatable): lint these instead of inferring roots from PATHs")
	fs.StringVar(&c.kubeVersion, "kube-version", "", "Kubernetes `RELEASE` (1.16 or newer) for every namespace (default: .eastern.yaml, else the newest); one newer than eastern knows is checked with the newest schemas, with a warning")
	fs.BoolVar(&c.strictKinds, "strict-kinds", false, "report kinds that have no schema as errors")
	fs.StringArrayVar(&c.crds, "crds", nil, "check custom resources against the CustomResourceDefinitions in `PATH` (repeatable: a file, a directory searched recursively, or a glob)")
	fs.StringVar(&c.failOn, "fail-on", "error", "exit 1 on findings of this `SEVERITY` or worse: error or warning")
	fs.StringVarP(&c.output, "output", "o", "text", "output `FORMAT`: text, json, junit, github, checkstyle or sarif")
	fs.IntVar(&c.workers, "jobs", 0, "run `N` renders at once (default: one per CPU)")
	fs.StringVar(&c.baseDir, "base-dir", "", "where load! paths of a template read from standard input (PATH -) resolve, `DIR` (default: the working directory)")
	fs.StringVar(&c.since, "changed-since", "", "lint only what changed since the merge base with git `REF` (committed, staged, unstaged and untracked files)")
	fs.StringArrayVar(&c.changed, "changed", nil, "lint only what a change to `FILE` touches (repeatable; added, changed or deleted files)")
	fs.StringVar(&c.shard, "shard", "", "lint slice `I/N` of the templates, balanced by size (for CI fan-out)")
	fs.StringArrayVar(&c.checks, "checks", nil, "set the practice and reference checks (repeatable, comma-separated): `LIST` of GROUP=LEVEL or RULE=LEVEL (GROUP practices, references or all; LEVEL error, warning, info or off), -RULE (off), +RULE (its default); over .eastern.yaml's checks")
	fs.StringArrayVar(&c.exclude, "exclude", nil, "leave out files matching `GLOB` (repeatable), relative to the working directory; a directory that matches leaves out everything below it")
	fs.StringArrayVar(&c.reports, "report", nil, "also write a report in `FORMAT=FILE` (repeatable), e.g. junit=lint.xml; -o still goes to standard output")
	if done, code := a.parseFlags(fs, lintUsage, args); done {
		return code
	}
	extra, err := parseReports(c.reports)
	if err != nil {
		a.usageFailed("lint", err)
		return exitUsage
	}
	code, r, err := c.run(a, fs.Args())
	if errors.Is(err, errHandOverCEL) {
		// Nothing is written yet: eastern-cluster runs the whole lint,
		// --report files and all.
		return a.handOverLint(c.celBinary, args, c.stdin)
	}
	return a.finishReport("lint", extra, code, r, err)
}

// finishReport ends a command that reports findings (lint, report
// merge): it writes the --report files of r, nil when the command made no
// report, and turns the outcome into the exit code, code unless err.
func (a *app) finishReport(cmd string, extra extraReports, code int, r *report.Report, err error) int {
	if r == nil {
		// No run to report on: the files still get well-formed, empty
		// reports, so that a CI step reading them (Jenkins' junit) says
		// "no tests" rather than choking on a missing or empty file.
		r = &report.Report{FailOn: diag.Error}
	}
	if werr := extra.write(a.workDir, r); werr != nil {
		a.failed(cmd, werr)
		if err == nil {
			return exitUsage
		}
	}
	var usage *diag.UsageError
	switch {
	case err == nil:
		return code
	case errors.As(err, &usage):
		a.usageFailed(cmd, err)
		return exitUsage
	default:
		a.failed(cmd, err)
		return exitUsage
	}
}

func (c *lintCmd) run(a *app, args []string) (int, *report.Report, error) {
	a.verdictByExitCode()
	failOn, err := diag.ParseSeverity(c.failOn)
	if err != nil || failOn == diag.Info {
		return 0, nil, diag.Usagef("--fail-on %q: want error or warning", c.failOn)
	}
	if c.workers < 0 {
		return 0, nil, diag.Usagef("--jobs %d: want 0 (one per CPU) or more", c.workers)
	}
	writer, err := newWriter(c.output, a.stdoutColor())
	if err != nil {
		return 0, nil, diag.Usagef("%v", err)
	}
	vars, err := c.vars(a.workDir)
	if err != nil {
		return 0, nil, err
	}
	opts := lint.Options{
		Paths: args, Templates: c.templates, Namespaces: c.namespaces,
		Vars: vars, RootDir: c.root, Strict: c.strict, StrictKinds: c.strictKinds, CRDs: c.crds, Workers: c.workers, WorkDir: a.workDir,
		MaxLoads: int(c.maxLoads), MaxOutput: int64(c.maxOutput), Exclude: c.exclude,
	}
	opts.BaseDir = c.baseDir
	if opts.Checks, err = checks.ParseFlag(c.checks); err != nil {
		return 0, nil, diag.Usagef("%v", err)
	}
	if len(args) == 1 && args[0] == "-" {
		if a.stdinTerminal {
			return 0, nil, diag.Usagef("- reads a template from standard input, which is a terminal")
		}
		data, err := io.ReadAll(io.LimitReader(a.stdin, int64(c.maxOutput)+1))
		if err != nil {
			return 0, nil, fmt.Errorf("reading standard input: %w", err)
		}
		if int64(len(data)) > int64(c.maxOutput) {
			return 0, nil, fmt.Errorf("%s is larger than the output limit of %s (--max-output raises it)", engine.StdinName, input.Size(int64(c.maxOutput)))
		}
		opts.Paths, opts.Stdin = nil, data
		c.stdin = data
	} else if slices.Contains(args, "-") {
		return 0, nil, diag.Usagef("- (standard input) is linted alone, not with other paths")
	}
	var newer bool
	if c.kubeVersion != "" {
		if opts.KubeVersion, newer, err = schema.ResolveRelease(c.kubeVersion); err != nil {
			return 0, nil, diag.Usagef("--kube-version: %v", err)
		}
	}
	if opts.Configs, err = lint.NewConfigs(a.workDir, c.config); err != nil {
		return 0, nil, err
	}
	defer opts.Configs.Close()
	if err := c.selection(a, &opts); err != nil {
		return 0, nil, err
	}
	// The garbage collector keeps Go's default target (GOGC). Lint's live
	// heap grows with the repository — the templates' contents, a check
	// per template and namespace — and a higher target multiplies it:
	// SetGCPercent(400) held 5× that heap, over 300 MiB for 10,000
	// templates, to save a tenth of the CPU time. Allocating less is what
	// keeps the collector cheap (validator/blockyaml.go).
	if a.getenv("GOGC") == "" && a.getenv("GOMEMLIMIT") == "" {
		// A tree of huge files has a large live heap: past 1 GiB, collect
		// as often as needed. The setting is the process's: put it back
		// for whatever runs after lint.
		defer debug.SetMemoryLimit(debug.SetMemoryLimit(1 << 30))
	}
	c.celBinary, opts.HandOverCEL = celBinary()
	res, err := lint.Run(opts)
	if err != nil {
		return 0, nil, err
	}
	if res.NeedsCEL && opts.HandOverCEL {
		return 0, nil, errHandOverCEL
	}
	// The plan, its cache of the templates and every render are garbage
	// now, and the report — which some formats build whole before writing
	// — would be allocated on top of them: collect first, so that it
	// reuses their memory. One collection of the few checks left alive
	// costs milliseconds; it took a fifth off the peak memory of lint -o
	// json on 10,000 templates.
	runtime.GC()
	if newer {
		res.Notes = append(diag.Findings{lint.NewerRelease(c.kubeVersion, diag.Position{})}, res.Notes...)
	}
	findings := res.Findings()
	r := &report.Report{Findings: findings, Checks: res.Checks, FailOn: failOn}
	r.Summary = report.Summary{Templates: len(res.Templates), Namespaces: len(res.Namespaces), Objects: res.Objects, ByCRD: res.ByCRD, Skipped: res.Skipped, Suppressed: res.Suppressed}
	if sel := res.Selection; sel != nil {
		r.Summary.Of, r.Summary.Selection = sel.All, sel.Reason
	}
	r.Summary.CountFindings(findings)
	code, err := a.writeReport(c.output, writer, r)
	return code, r, err
}

// writeReport writes r to standard output in format, with writer, and
// returns the exit code its findings give: exitFailed when one is at
// r.FailOn or worse.
func (a *app) writeReport(format string, writer report.Writer, r *report.Report) (int, error) {
	// One write per finding would cost a system call each; thousands of
	// findings are common on a first lint of a large repository.
	out := bufio.NewWriterSize(a.stdout, 64*1024)
	var w io.Writer = out
	if format == "text" || format == "github" {
		w = a.text(out) // for people; JSON and JUnit stay UTF-8, as their readers expect
	}
	err := writer.Write(w, r)
	if err == nil {
		err = out.Flush()
	}
	if err != nil {
		return 0, fmt.Errorf("writing the report: %w", err)
	}
	for _, f := range r.Findings {
		if f.Severity >= r.FailOn {
			return exitFailed, nil
		}
	}
	return exitOK, nil
}

// selection sets what --changed-since, --changed and --shard narrow the
// run to.
func (c *lintCmd) selection(a *app, opts *lint.Options) error {
	if c.since != "" && len(c.changed) > 0 {
		return diag.Usagef("give --changed-since or --changed, not both")
	}
	if (c.since != "" || len(c.changed) > 0) && opts.Stdin != nil {
		return diag.Usagef("--changed-since and --changed select templates; a template on standard input is linted as it is")
	}
	if c.shard != "" {
		sh, err := lint.ParseShard(c.shard)
		if err != nil {
			return err
		}
		opts.Shard = sh
	}
	if len(c.changed) > 0 {
		opts.Changed = c.changed
	}
	if c.since == "" {
		return nil
	}
	cwd, err := engine.WorkDir(a.workDir)
	if err != nil {
		return err
	}
	repo, err := gitrepo.Open(cwd)
	if err != nil {
		return diag.Usagef("--changed-since: %v", err)
	}
	base, err := repo.MergeBase(c.since)
	if err != nil {
		return diag.Usagef("--changed-since: %v", err)
	}
	if opts.Changed, err = repo.Changed(base); err != nil {
		return fmt.Errorf("--changed-since %s: %w", c.since, err)
	}
	if opts.Changed == nil {
		opts.Changed = []string{}
	}
	return nil
}

// newWriter is report.New with what only the command knows: for SARIF,
// the rules' descriptions and eastern's version.
func newWriter(format string, color bool) (report.Writer, error) {
	w, err := report.New(format, color)
	if s, ok := w.(report.SARIF); ok {
		for _, d := range lint.RuleDocs() {
			s.Rules = append(s.Rules, report.RuleInfo{ID: d.ID, Description: d.Description, HelpURI: d.HelpURI()})
		}
		s.Version = versionNumber()
		w = s
	}
	return w, err
}

// extraReports are the --report FORMAT=FILE reports, written besides -o's.
type extraReports []extraReport

type extraReport struct {
	writer report.Writer
	file   string
}

// parseReports reads --report values; a bad one is a usage error before
// anything runs.
func parseReports(specs []string) (extraReports, error) {
	var out extraReports
	for _, spec := range specs {
		format, file, ok := strings.Cut(spec, "=")
		if !ok || file == "" {
			return nil, fmt.Errorf("--report %q: want FORMAT=FILE, such as junit=lint.xml", spec)
		}
		w, err := newWriter(format, false)
		if err != nil {
			return nil, fmt.Errorf("--report %q: %v", spec, err)
		}
		out = append(out, extraReport{writer: w, file: file})
	}
	return out, nil
}

// write writes every report, each file atomically: a reader never sees
// half of one.
func (rs extraReports) write(workDir string, r *report.Report) error {
	var errs []string
	for _, x := range rs {
		var b bytes.Buffer
		err := x.writer.Write(&b, r)
		if err == nil {
			err = safefile.Write(fspath.Abs(workDir, x.file), b.Bytes())
		}
		if err != nil {
			errs = append(errs, fmt.Sprintf("writing --report %s: %v", x.file, err))
		}
	}
	if len(errs) > 0 {
		return errors.New(strings.Join(errs, "; "))
	}
	return nil
}
