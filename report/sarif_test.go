package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/eastern-k8s/eastern/diag"
)

// sarifSchemaFile is the OASIS schema the output is held to; see
// testdata/README.md.
var sarifSchemaFile = filepath.Join("testdata", "sarif-schema-2.1.0.json")

// compileSARIFSchema compiles the OASIS schema with format assertions on,
// so that "uri" and "uri-reference" are checked too.
func compileSARIFSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	data, err := os.ReadFile(sarifSchemaFile)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("%s: %v", sarifSchemaFile, err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	if err := c.AddResource(sarifSchema, doc); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile(sarifSchema)
	if err != nil {
		t.Fatalf("compiling %s: %v", sarifSchemaFile, err)
	}
	return sch
}

// validateSARIF validates the bytes a writer wrote, decoded as they are
// rather than through the writer's own types.
func validateSARIF(sch *jsonschema.Schema, out []byte) error {
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(out))
	if err != nil {
		return err
	}
	return sch.Validate(doc)
}

// TestSARIFSchemaFile: the schema in testdata is the OASIS SARIF 2.1.0
// errata01 schema, and the one the output names.
func TestSARIFSchemaFile(t *testing.T) {
	data, err := os.ReadFile(sarifSchemaFile)
	if err != nil {
		t.Fatal(err)
	}
	var head struct {
		ID, Schema, Title string
		Definitions       map[string]any
	}
	if err := json.Unmarshal(data, &head); err != nil {
		t.Fatalf("%s is not JSON: %v", sarifSchemaFile, err)
	}
	var meta struct {
		Schema string `json:"$schema"`
	}
	if err := json.Unmarshal(data, &meta); err != nil {
		t.Fatal(err)
	}
	if head.ID != sarifSchema {
		t.Errorf("schema id = %q, want %q", head.ID, sarifSchema)
	}
	if meta.Schema != "http://json-schema.org/draft-04/schema#" {
		t.Errorf("schema $schema = %q, want draft-04", meta.Schema)
	}
	for _, def := range []string{"run", "result", "reportingDescriptor", "location", "artifactLocation", "region"} {
		if head.Definitions[def] == nil {
			t.Errorf("schema has no definition of %s", def)
		}
	}
}

// sarifRules is a rule catalog as the command passes it.
var sarifRules = []RuleInfo{
	{ID: "schema.type", Description: "a value has the wrong type", HelpURI: "https://github.com/eastern-k8s/eastern/blob/main/docs/rules.md#rendered-manifests"},
	{ID: "render.load-missing", Description: "no candidate of a load! exists", HelpURI: "https://github.com/eastern-k8s/eastern/blob/main/docs/rules.md#templates"},
	{ID: "render.unset-variable", Description: "a variable has no value", HelpURI: "https://github.com/eastern-k8s/eastern/blob/main/docs/rules.md#templates"},
	{ID: "lint.release", Description: "a release newer than eastern knows", HelpURI: "https://github.com/eastern-k8s/eastern/blob/main/docs/rules.md#runs"},
	{ID: "internal", Description: "an error that is not about a template", HelpURI: "https://github.com/eastern-k8s/eastern/blob/main/docs/rules.md#runs"},
}

// sarifReports are reports that between them reach every part of the
// SARIF writer.
func sarifReports() map[string]*Report {
	reports := map[string]*Report{
		"empty":  {},
		"sample": sample(),
		"run-level": {Findings: diag.Findings{
			{Severity: diag.Warning, Rule: "lint.release", Message: "release 1.99 is newer than eastern knows"},
			{Severity: diag.Error, Rule: diag.RuleInternal, Message: "writing lint.xml: permission denied"},
		}},
		"whole file and no column": {Findings: diag.Findings{
			{Severity: diag.Error, Rule: "render.read", Message: "not UTF-8", Pos: diag.Position{File: "bin.yaml"}},
			{Severity: diag.Info, Rule: "schema.unknown-kind", Message: "no schema", Pos: diag.Position{File: "cr.yaml", Line: 2}},
		}},
		"deep chain": {Findings: diag.Findings{{
			Severity: diag.Error, Rule: "render.unset-variable", Message: "variable X is not set",
			Pos:   diag.Position{File: "p/db.yaml", Line: 3, Col: 9},
			Chain: []diag.Position{{File: "app.yaml", Line: 2}, {File: "p/base.yaml", Line: 7}, {File: "p/base.yaml", Line: 7}},
		}}},
		"no rule, no severity": {Findings: diag.Findings{{Message: "m", Pos: diag.Position{File: "a.yaml", Line: 1}}}},
		"odd paths": {Findings: diag.Findings{
			{Severity: diag.Error, Rule: "r", Message: "m", Pos: diag.Position{File: "/abs/a b#?%.yaml", Line: 1}},
			{Severity: diag.Error, Rule: "r", Message: "m", Pos: diag.Position{File: "c:d/café [x].yaml", Line: 1},
				Chain: []diag.Position{{File: "../up.yaml", Line: 1}}},
		}},
	}
	for _, s := range hostile {
		var fs diag.Findings
		for _, f := range hostileFindings(s) {
			fs = append(fs, f)
		}
		reports["hostile "+strings.ToValidUTF8(s, "?")] = &Report{Findings: fs}
	}
	return reports
}

