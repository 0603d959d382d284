package report

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/eastern-k8s/eastern/diag"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// sample is a lint report with a finding inside a partial, a render error
// without an object, and a warning, over two namespaces of one template.
func sample() *Report {
	schemaErr := &diag.Finding{
		Severity: diag.Error, Rule: "schema.type", Message: "expected string, got number",
		Pos:      diag.Position{File: "overrides/env-production.yaml", Line: 4, Col: 3},
		Chain:    []diag.Position{{File: "app.yaml", Line: 22}},
		Template: "app.yaml", Namespace: "production", Release: "1.24",
		Object: "Deployment/web", Field: "spec.template.spec.containers[0].env[1].value",
	}
	unset := &diag.Finding{
		Severity: diag.Warning, Rule: "render.unset-variable", Message: "variable TAG is not set",
		Pos:      diag.Position{File: "app.yaml", Line: 9, Col: 14},
		Template: "app.yaml", Namespace: "staging", Release: "1.29",
	}
	missing := &diag.Finding{
		Severity: diag.Error, Rule: "render.load-missing", Message: "load!: none of the candidates exist: x.yaml, y.yaml",
		Pos:      diag.Position{File: "app.yaml", Line: 3, Col: 9},
		Template: "app.yaml", Namespace: "staging", Release: "1.29",
	}
	// One mistake that both namespaces' renders of cron.yaml repeat: one
	// finding, in both checks.
	repeated := &diag.Finding{
		Severity: diag.Warning, Rule: "render.unset-variable", Message: "variable SCHEDULE is not set (2 places in this file)",
		Pos:      diag.Position{File: "cron.yaml", Line: 6, Col: 13},
		Template: "cron.yaml", Namespace: "production", Namespaces: []string{"production", "staging"}, Release: "1.24",
	}
	r := &Report{
		Findings: diag.Findings{schemaErr, missing, unset, repeated},
		Checks: []diag.Check{
			{Template: "app.yaml", Namespace: "production", Release: "1.24", Objects: []string{"Deployment/web", "Service/web"}, Findings: diag.Findings{schemaErr}},
			{Template: "app.yaml", Namespace: "staging", Release: "1.29", Findings: diag.Findings{missing, unset}},
			{Template: "cron.yaml", Namespace: "production", Release: "1.24", Objects: []string{"CronJob/backup"}, Findings: diag.Findings{repeated}},
			{Template: "cron.yaml", Namespace: "staging", Release: "1.24", Objects: []string{"CronJob/backup"}, Findings: diag.Findings{repeated}},
		},
		FailOn:  diag.Error,
		Summary: Summary{Templates: 2, Namespaces: 2, Objects: 4},
	}
	r.Summary.CountFindings(r.Findings)
	return r
}

