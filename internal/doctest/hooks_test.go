package doctest

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// TestPreCommitHook checks .pre-commit-hooks.yaml the way the pre-commit
// framework reads it, and runs the hook's entry on the worked example as
// pre-commit would: once, with no file names, in the repository's top
// directory.
func TestPreCommitHook(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(repoRoot, ".pre-commit-hooks.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var hooks []struct {
		ID            string `yaml:"id"`
		Name          string `yaml:"name"`
		Entry         string `yaml:"entry"`
		Language      string `yaml:"language"`
		Files         string `yaml:"files"`
		AlwaysRun     bool   `yaml:"always_run"`
		PassFilenames *bool  `yaml:"pass_filenames"`
	}
	if err := yaml.Unmarshal(data, &hooks); err != nil {
		t.Fatalf(".pre-commit-hooks.yaml: %v", err)
	}
	if len(hooks) != 1 {
		t.Fatalf(".pre-commit-hooks.yaml has %d hooks, want 1 (eastern-lint)", len(hooks))
	}
	h := hooks[0]
	if h.ID != "eastern-lint" || h.Name == "" || h.Language != "golang" {
		t.Errorf("hook = id %q, name %q, language %q; want id eastern-lint, a name, language golang", h.ID, h.Name, h.Language)
	}
	// Lint must see the whole tree to tell partials from root templates.
	if h.PassFilenames == nil || *h.PassFilenames {
		t.Errorf("pass_filenames must be false")
	}
	// A commit that changes only a loaded app.ini or a values .env changes
	// the renders: the hook must not be skipped for it.
	if !h.AlwaysRun {
		files, err := regexp.Compile(h.Files)
		if err != nil {
			t.Fatalf("files: %v", err)
		}
		for _, name := range []string{"web.yaml", "overrides/env.yml", ".eastern.yaml", "config/app.ini", "staging.env"} {
			if !files.MatchString(name) {
				t.Errorf("files %q skips a commit that changes only %s", h.Files, name)
			}
		}
	}
	// pre-commit installs a golang hook with `go install ./...` from the
	// repository's top: that must build eastern and nothing else.
	golist := exec.Command("go", "list", "-f", "{{if eq .Name \"main\"}}{{.ImportPath}}{{end}}", "./...")
	golist.Dir = repoRoot
	list, err := golist.Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	if mains := strings.Fields(string(list)); len(mains) != 1 || mains[0] != "github.com/eastern-k8s/eastern/cmd/eastern" {
		t.Errorf("go install ./... would install %q, want eastern alone", mains)
	}
	args := strings.Fields(h.Entry)
	if len(args) < 2 || args[0] != "eastern" || args[1] != "lint" {
		t.Fatalf("entry %q does not run eastern lint", h.Entry)
	}
	dir := t.TempDir()
	copyRepository(t, dir)
	cmd := exec.Command(eastern(), args[1:]...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Errorf("the hook's entry on the worked example: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "0 errors, 0 warnings") {
		t.Errorf("the hook's entry printed no clean summary:\n%s", out)
	}
}
