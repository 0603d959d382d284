package main

import (
	"errors"
	"strings"

	"github.com/spf13/pflag"

	"github.com/eastern-k8s/eastern/diag"
	"github.com/eastern-k8s/eastern/engine"
	"github.com/eastern-k8s/eastern/manifest"
	"github.com/eastern-k8s/eastern/validator"
)

// output is what render and watch write: -o FORMAT, as in kubectl, and
// --output-file FILE.
type output struct {
	format string
	file   string
}

// renderFormats are the values of -o for commands that print manifests.
var renderFormats = []string{"yaml", "json"}

func (o *output) register(fs *pflag.FlagSet, fileUsage string) {
	fs.StringVarP(&o.format, "output", "o", "yaml", "output `FORMAT`: yaml, or json (a v1 List of the objects, for jq)")
	fs.StringVar(&o.file, "output-file", "", fileUsage)
}

// check reports an -o that is not a format as a usage error. -o took a
// file before the first release, so a value that looks like one says
// where files go now.
func (o *output) check() error {
	for _, f := range renderFormats {
		if o.format == f {
			return nil
		}
	}
	hint := ""
	if strings.ContainsAny(o.format, "./\\") {
		hint = "; write to a file with --output-file"
	}
	return diag.Usagef("unknown output format %q (want %s)%s", o.format, strings.Join(renderFormats, " or "), hint)
}

// encode turns a successful render into the bytes to write: the render
// itself for yaml, a List for json. A document that is not valid YAML is
// a finding at the template line it came from, so that nothing reaches
// kubectl.
func (o *output) encode(res *engine.Result) ([]byte, error) {
	if o.format != "json" {
		return res.Output, nil
	}
	text, err := manifest.JSONList(res.Output)
	return text, syntaxFinding(res, err)
}

// checkYAML reports a render whose output is not YAML, which kubectl
// would refuse or misread, as a finding at the template line that
// produced the offending output line.
func checkYAML(res *engine.Result) error {
	return syntaxFinding(res, manifest.CheckYAML(res.Output))
}

// syntaxFinding turns a *manifest.SyntaxError, which names an output
// line, into a finding at the template line that produced it, with the
// loads that led there; any other error (or nil) is returned as it is.
func syntaxFinding(res *engine.Result, err error) error {
	se, ok := errors.AsType[*manifest.SyntaxError](err)
	if !ok {
		return err
	}
	pos, chain := res.SourceMap.Position(se.Line, 0)
	return &diag.Finding{Severity: diag.Error, Rule: validator.RuleSyntax, Pos: pos, Chain: chain, Message: se.Msg}
}
