package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"

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
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(out); err != nil {
		return err
	}
	_, err := w.Write(escapeInvisible(buf.Bytes()))
	return err
}

// escapeInvisible writes as \uXXXX escapes the characters that encoding/json
// leaves raw but a terminal could act on or hide text with: DEL, C1 controls,
// bidirectional overrides. The data decodes the same; the output is safe to
// print. Outside strings, JSON has only ASCII punctuation and the newlines
// and spaces of the indentation, which stay.
func escapeInvisible(js []byte) []byte {
	var out []byte
	last := 0
	for i := 0; i < len(js); {
		r, size := utf8.DecodeRune(js[i:])
		if r == '\n' || r == ' ' || strconv.IsGraphic(r) {
			i += size
			continue
		}
		if out == nil {
			out = make([]byte, 0, len(js)+16)
		}
		out = append(out, js[last:i]...)
		if r1, r2 := utf16.EncodeRune(r); r1 != utf8.RuneError {
			out = fmt.Appendf(out, `\u%04x\u%04x`, r1, r2)
		} else {
			out = fmt.Appendf(out, `\u%04x`, r)
		}
		i += size
		last = i
	}
	if out == nil {
		return js
	}
	return append(out, js[last:]...)
}

func toJSON(f *diag.Finding) jsonFinding {
	chain := make([]jsonPosition, len(f.Chain))
	for i, p := range f.Chain {
		chain[i] = jsonPosition{File: p.File, Line: p.Line}
	}
	return jsonFinding{
		Severity: f.Severity.String(), Rule: f.Rule, Message: f.Message,
		File: f.Pos.File, Line: f.Pos.Line, Column: f.Pos.Col, Chain: chain,
		Root: f.Template, Namespace: f.Namespace, Release: f.Release, Object: f.Object, Field: f.Field,
	}
}
