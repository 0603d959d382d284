package lint

import (
	"fmt"
	"math/rand/v2"
	"os"
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
	paths := []string{"partials/gone.yaml", "apps/a/overrides/env-prod.yaml", "overrides/qa/c.yaml", "shared/us-labels.yaml", "README.md"}
	for name := range files {
		paths = append(paths, name)
	}
	slices.Sort(paths)
	full, lex := discoverBothWays(t, dir, Options{})
	if want := []string{"apps/a/app.yaml", "apps/b/app.yaml", "apps/c/app.yaml"}; !slices.Equal(full.roots, want) {
		t.Fatalf("roots %q, want %q", full.roots, want)
	}
	selected := checkTouching(t, full, lex, paths)
	// The forward definition itself, on the cases that matter.
	for path, want := range map[string]string{
		"partials/labels.yaml":           "a b",
		"shared/us-labels.yaml":          "a b",
		"partials/gone.yaml":             "b",
		"apps/a/overrides/env-prod.yaml": "a",
		"overrides/qa/c.yaml":            "c",
		"README.md":                      "",
	} {
		var dirs []string
		for _, root := range selected[path] {
			dirs = append(dirs, filepath.Base(filepath.Dir(root)))
		}
		if got := strings.Join(dirs, " "); got != want {
			t.Errorf("%s changed: roots of %q, want %q", path, got, want)
		}
	}
}

// discoverBothWays discovers dir as lint does (every candidate expanded)
// and as lint --changed does (candidates of templates only matched).
func discoverBothWays(t *testing.T, dir string, opts Options) (full, lex *discovery) {
	t.Helper()
	opts.Changed = nil
	full, err := discover(opts, dir, engine.NewCache(), forced(dir, nil))
	if err != nil {
		t.Fatal(err)
	}
	opts.Changed = []string{}
	lex, err = discover(opts, dir, engine.NewCache(), forced(dir, nil))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(lex.roots, full.roots) {
		t.Fatalf("roots found for --changed %q, by the whole graph %q", lex.roots, full.roots)
	}
	return full, lex
}

// checkTouching wants lex's touching to select, for each changed path,
// the roots of full whose reach may read or probe it (mayTouch), and,
// once lex follows its roots, the namespaces full implies for them; it
// returns the roots selected per path.
func checkTouching(t *testing.T, full, lex *discovery, paths []string) map[string][]string {
	t.Helper()
	selected := map[string][]string{}
	for _, path := range paths {
		touched := lex.graph.touching(lex.loaders, path)
		for _, root := range full.roots {
			want := mayTouch(full.graph, full.reach(root), path)
			if touched[root] != want {
				t.Errorf("%s changed: touching has %s = %v, the root's reach says %v", path, root, touched[root], want)
			}
			if want {
				selected[path] = append(selected[path], root)
			}
		}
	}
	lex.followRoots(lex.roots)
	var walk reachWalk
	for _, root := range full.roots {
		want := full.graph.impliedNamespaces(full.reach(root))
		if got := lex.graph.impliedBy(root, &walk); !slices.Equal(got, want) {
			t.Errorf("%s: namespaces %q after followRoots, %q from the whole graph", root, got, want)
		}
	}
	return selected
}

