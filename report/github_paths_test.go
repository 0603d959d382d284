package report

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"

	"github.com/eastern-k8s/eastern/diag"
)

// windowsReport is what lint reports on Windows, where the paths of
// templates and partials have backslashes: an error in a root template and
// one in a partial it loads.
func windowsReport() *Report {
	inRoot := &diag.Finding{
		Severity: diag.Error, Rule: "render.load-missing", Message: "load!: none of the candidates exist: x.yaml",
		Pos:      diag.Position{File: `apps\web\app.yaml`, Line: 3, Col: 9},
		Template: `apps\web\app.yaml`, Namespace: "staging", Release: "1.29",
	}
	inPartial := &diag.Finding{
		Severity: diag.Error, Rule: "schema.type", Message: "expected string, got number",
		Pos:      diag.Position{File: `apps\web\partials\env.yaml`, Line: 4, Col: 3},
		Chain:    []diag.Position{{File: `apps\web\app.yaml`, Line: 22}},
		Template: `apps\web\app.yaml`, Namespace: "production", Release: "1.29",
		Object: "Deployment/web", Field: "spec.template.spec.containers[0].env[1].value",
	}
	r := &Report{
		Findings: diag.Findings{inRoot, inPartial},
		Checks: []diag.Check{
			{Template: `apps\web\app.yaml`, Namespace: "staging", Release: "1.29", Findings: diag.Findings{inRoot}},
			{Template: `apps\web\app.yaml`, Namespace: "production", Release: "1.29", Objects: []string{"Deployment/web"}, Findings: diag.Findings{inPartial}},
		},
		FailOn:  diag.Error,
		Summary: Summary{Templates: 1, Namespaces: 2, Objects: 1},
	}
	r.Summary.CountFindings(r.Findings)
	return r
}

// TestWritersOnWindowsPaths writes a report of Windows paths in every
// format: GitHub's annotations name the files with forward slashes, as the
// repository does, in file= and in the via chain; the other formats are for
// people and tools on the same machine and keep the system's paths.
func TestWritersOnWindowsPaths(t *testing.T) {
	githubWant := []string{
		"::error file=apps/web/app.yaml,line=3,col=9,title=render.load-missing::",
		"::error file=apps/web/partials/env.yaml,line=4,col=3,title=schema.type::",
		"via apps/web/app.yaml:22 → apps/web/partials/env.yaml:4)",
	}
	tests := []struct {
		name    string
		writer  Writer
		want    []string // in the output
		wantNot []string // nowhere in the output
	}{
		{"github", GitHub{separator: '\\'}, githubWant, []string{`\`}},
		{"text", Text{}, []string{
			`apps\web\app.yaml:3:9: error: load!`,
			`apps\web\partials\env.yaml:4:3: error: spec.`,
			`via apps\web\app.yaml:22 → apps\web\partials\env.yaml:4)`,
		}, []string{"apps/web"}},
		{"junit", JUnit{}, []string{
			`<testsuite name="apps\web\app.yaml"`,
			`apps\web\partials\env.yaml:4:3: error:`,
		}, []string{"apps/web"}},
		{"json", JSON{}, []string{
			`"file": "apps\\web\\app.yaml"`,
			`"file": "apps\\web\\partials\\env.yaml"`,
		}, []string{"apps/web"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := windowsReport()
			var buf bytes.Buffer
			if err := tt.writer.Write(&buf, r); err != nil {
				t.Fatal(err)
			}
			out := buf.String()
			for _, s := range tt.want {
				if !strings.Contains(out, s) {
					t.Errorf("output lacks %q:\n%s", s, out)
				}
			}
			for _, s := range tt.wantNot {
				if strings.Contains(out, s) {
					t.Errorf("output has %q:\n%s", s, out)
				}
			}
			// The writer converts a copy: the caller's findings, which
			// other writers may still format, keep their paths.
			if got := r.Findings[1]; got.Pos.File != `apps\web\partials\env.yaml` || got.Chain[0].File != `apps\web\app.yaml` || got.Template != `apps\web\app.yaml` {
				t.Errorf("writer changed the finding: %+v", got)
			}
		})
	}
}

// TestGitHubSeparators: only the separator becomes '/'. On Unix a backslash
// is part of a file's name, so it stays, and GitHub is pointed at the file
// that exists; the zero writer, which report.New returns, uses this
// system's separator.
func TestGitHubSeparators(t *testing.T) {
	tests := []struct {
		name   string
		writer GitHub
		file   string
		want   string // the file= property
	}{
		{"windows", GitHub{separator: '\\'}, `apps\web\app.yaml`, "apps/web/app.yaml"},
		{"windows, already slashed", GitHub{separator: '\\'}, "apps/web/app.yaml", "apps/web/app.yaml"},
		{"windows, drive letter", GitHub{separator: '\\'}, `C:\src\app.yaml`, "C%3A/src/app.yaml"},
		{"unix", GitHub{separator: '/'}, `odd\name.yaml`, `odd\name.yaml`},
		{"this system", GitHub{}, filepath.Join("apps", "web", "app.yaml"), "apps/web/app.yaml"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := &Report{Findings: diag.Findings{{Severity: diag.Warning, Rule: "r", Message: "m",
				Pos: diag.Position{File: tt.file, Line: 1}, Chain: []diag.Position{{File: tt.file, Line: 2}}}}}
			var buf bytes.Buffer
			if err := tt.writer.Write(&buf, r); err != nil {
				t.Fatal(err)
			}
			line, _, _ := strings.Cut(buf.String(), "\n")
			if want := "::warning file=" + tt.want + ",line=1,title=r::m (via " + strings.ReplaceAll(tt.want, "%3A", ":") + ":2 → "; !strings.HasPrefix(line, want) {
				t.Errorf("got  %s\nwant %s…", line, want)
			}
		})
	}
	if w, err := New("github", false); err != nil || w != (GitHub{}) {
		t.Errorf(`New("github") = %#v, %v; want the zero GitHub`, w, err)
	}
}
