package report

import (
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/eastern-k8s/eastern/diag"
	"github.com/eastern-k8s/eastern/internal/textsafe"
)

// GitHub writes GitHub Actions workflow commands, one annotation per finding:
//
//	::error file=app.yaml,line=4,col=3,title=schema.type::spec.replicas: expected integer, got string (Deployment/web in production, k8s 1.24)
//
// followed by the summary line as plain log output.
//
// File paths, in file= and in the message's via chain, are written with
// forward slashes on every system: GitHub matches file= against the
// repository's paths, which use '/' even on a Windows runner.
type GitHub struct {
	// separator is the path separator of the findings' paths; zero means
	// this system's. Tests set '\\' to write Windows findings anywhere.
	separator byte
}

// Write implements Writer.
func (g GitHub) Write(w io.Writer, r *Report) error {
	for _, f := range r.Findings {
		if _, err := io.WriteString(w, githubLine(g.withSlashPaths(f))+"\n"); err != nil {
			return err
		}
	}
	_, err := fmt.Fprintln(w, summaryLine(r.Summary))
	return err
}

// withSlashPaths returns f, or a copy of it (f is the caller's) whose file
// paths use '/' instead of the system's separator. Only the separator is
// replaced, as filepath.ToSlash does: on Unix a backslash is part of a
// file's name, not a separator, and rewriting it would point at another file.
func (g GitHub) withSlashPaths(f *diag.Finding) *diag.Finding {
	sep := g.separator
	if sep == 0 {
		sep = filepath.Separator
	}
	if sep == '/' {
		return f
	}
	toSlash := func(path string) string { return strings.ReplaceAll(path, string(sep), "/") }
	c := *f
	c.Pos.File = toSlash(f.Pos.File)
	c.Template = toSlash(f.Template)
	if f.Chain != nil {
		c.Chain = make([]diag.Position, len(f.Chain))
		for i, p := range f.Chain {
			p.File = toSlash(p.File)
			c.Chain[i] = p
		}
	}
	return &c
}

// githubLine formats one finding as a workflow command.
func githubLine(f *diag.Finding) string {
	var b strings.Builder
	b.WriteString("::")
	switch f.Severity {
	case diag.Error:
		b.WriteString("error")
	case diag.Warning:
		b.WriteString("warning")
	default:
		b.WriteString("notice")
	}
	var props []string
	if f.Pos.File != "" {
		props = append(props, "file="+escapeProperty(f.Pos.File))
	}
	if f.Pos.Line > 0 {
		props = append(props, fmt.Sprintf("line=%d", f.Pos.Line))
	}
	if f.Pos.Col > 0 {
		props = append(props, fmt.Sprintf("col=%d", f.Pos.Col))
	}
	if f.Rule != "" {
		props = append(props, "title="+escapeProperty(f.Rule))
	}
	if len(props) > 0 {
		b.WriteByte(' ')
		b.WriteString(strings.Join(props, ","))
	}
	b.WriteString("::")
	msg := message(f)
	if ctx := context(f); ctx != "" {
		msg += " (" + ctx + ")"
	}
	b.WriteString(escapeData(msg))
	return b.String()
}

// GitHub's runner splits commands on newlines, properties on ',' and
// key from value on ':'; '%' escapes them all. Other control characters,
// which the log viewer would pass to the browser's terminal emulation, are
// then escaped as in text output; CR and LF keep GitHub's own escapes, so a
// multi-line message stays a multi-line annotation.
var (
	dataEscaper     = strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A")
	propertyEscaper = strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C")
)

func escapeData(s string) string     { return textsafe.Escape(dataEscaper.Replace(s)) }
func escapeProperty(s string) string { return textsafe.Escape(propertyEscaper.Replace(s)) }
