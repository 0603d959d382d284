package main

import (
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// allTree is a monorepo of two apps with configs at two levels.
var allTree = map[string]string{
	".eastern.yaml":                "values: {REGISTRY: top.example}\nexclude: [testdata]\n",
	"testdata/broken.yaml":         "bad: [\n",
	"apps/a/.eastern.yaml":         "values: {REGISTRY: a.example}\nnamespaces:\n  prod: {values: {TAG: \"2\"}}\n  staging: {values: {TAG: \"1\"}}\n",
	"apps/a/app.yaml":              "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  image: ${REGISTRY}/a:${TAG}\n",
	"apps/b/web.yaml":              "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\ndata:\n  image: ${REGISTRY}/b\n  # load! overrides/env-${NAMESPACE}.yaml, overrides/env.yaml\n",
	"apps/b/overrides/env.yaml":    "env: base\n",
	"apps/b/overrides/env-qa.yaml": "env: qa\n",
}

func files(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		rel, _ := filepath.Rel(dir, p)
		out[filepath.ToSlash(rel)] = string(data)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func names(m map[string]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

func TestRenderAllOutputDir(t *testing.T) {
	dir := writeTree(t, t.TempDir(), allTree)
	_, stderr, code := runEastern(t, dir, "", "render", "--all", "--output-dir", "rendered")
	if code != exitOK || stderr != "2 templates × 4 namespaces into rendered: 4 written, 0 unchanged, 0 removed\n" {
		t.Fatalf("first run: exit %d, stderr %q", code, stderr)
	}
	got := files(t, filepath.Join(dir, "rendered"))
	want := []string{".eastern-rendered", "default/apps/b/web.yaml", "prod/apps/a/app.yaml", "qa/apps/b/web.yaml", "staging/apps/a/app.yaml"}
	if !slices.Equal(names(got), want) {
		t.Fatalf("rendered/ holds %v, want %v", names(got), want)
	}
	if got["prod/apps/a/app.yaml"] != "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  image: a.example/a:2\n" ||
		!strings.Contains(got["qa/apps/b/web.yaml"], "image: top.example/b\n  env: qa\n") {
		t.Errorf("renders:\n%v", got)
	}

	// A second run finds its own output no template, rewrites nothing and
	// leaves files of others alone.
	writeTree(t, dir, map[string]string{"rendered/README.md": "mine\n", "rendered/qa/notes.yaml": "mine: too\n"})
	_, stderr, code = runEastern(t, dir, "", "render", "--all", "--output-dir", "rendered")
	if code != exitOK || !strings.HasSuffix(stderr, "into rendered: 0 written, 4 unchanged, 0 removed\n") {
		t.Fatalf("second run: exit %d, stderr %q", code, stderr)
	}

	// A namespace that is no longer implied, and a template that is gone:
	// their files go, and only theirs.
	if err := os.Remove(filepath.Join(dir, "apps", "b", "overrides", "env-qa.yaml")); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(filepath.Join(dir, "apps", "a", "app.yaml"), filepath.Join(dir, "apps", "a", "main.yaml")); err != nil {
		t.Fatal(err)
	}
	_, stderr, code = runEastern(t, dir, "", "render", "--all", "--output-dir", "rendered")
	if code != exitOK || !strings.HasSuffix(stderr, "2 templates × 3 namespaces into rendered: 2 written, 1 unchanged, 3 removed\n") {
		t.Fatalf("third run: exit %d, stderr %q", code, stderr)
	}
	got = files(t, filepath.Join(dir, "rendered"))
	want = []string{".eastern-rendered", "README.md", "default/apps/b/web.yaml", "prod/apps/a/main.yaml", "qa/notes.yaml", "staging/apps/a/main.yaml"}
	if !slices.Equal(names(got), want) {
		t.Errorf("rendered/ holds %v, want %v", names(got), want)
	}
}

// A failed render changes nothing, unless --keep-going, which writes the
// rest, keeps the failed render's old file and still fails.
func TestRenderAllFailure(t *testing.T) {
	dir := writeTree(t, t.TempDir(), allTree)
	if _, stderr, code := runEastern(t, dir, "", "render", "--all", "--output-dir", "out", "-q"); code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	before := files(t, filepath.Join(dir, "out"))
	writeTree(t, dir, map[string]string{
		"apps/b/overrides/env.yaml": "env: changed\n",
		"apps/a/app.yaml":           "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  # load! missing.yaml\n",
	})
	stdout, stderr, code := runEastern(t, dir, "", "render", "--all", "--output-dir", "out")
	if code != exitFailed || stdout != "" || !strings.Contains(stderr, "apps/a/app.yaml:6:11: error: load!: none of the candidates exist: apps/a/missing.yaml [render.load-missing] (in prod)") {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	if after := files(t, filepath.Join(dir, "out")); !maps.Equal(after, before) {
		t.Errorf("a failed run changed out/:\n%v\nwas\n%v", after, before)
	}
	if _, _, code := runEastern(t, dir, "", "render", "--all", "-q"); code != exitFailed {
		t.Errorf("to standard output: exit %d, want 1", code)
	}
	_, stderr, code = runEastern(t, dir, "", "render", "--all", "--output-dir", "out", "--keep-going", "-q")
	after := files(t, filepath.Join(dir, "out"))
	if code != exitFailed || after["prod/apps/a/app.yaml"] != before["prod/apps/a/app.yaml"] ||
		!strings.Contains(after["default/apps/b/web.yaml"], "env: changed") || after[".eastern-rendered"] != before[".eastern-rendered"] {
		t.Errorf("--keep-going: exit %d, stderr %q, out/ %v", code, stderr, after)
	}
}

// Without --output-dir, every render goes to standard output with a
// "# Source:" line; -o json makes one List of all of them; -n names the namespaces.
func TestRenderAllStdout(t *testing.T) {
	dir := writeTree(t, t.TempDir(), allTree)
	stdout, stderr, code := runEastern(t, dir, "", "render", "--all", "apps/b", "-n", "qa")
	want := "---\n# Source: apps/b/web.yaml (namespace qa)\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\ndata:\n  image: top.example/b\n  env: qa\n"
	if code != exitOK || stdout != want {
		t.Errorf("exit %d, stdout %q, stderr %q; want %q", code, stdout, stderr, want)
	}
	stdout, _, code = runEastern(t, dir, "", "render", "--all", "-o", "json")
	if code != exitOK || strings.Count(stdout, `"kind": "ConfigMap"`) != 4 || strings.Count(stdout, `"kind": "List"`) != 1 {
		t.Errorf("-o json: exit %d\n%s", code, stdout)
	}
	if _, _, code := runEastern(t, dir, "", "render", "--all", "-o", "json", "--output-dir", "j", "-q"); code != exitOK {
		t.Fatalf("--output-dir -o json: exit %d", code)
	}
	if got := names(files(t, filepath.Join(dir, "j"))); !slices.Contains(got, "prod/apps/a/app.json") {
		t.Errorf("-o json --output-dir: %v", got)
	}
	for _, args := range [][]string{
		{"render", "--all", "--output-file", "x.yaml"},
		{"render", "--all", "-"},
		{"render", "--output-dir", "x", "apps/a/app.yaml"},
		{"render", "--all", "--keep-going"},
	} {
		if _, _, code := runEastern(t, dir, "", args...); code != exitUsage {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
	}
}

// An output directory is not templates for lint either: eastern marks it.
func TestLintSkipsOutputDir(t *testing.T) {
	dir := writeTree(t, t.TempDir(), allTree)
	if _, stderr, code := runEastern(t, dir, "", "render", "--all", "--output-dir", "deploy/rendered", "-q"); code != exitOK {
		t.Fatalf("render: exit %d: %s", code, stderr)
	}
	stdout, _, code := runEastern(t, dir, "", "lint")
	if code != exitOK || !strings.HasPrefix(stdout, "2 templates × 4 namespaces") {
		t.Errorf("lint: exit %d\n%s", code, stdout)
	}
	// Named on its own, it is linted.
	if stdout, _, _ := runEastern(t, dir, "", "lint", "deploy/rendered"); !strings.Contains(stdout, "4 templates") {
		t.Errorf("lint deploy/rendered:\n%s", stdout)
	}
}

// An output directory that holds templates of its own: render --all says
// it leaves them out, and lint still lints them, skipping only the files
// render --all wrote there.
func TestRenderAllIntoDirectoryOfTemplates(t *testing.T) {
	dir := writeTree(t, t.TempDir(), map[string]string{
		"deploy/app.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndta: {}\n",
		"top.yaml":        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: top}\n",
	})
	lintOut := func() (string, int) {
		t.Helper()
		stdout, _, code := runEastern(t, dir, "", "lint")
		return stdout, code
	}
	before, code := lintOut()
	if code != exitFailed || !strings.Contains(before, `deploy/app.yaml:4:1: error: dta: unknown field "dta"`) {
		t.Fatalf("lint before: exit %d\n%s", code, before)
	}
	_, stderr, code := runEastern(t, dir, "", "render", "--all", "--output-dir", "deploy")
	if code != exitOK || !strings.Contains(stderr, "deploy/app.yaml: warning: skipped: a template inside the output directory is not rendered") ||
		!strings.HasSuffix(stderr, "1 template × 1 namespace into deploy: 1 written, 0 unchanged, 0 removed\n") {
		t.Fatalf("render --all: exit %d, stderr %q", code, stderr)
	}
	if after, code := lintOut(); code != exitFailed || after != before {
		t.Errorf("lint after render --all: exit %d\n%s\nwant what it gave before:\n%s", code, after, before)
	}
}

// A run over some templates, or some namespaces, answers for their files
// only: the rest of the archive stays, while a template gone from the
// paths it covers takes its files with it.
func TestRenderAllRemovesWithinItsScope(t *testing.T) {
	dir := writeTree(t, t.TempDir(), allTree)
	run := func(args ...string) string {
		t.Helper()
		_, stderr, code := runEastern(t, dir, "", append([]string{"render", "--all", "--output-dir", "out"}, args...)...)
		if code != exitOK {
			t.Fatalf("render --all %v: exit %d, stderr %q", args, code, stderr)
		}
		return stderr
	}
	all := []string{".eastern-rendered", "default/apps/b/web.yaml", "prod/apps/a/app.yaml", "qa/apps/b/web.yaml", "staging/apps/a/app.yaml"}
	run()
	for _, tt := range []struct {
		args    []string
		summary string
	}{
		{[]string{"apps/a"}, "1 template × 2 namespaces into out: 0 written, 2 unchanged, 0 removed\n"},
		{[]string{"apps/b/web.yaml"}, "1 template × 2 namespaces into out: 0 written, 2 unchanged, 0 removed\n"},
		{[]string{"apps/*"}, "2 templates × 4 namespaces into out: 0 written, 4 unchanged, 0 removed\n"},
		{[]string{"-n", "qa"}, "2 templates × 1 namespace into out: 1 written, 1 unchanged, 0 removed\n"},
	} {
		if got := run(tt.args...); !strings.HasSuffix(got, tt.summary) {
			t.Errorf("render --all %v: %q, want %q", tt.args, got, tt.summary)
		}
	}
	// -n qa wrote qa/apps/a/app.yaml besides the rest; the archive lost nothing.
	if got := names(files(t, filepath.Join(dir, "out"))); !slices.Equal(got, slices.Insert(slices.Clone(all), 3, "qa/apps/a/app.yaml")) {
		t.Fatalf("out/ holds %v", got)
	}
	// apps/a/app.yaml is gone: a run over apps removes its files, in every
	// namespace, and only its.
	if err := os.Remove(filepath.Join(dir, "apps", "a", "app.yaml")); err != nil {
		t.Fatal(err)
	}
	if got := run("apps"); got != "1 template × 2 namespaces into out: 0 written, 2 unchanged, 3 removed\n" {
		t.Errorf("render --all apps after apps/a/app.yaml went: %q", got)
	}
	want := []string{".eastern-rendered", "default/apps/b/web.yaml", "qa/apps/b/web.yaml"}
	if got := names(files(t, filepath.Join(dir, "out"))); !slices.Equal(got, want) {
		t.Errorf("out/ holds %v, want %v", got, want)
	}
}
