// Package report writes findings for people and machines. It is the only
// code that decides how a finding looks; engine, lint and watch hand their
// findings over as data.
package report

import (
	"fmt"
	"io"
	"strings"

	"github.com/eastern-k8s/eastern/diag"
	"github.com/eastern-k8s/eastern/internal/textsafe"
)

// Text writes findings gcc-style, one per line, then the summary line.
type Text struct {
	Color bool
}

// Write implements Writer.
func (t Text) Write(w io.Writer, r *Report) error {
	if err := WriteText(w, r.Findings, t.Color); err != nil {
		return err
	}
	_, err := fmt.Fprintln(w, summaryLine(r.Summary))
	return err
}

// textLine formats one finding gcc-style, the form editors and Jenkins'
// warnings parsers understand:
//
//	file:line:col: severity: field: message [rule] (Kind/name in ns, k8s 1.24, via app.yaml:22 → p.yaml:4)
//
// A finding that the renders of several namespaces gave names them all:
// (Deployment/web in default, staging, production, k8s 1.37).
//
// Every part that comes from templates or the command line is escaped
// (textsafe.Escape), so that a finding is always exactly one line and only
// the colour codes added here reach the terminal.
func textLine(f *diag.Finding, color bool) string {
	var b strings.Builder
	if f.Pos.File != "" {
		b.WriteString(textsafe.Escape(f.Pos.String()))
		b.WriteString(": ")
	}
	sev := f.Severity.String()
	if color {
		sev = colorize(f.Severity, sev)
	}
	b.WriteString(sev)
	b.WriteString(": ")
	b.WriteString(textsafe.Escape(message(f)))
	if f.Rule != "" {
		fmt.Fprintf(&b, " [%s]", textsafe.Escape(f.Rule))
	}
	if ctx := context(f); ctx != "" {
		fmt.Fprintf(&b, " (%s)", textsafe.Escape(ctx))
	}
	return b.String()
}

// message is the finding's message after the field it concerns:
// "spec.replicas: expected integer, got string".
func message(f *diag.Finding) string {
	if f.Field == "" {
		return f.Message
	}
	return f.Field + ": " + f.Message
}

// context is the parenthesised tail: which object, namespace, release and
// include chain the finding belongs to.
func context(f *diag.Finding) string {
	var parts []string
	ns := strings.Join(f.InNamespaces(), ", ")
	switch {
	case f.Object != "" && ns != "":
		parts = append(parts, f.Object+" in "+ns)
	case f.Object != "":
		parts = append(parts, f.Object)
	case ns != "":
		parts = append(parts, "in "+ns)
	}
	if f.Release != "" {
		parts = append(parts, "k8s "+f.Release)
	}
	if via := f.Via(); via != "" {
		parts = append(parts, "via "+via)
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
		if _, err := io.WriteString(w, textLine(f, color)+"\n"); err != nil {
			return err
		}
	}
	return nil
}
