// Package report writes findings for people and machines. It is the only
// code that decides how a finding looks; engine, lint and watch hand their
// findings over as data.
package report

import (
	"fmt"
	"io"
	"strings"

	"github.com/eastern-k8s/eastern/diag"
)

// TextLine formats one finding gcc-style, the form editors and Jenkins'
// warnings parsers understand:
//
//	file:line:col: severity: field: message [rule] (Kind/name in ns, k8s 1.24, via app.yaml:22 → p.yaml:4)
func TextLine(f *diag.Finding, color bool) string {
	var b strings.Builder
	if f.Pos.File != "" {
		b.WriteString(f.Pos.String())
		b.WriteString(": ")
	}
	sev := f.Severity.String()
	if color {
		sev = colorize(f.Severity, sev)
	}
	b.WriteString(sev)
	b.WriteString(": ")
	if f.Field != "" {
		b.WriteString(f.Field)
		b.WriteString(": ")
	}
	b.WriteString(f.Message)
	if f.Rule != "" {
		fmt.Fprintf(&b, " [%s]", f.Rule)
	}
	if ctx := context(f); ctx != "" {
		fmt.Fprintf(&b, " (%s)", ctx)
	}
	return b.String()
}

// context is the parenthesised tail: which object, namespace, release and
// include chain the finding belongs to.
func context(f *diag.Finding) string {
	var parts []string
	switch {
	case f.Object != "" && f.Namespace != "":
		parts = append(parts, f.Object+" in "+f.Namespace)
	case f.Object != "":
		parts = append(parts, f.Object)
	case f.Namespace != "":
		parts = append(parts, "in "+f.Namespace)
	}
	if f.Release != "" {
		parts = append(parts, "k8s "+f.Release)
	}
	if len(f.Chain) > 0 {
		chain := append(f.Chain[:len(f.Chain):len(f.Chain)], diag.Position{File: f.Pos.File, Line: f.Pos.Line})
		parts = append(parts, "via "+diag.FormatChain(chain))
	}
	return strings.Join(parts, ", ")
}

func colorize(s diag.Severity, text string) string {
	code := "36" // info: cyan
	switch s {
	case diag.Warning:
		code = "33"
	case diag.Error:
		code = "31"
	}
	return "\x1b[1;" + code + "m" + text + "\x1b[0m"
}

// WriteText writes each finding on its own line.
func WriteText(w io.Writer, fs diag.Findings, color bool) error {
	for _, f := range fs {
		if _, err := io.WriteString(w, TextLine(f, color)+"\n"); err != nil {
			return err
		}
	}
	return nil
}
