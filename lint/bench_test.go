package lint

import (
	"fmt"
	"testing"

	"github.com/eastern-k8s/eastern/checks"
	"github.com/eastern-k8s/eastern/internal/corpus"
)

// monorepoGroup is how many roots share each group partial in the
// benchmarks' corpus: a change to one of them is what --changed is
// measured on.
const monorepoGroup = 20

// BenchmarkLintMonorepo lints the generated monorepo of N root templates ×
// 3 namespaces (3 objects each). The targets for the whole
// process, on 2 cores: 1,000 templates in ≤ 2 s and ≤ 300 MiB peak RSS;
// 10,000 in ≤ 3 s and ≤ 150 MiB. Each N is a corpus of its own, with a
// partial per 20 roots (corpus.MonorepoSpec.SharedBy).
func BenchmarkLintMonorepo(b *testing.B) {
	for _, templates := range []int{1000, 10000} {
		b.Run(fmt.Sprint(templates), func(b *testing.B) {
			dir := monorepoCorpus(b, templates)
			b.Chdir(dir)
			b.ResetTimer()
			for b.Loop() {
				res, err := Run(Options{})
				if err != nil {
					b.Fatal(err)
				}
				wantLinted(b, res, templates)
			}
		})
	}
}

// BenchmarkLintChanged lints what a change to one group partial touches in
// the 10,000-template monorepo: 20 roots × 3 namespaces. The issue's
// target for the whole process is ≤ 0.3 s, growing with what changed
// rather than with the repository.
func BenchmarkLintChanged(b *testing.B) {
	const templates = 10000
	dir := monorepoCorpus(b, templates)
	b.Chdir(dir)
	changed := corpus.MonorepoGroupPartial(templates/2, monorepoGroup)
	b.ResetTimer()
	for b.Loop() {
		res, err := Run(Options{Changed: []string{changed}})
		if err != nil {
			b.Fatal(err)
		}
		wantLinted(b, res, monorepoGroup)
		if res.Selection == nil || res.Selection.All != templates {
			b.Fatalf("selection %+v, want %d roots of %d", res.Selection, monorepoGroup, templates)
		}
	}
}

// monorepoCorpus writes the benchmarks' monorepo of n templates.
func monorepoCorpus(b *testing.B, n int) string {
	b.Helper()
	dir := b.TempDir()
	if err := corpus.WriteMonorepoSpec(dir, corpus.MonorepoSpec{Templates: n, SharedBy: monorepoGroup}); err != nil {
		b.Fatal(err)
	}
	return dir
}

// wantLinted fails b unless res linted templates roots in every namespace,
// cleanly.
func wantLinted(b *testing.B, res *Result, templates int) {
	b.Helper()
	want := templates * (1 + len(corpus.MonorepoNamespaces())) * corpus.MonorepoObjectsPerTemplate
	if len(res.Templates) != templates || res.Objects != want {
		b.Fatalf("linted %d templates, %d objects; want %d, %d", len(res.Templates), res.Objects, templates, want)
	}
	if res.Findings().HasErrors() {
		b.Fatalf("the corpus should lint clean, got %v", res.Findings()[0])
	}
}

// TestCorpusLintsClean keeps the generator honest with a small corpus: every
// app is a root, the overrides imply the namespaces, and nothing is wrong,
// not even at the level of a practice check: the corpus is a well-kept
// repository, so that its timings are lint's, not those of printing notes;
// grouped, a change to one group's partial lints that group alone.
func TestCorpusLintsClean(t *testing.T) {
	every, err := checks.ParseFlag([]string{"all=error"})
	if err != nil {
		t.Fatal(err)
	}
	for _, sharedBy := range []int{0, 4} {
		dir := t.TempDir()
		if err := corpus.WriteMonorepoSpec(dir, corpus.MonorepoSpec{Templates: 12, SharedBy: sharedBy}); err != nil {
			t.Fatal(err)
		}
		t.Chdir(dir)
		res, err := Run(Options{Checks: every})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Templates) != 12 || len(res.Namespaces) != 3 || res.Objects != 12*3*corpus.MonorepoObjectsPerTemplate {
			t.Errorf("shared by %d: %d templates, namespaces %v, %d objects", sharedBy, len(res.Templates), res.Namespaces, res.Objects)
		}
		for _, f := range res.Findings() {
			t.Errorf("shared by %d: finding on the corpus: %v", sharedBy, f)
		}
		if sharedBy == 0 {
			continue
		}
		res, err = Run(Options{Changed: []string{corpus.MonorepoGroupPartial(5, sharedBy)}})
		if err != nil {
			t.Fatal(err)
		}
		if want := []string{"apps/team-04/app-0004.yaml", "apps/team-05/app-0005.yaml", "apps/team-06/app-0006.yaml", "apps/team-07/app-0007.yaml"}; fmt.Sprint(res.Templates) != fmt.Sprint(want) {
			t.Errorf("--changed %s linted %v, want %v", corpus.MonorepoGroupPartial(5, sharedBy), res.Templates, want)
		}
	}
}
