package report

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/eastern-k8s/eastern/diag"
)

// roundTrip writes r as JSON and reads it back.
func roundTrip(t *testing.T, r *Report) *Report {
	t.Helper()
	var buf bytes.Buffer
	if err := (JSON{}).Write(&buf, r); err != nil {
		t.Fatal(err)
	}
	got, err := ReadJSON(&buf)
	if err != nil {
		t.Fatalf("ReadJSON of what JSON wrote: %v", err)
	}
	return got
}

// TestJSONRoundTrip: ReadJSON gives back the Report that JSON wrote, its
// checks holding their findings, the notes left out of every check.
func TestJSONRoundTrip(t *testing.T) {
	r := sample()
	note := &diag.Finding{Severity: diag.Info, Rule: "lint.skipped", Message: "skipped: a named pipe, not a regular file", Pos: diag.Position{File: "fifo.yaml"}}
	r.Findings = append(diag.Findings{note}, r.Findings...)
	r.Summary.CountFindings(r.Findings)
	r.FailOn = diag.Warning
	r.Summary.Of, r.Summary.Selection = 5, "shard 2/4"
	for name, r := range map[string]*Report{"sample": r, "empty": {FailOn: diag.Error}} {
		t.Run(name, func(t *testing.T) {
			if got := roundTrip(t, r); !reflect.DeepEqual(got, r) {
				t.Errorf("read back\n%s\nwant\n%s", dump(got), dump(r))
			}
		})
	}
}

// TestJSONRoundTripHostile: whatever a template tree puts into a finding
// or a check, it reads back as it was; JSON's escapes change only how it
// is written. encoding/json writes invalid UTF-8 as U+FFFD, which is what
// comes back then.
func TestJSONRoundTripHostile(t *testing.T) {
	strs := append([]string{
		`quote " backslash \ slash /`, "<b>&amp;</b>", "\u2028\u2029", "zero\u200bwidth", "tag \U000E0041", "🚀 ☸",
		"tab\tcr\r", "", " ",
	}, hostile...)
	for _, s := range strs {
		t.Run(strings.ToValidUTF8(s, "?"), func(t *testing.T) {
			build := func(s string) *Report {
				tmpl, ns := "t"+s+".yaml", "ns"+s
				f := &diag.Finding{
					Severity: diag.Error, Rule: "r" + s, Message: s, Pos: diag.Position{File: "p" + s, Line: 2, Col: 3},
					Chain: []diag.Position{{File: tmpl, Line: 1}, {File: s, Line: 7}}, Template: tmpl, Namespace: ns,
					Release: "1.29" + s, Object: "Deployment/" + s, Field: "spec." + s,
				}
				note := &diag.Finding{Severity: diag.Warning, Rule: "lint.release", Message: s, Pos: diag.Position{File: s + "/.eastern.yaml", Line: 1}}
				r := &Report{
					Findings: diag.Findings{note, f},
					Checks:   []diag.Check{{Template: tmpl, Namespace: ns, Release: "1.29" + s, Objects: []string{"Deployment/" + s, s}, Findings: diag.Findings{f}}},
					FailOn:   diag.Error, Summary: Summary{Templates: 1, Namespaces: 1, Objects: 2, Of: 3, Selection: s},
				}
				r.Summary.CountFindings(r.Findings)
				return r
			}
			want := build(strings.ToValidUTF8(s, "\uFFFD"))
			if got := roundTrip(t, build(s)); !reflect.DeepEqual(got, want) {
				t.Errorf("read back\n%s\nwant\n%s", dump(got), dump(want))
			}
		})
	}
}

// dump shows a report with every field, pointers followed.
func dump(r *Report) string {
	var b strings.Builder
	for _, f := range r.Findings {
		b.WriteString("finding " + show(f) + "\n")
	}
	for _, c := range r.Checks {
		b.WriteString("check " + show(c) + "\n")
	}
	b.WriteString("failOn " + r.FailOn.String() + ", summary " + show(r.Summary))
	return b.String()
}

// show is v as JSON, for test failures: every field, nil apart from empty.
func show(v any) string {
	data, err := json.Marshal(v)
	if err != nil {
		return err.Error()
	}
	return string(data)
}

