package lint

import (
	"fmt"
	"strings"
	"testing"

	"github.com/eastern-k8s/eastern/diag"
)

func TestMergeNamespaces(t *testing.T) {
	finding := func(ns, release, msg string, line int) *diag.Finding {
		return &diag.Finding{Severity: diag.Error, Rule: "schema.type", Message: msg, Pos: diag.Position{File: "app.yaml", Line: line, Col: 3},
			Template: "app.yaml", Namespace: ns, Release: release, Object: "Deployment/web", Field: "spec.replicas"}
	}
	for _, tt := range []struct {
		name   string
		checks []diag.Check
		// want is Result.Findings as "line msg (namespaces)", then each check's findings' namespaces.
		want []string
	}{
		{
			name: "one mistake in three namespaces is one finding",
			checks: []diag.Check{
				{Template: "app.yaml", Namespace: "default", Findings: diag.Findings{finding("default", "1.37", "m", 4)}},
				{Template: "app.yaml", Namespace: "staging", Findings: diag.Findings{finding("staging", "1.37", "m", 4)}},
				{Template: "app.yaml", Namespace: "production", Findings: diag.Findings{finding("production", "1.37", "m", 4)}},
			},
			want: []string{"4 m [default staging production]", "default: [default staging production]", "staging: [default staging production]", "production: [default staging production]"},
		},
		{
			name: "another message, line or release is another mistake",
			checks: []diag.Check{
				{Template: "app.yaml", Namespace: "default", Findings: diag.Findings{finding("default", "1.37", "m", 4), finding("default", "1.37", "n", 5)}},
				{Template: "app.yaml", Namespace: "staging", Findings: diag.Findings{finding("staging", "1.37", "other", 4), finding("staging", "1.37", "n", 6)}},
				{Template: "app.yaml", Namespace: "legacy", Findings: diag.Findings{finding("legacy", "1.24", "m", 4)}},
			},
			want: []string{"4 m [default]", "5 n [default]", "4 other [staging]", "6 n [staging]", "4 m [legacy]",
				"default: [default] [default]", "staging: [staging] [staging]", "legacy: [legacy]"},
		},
		{
			name: "twice in one render stays twice",
			checks: []diag.Check{
				{Template: "app.yaml", Namespace: "default", Findings: diag.Findings{finding("default", "1.37", "m", 4), finding("default", "1.37", "m", 4)}},
				{Template: "app.yaml", Namespace: "staging", Findings: diag.Findings{finding("staging", "1.37", "m", 4)}},
			},
			want: []string{"4 m [default staging]", "4 m [default]", "default: [default staging] [default]", "staging: [default staging]"},
		},
		{
			name: "the same finding of two templates stays two",
			checks: []diag.Check{
				{Template: "app.yaml", Namespace: "default", Findings: diag.Findings{finding("default", "1.37", "m", 4)}},
				{Template: "other.yaml", Namespace: "default", Findings: diag.Findings{func() *diag.Finding {
					f := finding("default", "1.37", "m", 4)
					f.Template = "other.yaml"
					return f
				}()}},
			},
			want: []string{"4 m [default]", "4 m [default]", "default: [default]", "default: [default]"},
		},
	} {
		t.Run(tt.name, func(t *testing.T) {
			mergeNamespaces(tt.checks)
			r := &Result{Checks: tt.checks}
			var got []string
			for _, f := range r.Findings() {
				got = append(got, fmt.Sprintf("%d %s %v", f.Pos.Line, f.Message, f.InNamespaces()))
			}
			for _, c := range tt.checks {
				var nss []string
				for _, f := range c.Findings {
					nss = append(nss, fmt.Sprint(f.InNamespaces()))
				}
				got = append(got, c.Namespace+": "+strings.Join(nss, " "))
			}
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("got:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}

// BenchmarkMergeNamespaces: the merge is linear in the findings, so that
// a template with thousands of findings in many namespaces costs no more
// per finding than one with a few.
func BenchmarkMergeNamespaces(b *testing.B) {
	const namespaces, perCheck = 20, 2000
	for b.Loop() {
		b.StopTimer()
		checks := make([]diag.Check, namespaces)
		for i := range checks {
			ns := fmt.Sprintf("ns%d", i)
			checks[i] = diag.Check{Template: "app.yaml", Namespace: ns}
			for j := range perCheck {
				checks[i].Findings = append(checks[i].Findings, &diag.Finding{Severity: diag.Warning, Rule: "render.unset-variable",
					Message: "variable X is not set", Pos: diag.Position{File: "app.yaml", Line: j + 1}, Template: "app.yaml", Namespace: ns})
			}
		}
		b.StartTimer()
		mergeNamespaces(checks)
	}
}
