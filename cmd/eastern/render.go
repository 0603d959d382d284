package main

import (
	"errors"
	"fmt"

	"github.com/spf13/pflag"

	"github.com/eastern-k8s/eastern/diag"
	"github.com/eastern-k8s/eastern/engine"
	"github.com/eastern-k8s/eastern/internal/safefile"
	"github.com/eastern-k8s/eastern/report"
)

const renderUsage = `Render a template for a namespace and print the manifests.

Usage:
  eastern render [TEMPLATE|-] [NAMESPACE] [flags]
  eastern generate [TEMPLATE|-] [NAMESPACE] [flags]   (same command, Project Eastern's name)

With no TEMPLATE, or "-", the template is read from standard input and its
load! paths resolve from --base-dir. Nothing is written unless the whole
render succeeds, so a failed render never reaches kubectl.

Examples:
  eastern render deploy/app.yaml production -s IMAGE_TAG=$GIT_COMMIT | kubectl apply -f -
  eastern render - production < app.yaml | kubectl apply -f -
  eastern render app.yaml staging --values staging.env --output-file rendered/staging.yaml
  eastern render app.yaml production -o json | jq '.items[].metadata.name'

Flags:
{{flags}}
Exit codes: 0 rendered, 1 render error, 2 usage error.
`

type renderCmd struct {
	renderFlags
	out     output
	baseDir string
	quiet   bool
}

func (a *app) render(args []string) int {
	var c renderCmd
	fs := pflag.NewFlagSet("render", pflag.ContinueOnError)
	c.register(fs, false)
	c.out.register(fs, "write to `FILE` (atomically) instead of standard output; - is standard output")
	fs.StringVar(&c.baseDir, "base-dir", "", "where load! paths of a template read from standard input resolve, `DIR` (default: the working directory)")
	fs.BoolVarP(&c.quiet, "quiet", "q", false, "do not print warnings")
	if done, code := a.parseFlags(fs, renderUsage, args); done {
		return code
	}
	err := c.out.check()
	if err == nil {
		err = c.run(a, fs.Args())
	}
	var usage *diag.UsageError
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &usage):
		a.usageFailed("render", err)
		return exitUsage
	case isFindings(err):
		report.WriteText(a.stderr, diag.Collect(err), a.color())
		return exitFailed
	default:
		a.failed("render", err)
		return exitFailed
	}
}

func (c *renderCmd) run(a *app, args []string) error {
	if len(args) > 2 {
		return diag.Usagef("too many arguments: want [TEMPLATE|-] [NAMESPACE]")
	}
	template := ""
	if len(args) > 0 {
		template = args[0]
	}
	if len(args) > 0 && template == "" {
		// An empty $TEMPLATE in a script must not quietly mean standard input.
		return diag.Usagef("TEMPLATE is empty; use - to read standard input")
	}
	ns, err := namespaceArg(args[min(len(args), 1):], c.namespaces)
	if err != nil {
		return err
	}
	opts, err := c.options(a.workDir, ns)
	if err != nil {
		return err
	}
	res, err := a.renderTemplate(template, c.baseDir, opts, c.quiet)
	if err != nil {
		return err
	}
	text, err := c.out.encode(res)
	if err != nil {
		return err
	}
	if c.out.file != "" && c.out.file != "-" {
		if err := safefile.Write(c.out.file, text); err != nil {
			return fmt.Errorf("writing %s: %w", c.out.file, err)
		}
		return nil
	}
	if _, err := a.stdout.Write(text); err != nil {
		return fmt.Errorf("writing standard output: %w", err)
	}
	return nil
}

// isFindings reports whether err carries template findings (as opposed to,
// say, an output file that cannot be written).
func isFindings(err error) bool {
	_, many := errors.AsType[diag.Findings](err)
	_, one := errors.AsType[*diag.Finding](err)
	return many || one
}

// options are the engine options the render flags give for namespace ns.
func (f *renderFlags) options(workDir, ns string) (engine.Options, error) {
	vars, err := f.vars(workDir)
	if err != nil {
		return engine.Options{}, err
	}
	return engine.Options{
		Namespace: ns, Vars: vars, RootDir: f.root, Strict: f.strict,
		MaxLoads: int(f.maxLoads), MaxOutput: int64(f.maxOutput), WorkDir: workDir,
	}, nil
}

// renderTemplate is renderFor that prints the render's warnings to
// standard error, unless quiet.
func (a *app) renderTemplate(template, baseDir string, opts engine.Options, quiet bool) (*engine.Result, error) {
	res, err := a.renderFor(template, baseDir, opts)
	if !quiet && res != nil {
		report.WriteText(a.stderr, res.Warnings, a.color())
	}
	return res, err
}

// renderFor renders template (or standard input for "" and "-") with opts.
func (a *app) renderFor(template, baseDir string, opts engine.Options) (*engine.Result, error) {
	if template == "" || template == "-" {
		if template == "" && a.stdinTerminal {
			return nil, diag.Usagef("no TEMPLATE given and standard input is a terminal")
		}
		opts.BaseDir = baseDir
		return engine.Render(a.stdin, engine.StdinName, opts)
	}
	if baseDir != "" {
		return nil, diag.Usagef("--base-dir applies only to a template read from standard input")
	}
	return engine.RenderFile(template, opts)
}
