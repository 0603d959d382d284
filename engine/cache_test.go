package engine_test

import (
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/eastern-k8s/eastern/engine"
)

// TestCacheSharesReads renders twice with one Cache around a change on disk:
// the second render still sees the first contents (it read nothing again),
// while a render without the Cache sees the change.
func TestCacheSharesReads(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	write := func(name, content string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("app.yaml", "a:\n  # load! p.yaml\n  # load? q.yaml\n")
	write("p.yaml", "b: 1\n")
	cache := engine.NewCache()
	render := func(c *engine.Cache) string {
		t.Helper()
		res, err := engine.RenderFile("app.yaml", engine.Options{Cache: c, WorkDir: dir})
		if err != nil {
			t.Fatal(err)
		}
		return string(res.Output)
	}
	const before = "a:\n  b: 1\n  # Cannot load q.yaml\n"
	if got := render(cache); got != before {
		t.Fatalf("first render = %q", got)
	}
	write("p.yaml", "b: 2\n")
	write("q.yaml", "c: 3\n")
	if got := render(cache); got != before {
		t.Errorf("render with the cache = %q, want what the first render saw", got)
	}
	if got, want := render(nil), "a:\n  b: 2\n  c: 3\n"; got != want {
		t.Errorf("render without a cache = %q, want %q", got, want)
	}
}

// TestCacheConcurrent renders on many goroutines through one Cache (run
// with -race).
func TestCacheConcurrent(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for name, content := range map[string]string{
		"app.yaml":     "a:\n  # load! parts/p-${NAMESPACE}.yaml, parts/p.yaml\n",
		"parts/p.yaml": "b: 1\n", "parts/p-qa.yaml": "b: 2\n",
	} {
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cache := engine.NewCache()
	var wg sync.WaitGroup
	for i := range 16 {
		wg.Go(func() {
			ns, want := "default", "a:\n  b: 1\n"
			if i%2 == 0 {
				ns, want = "qa", "a:\n  b: 2\n"
			}
			res, err := engine.RenderFile("app.yaml", engine.Options{Namespace: ns, Cache: cache, WorkDir: dir})
			if err != nil || string(res.Output) != want {
				t.Errorf("%s: output %q, err %v; want %q", ns, res.Output, err, want)
			}
		})
	}
	wg.Wait()
}

// TestTreeSharesCheckedFiles: a Tree and the renders of one Cache share
// each file's checked contents. What a Tree returns is the caller's to
// change, and a file with a second byte order mark is read as each reads
// it: Directives drops both marks, a render only the first.
func TestTreeSharesCheckedFiles(t *testing.T) {
	t.Parallel()
	const bom = "\xef\xbb\xbf"
	dir := t.TempDir()
	for name, content := range map[string]string{
		"app.yaml": "a:\n  # load! p.yaml\n", "p.yaml": "b: 1\n",
		"boms.yaml": bom + bom + "# load! p.yaml\n",
	} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cache := engine.NewCache()
	defer cache.Close()
	tree, err := cache.Tree(dir, dir, 0)
	if err != nil {
		t.Fatal(err)
	}
	ds, err := tree.Directives("app.yaml")
	if err != nil || len(ds) != 1 {
		t.Fatalf("directives %+v, err %v", ds, err)
	}
	ds[0].Candidates[0] = "elsewhere.yaml"
	render := func(name string) string {
		t.Helper()
		res, err := engine.RenderFile(name, engine.Options{Cache: cache, WorkDir: dir})
		if err != nil {
			t.Fatal(err)
		}
		return string(res.Output)
	}
	if got, want := render("app.yaml"), "a:\n  b: 1\n"; got != want {
		t.Errorf("app.yaml renders to %q, want %q", got, want)
	}
	if ds, err := tree.Directives("boms.yaml"); err != nil || len(ds) != 1 {
		t.Errorf("boms.yaml: directives %+v, err %v; want the one behind both marks", ds, err)
	}
	if got, want := render("boms.yaml"), bom+"# load! p.yaml\n"; got != want {
		t.Errorf("boms.yaml renders to %q, want %q: behind a mark, no directive", got, want)
	}
}
