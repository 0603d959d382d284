package lint

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// monorepo is three apps with configs at two levels: the top's applies
// to apps/c, which has none of its own; apps/a and apps/b have theirs.
var monorepo = map[string]string{
	".eastern.yaml":                "kubeVersion: \"1.30\"\nvalues: {REGISTRY: top.example}\nexclude: [testdata]\n",
	"testdata/broken.yaml":         "bad: [\n",
	"partials/labels.yaml":         "app: shared\n",
	"apps/a/.eastern.yaml":         "values: {REGISTRY: a.example}\nnamespaces:\n  prod: {kubeVersion: \"1.24\", values: {REPLICAS: \"3\"}}\n  staging: {}\n",
	"apps/a/app.yaml":              "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  labels:\n    # load! ../../partials/labels.yaml\ndata:\n  registry: ${REGISTRY}\n  replicas: \"${REPLICAS:-1}\"\n",
	"apps/b/.eastern.yaml":         "exclude: [\"*.golden.yaml\"]\n",
	"apps/b/app.yaml":              "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\ndata:\n  registry: \"${REGISTRY:-none}\"\n  # load! overrides/env-${NAMESPACE}.yaml, overrides/env.yaml\n",
	"apps/b/overrides/env.yaml":    "env: base\n",
	"apps/b/overrides/env-qa.yaml": "env: qa\n",
	"apps/b/out.golden.yaml":       "not: [a template\n",
	"apps/c/app.yaml":              "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  registry: ${REGISTRY}\n  # load! ../../partials/labels.yaml\n",
}

func writeTree(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		writeFile(t, filepath.Join(dir, name), content)
	}
	return dir
}

// describe is one line per check: template, namespace@release, and the
// variables its render saw in its objects' data.
func describe(t *testing.T, opts Options) []string {
	t.Helper()
	configs, err := NewConfigs(opts.WorkDir, "")
	if err != nil {
		t.Fatal(err)
	}
	defer configs.Close()
	opts.Configs = configs
	p, err := NewPlan(opts)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	var out []string
	for i := range p.Targets {
		tg := &p.Targets[i]
		res, err := p.Render(tg)
		if err != nil {
			t.Fatalf("%s in %s: %v", tg.Template, tg.Namespace, err)
		}
		var data []string
		for _, line := range strings.Split(string(res.Output), "\n") {
			if strings.HasPrefix(line, "  registry:") || strings.HasPrefix(line, "  replicas:") || strings.HasPrefix(line, "  env:") {
				data = append(data, strings.TrimSpace(line))
			}
		}
		out = append(out, fmt.Sprintf("%s %s@%s %s", tg.Template, tg.Namespace, tg.Release, strings.Join(data, " ")))
	}
	return out
}

