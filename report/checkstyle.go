package report

import (
	"encoding/xml"
	"io"

	"github.com/eastern-k8s/eastern/diag"
	"github.com/eastern-k8s/eastern/internal/textsafe"
)

// Checkstyle writes Checkstyle XML, the format Jenkins' Warnings Next
// Generation plugin, GitLab's code quality converters and many editors
// read: one <file> per template file with findings, in order of first
// appearance, and one <error> per finding at its line and column. The
// severity is error, warning or info; source is the rule id, prefixed
// "eastern." so that tools that show the source group by tool. The
// namespace, release, object and load chain, which Checkstyle has no place
// for, end the message as in the text format.
type Checkstyle struct{}

type checkstyleRoot struct {
	XMLName xml.Name         `xml:"checkstyle"`
	Version string           `xml:"version,attr"`
	Files   []checkstyleFile `xml:"file"`
}

type checkstyleFile struct {
	Name   string            `xml:"name,attr"`
	Errors []checkstyleError `xml:"error"`
}

type checkstyleError struct {
	Line     int    `xml:"line,attr"`
	Column   int    `xml:"column,attr,omitempty"`
	Severity string `xml:"severity,attr"`
	Message  string `xml:"message,attr"`
	Source   string `xml:"source,attr"`
}

// Write implements Writer.
func (Checkstyle) Write(w io.Writer, r *Report) error {
	out := checkstyleRoot{Version: "4.3"}
	index := map[string]int{}
	for _, f := range r.Findings {
		name := f.Pos.File
		if name == "" {
			name = f.Template
		}
		i, ok := index[name]
		if !ok {
			i = len(out.Files)
			index[name] = i
			out.Files = append(out.Files, checkstyleFile{Name: name})
		}
		msg := message(f)
		if ctx := context(f); ctx != "" {
			msg += " (" + ctx + ")"
		}
		out.Files[i].Errors = append(out.Files[i].Errors, checkstyleError{
			Line: f.Pos.Line, Column: f.Pos.Col, Severity: checkstyleSeverity(f.Severity),
			Message: textsafe.Escape(msg), Source: "eastern." + f.Rule,
		})
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(out); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

func checkstyleSeverity(s diag.Severity) string {
	switch s {
	case diag.Warning:
		return "warning"
	case diag.Info:
		return "info"
	}
	return "error"
}
