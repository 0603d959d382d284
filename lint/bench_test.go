package lint

import (
	"testing"

	"github.com/eastern-k8s/eastern/diag"
	"github.com/eastern-k8s/eastern/internal/corpus"
)

// BenchmarkLintMonorepo lints the generated monorepo of 1,000 root
// templates × 3 namespaces (9,000 objects). The target for the
// whole process is ≤ 2 s wall and ≤ 300 MiB peak RSS on 2 cores.
func BenchmarkLintMonorepo(b *testing.B) {
	dir := b.TempDir()
	const templates = 1000
	if err := corpus.WriteMonorepo(dir, templates); err != nil {
		b.Fatal(err)
	}
	b.Chdir(dir)
	b.ResetTimer()
	for b.Loop() {
		res, err := Run(Options{})
		if err != nil {
			b.Fatal(err)
		}
		want := templates * (1 + len(corpus.MonorepoNamespaces())) * corpus.MonorepoObjectsPerTemplate
		if len(res.Templates) != templates || res.Objects != want {
			b.Fatalf("linted %d templates, %d objects; want %d, %d", len(res.Templates), res.Objects, templates, want)
		}
		if res.Findings().HasErrors() {
			b.Fatalf("the corpus should lint clean, got %v", res.Findings()[0])
		}
	}
}

// TestCorpusLintsClean keeps the generator honest with a small corpus: every
// app is a root, the overrides imply the namespaces, and nothing is wrong.
func TestCorpusLintsClean(t *testing.T) {
	dir := t.TempDir()
	if err := corpus.WriteMonorepo(dir, 12); err != nil {
		t.Fatal(err)
	}
	t.Chdir(dir)
	res, err := Run(Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Templates) != 12 || len(res.Namespaces) != 3 || res.Objects != 12*3*corpus.MonorepoObjectsPerTemplate {
		t.Errorf("%d templates, namespaces %v, %d objects", len(res.Templates), res.Namespaces, res.Objects)
	}
	for _, f := range res.Findings() {
		if f.Severity > diag.Info {
			t.Errorf("finding on the corpus: %v", f)
		}
	}
}
