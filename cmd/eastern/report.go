package main

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/spf13/pflag"

	"github.com/eastern-k8s/eastern/diag"
	"github.com/eastern-k8s/eastern/internal/input"
	"github.com/eastern-k8s/eastern/report"
)

const reportMergeUsage = `Join the JSON reports of eastern lint --shard runs into one report.

Usage:
  eastern report merge FILE... [flags]

Each FILE is what eastern lint -o json (or --report json=FILE) wrote, usually
one per shard of a CI fan-out (eastern lint --shard I/N). The merged report,
in any format, is the one a single eastern lint over all the templates
writes: the same findings in the same order, the same JUnit test cases and
the same summary; the run's notes, which every shard repeats, come once. The
shards must come from one tree linted with the same flags; a template ×
namespace in two reports is an error.

Examples:
  eastern report merge lint-*.json
  eastern report merge lint-*.json -o github --report junit=lint.xml

Flags:
{{flags}}
Exit codes: 0 no findings at the --fail-on level, 1 findings at that level, 2 usage error or a FILE that is not a lint JSON report.
`

// reportLimit bounds each FILE, as --max-output bounds a render: some
// 600,000 findings fit, more than any CI page shows.
const reportLimit = 256 << 20

type reportMergeCmd struct {
	output  string
	failOn  string
	reports []string
}

// report runs eastern report's one command, merge. Its help and its flags
// (for completion) are report's too.
func (a *app) report(args []string) int {
	switch {
	case len(args) > 0 && args[0] == "merge":
		return a.reportMerge(args[1:])
	case a.capture != nil, len(args) > 0 && slices.Contains([]string{"-h", "--help", "--version"}, args[0]):
		return a.reportMerge(args)
	case len(args) == 0:
		a.usageFailed("report", errors.New("want a command: merge, as in eastern report merge lint-*.json"))
	default:
		a.usageFailed("report", fmt.Errorf("unknown command %q: want merge", args[0]))
	}
	return exitUsage
}

func (a *app) reportMerge(args []string) int {
	var c reportMergeCmd
	fs := pflag.NewFlagSet("report merge", pflag.ContinueOnError)
	fs.StringVarP(&c.output, "output", "o", "text", "output `FORMAT`: text, json, junit, github, checkstyle or sarif")
	fs.StringVar(&c.failOn, "fail-on", "", "exit 1 on findings of this `SEVERITY` or worse: error or warning (default: the --fail-on of the lint runs)")
	fs.StringArrayVar(&c.reports, "report", nil, "also write a report in `FORMAT=FILE` (repeatable), e.g. junit=lint.xml; -o still goes to standard output")
	if done, code := a.parseFlags(fs, reportMergeUsage, args); done {
		return code
	}
	extra, err := parseReports(c.reports)
	if err != nil {
		a.usageFailed("report merge", err)
		return exitUsage
	}
	code, r, err := c.run(a, fs.Args())
	return a.finishReport("report merge", extra, code, r, err)
}

func (c *reportMergeCmd) run(a *app, files []string) (int, *report.Report, error) {
	a.verdictByExitCode()
	var failOn diag.Severity // zero: the reports'
	if c.failOn != "" {
		s, err := diag.ParseSeverity(c.failOn)
		if err != nil || s == diag.Info {
			return 0, nil, diag.Usagef("--fail-on %q: want error or warning", c.failOn)
		}
		failOn = s
	}
	writer, err := newWriter(c.output, a.stdoutColor())
	if err != nil {
		return 0, nil, diag.Usagef("%v", err)
	}
	if len(files) == 0 {
		return 0, nil, diag.Usagef("want the JSON reports of eastern lint to merge, such as lint-*.json")
	}
	reports := make([]*report.Report, len(files))
	for i, file := range files {
		if reports[i], err = readReport(a.workDir, file); err != nil {
			return 0, nil, err
		}
		if failOn != 0 {
			reports[i].FailOn = failOn
		}
	}
	for i, r := range reports {
		if r.FailOn != reports[0].FailOn {
			return 0, nil, fmt.Errorf("%s and %s were linted with --fail-on %s and %s: choose with report merge --fail-on", files[0], files[i], reports[0].FailOn, r.FailOn)
		}
	}
	if missing := report.MissingShards(reports...); len(missing) > 0 {
		return 0, nil, diag.Usagef("%s missing: merge the reports of every shard of one run, linted with the same --shard count and flags", joinMissing(missing))
	}
	merged, err := report.Merge(reports...)
	if me, ok := errors.AsType[*report.MergeError](err); ok {
		if me.A == me.B {
			return 0, nil, fmt.Errorf("%s %s", files[me.A], me.Conflict)
		}
		return 0, nil, fmt.Errorf("%s and %s %s", files[me.A], files[me.B], me.Conflict)
	}
	if err != nil {
		return 0, nil, err
	}
	code, err := a.writeReport(c.output, writer, merged)
	return code, merged, err
}

// readReport reads one FILE of eastern report merge; every error names it.
func readReport(workDir, file string) (*report.Report, error) {
	data, err := input.ReadFile(workDir, file, reportLimit)
	if err != nil {
		return nil, err
	}
	r, err := report.ReadJSON(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	return r, nil
}

// joinMissing lists missing shards for a message: "shard 3/4 is",
// "shards 2/4, 3/4 are".
func joinMissing(missing []string) string {
	if len(missing) == 1 {
		return missing[0] + " is"
	}
	for i, m := range missing {
		missing[i] = strings.TrimPrefix(m, "shard ")
	}
	return "shards " + strings.Join(missing, ", ") + " are"
}