// The discovery of lint --changed, which matches candidates against the
// templates the walk found instead of expanding them, finds what the whole
// graph finds — the roots, what each change touches, the namespaces — on
// random trees with READMEs, hidden and symlinked directories, excluded
// files, partials outside the linted paths or the root directory,
// directories walked before their parents, absolute candidates and
// cycles.
func TestChangedDiscoveryMatchesWholeGraph(t *testing.T) {
	t.Parallel()
	dirs := []string{"apps/a", "apps/b", "partials", "partials/deep", "overrides/prod", "overrides/qa", ".hidden", "shared"}
	names := []string{"app.yaml", "x.yaml", "env-prod.yaml", "env-qa.yaml", "env.yaml", "README.md", "p.yml", ".h.yaml"}
	cands := []string{
		"../../partials/x.yaml", "x.yaml", "p.yml", "../partials/deep/x.yaml", "env-${NAMESPACE}.yaml",
		"../../overrides/${NAMESPACE}/app.yaml", "../${NAMESPACE}/env.yaml", "README.md", "../../.hidden/x.yaml",
		"../../link/x.yaml", "${A}.yaml", "../../${A}/x.yaml", "../../shared/${A}", "deep/${NAMESPACE}-x.yaml",
		"/abs/x.yaml", "../../../outside.yaml", ".h.yaml", "../../apps/a/app.yaml", "app.yaml",
		"${NAMESPACE}/.h.yaml", "../${A}/.h.yaml",
	}
	matched, expanded, cycles := 0, 0, 0
	for seed := range uint64(300) {
		r := rand.New(rand.NewPCG(seed, 7))
		files := map[string]string{}
		for range 6 + r.IntN(14) {
			name := dirs[r.IntN(len(dirs))] + "/" + names[r.IntN(len(names))]
			content := "k: 1\n"
			for range r.IntN(4) {
				c := cands[r.IntN(len(cands))]
				if c == "/abs/x.yaml" {
					c = "ABS/partials/x.yaml"
				}
				content += "# load? " + c + "\n"
			}
			files[name] = content
		}
		dir := t.TempDir()
		for name, content := range files {
			writeFile(t, filepath.Join(dir, name), strings.ReplaceAll(content, "ABS", dir))
		}
		if r.IntN(2) == 0 {
			if err := os.Symlink("partials", filepath.Join(dir, "link")); err != nil {
				t.Fatal(err)
			}
		}
		opts := Options{}
		switch r.IntN(8) {
		case 1:
			opts.Paths = []string{"apps"}
		case 2:
			opts.Paths = []string{"apps", "overrides"}
		case 3:
			opts.Exclude = []string{"partials/deep"}
		case 4:
			opts.Paths = []string{"./apps/", filepath.Join(dir, "partials")}
		case 5:
			opts.RootDir = "apps"
		case 6:
			opts.Paths = []string{"apps/a", "apps"} // a directory walked before its parent
		case 7:
			opts.Paths = []string{"overrides/qa", "."}
		}
		if _, err := os.Stat(filepath.Join(dir, "apps")); err != nil && len(opts.Paths) > 0 {
			continue
		}
		if _, err := discover(opts, dir, engine.NewCache(), forced(dir, nil)); err != nil {
			continue // no templates in the paths: nothing to compare
		}
		var paths []string
		for name := range files {
			paths = append(paths, name)
		}
		paths = append(paths, "partials/new.yaml", "overrides/dev/app.yaml", "shared/x", "apps/a/env-dev.yaml", "link/x.yaml")
		slices.Sort(paths)
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			full, lex := discoverBothWays(t, dir, opts)
			if lex.graph.walked == nil {
				cycles++
			}
			for _, cs := range lex.graph.candidates {
				if cs.lexical {
					matched++
				} else {
					expanded++
				}
			}
			checkTouching(t, full, lex, paths)
		})
	}
	// The trees must exercise both kinds of candidate and the cycles.
	if matched == 0 || expanded == 0 || cycles == 0 {
		t.Errorf("%d candidates matched, %d expanded, %d trees with cycles: the test covers too little", matched, expanded, cycles)
	}
}

// impliedNamespaces is the definition impliedBy is held to: "default" and
// every namespace that the ${NAMESPACE} candidates of the files reach (a
// root and what it may load) find on disk, sorted with default first.
func (g *loadGraph) impliedNamespaces(reach []string) []string {
	var out []string
	for _, f := range reach {
		for _, ns := range g.namespaces[f] {
			if ns != engine.DefaultNamespace {
				out = append(out, ns)
			}
		}
	}
	slices.Sort(out)
	return append([]string{engine.DefaultNamespace}, slices.Compact(out)...)
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
// not templates: discovery leaves out the files an archive's manifest
// lists, however deep below it, and nothing else — a template kept in the
// archive's directory is still one.
func TestDiscoverySkipsRenderedArchives(t *testing.T) {
	t.Parallel()
	dir := writeTree(t, map[string]string{
		"apps/a/app.yaml":                     "a: 1\n",
		"rendered/" + outdir.ManifestName:     "# written\nproduction/apps/a/app.yaml\nstaging/apps/a/app.yaml\n",
		"rendered/production/apps/a/app.yaml": "a: 1\n",
		"rendered/staging/apps/a/app.yaml":    "a: 1\n",
		"rendered/source.yaml":                "s: 1\n",
		"nested/app.yaml":                     "n: 1\n",
		"nested/out/" + outdir.ManifestName:   "default/nested/app.yaml\n",
		"nested/out/default/nested/app.yaml":  "n: 1\n",
		"nested/out/default/kept.yaml":        "k: 1\n",
		"nested/outside/app.yaml":             "o: 1\n",
	})
	d, err := discover(Options{}, dir, engine.NewCache(), forced(dir, nil))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"apps/a/app.yaml", "nested/app.yaml", "nested/out/default/kept.yaml", "nested/outside/app.yaml", "rendered/source.yaml"}
	if !slices.Equal(d.roots, want) {
		t.Errorf("roots %q, want %q", d.roots, want)
	}
	// Named on its own, a rendered file is linted.
	d, err = discover(Options{Paths: []string{"rendered/staging/apps/a/app.yaml"}}, dir, engine.NewCache(), forced(dir, nil))
	if err != nil || !slices.Equal(d.roots, []string{"rendered/staging/apps/a/app.yaml"}) {
		t.Errorf("a rendered file named on its own: roots %v, %v", d.roots, err)
	}
}
