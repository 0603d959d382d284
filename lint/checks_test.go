package lint

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/eastern-k8s/eastern/checks"
	"github.com/eastern-k8s/eastern/crd"
	"github.com/eastern-k8s/eastern/diag"
	"github.com/eastern-k8s/eastern/engine"
	"github.com/eastern-k8s/eastern/report"
)

// TestChecksGolden lints the pair of templates of every rule of package
// checks, testdata/checks/<rule>/valid.yaml and invalid.yaml, for the
// default namespace with the built-in severities: the invalid one must
// have a finding of the rule, the valid one none, and the text report of
// both is compared with <rule>/want.txt (go test -update rewrites it).
// Every rule has a folder, and every folder is a rule.
func TestChecksGolden(t *testing.T) {
	t.Parallel()
	root := filepath.Join("..", "testdata", "checks")
	entries, err := os.ReadDir(root)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, e := range entries {
		rule := e.Name()
		seen[rule] = true
		t.Run(rule, func(t *testing.T) {
			if !checks.IsCheck(rule) && rule != checks.RuleIgnore {
				t.Fatalf("testdata/checks/%s: no such rule", rule)
			}
			dir, _ := filepath.Abs(filepath.Join(root, rule))
			var b strings.Builder
			for _, variant := range []string{"valid", "invalid"} {
				res, err := Run(Options{Templates: []string{variant + ".yaml"}, Namespaces: []string{"default"}, WorkDir: dir})
				if err != nil {
					t.Fatalf("%s: %v", variant, err)
				}
				fs := res.Findings()
				n := 0
				for _, f := range fs {
					if f.Rule == rule {
						n++
					}
				}
				switch {
				case variant == "valid" && n > 0:
					t.Errorf("valid.yaml has %d %s findings, want none", n, rule)
				case variant == "invalid" && n == 0:
					t.Errorf("invalid.yaml has no %s finding", rule)
				}
				fmt.Fprintf(&b, "== %s.yaml\n", variant)
				s := report.Summary{Templates: len(res.Templates), Namespaces: len(res.Namespaces), Objects: res.Objects, Suppressed: res.Suppressed}
				s.CountFindings(fs)
				if err := (report.Text{}).Write(&b, &report.Report{Findings: fs, Summary: s}); err != nil {
					t.Fatal(err)
				}
			}
			compareGolden(t, filepath.Join(dir, "want.txt"), b.String())
		})
	}
	for _, id := range checks.Rules() {
		if !seen[id] {
			t.Errorf("rule %s has no testdata/checks/%s", id, id)
		}
	}
}

func compareGolden(t *testing.T, golden, got string) {
	t.Helper()
	if *update {
		if err := os.WriteFile(golden, []byte(got), 0o666); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (go test -update writes it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs:\n--- got\n%s--- want\n%s", golden, got, want)
	}
}

// TestChecksOffWithoutLevels: CheckRender, the library's check of a
// render without a configuration, runs no check of package checks;
// checkRender with levels does.
func TestChecksOffWithoutLevels(t *testing.T) {
	res, err := renderString(t, "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n    - name: c\n      image: nginx:latest\n")
	if err != nil {
		t.Fatal(err)
	}
	if fs := CheckRender(res, nil, "t.yaml", "default", "1.30", false).Findings; len(fs) != 0 {
		t.Errorf("CheckRender: %v, want no findings", fs)
	}
	target := &Target{Template: "t.yaml", Namespace: "default", Release: "1.30", Levels: checks.Resolve()}
	fs := checkRender(res, nil, target, false, (*crd.Set)(nil).Output(crd.NewCache())).Findings
	if !hasRule(fs, checks.RuleLatestTag) {
		t.Errorf("checkRender with the default levels: %v, want %s", fs, checks.RuleLatestTag)
	}
	for _, f := range fs {
		if f.Pos.File != "t.yaml" || f.Pos.Line == 0 || f.Namespace != "default" || f.Release != "1.30" {
			t.Errorf("finding without its context: %+v", *f)
		}
	}
}

func hasRule(fs diag.Findings, rule string) bool {
	for _, f := range fs {
		if f.Rule == rule {
			return true
		}
	}
	return false
}

// renderString renders tmpl as t.yaml in a fresh directory.
func renderString(t *testing.T, tmpl string) (*engine.Result, error) {
	t.Helper()
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "t.yaml"), tmpl)
	return engine.RenderFile("t.yaml", engine.Options{WorkDir: dir})
}

// TestLiveCheckRunsChecks: eastern watch's check runs the checks at the
// levels the configuration gives the namespace, read afresh each time.
func TestLiveCheckRunsChecks(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "t.yaml"), "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n    - name: c\n      image: nginx:latest\n")
	live, err := NewLiveCheck(LiveOptions{WorkDir: dir, Template: "t.yaml"})
	if err != nil {
		t.Fatal(err)
	}
	check := func(want bool) {
		t.Helper()
		res, err := engine.RenderFile("t.yaml", engine.Options{Namespace: "dev", WorkDir: dir})
		if got := hasRule(live.Check(res, err, "dev"), checks.RuleLatestTag); got != want {
			t.Errorf("image.latest-tag reported: %v, want %v", got, want)
		}
	}
	check(true)
	writeFile(t, filepath.Join(dir, ".eastern.yaml"), "checks:\n  namespaces:\n    dev: {practices: off}\n")
	check(false)
}
