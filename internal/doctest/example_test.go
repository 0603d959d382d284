package doctest

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// exampleNamespaces are the namespaces the worked example has overrides for.
var exampleNamespaces = []string{"default", "staging", "production"}

// TestExampleRenders renders the worked example exactly as the README does,
// from the repository root, and compares each namespace's output with
// testdata/example/NAMESPACE.yaml. Run with -update to accept a change.
func TestExampleRenders(t *testing.T) {
	for _, ns := range exampleNamespaces {
		t.Run(ns, func(t *testing.T) {
			stdout, stderr, code := runEastern(t, repoRoot, "render", "web.yaml", ns, "-s", "IMAGE_TAG=1.4.2")
			if code != 0 || stderr != "" {
				t.Fatalf("eastern render web.yaml %s: exit %d, stderr:\n%s", ns, code, stderr)
			}
			golden := filepath.Join(repoRoot, "testdata", "example", ns+".yaml")
			if *update {
				if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(golden, []byte(stdout), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test ./internal/doctest -update to create it)", err)
			}
			if stdout != string(want) {
				t.Errorf("render of %s differs from %s (run with -update to accept):\n%s", ns, golden, lineDiff(string(want), stdout))
			}
		})
	}
}

// TestExampleNamespacesDiffer guards the golden files themselves: the
// example exists to show per-namespace overrides, so each namespace must
// render differently, and production must carry its own settings.
func TestExampleNamespacesDiffer(t *testing.T) {
	renders := map[string]string{}
	for _, ns := range exampleNamespaces {
		data, err := os.ReadFile(filepath.Join(repoRoot, "testdata", "example", ns+".yaml"))
		if err != nil {
			t.Fatal(err)
		}
		renders[ns] = string(data)
	}
	for i, a := range exampleNamespaces {
		for _, b := range exampleNamespaces[i+1:] {
			if renders[a] == renders[b] {
				t.Errorf("%s and %s render the same", a, b)
			}
		}
	}
	for _, want := range []string{"minReplicas: 4", "host: shop.example.com", "memory: 2Gi", "value: warn", "image: registry.example.com/shop/web:1.4.2"} {
		if !strings.Contains(renders["production"], want) {
			t.Errorf("production render lacks %q", want)
		}
	}
	if !strings.Contains(renders["staging"], "minReplicas: 2") {
		t.Errorf("staging render lacks its replicas override")
	}
}

// TestExampleLints runs eastern lint on the worked example for its three
// namespaces, as a newcomer's second command would, and requires a clean
// bill: no errors, no warnings, and every object of every render checked.
func TestExampleLints(t *testing.T) {
	stdout, stderr, code := runEastern(t, repoRoot, "lint", "web.yaml",
		"-n", strings.Join(exampleNamespaces, ","), "-s", "IMAGE_TAG=1.4.2",
		"--fail-on", "warning", "-o", "json")
	if code != 0 {
		t.Errorf("eastern lint web.yaml: exit %d, stderr:\n%s", code, stderr)
	}
	var report struct {
		Findings []struct {
			Severity, Rule, Message, File, Namespace string
			Line                                     int
		} `json:"findings"`
		Summary struct {
			Templates, Namespaces, Objects, Errors, Warnings int
		} `json:"summary"`
	}
	if err := json.Unmarshal([]byte(stdout), &report); err != nil {
		t.Fatalf("lint -o json wrote something that is not its JSON report: %v\n%s", err, stdout)
	}
	for _, f := range report.Findings {
		t.Errorf("%s: %s:%d: %s: %s [%s]", f.Namespace, f.File, f.Line, f.Severity, f.Message, f.Rule)
	}
	s := report.Summary
	if s.Errors != 0 || s.Warnings != 0 {
		t.Errorf("lint found %d errors and %d warnings, want none", s.Errors, s.Warnings)
	}
	// Six objects (ConfigMap, Deployment, Service, Ingress, HPA, PDB) per namespace.
	if s.Templates != 1 || s.Namespaces != len(exampleNamespaces) || s.Objects != 6*len(exampleNamespaces) {
		t.Errorf("lint checked %d templates × %d namespaces, %d objects; want 1 × %d, %d objects",
			s.Templates, s.Namespaces, s.Objects, len(exampleNamespaces), 6*len(exampleNamespaces))
	}
}

// lineDiff shows the first lines where want and got differ, with line
// numbers, which is enough to find a change in a rendered manifest.
func lineDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	line := func(lines []string, i int) string {
		if i < len(lines) {
			return strconv.Quote(lines[i])
		}
		return "(no line)"
	}
	var b strings.Builder
	shown := 0
	for i := 0; i < max(len(w), len(g)) && shown < 10; i++ {
		if wl, gl := line(w, i), line(g, i); wl != gl {
			fmt.Fprintf(&b, "line %d:\n  want %s\n  got  %s\n", i+1, wl, gl)
			shown++
		}
	}
	return b.String()
}

// TestExampleChecksClean: the worked example passes every practice and
// reference check at error, in every namespace, without the variables a
// deploy sets — the repository's .eastern.yaml holds production to
// practices: error, and the fallbacks must pass too.
func TestExampleChecksClean(t *testing.T) {
	for _, args := range [][]string{
		{"lint", "web.yaml", "--fail-on", "warning", "-o", "json"},
		{"lint", "web.yaml", "--checks", "all=error", "--fail-on", "warning", "-o", "json"},
	} {
		stdout, stderr, code := runEastern(t, repoRoot, args...)
		if code != 0 {
			t.Errorf("eastern %s: exit %d, stderr:\n%s\n%s", strings.Join(args, " "), code, stderr, stdout)
		}
		var report struct {
			Findings []struct{ Rule, Namespace string }          `json:"findings"`
			Summary  struct{ Namespaces, Infos, Suppressed int } `json:"summary"`
		}
		if err := json.Unmarshal([]byte(stdout), &report); err != nil {
			t.Fatalf("eastern %s: %v", strings.Join(args, " "), err)
		}
		for _, f := range report.Findings {
			t.Errorf("eastern %s: %s in %s", strings.Join(args, " "), f.Rule, f.Namespace)
		}
		if s := report.Summary; s.Namespaces != len(exampleNamespaces) || s.Infos != 0 || s.Suppressed != 0 {
			t.Errorf("eastern %s: summary %+v, want %d namespaces and nothing noted or suppressed", strings.Join(args, " "), s, len(exampleNamespaces))
		}
	}
}
