package lint

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/eastern-k8s/eastern/engine"
	"github.com/eastern-k8s/eastern/internal/outdir"
)

// climb must give the path the renderer's join and clean give, for every
// directory shape a scan meets.
func TestClimb(t *testing.T) {
	t.Parallel()
	dirs := []string{".", "/", "..", "../..", "a", "a/b", "a/b/c", "/a", "/a/b", "../a", "a/..x", "/tmp/c/apps/web"}
	cands := []string{"x.yaml", "../x.yaml", "../../x.yaml", "../../../../x.yaml", "../", "..", "..//x.yaml", "../${NAMESPACE}/x.yaml", "../../p/${A}-${NAMESPACE}.yaml", "./../x", "/abs/x.yaml"}
	for _, dir := range dirs {
		for _, c := range cands {
			d, rest := climb(dir, c)
			want := engine.CandidatePattern(dir, c, nil).String()
			if got := engine.CandidatePattern(d, rest, nil).String(); got != want {
				t.Errorf("climb(%q, %q) = %q, %q: pattern %s, want %s", dir, c, d, rest, got, want)
			}
		}
	}
	if d, rest := climb("apps/web", "../../partials/x.yaml"); d != "." || rest != "partials/x.yaml" {
		t.Errorf("climb(apps/web, ../../partials/x.yaml) = %q, %q; want \".\", \"partials/x.yaml\"", d, rest)
	}
}

// touching, which walks back from a changed path, selects exactly the
// roots whose reach a candidate or file of could name the path — the
// forward definition, checked here for every file, a deleted partial and
// added overrides, through partials that load partials.
func TestTouchingMatchesReach(t *testing.T) {
	t.Parallel()
	files := map[string]string{
		"apps/a/app.yaml":              "a: 1\n# load! ../../partials/base.yaml\n# load! overrides/env-${NAMESPACE}.yaml, overrides/env.yaml\n",
		"apps/a/overrides/env.yaml":    "env: base\n",
		"apps/a/overrides/env-qa.yaml": "env: qa\n",
		"apps/b/app.yaml":              "b: 1\n# load! ../../partials/labels.yaml\n# load? ../../partials/gone.yaml\n",
		"apps/c/app.yaml":              "c: 1\n# load? ../../overrides/${NAMESPACE}/c.yaml\n",
		"overrides/prod/c.yaml":        "c: prod\n",
		"partials/base.yaml":           "base: 1\n# load! labels.yaml\n",
		"partials/labels.yaml":         "labels: 1\n# load! ../shared/${REGION}-labels.yaml\n",
		"shared/eu-labels.yaml":        "eu: 1\n",
	}
	dir := writeTree(t, files)
	d, err := discover(Options{}, dir, engine.NewCache(), forced(dir, nil))
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"apps/a/app.yaml", "apps/b/app.yaml", "apps/c/app.yaml"}; !slices.Equal(d.roots, want) {
		t.Fatalf("roots %q, want %q", d.roots, want)
	}
	paths := []string{"partials/gone.yaml", "apps/a/overrides/env-prod.yaml", "overrides/qa/c.yaml", "shared/us-labels.yaml", "README.md"}
	for name := range files {
		paths = append(paths, name)
	}
	slices.Sort(paths)
	loaders := d.graph.loaders()
	selected := map[string][]string{}
	for _, path := range paths {
		touched := d.graph.touching(loaders, path)
		for _, root := range d.roots {
			want := mayTouch(d.graph, d.graph.reach(root), path)
			if touched[root] != want {
				t.Errorf("%s changed: touching has %s = %v, the root's reach says %v", path, root, touched[root], want)
			}
			if want {
				selected[path] = append(selected[path], filepath.Base(filepath.Dir(root)))
			}
		}
	}
	// The forward definition itself, on the cases that matter.
	for path, want := range map[string]string{
		"partials/labels.yaml":           "a b",
		"shared/us-labels.yaml":          "a b",
		"partials/gone.yaml":             "b",
		"apps/a/overrides/env-prod.yaml": "a",
		"overrides/qa/c.yaml":            "c",
		"README.md":                      "",
	} {
		if got := strings.Join(selected[path], " "); got != want {
			t.Errorf("%s changed: roots of %q, want %q", path, got, want)
		}
	}
}

// mayTouch is the forward definition of what a change touches: a render
// of a root that reaches the files reach could read or probe path (a
// clean path spelled as the templates' paths are) when path is one of
// them, or a candidate of theirs could name it.
func mayTouch(g *loadGraph, reach []string, path string) bool {
	if _, found := slices.BinarySearch(reach, path); found {
		return true
	}
	names := strings.Split(filepath.ToSlash(path), "/")
	for _, f := range reach {
		for _, p := range g.patterns[f] {
			if patternMatches(p, names) {
				return true
			}
		}
	}
	return false
}

// The archives eastern render --all --output-dir writes are manifests,
// not templates: discovery leaves out every file below a directory that
// holds the archive's manifest, however deep, and nothing else.
func TestDiscoverySkipsRenderedArchives(t *testing.T) {
	t.Parallel()
	dir := writeTree(t, map[string]string{
		"apps/a/app.yaml":                     "a: 1\n",
		"rendered/" + outdir.ManifestName:     "",
		"rendered/production/apps/a/app.yaml": "a: 1\n",
		"rendered/staging/apps/a/app.yaml":    "a: 1\n",
		"nested/app.yaml":                     "n: 1\n",
		"nested/out/" + outdir.ManifestName:   "",
		"nested/out/default/nested/app.yaml":  "n: 1\n",
		"nested/outside/app.yaml":             "o: 1\n",
	})
	d, err := discover(Options{}, dir, engine.NewCache(), forced(dir, nil))
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"apps/a/app.yaml", "nested/app.yaml", "nested/outside/app.yaml"}; !slices.Equal(d.roots, want) {
		t.Errorf("roots %q, want %q", d.roots, want)
	}
}
