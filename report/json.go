package report

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
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
	Checks   []jsonCheck   `json:"checks"`
	FailOn   string        `json:"failOn"`
	Summary  Summary       `json:"summary"`
}

// jsonCheck is one template × namespace check; its findings are the
// findings with its root and namespace.
type jsonCheck struct {
	Root      string   `json:"root"`
	Namespace string   `json:"namespace"`
	Release   string   `json:"release"`
	Objects   []string `json:"objects"`
	ByCRD     int      `json:"byCRD"`
	Skipped   int      `json:"skipped"`
	// Suppressed counts the check's findings that ignore comments silenced.
	Suppressed int `json:"suppressed"`
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
	// Namespaces are every namespace whose render gave the finding,
	// Namespace first; [Namespace] for one, [] for none. A report of
	// an eastern from before the key reads as [Namespace].
	Namespaces []string `json:"namespaces"`
	Release    string   `json:"release"`
	Object     string   `json:"object"`
	Field      string   `json:"field"`
}

type jsonPosition struct {
	File string `json:"file"`
	Line int    `json:"line"`
}

// Write implements Writer.
func (JSON) Write(w io.Writer, r *Report) error {
	out := jsonReport{
		Findings: make([]jsonFinding, len(r.Findings)), Checks: make([]jsonCheck, len(r.Checks)),
		FailOn: r.FailOn.String(), Summary: r.Summary,
	}
	for i, f := range r.Findings {
		out.Findings[i] = toJSON(f)
	}
	for i, c := range r.Checks {
		objects := c.Objects
		if objects == nil {
			objects = []string{} // [], not null
		}
		out.Checks[i] = jsonCheck{Root: c.Template, Namespace: c.Namespace, Release: c.Release, Objects: objects, ByCRD: c.ByCRD, Skipped: c.Skipped, Suppressed: c.Suppressed}
	}
	return writeJSON(w, out)
}

// writeJSON writes v as indented JSON, HTML characters as they are and
// invisible ones escaped, as every JSON format of this package is written.
func writeJSON(w io.Writer, v any) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
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
	namespaces := f.InNamespaces()
	if namespaces == nil {
		namespaces = []string{} // [], not null
	}
	return jsonFinding{
		Severity: f.Severity.String(), Rule: f.Rule, Message: f.Message,
		File: f.Pos.File, Line: f.Pos.Line, Column: f.Pos.Col, Chain: chain,
		Root: f.Template, Namespace: f.Namespace, Namespaces: namespaces, Release: f.Release, Object: f.Object, Field: f.Field,
	}
}

// ReadJSON reads what JSON wrote back into the Report it was written from:
// each check gets the findings with its root and one of whose namespaces
// is its namespace, in their order (the same *Finding in each check of a
// finding merged across namespaces);
// the other findings are the run's notes. Empty lists read as nil. A
// document that lacks a key JSON writes is not an eastern report, and one
// from before "checks" and "failOn" were added cannot be turned back into
// one.
func ReadJSON(r io.Reader) (*Report, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	var in struct {
		Findings *[]jsonFinding `json:"findings"`
		Checks   *[]jsonCheck   `json:"checks"`
		FailOn   *string        `json:"failOn"`
		Summary  *Summary       `json:"summary"`
	}
	if err := json.Unmarshal(data, &in); err != nil {
		return nil, decodeError(data, err)
	}
	switch {
	case in.Findings == nil || in.Summary == nil:
		return nil, errors.New(`not an eastern lint report: no "findings" and "summary"`)
	case in.Checks == nil || in.FailOn == nil:
		return nil, errors.New(`an eastern lint report without "checks" and "failOn", from an older eastern: lint again with this one`)
	}
	failOn, err := diag.ParseSeverity(*in.FailOn)
	if err != nil {
		return nil, fmt.Errorf("failOn: %v", err)
	}
	out := &Report{FailOn: failOn, Summary: *in.Summary}
	index := make(map[checkKey]int, len(*in.Checks))
	for i, c := range *in.Checks {
		if c.Root == "" {
			return nil, fmt.Errorf("checks[%d]: no root template", i)
		}
		k := checkKey{c.Root, c.Namespace}
		if _, dup := index[k]; dup {
			return nil, fmt.Errorf("checks[%d]: %s in %s is checked twice", i, c.Root, c.Namespace)
		}
		index[k] = i
		out.Checks = append(out.Checks, diag.Check{Template: c.Root, Namespace: c.Namespace, Release: c.Release, Objects: nilIfEmpty(c.Objects),
			ByCRD: c.ByCRD, Skipped: c.Skipped, Suppressed: c.Suppressed})
	}
	for i, jf := range *in.Findings {
		f, err := fromJSON(jf)
		if err != nil {
			return nil, fmt.Errorf("findings[%d]: %v", i, err)
		}
		out.Findings = append(out.Findings, f)
		for _, ns := range f.InNamespaces() {
			// A finding of several namespaces belongs to each one's check.
			if j, ok := index[checkKey{f.Template, ns}]; ok {
				out.Checks[j].Findings = append(out.Checks[j].Findings, f)
			}
		}
		if f.Namespace == "" {
			if j, ok := index[checkKey{f.Template, ""}]; ok {
				out.Checks[j].Findings = append(out.Checks[j].Findings, f)
			}
		}
	}
	// The findings list a finding of several namespaces where its first
	// namespace's come; each check holds its own by template position, as
	// lint leaves them, so that JUnit's test cases read as lint's.
	for i := range out.Checks {
		slices.SortStableFunc(out.Checks[i].Findings, diag.ComparePositions)
	}
	return out, nil
}

