package lint

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/eastern-k8s/eastern/report"
	"github.com/eastern-k8s/eastern/schema"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/lint")

// lintCase is testdata/lint/<case>/case.json: the options of one run over
// the template tree in <case>/in, which is the working directory.
type lintCase struct {
	Doc         string            `json:"doc"`
	Args        []string          `json:"args"`
	Templates   []string          `json:"templates"`
	Namespaces  []string          `json:"namespaces"`
	KubeVersion string            `json:"kubeVersion"`
	Vars        map[string]string `json:"vars"`
	Root        string            `json:"root"`
	Strict      bool              `json:"strict"`
	StrictKinds bool              `json:"strictKinds"`
	// Config is read as --config names it; else .eastern.yaml when present.
	Config string `json:"config"`
	// Exclude are --exclude patterns.
	Exclude []string `json:"exclude"`
}

// TestGolden runs every case of testdata/lint and compares a plain
// description of the result — roots, namespaces with their releases,
// findings as text lines, the summary — with <case>/want.txt; a run that
// fails as a whole is compared with <case>/error.txt instead.
func TestGolden(t *testing.T) {
	t.Parallel()
	dirs, err := filepath.Glob(filepath.Join("..", "testdata", "lint", "*", "case.json"))
	if err != nil || len(dirs) == 0 {
		t.Fatalf("no cases found: %v", err)
	}
	for _, file := range dirs {
		dir, _ := filepath.Abs(filepath.Dir(file))
		t.Run(filepath.Base(dir), func(t *testing.T) {
			var c lintCase
			data, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal(data, &c); err != nil {
				t.Fatalf("%s: %v", file, err)
			}
			got, name := runCase(c, filepath.Join(dir, "in"))
			golden := filepath.Join(dir, name)
			if *update {
				os.Remove(filepath.Join(dir, "want.txt"))
				os.Remove(filepath.Join(dir, "error.txt"))
				if err := os.WriteFile(golden, []byte(got), 0o666); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (the run gave %s; go test -update writes it)", err, name)
			}
			if got != string(want) {
				t.Errorf("%s differs:\n--- got\n%s--- want\n%s", name, got, want)
			}
		})
	}
}

// runCase lints like eastern lint does and describes the result.
func runCase(c lintCase, workDir string) (out, golden string) {
	opts := Options{
		Paths: c.Args, Templates: c.Templates, Namespaces: c.Namespaces,
		Vars: c.Vars, RootDir: c.Root, Strict: c.Strict, StrictKinds: c.StrictKinds,
		WorkDir: workDir, Exclude: c.Exclude,
	}
	res, err := func() (*Result, error) {
		if c.KubeVersion != "" {
			rel, err := schema.ParseRelease(c.KubeVersion)
			if err != nil {
				return nil, err
			}
			opts.KubeVersion = rel
		}
		configs, err := NewConfigs(workDir, c.Config)
		if err != nil {
			return nil, err
		}
		defer configs.Close()
		opts.Configs = configs
		return Run(opts)
	}()
	if err != nil {
		return err.Error() + "\n", "error.txt"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "roots: %s\n", strings.Join(res.Templates, " "))
	fmt.Fprintf(&b, "namespaces: %s\n", strings.Join(res.Namespaces, " "))
	for _, ch := range res.Checks {
		objects := strings.Join(ch.Objects, " ")
		if objects == "" {
			objects = "-"
		}
		fmt.Fprintf(&b, "%s in %s@%s: %s\n", ch.Template, ch.Namespace, ch.Release, objects)
	}
	b.WriteString("--\n")
	s := report.Summary{Templates: len(res.Templates), Namespaces: len(res.Namespaces), Objects: res.Objects}
	s.CountFindings(res.Findings())
	if err := (report.Text{}).Write(&b, &report.Report{Findings: res.Findings(), Summary: s}); err != nil {
		panic(err) // a strings.Builder does not fail
	}
	return b.String(), "want.txt"
}