// TestFormatsGolden writes the sample in every format and compares with
// testdata/sample.FORMAT; go test -update rewrites them.
func TestFormatsGolden(t *testing.T) {
	for _, format := range []string{"text", "json", "junit", "github", "checkstyle", "sarif"} {
		t.Run(format, func(t *testing.T) {
			w, err := New(format, false)
			if err != nil {
				t.Fatal(err)
			}
			var buf bytes.Buffer
			if err := w.Write(&buf, sample()); err != nil {
				t.Fatal(err)
			}
			golden := filepath.Join("testdata", "sample."+format)
			if *update {
				if err := os.WriteFile(golden, buf.Bytes(), 0o666); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if got := buf.String(); got != string(want) {
				t.Errorf("%s output differs from %s:\n%s", format, golden, got)
			}
		})
	}
}

func TestNewUnknownFormat(t *testing.T) {
	if _, err := New("yaml", false); err == nil || !strings.Contains(err.Error(), `"yaml"`) {
		t.Errorf("New(yaml) error = %v, want one naming the format", err)
	}
}

func TestSummaryLine(t *testing.T) {
	tests := []struct {
		s    Summary
		want string
	}{
		{Summary{Templates: 3, Namespaces: 3, Objects: 27, Errors: 1, Warnings: 2}, "3 templates × 3 namespaces, 27 objects: 1 error, 2 warnings"},
		{Summary{Templates: 1, Namespaces: 1, Objects: 1}, "1 template × 1 namespace, 1 object: 0 errors, 0 warnings"},
		{Summary{Templates: 2, Namespaces: 1, Objects: 0, Infos: 2}, "2 templates × 1 namespace, 0 objects: 0 errors, 0 warnings, 2 notes"},
	}
	for _, tt := range tests {
		if got := summaryLine(tt.s); got != tt.want {
			t.Errorf("summaryLine(%+v) = %q, want %q", tt.s, got, tt.want)
		}
	}
}

func TestJSONRecords(t *testing.T) {
	var buf bytes.Buffer
	if err := (JSON{}).Write(&buf, sample()); err != nil {
		t.Fatal(err)
	}
	var got struct {
		Findings []map[string]any `json:"findings"`
		Summary  Summary          `json:"summary"`
	}
	if err := json.Unmarshal(buf.Bytes(), &got); err != nil {
		t.Fatalf("output is not JSON: %v", err)
	}
	keys := []string{"severity", "rule", "message", "file", "line", "column", "chain", "root", "namespace", "namespaces", "release", "object", "field"}
	for i, f := range got.Findings {
		for _, k := range keys {
			if _, ok := f[k]; !ok {
				t.Errorf("finding %d lacks key %q", i, k)
			}
		}
		if len(f) != len(keys) {
			t.Errorf("finding %d has %d keys, want %d: %v", i, len(f), len(keys), f)
		}
	}
	if got.Summary != sample().Summary {
		t.Errorf("summary = %+v, want %+v", got.Summary, sample().Summary)
	}
	first := got.Findings[0]
	if first["file"] != "overrides/env-production.yaml" || first["line"] != 4.0 || first["column"] != 3.0 {
		t.Errorf("first finding position = %v:%v:%v", first["file"], first["line"], first["column"])
	}
	if chain, _ := first["chain"].([]any); len(chain) != 1 {
		t.Errorf("first finding chain = %v, want one step", first["chain"])
	}
	if chain, _ := got.Findings[1]["chain"].([]any); chain == nil {
		t.Errorf("an empty chain must be [], not null")
	}
}

func TestJUnitParses(t *testing.T) {
	var buf bytes.Buffer
	if err := (JUnit{}).Write(&buf, sample()); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Tests    int `xml:"tests,attr"`
		Failures int `xml:"failures,attr"`
		Suites   []struct {
			Name     string `xml:"name,attr"`
			Tests    int    `xml:"tests,attr"`
			Failures int    `xml:"failures,attr"`
			Cases    []struct {
				Name    string `xml:"name,attr"`
				Failure *struct {
					Type string `xml:"type,attr"`
					Text string `xml:",chardata"`
				} `xml:"failure"`
				SystemOut string `xml:"system-out"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	if err := xml.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatalf("JUnit output is not well-formed XML: %v\n%s", err, buf.String())
	}
	if len(doc.Suites) != 2 || doc.Suites[0].Name != "app.yaml" || doc.Suites[1].Name != "cron.yaml" {
		t.Fatalf("suites = %+v, want app.yaml and cron.yaml", doc.Suites)
	}
	// app.yaml: production render + 2 objects, staging render; cron.yaml:
	// render + 1 object in each of two namespaces.
	if doc.Suites[0].Tests != 4 || doc.Suites[1].Tests != 4 || doc.Tests != 8 {
		t.Errorf("tests = %d/%d/%d, want 4/4/8", doc.Suites[0].Tests, doc.Suites[1].Tests, doc.Tests)
	}
	if doc.Failures != 2 || doc.Suites[0].Failures != 2 {
		t.Errorf("failures = %d (suite %d), want 2", doc.Failures, doc.Suites[0].Failures)
	}
	byName := map[string]int{}
	for i, c := range doc.Suites[0].Cases {
		byName[c.Name] = i
	}
	dep := doc.Suites[0].Cases[byName["production: Deployment/web"]]
	if dep.Failure == nil || dep.Failure.Type != "schema.type" || !strings.Contains(dep.Failure.Text, "overrides/env-production.yaml:4:3") {
		t.Errorf("Deployment/web case = %+v, want the schema.type failure at its template line", dep)
	}
	if svc := doc.Suites[0].Cases[byName["production: Service/web"]]; svc.Failure != nil {
		t.Errorf("Service/web has a failure but no findings")
	}
	staging := doc.Suites[0].Cases[byName["staging (k8s 1.29)"]]
	if staging.Failure == nil || staging.Failure.Type != "render.load-missing" {
		t.Errorf("staging render case = %+v, want the load-missing failure", staging)
	}
	if !strings.Contains(staging.SystemOut, "variable TAG is not set") {
		t.Errorf("staging warning not in system-out: %q", staging.SystemOut)
	}

	// At --fail-on warning the warning is a failure too.
	r := sample()
	r.FailOn = diag.Warning
	buf.Reset()
	if err := (JUnit{}).Write(&buf, r); err != nil {
		t.Fatal(err)
	}
	doc.Suites = nil // Unmarshal appends to slices
	if err := xml.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	staging = doc.Suites[0].Cases[byName["staging (k8s 1.29)"]]
	if staging.Failure == nil || !strings.Contains(staging.Failure.Text, "variable TAG") || staging.SystemOut != "" {
		t.Errorf("at fail-on warning, staging case = %+v", staging)
	}
}

func TestJUnitEscapes(t *testing.T) {
	f := &diag.Finding{Severity: diag.Error, Rule: "r", Message: `bad <value> & "quote" ]]>` + "\x1b", Pos: diag.Position{File: "a&b.yaml", Line: 1}}
	r := &Report{Findings: diag.Findings{f}, Checks: []diag.Check{{Template: "a&b.yaml", Namespace: "x", Findings: diag.Findings{f}}}}
	var buf bytes.Buffer
	if err := (JUnit{}).Write(&buf, r); err != nil {
		t.Fatal(err)
	}
	var v any
	if err := xml.Unmarshal(buf.Bytes(), &v); err != nil {
		t.Fatalf("not well-formed: %v\n%s", err, buf.String())
	}
}

func TestGitHubLine(t *testing.T) {
	tests := []struct {
		name string
		f    diag.Finding
		want string
	}{
		{"error with everything", diag.Finding{Severity: diag.Error, Rule: "schema.type", Message: "expected string, got number",
			Pos: diag.Position{File: "app.yaml", Line: 4, Col: 3}, Field: "spec.x", Namespace: "prod", Release: "1.24"},
			"::error file=app.yaml,line=4,col=3,title=schema.type::spec.x: expected string, got number (in prod, k8s 1.24)"},
		{"warning", diag.Finding{Severity: diag.Warning, Rule: "render.unset-variable", Message: "m", Pos: diag.Position{File: "a.yaml", Line: 1}},
			"::warning file=a.yaml,line=1,title=render.unset-variable::m"},
		{"info is a notice", diag.Finding{Severity: diag.Info, Message: "m"}, "::notice::m"},
		{"data escapes", diag.Finding{Severity: diag.Error, Message: "100% wrong\r\nnext: a,b"},
			"::error::100%25 wrong%0D%0Anext: a,b"},
		{"property escapes", diag.Finding{Severity: diag.Error, Rule: "a:b,c%", Message: "m", Pos: diag.Position{File: "dir,x/a:b%.yaml", Line: 2}},
			"::error file=dir%2Cx/a%3Ab%25.yaml,line=2,title=a%3Ab%2Cc%25::m"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := githubLine(&tt.f); got != tt.want {
				t.Errorf("githubLine =\n  %q\nwant\n  %q", got, tt.want)
			}
		})
	}
}

func TestPlural(t *testing.T) {
	tests := []struct {
		n    int
		noun string
		want string
	}{
		{0, "error", "0 errors"},
		{1, "error", "1 error"},
		{2, "warning", "2 warnings"},
		{1, "directory", "1 directory"},
		{3, "directory", "3 directories"},
		{90000, "object", "90,000 objects"},
	}
	for _, tt := range tests {
		if got := Plural(tt.n, tt.noun); got != tt.want {
			t.Errorf("Plural(%d, %q) = %q, want %q", tt.n, tt.noun, got, tt.want)
		}
	}
}

// An object lint could not check (no schema for its kind) is a skipped
// test case in JUnit, not a passed one.
func TestJUnitSkipsUncheckedObjects(t *testing.T) {
	r := &Report{FailOn: diag.Error, Checks: []diag.Check{{
		Template: "crs/gear.yaml", Namespace: "prod", Release: "1.30",
		Objects: []string{"Widget/gear", "ConfigMap/c"},
		Findings: diag.Findings{{Severity: diag.Info, Rule: "schema.unknown-kind", Object: "Widget/gear",
			Message: "no schema for example.com/v1 Widget: skipped", Pos: diag.Position{File: "crs/gear.yaml", Line: 2}}},
	}}}
	var b strings.Builder
	if err := (JUnit{}).Write(&b, r); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{
		`<testsuite name="crs/gear.yaml" tests="3" failures="0" errors="0" skipped="1">`,
		`<testcase name="prod: Widget/gear" classname="prod.crs/gear_yaml">` + "\n      " + `<skipped message="no schema for example.com/v1 Widget: skipped"></skipped>`,
		`<testcase name="prod: ConfigMap/c" classname="prod.crs/gear_yaml"></testcase>`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("JUnit lacks %q:\n%s", want, out)
		}
	}
}
