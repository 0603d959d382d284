package corpus_test

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"

	"github.com/eastern-k8s/eastern/engine"
	"github.com/eastern-k8s/eastern/internal/corpus"
)

// The trees render cleanly to the promised number of lines, and the
// overrides are picked for their namespace only.
func TestWriteTreeRenders(t *testing.T) {
	tests := []struct {
		spec      corpus.TreeSpec
		namespace string
		overrides int // partials rendered from an override
	}{
		{corpus.TreeSpec{Partials: 10, Dirs: 2, LinesPerPartial: 40, OverrideEvery: 3}, "production", 4},
		{corpus.TreeSpec{Partials: 10, Dirs: 2, LinesPerPartial: 41, OverrideEvery: 3}, "staging", 0},
		{corpus.TreeSpec{Partials: 50, Dirs: 20, LinesPerPartial: 100, OverrideEvery: 10, Namespace: "qa"}, "qa", 5},
		{corpus.TreeSpec{Partials: 1, LinesPerPartial: 20}, "production", 0},
	}
	for _, tt := range tests {
		dir := t.TempDir()
		tree, err := corpus.WriteTree(dir, tt.spec)
		if err != nil {
			t.Fatal(err)
		}
		res, err := engine.RenderFile(tree.Template, engine.Options{Namespace: tt.namespace, Vars: tree.Vars, RootDir: dir, Strict: true})
		if err != nil {
			t.Fatalf("%+v: %v", tt.spec, err)
		}
		if got := bytes.Count(res.Output, []byte("\n")); got != tree.Lines || res.SourceMap.Len() != tree.Lines {
			t.Errorf("%+v: %d output lines, %d mapped, want %d", tt.spec, got, res.SourceMap.Len(), tree.Lines)
		}
		if got := strings.Count(string(res.Output), "flavour: "+tt.namespace); got != tt.overrides {
			t.Errorf("%+v in %s: %d overrides rendered, want %d", tt.spec, tt.namespace, got, tt.overrides)
		}
		if len(res.Files) != tt.spec.Partials+1 {
			t.Errorf("%+v: read %d files, want %d", tt.spec, len(res.Files), tt.spec.Partials+1)
		}
		dirs, _ := filepath.Glob(filepath.Join(dir, "d*"))
		if want := max(tt.spec.Dirs, 1); len(dirs) != want {
			t.Errorf("%+v: %d subdirectories, want %d", tt.spec, len(dirs), want)
		}
	}
}

func TestWriteTreeRejectsTinyPartials(t *testing.T) {
	if _, err := corpus.WriteTree(t.TempDir(), corpus.TreeSpec{Partials: 1, LinesPerPartial: 5}); err == nil {
		t.Error("WriteTree accepted 5-line partials")
	}
}
