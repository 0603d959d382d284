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
  eastern render --all [PATH|GLOB ...] [--output-dir DIR] [flags]

With no TEMPLATE, or "-", the template is read from standard input and its
load! paths resolve from --base-dir. Nothing is written unless the whole
render succeeds and its output is valid YAML (a mis-indented partial is an
error at its line; --no-check skips that), so a failed render never reaches
kubectl. Variables come
from the nearest .eastern.yaml's values (for the namespace), then --values,
then -s.

--all renders every root template for every namespace, found as eastern lint
finds them (-n names the namespaces instead), one after another with a "# Source:"
line before each, or into --output-dir DIR as DIR/NAMESPACE/<template path>:
each file replaced atomically when it changed, and the files of renders that
no longer exist removed (only files eastern wrote there, listed in
DIR/.eastern-rendered, of the templates and namespaces the run covers).
Nothing is written if any render fails, unless --keep-going.

Examples:
  eastern render deploy/app.yaml production -s IMAGE_TAG=$GIT_COMMIT | kubectl apply -f -
  eastern render - production < app.yaml | kubectl apply -f -
  eastern render app.yaml staging --values staging.env --output-file rendered/staging.yaml
  eastern render app.yaml production -o json | jq '.items[].metadata.name'
  eastern render --all --output-dir rendered/

Flags:
{{flags}}
Exit codes: 0 rendered, 1 render error, 2 usage error.
`

type renderCmd struct {
	renderFlags
	out       output
	baseDir   string
	quiet     bool
	all       bool
	outputDir string
	keepGoing bool
	argocd    bool
	noCheck   bool
}

func (a *app) render(args []string) int {
	var c renderCmd
	fs := pflag.NewFlagSet("render", pflag.ContinueOnError)
	c.register(fs, false)
	c.out.register(fs, "write to `FILE` (atomically) instead of standard output; - is standard output")
	fs.StringVar(&c.baseDir, "base-dir", "", "where load! paths of a template read from standard input resolve, `DIR` (default: the working directory)")
	fs.BoolVarP(&c.quiet, "quiet", "q", false, "do not print warnings")
	fs.BoolVar(&c.noCheck, "no-check", false, "write the output even when it is not valid YAML (it is checked by default, so that a mis-indented partial never reaches kubectl)")
	fs.BoolVar(&c.all, "all", false, "render every root template below the PATH and GLOB arguments for each of its namespaces, as eastern lint finds them")
	fs.StringVar(&c.outputDir, "output-dir", "", "with --all: write each render to `DIR`/NAMESPACE/<template path>, removing the files of renders that no longer exist")
	fs.BoolVar(&c.argocd, "argocd", false, "with --all, as an Argo CD config management plugin: the namespace from ARGOCD_APP_NAMESPACE, variables from ARGOCD_ENV_* (prefix removed; -s wins), and the repository's top (from ARGOCD_APP_SOURCE_PATH) as the root directory")
	fs.BoolVar(&c.keepGoing, "keep-going", false, "with --output-dir: write the renders that succeed even when others fail (the run still fails)")
	if done, code := a.parseFlags(fs, renderUsage, args); done {
		return code
	}
	err := c.out.check()
	switch {
	case err != nil:
	case c.all:
		err = c.renderAll(a, fs.Args())
	case c.outputDir != "" || c.keepGoing || c.argocd:
		err = diag.Usagef("--output-dir, --keep-going and --argocd apply to --all")
	default:
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
	opts, err := c.options(a.workDir, template, c.baseDir, ns)
	if err != nil {
		return err
	}
	res, err := a.renderTemplate(template, c.baseDir, opts, c.quiet)
	if err != nil {
		return err
	}
	if !c.noCheck {
		if err := checkYAML(res); err != nil {
			return err
		}
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

// options are the engine options the render flags give for template
// (in baseDir when it is standard input) and namespace ns.
func (f *renderFlags) options(workDir, template, baseDir, ns string) (engine.Options, error) {
	vars, others, err := f.templateVarsAndOthers(workDir, template, baseDir, ns)
	if err != nil {
		return engine.Options{}, err
	}
	return engine.Options{
		Namespace: ns, Vars: vars, OtherVars: others, RootDir: f.root, Strict: f.strict,
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
