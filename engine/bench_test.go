package engine_test

import (
	"bytes"
	"testing"

	"github.com/eastern-k8s/eastern/engine"
	"github.com/eastern-k8s/eastern/internal/corpus"
)

// Tree sizes the benchmarks render. bigTree is the target: 1,000
// partials over 20 directories, 100,000 output lines, in ≤ 30 ms.
var (
	bigTree     = corpus.TreeSpec{Partials: 1000, Dirs: 20, LinesPerPartial: 100, OverrideEvery: 10}
	typicalTree = corpus.TreeSpec{Partials: 10, Dirs: 2, LinesPerPartial: 40, OverrideEvery: 3}
)

func BenchmarkRenderTree(b *testing.B)       { benchmarkRender(b, bigTree, nil) }
func BenchmarkRenderTypicalApp(b *testing.B) { benchmarkRender(b, typicalTree, nil) }

// BenchmarkRenderTreeCached renders the big tree with a shared Cache, as
// eastern lint does: file contents are read once, so what remains is
// candidate probing and the emitter — the cost that grows with the output.
func BenchmarkRenderTreeCached(b *testing.B) { benchmarkRender(b, bigTree, engine.NewCache()) }

// benchmarkRender writes the tree once, then renders it each iteration;
// without a cache files are read and parsed anew, as `eastern render` does.
// Besides time and allocations it reports output lines per render and
// allocations per output line.
func benchmarkRender(b *testing.B, spec corpus.TreeSpec, cache *engine.Cache) {
	dir := b.TempDir()
	tree, err := corpus.WriteTree(dir, spec)
	if err != nil {
		b.Fatal(err)
	}
	opts := engine.Options{Namespace: "production", Vars: tree.Vars, RootDir: dir, Strict: true, Cache: cache}
	res, err := engine.RenderFile(tree.Template, opts)
	if err != nil {
		b.Fatal(err)
	}
	if n := bytes.Count(res.Output, []byte("\n")); n != tree.Lines {
		b.Fatalf("rendered %d lines, want %d", n, tree.Lines)
	}
	b.SetBytes(int64(len(res.Output)))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := engine.RenderFile(tree.Template, opts); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(tree.Lines), "lines/op")
}

// Allocations must grow with the files read, not with every output line:
// a regexp or a string per line would show up here long before it shows in
// wall time.
func TestRenderAllocationsPerLine(t *testing.T) {
	spec := corpus.TreeSpec{Partials: 50, Dirs: 5, LinesPerPartial: 100, OverrideEvery: 10}
	dir := t.TempDir()
	tree, err := corpus.WriteTree(dir, spec)
	if err != nil {
		t.Fatal(err)
	}
	opts := engine.Options{Namespace: "production", Vars: tree.Vars, RootDir: dir, Strict: true}
	allocs := testing.AllocsPerRun(5, func() {
		if _, err := engine.RenderFile(tree.Template, opts); err != nil {
			t.Fatal(err)
		}
	})
	perLine := allocs / float64(tree.Lines)
	t.Logf("%.0f allocations for %d lines: %.3f per line", allocs, tree.Lines, perLine)
	if perLine > 0.5 {
		t.Errorf("%.3f allocations per output line, want at most 0.5", perLine)
	}
}