// TestJSONKeys: the keys merge needs are always there, lists as [].
func TestJSONKeys(t *testing.T) {
	var buf bytes.Buffer
	if err := (JSON{}).Write(&buf, &Report{FailOn: diag.Error, Checks: []diag.Check{{Template: "a.yaml", Namespace: "default"}}}); err != nil {
		t.Fatal(err)
	}
	var got map[string]json.RawMessage
	if err := json.Unmarshal(buf.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	for key, want := range map[string]string{
		"findings": `[]`,
		"checks":   `[{"root":"a.yaml","namespace":"default","release":"","objects":[]}]`,
		"failOn":   `"error"`,
	} {
		var compact bytes.Buffer
		if err := json.Compact(&compact, got[key]); err != nil || compact.String() != want {
			t.Errorf("%q = %s, want %s", key, got[key], want)
		}
	}
	if _, ok := got["summary"]; !ok || len(got) != 4 {
		t.Errorf("keys = %v, want findings, checks, failOn, summary", got)
	}
}

// TestReadJSONErrors: what is not a report is a one-line error saying why.
func TestReadJSONErrors(t *testing.T) {
	finding := func(kv string) string {
		return `{"findings": [{"severity": "error", "rule": "r", "message": "m", "file": "a.yaml", "line": 1, "column": 1, "chain": [], "root": "a.yaml", "namespace": "default", "release": "1.29", "object": "", "field": ""` + kv + `}], "checks": [], "failOn": "error", "summary": {}}`
	}
	tests := []struct{ name, in, want string }{
		{"empty", "", "not JSON: empty"},
		{"text", "1 template × 3 namespaces\n", "not JSON: line 1: invalid character"},
		{"cut short", "{\n  \"findings\": [\n", "not JSON: line 3: unexpected end of JSON input"},
		{"trailing", `{"findings": [], "checks": [], "failOn": "error", "summary": {}} {}`, "not JSON: line 1: invalid character '{' after top-level value"},
		{"array", "[]", "not an eastern lint report: an array, not an object"},
		{"string", `"lint"`, "not an eastern lint report: a string, not an object"},
		{"null", "null", `not an eastern lint report: no "findings" and "summary"`},
		{"other JSON", `{"apiVersion": "v1", "kind": "List", "items": []}`, `not an eastern lint report: no "findings" and "summary"`},
		{"findings not a list", `{"findings": {}, "summary": {}}`, "not an eastern lint report: findings is an object, want an array"},
		{"line not a number", finding(`, "line": "3"`), "not an eastern lint report: findings.line is a string, want a number"},
		{"older eastern", `{"findings": [], "summary": {"templates": 1}}`, `an eastern lint report without "checks" and "failOn", from an older eastern: lint again with this one`},
		{"no failOn", `{"findings": [], "checks": [], "summary": {}}`, `without "checks" and "failOn"`},
		{"bad failOn", `{"findings": [], "checks": [], "failOn": "fatal", "summary": {}}`, `failOn: unknown severity "fatal" (want info, warning or error)`},
		{"bad severity", finding(`, "severity": "critical"`), `findings[0]: unknown severity "critical"`},
		{"check without root", `{"findings": [], "checks": [{"root": "", "namespace": "x", "release": "", "objects": []}], "failOn": "error", "summary": {}}`, "checks[0]: no root template"},
		{"check twice", `{"findings": [], "checks": [{"root": "a.yaml", "namespace": "x"}, {"root": "a.yaml", "namespace": "x"}], "failOn": "error", "summary": {}}`, "checks[1]: a.yaml in x is checked twice"},
		{"namespaces not led by namespace", finding(`, "namespaces": ["staging", "default"]`), `findings[0]: namespaces [staging default] do not start with namespace "default"`},
		{"namespaces twice", finding(`, "namespaces": ["default", "staging", "default"]`), "findings[0]: namespaces lists default twice"},
		{"one other namespace", finding(`, "namespaces": ["staging"]`), `findings[0]: namespaces [staging] is not namespace "default"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ReadJSON(strings.NewReader(tt.in))
			if err == nil || !strings.Contains(err.Error(), tt.want) || strings.Contains(err.Error(), "\n") {
				t.Errorf("ReadJSON(%q) error = %v, want one line with %q", tt.in, err, tt.want)
			}
		})
	}
	for _, valid := range []string{"", `, "namespaces": ["default"]`, `, "namespaces": ["default", "staging"]`} {
		if _, err := ReadJSON(strings.NewReader(finding(valid))); err != nil {
			t.Errorf("the valid case of the table with %q fails: %v", valid, err)
		}
	}
}

// TestReadJSONMergedFinding: a finding of several namespaces belongs to
// the check of each, as one *Finding, and is listed once.
func TestReadJSONMergedFinding(t *testing.T) {
	in := `{"findings": [{"severity": "warning", "rule": "r", "message": "m", "file": "a.yaml", "line": 1, "column": 1, "chain": [], "root": "a.yaml", "namespace": "default", "namespaces": ["default", "prod"], "release": "1.29", "object": "", "field": ""}],
	"checks": [{"root": "a.yaml", "namespace": "default", "release": "1.29", "objects": []}, {"root": "a.yaml", "namespace": "prod", "release": "1.29", "objects": []}, {"root": "a.yaml", "namespace": "qa", "release": "1.29", "objects": []}],
	"failOn": "error", "summary": {}}`
	r, err := ReadJSON(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Findings) != 1 || len(r.Checks) != 3 {
		t.Fatalf("%d findings, %d checks; want 1 and 3", len(r.Findings), len(r.Checks))
	}
	f := r.Findings[0]
	if len(r.Checks[0].Findings) != 1 || r.Checks[0].Findings[0] != f || len(r.Checks[1].Findings) != 1 || r.Checks[1].Findings[0] != f || len(r.Checks[2].Findings) != 0 {
		t.Errorf("checks' findings = %v, %v, %v; want the one finding in default and prod", r.Checks[0].Findings, r.Checks[1].Findings, r.Checks[2].Findings)
	}
	merged, err := Merge(r)
	if err != nil {
		t.Fatal(err)
	}
	if len(merged.Findings) != 1 || merged.Summary.Warnings != 1 {
		t.Errorf("Merge lists %d findings, counts %d warnings; want the finding once", len(merged.Findings), merged.Summary.Warnings)
	}
}