// checkKey names a template × namespace check.
type checkKey struct{ template, namespace string }

func fromJSON(jf jsonFinding) (*diag.Finding, error) {
	sev, err := diag.ParseSeverity(jf.Severity)
	if err != nil {
		return nil, err
	}
	f := &diag.Finding{
		Severity: sev, Rule: jf.Rule, Message: jf.Message,
		Pos:      diag.Position{File: jf.File, Line: jf.Line, Col: jf.Column},
		Template: jf.Root, Namespace: jf.Namespace, Release: jf.Release, Object: jf.Object, Field: jf.Field,
	}
	for _, p := range jf.Chain {
		f.Chain = append(f.Chain, diag.Position{File: p.File, Line: p.Line})
	}
	switch {
	case len(jf.Namespaces) > 1:
		if jf.Namespaces[0] != jf.Namespace {
			return nil, fmt.Errorf("namespaces %v do not start with namespace %q", jf.Namespaces, jf.Namespace)
		}
		for i, ns := range jf.Namespaces {
			if slices.Contains(jf.Namespaces[:i], ns) {
				return nil, fmt.Errorf("namespaces lists %s twice", ns)
			}
		}
		f.Namespaces = jf.Namespaces
	case len(jf.Namespaces) == 1 && jf.Namespaces[0] != jf.Namespace:
		return nil, fmt.Errorf("namespaces %v is not namespace %q", jf.Namespaces, jf.Namespace)
	}
	return f, nil
}

func nilIfEmpty(s []string) []string {
	if len(s) == 0 {
		return nil
	}
	return s
}

// decodeError says in one line what is wrong with a document that does not
// decode: where its syntax breaks, or which key holds the wrong type.
func decodeError(data []byte, err error) error {
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case len(bytes.TrimSpace(data)) == 0:
		return errors.New("not JSON: empty")
	case errors.As(err, &syntax):
		line := 1 + bytes.Count(data[:min(syntax.Offset, int64(len(data)))], []byte("\n"))
		return fmt.Errorf("not JSON: line %d: %v", line, err)
	case errors.As(err, &typ) && typ.Field == "":
		return fmt.Errorf("not an eastern lint report: %s, not an object", jsonKind(typ.Value))
	case errors.As(err, &typ):
		return fmt.Errorf("not an eastern lint report: %s is %s, want %s", typ.Field, jsonKind(typ.Value), jsonKind(typ.Type.Kind().String()))
	}
	return fmt.Errorf("not JSON: %v", err)
}

// jsonKind names a JSON value's kind, as UnmarshalTypeError gives it or as
// the Go kind it was to decode into, for people: "an array".
func jsonKind(kind string) string {
	switch kind {
	case "array", "slice":
		return "an array"
	case "object", "struct", "map":
		return "an object"
	case "string":
		return "a string"
	case "bool":
		return "true or false"
	case "null":
		return "null"
	}
	if strings.HasPrefix(kind, "number") || strings.HasPrefix(kind, "int") || strings.HasPrefix(kind, "float") || strings.HasPrefix(kind, "uint") {
		return "a number"
	}
	return kind
}
