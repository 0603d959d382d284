package report

import (
	"encoding/json"
	"io"

	"github.com/eastern-k8s/eastern/diag"
)

// JSON writes the report as one JSON object, documented in
// docs/json-output.md. Every key is always present so that consumers need
// no existence checks; the structure only ever grows.
type JSON struct{}

type jsonReport struct {
	Findings []jsonFinding `json:"findings"`
	Summary  Summary       `json:"summary"`
}

type jsonFinding struct {
	Severity  string         `json:"severity"`
	Rule      string         `json:"rule"`
	Message   string         `json:"message"`
	File      string         `json:"file"`
	Line      int            `json:"line"`
	Column    int            `json:"column"`
	Chain     []jsonPosition `json:"chain"`
	Root      string         `json:"root"`
	Namespace string         `json:"namespace"`
	Release   string         `json:"release"`
	Object    string         `json:"object"`
	Field     string         `json:"field"`
}

type jsonPosition struct {
	File string `json:"file"`
	Line int    `json:"line"`
}

// Write implements Writer.
func (JSON) Write(w io.Writer, r *Report) error {
	out := jsonReport{Findings: make([]jsonFinding, len(r.Findings)), Summary: r.Summary}
	for i, f := range r.Findings {
		out.Findings[i] = toJSON(f)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(out)
}

func toJSON(f *diag.Finding) jsonFinding {
	chain := make([]jsonPosition, len(f.Chain))
	for i, p := range f.Chain {
		chain[i] = jsonPosition{File: p.File, Line: p.Line}
	}
	return jsonFinding{
		Severity: f.Severity.String(), Rule: f.Rule, Message: f.Message,
		File: f.Pos.File, Line: f.Pos.Line, Column: f.Pos.Col, Chain: chain,
		Root: f.Root, Namespace: f.Namespace, Release: f.Release, Object: f.Object, Field: f.Field,
	}
}