// TestSARIFValid: every report, with and without rule descriptions, on
// Unix and Windows paths, is valid against the OASIS schema.
func TestSARIFValid(t *testing.T) {
	sch := compileSARIFSchema(t)
	for name, r := range sarifReports() {
		for _, w := range []SARIF{{}, {Rules: sarifRules, Version: "v1.2.3"}, {Rules: sarifRules, separator: '\\'}} {
			var buf bytes.Buffer
			if err := w.Write(&buf, r); err != nil {
				t.Fatal(err)
			}
			if err := validateSARIF(sch, buf.Bytes()); err != nil {
				t.Errorf("%s (rules %v, separator %q): invalid SARIF: %v\n%s", name, w.Rules != nil, w.separator, err, buf.String())
			}
		}
	}
}

// TestSARIFSchemaRejects: the validation can fail. Each edit of valid
// output breaks one rule of the schema.
func TestSARIFSchemaRejects(t *testing.T) {
	sch := compileSARIFSchema(t)
	var buf bytes.Buffer
	if err := (SARIF{Rules: sarifRules}).Write(&buf, sample()); err != nil {
		t.Fatal(err)
	}
	valid := buf.String()
	if err := validateSARIF(sch, buf.Bytes()); err != nil {
		t.Fatalf("sample is invalid: %v", err)
	}
	// Each edit names where the schema must object, so that the test fails
	// if validation passes or fails for another reason.
	edits := []struct{ name, old, new, at string }{
		{"unknown level", `"level": "error"`, `"level": "fatal"`, "/runs/0/results/0/level"},
		{"unknown version", `"version": "2.1.0"`, `"version": "2.2.0"`, "/version"},
		{"line 0", `"startLine": 4`, `"startLine": 0`, "/runs/0/results/0/locations/0/physicalLocation/region/startLine"},
		{"rule index below -1", `"ruleIndex": 2`, `"ruleIndex": -2`, "/runs/0/results/0/ruleIndex"},
		{"relative helpUri", `"helpUri": "https://github.com/eastern-k8s/eastern/blob/main/docs/rules.md#templates"`, `"helpUri": "docs/rules.md"`, "/runs/0/tool/driver/rules/0/helpUri"},
		{"backslash in uri", `"uri": "overrides/env-production.yaml"`, `"uri": "overrides\\env-production.yaml"`, "/runs/0/results/0/locations/0/physicalLocation/artifactLocation/uri"},
		{"message without text", `"text": "load 1 of 1`, `"txt": "load 1 of 1`, "/runs/0/results/0/relatedLocations/0/message"},
		{"no tool", `"tool":`, `"tool2":`, "/runs/0"},
	}
	for _, e := range edits {
		if !strings.Contains(valid, e.old) {
			t.Fatalf("%s: output lacks %s", e.name, e.old)
		}
		broken := strings.Replace(valid, e.old, e.new, 1)
		err := validateSARIF(sch, []byte(broken))
		if err == nil {
			t.Errorf("%s: validation passed, want a failure", e.name)
		} else if !strings.Contains(err.Error(), "at '"+e.at+"'") {
			t.Errorf("%s: validation failed, but not at %s: %v", e.name, e.at, err)
		}
	}
}

// sarifDoc is what TestSARIFSemantics reads back, decoded loosely.
type sarifDoc struct {
	Schema  string `json:"$schema"`
	Version string `json:"version"`
	Runs    []struct {
		Tool struct {
			Driver struct {
				Name, Version string
				Rules         []struct {
					ID               string `json:"id"`
					ShortDescription *struct{ Text string }
					HelpURI          string `json:"helpUri"`
				}
			}
		}
		Results []struct {
			RuleID           string `json:"ruleId"`
			RuleIndex        *int   `json:"ruleIndex"`
			Level            string
			Message          struct{ Text string }
			Locations        []sarifDocLocation
			RelatedLocations []sarifDocLocation
			Properties       map[string]any
		}
		Properties struct{ Summary Summary }
	}
}