func TestConfigPerDirectory(t *testing.T) {
	t.Parallel()
	dir := writeTree(t, monorepo)
	got := describe(t, Options{WorkDir: dir})
	want := []string{
		// apps/a's own config: its namespaces, releases and values.
		"apps/a/app.yaml prod@1.24 registry: a.example replicas: \"3\"",
		"apps/a/app.yaml staging@1.37 registry: a.example replicas: \"1\"",
		// apps/b's config lists no namespaces: those its own overrides
		// imply; it sets no values, so the top's do not apply either.
		"apps/b/app.yaml default@1.37 registry: \"none\" env: base",
		"apps/b/app.yaml qa@1.37 registry: \"none\" env: qa",
		// apps/c has no config: the top's applies; apps/b's qa is not
		// implied for it.
		"apps/c/app.yaml default@1.30 registry: top.example",
	}
	if !slices.Equal(got, want) {
		t.Errorf("targets:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}

	// -s wins over every config's values; -n over every config's list.
	got = describe(t, Options{WorkDir: dir, Vars: map[string]string{"REGISTRY": "flag.example"}, Namespaces: []string{"qa"}})
	want = []string{
		"apps/a/app.yaml qa@1.37 registry: flag.example replicas: \"1\"",
		"apps/b/app.yaml qa@1.37 registry: \"flag.example\" env: qa",
		"apps/c/app.yaml qa@1.30 registry: flag.example",
	}
	if !slices.Equal(got, want) {
		t.Errorf("with -s and -n:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}

	// Linting a subdirectory still finds the config above it, up to the
	// working directory, and never above that.
	got = describe(t, Options{WorkDir: dir, Paths: []string{"apps/c"}})
	if want := []string{"apps/c/app.yaml default@1.30 registry: top.example"}; !slices.Equal(got, want) {
		t.Errorf("apps/c alone: %v, want %v", got, want)
	}
	// From apps/c, the top's config lies above the root directory, unless
	// --root takes it in.
	got = describe(t, Options{WorkDir: filepath.Join(dir, "apps", "c"), RootDir: "../.."})
	if want := []string{"app.yaml default@1.30 registry: top.example"}; !slices.Equal(got, want) {
		t.Errorf("from apps/c with --root ../..: %v, want %v", got, want)
	}
	writeFile(t, filepath.Join(dir, "apps", "d", "app.yaml"), "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: d}\ndata:\n  registry: \"${REGISTRY:-}\"\n")
	got = describe(t, Options{WorkDir: filepath.Join(dir, "apps", "d")})
	if want := []string{`app.yaml default@1.37 registry: ""`}; !slices.Equal(got, want) {
		t.Errorf("from apps/d: %v, want %v (the top's config lies above the working directory)", got, want)
	}
}

// A file named on its own is linted even where a config excludes it; a
// broken nested config is an error naming it.
func TestConfigExcludeAndErrors(t *testing.T) {
	t.Parallel()
	dir := writeTree(t, monorepo)
	res, err := Run(Options{WorkDir: dir, Configs: mustConfigs(t, dir), Paths: []string{"apps/b/out.golden.yaml", "apps/b"}})
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"apps/b/app.yaml", "apps/b/out.golden.yaml"}; !slices.Equal(res.Templates, want) {
		t.Errorf("templates %v, want %v", res.Templates, want)
	}
	writeFile(t, filepath.Join(dir, "apps", "c", ".eastern.yaml"), "namespaces: [a]\n")
	_, err = Run(Options{WorkDir: dir, Configs: mustConfigs(t, dir)})
	if err == nil || err.Error() != "apps/c/.eastern.yaml:1: namespaces: want a map of namespace names" {
		t.Errorf("error %v, want one naming apps/c/.eastern.yaml:1", err)
	}
}

func mustConfigs(t *testing.T, dir string) *Configs {
	t.Helper()
	cs, err := NewConfigs(dir, "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cs.Close)
	return cs
}

// --changed lints the renders that read or probed a changed file: the
// partial's users, an added override's template in its namespace only, a
// deleted partial's users, and everything below a changed config.
func TestChanged(t *testing.T) {
	t.Parallel()
	dir := writeTree(t, monorepo)
	pairs := func(changed ...string) (string, string) {
		t.Helper()
		res, err := Run(Options{WorkDir: dir, Configs: mustConfigs(t, dir), Changed: changed})
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, c := range res.Checks {
			out = append(out, c.Template+"@"+c.Namespace)
		}
		return strings.Join(out, " "), fmt.Sprintf("%d of %d: %s", res.Selection.Linted, res.Selection.All, res.Selection.Reason)
	}
	for _, tt := range []struct {
		name, changed, want, why string
	}{
		{"shared partial", "partials/labels.yaml", "apps/a/app.yaml@prod apps/a/app.yaml@staging apps/c/app.yaml@default", "2 of 3: partials/labels.yaml changed"},
		{"override of one namespace", "apps/b/overrides/env-qa.yaml", "apps/b/app.yaml@qa", "1 of 3: apps/b/overrides/env-qa.yaml changed"},
		{"fallback every namespace reads", "apps/b/overrides/env.yaml", "apps/b/app.yaml@default", "1 of 3: apps/b/overrides/env.yaml changed"},
		{"added override", "apps/b/overrides/env-default.yaml", "apps/b/app.yaml@default", "1 of 3: apps/b/overrides/env-default.yaml changed"},
		{"root template", "apps/c/app.yaml", "apps/c/app.yaml@default", "1 of 3: apps/c/app.yaml changed"},
		{"nested config", "apps/a/.eastern.yaml", "apps/a/app.yaml@prod apps/a/app.yaml@staging", "1 of 3: apps/a/.eastern.yaml changed"},
		{"top config", ".eastern.yaml", "apps/a/app.yaml@prod apps/a/app.yaml@staging apps/b/app.yaml@default apps/b/app.yaml@qa apps/c/app.yaml@default", "3 of 3: .eastern.yaml changed"},
		{"unrelated file", "README.md", "", "0 of 3: no template reads the changed file"},
		{"excluded fixture", "testdata/broken.yaml", "", "0 of 3: no template reads the changed file"},
	} {
		got, why := pairs(tt.changed)
		if got != tt.want || why != tt.why {
			t.Errorf("%s (%s): linted %q (%s), want %q (%s)", tt.name, tt.changed, got, why, tt.want, tt.why)
		}
	}
	// A deleted partial: its users still name it, and now fail.
	if err := os.Remove(filepath.Join(dir, "partials", "labels.yaml")); err != nil {
		t.Fatal(err)
	}
	if got, why := pairs("partials/labels.yaml"); got != "apps/a/app.yaml@prod apps/a/app.yaml@staging apps/c/app.yaml@default" || why != "2 of 3: partials/labels.yaml changed" {
		t.Errorf("deleted partial: linted %q (%s)", got, why)
	}
}

// Shards cover every root exactly once, for any count, and do not
// depend on the order the roots were found in.
func TestShards(t *testing.T) {
	t.Parallel()
	files := map[string]string{}
	for i := range 23 {
		files[fmt.Sprintf("app%02d.yaml", i)] = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\ndata:\n" + strings.Repeat("  k: v\n", i%5+1)
	}
	dir := writeTree(t, files)
	for n := 1; n <= 7; n++ {
		seen := map[string]int{}
		for i := 1; i <= n; i++ {
			p, err := NewPlan(Options{WorkDir: dir, Shard: Shard{i, n}, Namespaces: []string{"default"}})
			if err != nil {
				t.Fatal(err)
			}
			for _, tg := range p.Targets {
				seen[tg.Template]++
			}
			if p.Selection.Reason != fmt.Sprintf("shard %d/%d", i, n) || p.Selection.All != 23 {
				t.Errorf("shard %d/%d: selection %+v", i, n, p.Selection)
			}
			if lo, hi := 23/n, (23+n-1)/n; len(p.Targets) < lo-1 || len(p.Targets) > hi+1 {
				t.Errorf("shard %d/%d holds %d templates, want about %d", i, n, len(p.Targets), 23/n)
			}
			p.Close()
		}
		if len(seen) != 23 {
			t.Errorf("N=%d: %d templates covered, want 23", n, len(seen))
		}
		for f, c := range seen {
			if c != 1 {
				t.Errorf("N=%d: %s in %d shards", n, f, c)
			}
		}
	}
	got := shard([]string{"a", "b", "c", "d"}, Shard{1, 2}, func(s string) int64 { return map[string]int64{"a": 10, "b": 1, "c": 1, "d": 9}[s] })
	if want := []string{"a", "c"}; !slices.Equal(got, want) {
		t.Errorf("by size: shard 1/2 = %v, want %v (a 10, then c 1 on the tie: 11 against d 9 + b 1)", got, want)
	}
}

func TestParseShard(t *testing.T) {
	t.Parallel()
	for _, s := range []string{"1/1", "2/4", "7/7", "10000/10000"} {
		if _, err := ParseShard(s); err != nil {
			t.Errorf("%s: %v", s, err)
		}
	}
	for _, s := range []string{"0/4", "5/4", "1/0", "a/b", "1/4x", "1", "-1/2", "1/2/3", "1/10001", "1/1000000000"} {
		if _, err := ParseShard(s); err == nil {
			t.Errorf("%s: no error", s)
		}
	}
}

// Every shard carries the warnings of every config the run uses, so that
// merging the shards gives the unsharded report.
func TestShardsShareConfigNotes(t *testing.T) {
	t.Parallel()
	dir := writeTree(t, map[string]string{
		"a/.eastern.yaml": "kubeVersion: \"1.98\"\n",
		"a/x.yaml":        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n",
		"b/.eastern.yaml": "kubeVersion: \"1.99\"\n",
		"b/y.yaml":        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: y}\n",
	})
	var want []string
	for i := 0; i <= 2; i++ {
		opts := Options{WorkDir: dir, Configs: mustConfigs(t, dir)}
		if i > 0 {
			opts.Shard = Shard{i, 2}
		}
		res, err := Run(opts)
		if err != nil {
			t.Fatal(err)
		}
		var notes []string
		for _, n := range res.Notes {
			notes = append(notes, n.Error())
		}
		if i == 0 {
			want = notes
			if len(want) != 2 {
				t.Fatalf("unsharded notes %q, want one per config", want)
			}
		} else if !slices.Equal(notes, want) {
			t.Errorf("shard %d/2 notes %q, want %q", i, notes, want)
		}
	}
}