type sarifDocLocation struct {
	ID               int
	PhysicalLocation struct {
		ArtifactLocation struct {
			URI       string `json:"uri"`
			URIBaseID string `json:"uriBaseId"`
		}
		Region *struct{ StartLine, StartColumn int }
	}
	Message *struct{ Text string }
}

func readSARIF(t *testing.T, w SARIF, r *Report) sarifDoc {
	t.Helper()
	var buf bytes.Buffer
	if err := w.Write(&buf, r); err != nil {
		t.Fatal(err)
	}
	var doc sarifDoc
	if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, buf.String())
	}
	if len(doc.Runs) != 1 {
		t.Fatalf("%d runs, want 1", len(doc.Runs))
	}
	return doc
}

// TestSARIFSemantics: what the schema cannot say. Rules are the ones the
// results name, sorted, described from the catalog; each ruleIndex points
// at its rule; the chain is the related locations; the context is the
// properties.
func TestSARIFSemantics(t *testing.T) {
	r := sample()
	r.Findings = append(r.Findings,
		&diag.Finding{Severity: diag.Info, Rule: "schema.unknown-kind", Message: "no schema for Widget", Pos: diag.Position{File: "crs/w.yaml", Line: 2}},
		&diag.Finding{Severity: diag.Warning, Rule: "lint.release", Message: "release 1.99 is newer"},
	)
	doc := readSARIF(t, SARIF{Rules: sarifRules, Version: "v1.2.3"}, r)
	if doc.Schema != sarifSchema || doc.Version != "2.1.0" {
		t.Errorf("$schema, version = %q, %q", doc.Schema, doc.Version)
	}
	run := doc.Runs[0]
	driver := run.Tool.Driver
	if driver.Name != "eastern" || driver.Version != "v1.2.3" {
		t.Errorf("driver = %q %q, want eastern v1.2.3", driver.Name, driver.Version)
	}
	var ids []string
	for _, rule := range driver.Rules {
		ids = append(ids, rule.ID)
	}
	if want := "lint.release render.load-missing render.unset-variable schema.type schema.unknown-kind"; strings.Join(ids, " ") != want {
		t.Errorf("rules = %v, want %s", ids, want)
	}
	catalog := map[string]RuleInfo{}
	for _, ri := range sarifRules {
		catalog[ri.ID] = ri
	}
	for _, rule := range driver.Rules {
		ri, ok := catalog[rule.ID]
		switch {
		case !ok && (rule.ShortDescription != nil || rule.HelpURI != ""):
			t.Errorf("rule %s is not in the catalog but has a description or helpUri", rule.ID)
		case ok && (rule.ShortDescription == nil || rule.ShortDescription.Text != ri.Description || rule.HelpURI != ri.HelpURI):
			t.Errorf("rule %s = %+v, want the catalog's %+v", rule.ID, rule, ri)
		}
	}
	if len(run.Results) != len(r.Findings) {
		t.Fatalf("%d results, want %d", len(run.Results), len(r.Findings))
	}
	levels := map[diag.Severity]string{diag.Error: "error", diag.Warning: "warning", diag.Info: "note"}
	for i, res := range run.Results {
		f := r.Findings[i]
		if res.RuleID != f.Rule || res.RuleIndex == nil || driver.Rules[*res.RuleIndex].ID != f.Rule {
			t.Errorf("result %d: ruleId %q, ruleIndex %v, want %s and its index", i, res.RuleID, res.RuleIndex, f.Rule)
		}
		if res.Level != levels[f.Severity] {
			t.Errorf("result %d: level %q, want %q", i, res.Level, levels[f.Severity])
		}
		if !strings.HasPrefix(res.Message.Text, message(f)) {
			t.Errorf("result %d: message %q, want it to start %q", i, res.Message.Text, message(f))
		}
		wantProps := map[string]any{"root": f.Template, "namespace": f.Namespace, "namespaces": append([]string{}, f.InNamespaces()...),
			"release": f.Release, "object": f.Object, "field": f.Field}
		if len(res.Properties) != len(wantProps) {
			t.Errorf("result %d: properties %v, want %v", i, res.Properties, wantProps)
		}
		for k, v := range wantProps {
			// Printed alike: the namespaces decode as []any.
			if got, ok := res.Properties[k]; !ok || fmt.Sprint(got) != fmt.Sprint(v) {
				t.Errorf("result %d: property %s = %v (present %v), want %v", i, k, got, ok, v)
			}
		}
		if f.Pos.File == "" {
			if len(res.Locations) != 0 {
				t.Errorf("result %d: a run-level finding has locations %+v", i, res.Locations)
			}
		} else if len(res.Locations) != 1 || !sameLocation(res.Locations[0], f.Pos) {
			t.Errorf("result %d: locations %+v, want one at %v", i, res.Locations, f.Pos)
		}
		if len(res.RelatedLocations) != len(f.Chain) {
			t.Fatalf("result %d: %d related locations, want the %d of the chain", i, len(res.RelatedLocations), len(f.Chain))
		}
		for j, loc := range res.RelatedLocations {
			if loc.ID != j+1 || !sameLocation(loc, diag.Position{File: f.Chain[j].File, Line: f.Chain[j].Line}) || loc.Message == nil {
				t.Errorf("result %d: related location %d = %+v, want id %d at %v", i, j, loc, j+1, f.Chain[j])
			}
		}
	}
	first := run.Results[0]
	if want := "load 1 of 1: loads overrides/env-production.yaml"; first.RelatedLocations[0].Message.Text != want {
		t.Errorf("chain message = %q, want %q", first.RelatedLocations[0].Message.Text, want)
	}
	if !strings.Contains(first.Message.Text, "(Deployment/web in production, k8s 1.24, via app.yaml:22 → overrides/env-production.yaml:4)") {
		t.Errorf("message %q lacks the context the text format gives", first.Message.Text)
	}
	if run.Properties.Summary != r.Summary {
		t.Errorf("summary = %+v, want %+v", run.Properties.Summary, r.Summary)
	}
}

// sameLocation reports whether loc is at p: the path as a URI against
// %SRCROOT%, the line if known, the column if known.
func sameLocation(loc sarifDocLocation, p diag.Position) bool {
	pl := loc.PhysicalLocation
	if pl.ArtifactLocation.URI != p.File || pl.ArtifactLocation.URIBaseID != "%SRCROOT%" {
		return false
	}
	if p.Line == 0 {
		return pl.Region == nil
	}
	return pl.Region != nil && pl.Region.StartLine == p.Line && pl.Region.StartColumn == p.Col
}

func TestSARIFEmpty(t *testing.T) {
	var buf bytes.Buffer
	if err := (SARIF{Rules: sarifRules}).Write(&buf, &Report{}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"rules": []`, `"results": []`} {
		if !strings.Contains(buf.String(), want) {
			t.Errorf("empty report lacks %s:\n%s", want, buf.String())
		}
	}
}

// TestSARIFDeterministic: the same findings give the same bytes, whatever
// the order of the rule catalog.
func TestSARIFDeterministic(t *testing.T) {
	reversed := make([]RuleInfo, len(sarifRules))
	for i, ri := range sarifRules {
		reversed[len(sarifRules)-1-i] = ri
	}
	var a, b bytes.Buffer
	if err := (SARIF{Rules: sarifRules}).Write(&a, sample()); err != nil {
		t.Fatal(err)
	}
	if err := (SARIF{Rules: reversed}).Write(&b, sample()); err != nil {
		t.Fatal(err)
	}
	if a.String() != b.String() {
		t.Errorf("output depends on the catalog's order:\n%s\n---\n%s", a.String(), b.String())
	}
}

// strictURIReference is RFC 3986's URI-reference character set, with
// percent escapes well-formed: stricter than the schema's format check,
// which is Go's lenient url.Parse.
var strictURIReference = regexp.MustCompile(`^([A-Za-z0-9\-._~!$&'()*+,;=:@/?#]|%[0-9A-F]{2})*$`)

func TestSARIFArtifactURIs(t *testing.T) {
	tests := []struct {
		path      string
		separator byte
		uri, base string
	}{
		{"app.yaml", '/', "app.yaml", "%SRCROOT%"},
		{"overrides/env-production.yaml", '/', "overrides/env-production.yaml", "%SRCROOT%"},
		{"../up.yaml", '/', "../up.yaml", "%SRCROOT%"},
		{"a b#?%.yaml", '/', "a%20b%23%3F%25.yaml", "%SRCROOT%"},
		{"c:d.yaml", '/', "c%3Ad.yaml", "%SRCROOT%"},
		{"café [x].yaml", '/', "caf%C3%A9%20%5Bx%5D.yaml", "%SRCROOT%"},
		{"p\x1b[31m\n.yaml", '/', "p%1B%5B31m%0A.yaml", "%SRCROOT%"},
		{"bad\xff.yaml", '/', "bad%FF.yaml", "%SRCROOT%"},
		{"/abs/app.yaml", '/', "file:///abs/app.yaml", ""},
		{`dir\a.yaml`, '/', "dir%5Ca.yaml", "%SRCROOT%"}, // a backslash is part of a Unix name
		{"C:/src/app.yaml", '/', "C%3A/src/app.yaml", "%SRCROOT%"},
		// Windows paths, after withSlashPaths.
		{"dir/a.yaml", '\\', "dir/a.yaml", "%SRCROOT%"},
		{"C:/src/my app.yaml", '\\', "file:///C:/src/my%20app.yaml", ""},
		{"//server/share/a.yaml", '\\', "file://server/share/a.yaml", ""},
	}
	for _, tt := range tests {
		got := SARIF{separator: tt.separator}.artifactLocation(tt.path)
		if got.URI != tt.uri || got.URIBaseID != tt.base {
			t.Errorf("artifactLocation(%q, %q) = %q base %q, want %q base %q", tt.path, tt.separator, got.URI, got.URIBaseID, tt.uri, tt.base)
		}
		if !strictURIReference.MatchString(got.URI) {
			t.Errorf("artifactLocation(%q) = %q, not an RFC 3986 URI reference", tt.path, got.URI)
		}
		u, err := url.Parse(got.URI)
		if err != nil {
			t.Errorf("artifactLocation(%q) = %q: %v", tt.path, got.URI, err)
			continue
		}
		if tt.base != "" && (u.Scheme != "" || u.Path != tt.path) {
			t.Errorf("artifactLocation(%q) = %q parses as scheme %q path %q, want the path back", tt.path, got.URI, u.Scheme, u.Path)
		}
	}
}

// TestSARIFWindowsPaths: findings with Windows paths are written with '/'
// in every location.
func TestSARIFWindowsPaths(t *testing.T) {
	r := &Report{Findings: diag.Findings{{
		Severity: diag.Error, Rule: "schema.type", Message: "m",
		Pos:   diag.Position{File: `overrides\env-production.yaml`, Line: 4, Col: 3},
		Chain: []diag.Position{{File: `C:\src\app.yaml`, Line: 22}},
	}}}
	doc := readSARIF(t, SARIF{separator: '\\'}, r)
	res := doc.Runs[0].Results[0]
	if got := res.Locations[0].PhysicalLocation.ArtifactLocation.URI; got != "overrides/env-production.yaml" {
		t.Errorf("location uri = %q", got)
	}
	rel := res.RelatedLocations[0]
	if rel.PhysicalLocation.ArtifactLocation.URI != "file:///C:/src/app.yaml" || rel.PhysicalLocation.ArtifactLocation.URIBaseID != "" {
		t.Errorf("related location = %+v, want file:///C:/src/app.yaml", rel.PhysicalLocation.ArtifactLocation)
	}
	if r.Findings[0].Pos.File != `overrides\env-production.yaml` {
		t.Errorf("Write changed the caller's finding")
	}
}

// TestSARIFNoEmbeddedLinks: text from a template cannot make a link in a
// viewer that reads SARIF's embedded-link syntax.
func TestSARIFNoEmbeddedLinks(t *testing.T) {
	r := &Report{Findings: diag.Findings{{
		Severity: diag.Error, Rule: "render.load-missing", Message: "none of the candidates exist: [click](https://example.com).yaml",
		Pos:   diag.Position{File: "app.yaml", Line: 1},
		Chain: []diag.Position{{File: "[x](1).yaml", Line: 2}},
	}}}
	doc := readSARIF(t, SARIF{}, r)
	res := doc.Runs[0].Results[0]
	for _, text := range []string{res.Message.Text, res.RelatedLocations[0].Message.Text} {
		if strings.Contains(strings.ReplaceAll(text, `\](`, ""), "](") {
			t.Errorf("message %q holds an embedded link", text)
		}
	}
	if want := `none of the candidates exist: [click\](https://example.com).yaml (via [x\](1).yaml:2`; !strings.HasPrefix(res.Message.Text, want) {
		t.Errorf("message = %q, want it to start %q", res.Message.Text, want)
	}
}
