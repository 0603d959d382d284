package engine_test

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/eastern-k8s/eastern/diag"
	"github.com/eastern-k8s/eastern/engine"
)

// writeTree creates files (path → content) under a new temporary directory
// and returns it, for the tests' Options.WorkDir.
func writeTree(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func symlink(t *testing.T, target, link string) {
	t.Helper()
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
}

// renderErrors renders path and returns the rules of its error findings.
func renderErrors(t *testing.T, path string, opts engine.Options) (diag.Findings, *engine.Result) {
	t.Helper()
	res, err := engine.RenderFile(path, opts)
	if err == nil {
		t.Fatalf("render of %s succeeded, want an error; output:\n%s", path, res.Output)
	}
	if res.Output != nil {
		t.Errorf("failed render returned output")
	}
	return diag.Collect(err), res
}

func TestSymlinkEscapes(t *testing.T) {
	t.Parallel()
	outside := t.TempDir()
	if err := os.WriteFile(filepath.Join(outside, "secret.yaml"), []byte("s: 1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	dir := writeTree(t, map[string]string{
		"app.yaml":      "a:\n  # load! link.yaml, fallback.yaml\nb:\n  # load! linkdir/secret.yaml\nc:\n  # load! dangling.yaml, fallback.yaml\nd:\n  # load! inside-link.yaml\n",
		"fallback.yaml": "f: 1\n",
		"real.yaml":     "r: 1\n",
	})
	symlink(t, filepath.Join(outside, "secret.yaml"), filepath.Join(dir, "link.yaml"))
	symlink(t, outside, filepath.Join(dir, "linkdir"))
	symlink(t, filepath.Join(outside, "gone.yaml"), filepath.Join(dir, "dangling.yaml"))
	symlink(t, "real.yaml", filepath.Join(dir, "inside-link.yaml"))

	fs, _ := renderErrors(t, "app.yaml", engine.Options{WorkDir: dir})
	var lines []int
	for _, f := range fs {
		if f.Rule != "render.escape" {
			t.Errorf("unexpected finding %v", f)
		}
		// Each message names the symlink's way out, and the root.
		if !strings.Contains(f.Message, "leads through a symlink to "+outside) || !strings.Contains(f.Message, `root directory "." (the working directory`) {
			t.Errorf("message %q does not say where the link leads", f.Message)
		}
		lines = append(lines, f.Pos.Line)
	}
	// The link inside the root (line 8) is fine; each escape is an error even
	// though fallback.yaml would have matched.
	if want := []int{2, 4, 6}; !slices.Equal(lines, want) {
		t.Errorf("escape errors on lines %v, want %v", lines, want)
	}
}

func TestSymlinkInsideRootRenders(t *testing.T) {
	t.Parallel()
	dir := writeTree(t, map[string]string{"app.yaml": "x:\n  # load! link.yaml\n", "real.yaml": "r: 1\n"})
	symlink(t, "real.yaml", filepath.Join(dir, "link.yaml"))
	res, err := engine.RenderFile("app.yaml", engine.Options{WorkDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := string(res.Output), "x:\n  r: 1\n"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestCycleThroughSymlinkIsDetected(t *testing.T) {
	t.Parallel()
	dir := writeTree(t, map[string]string{"a.yaml": "k:\n  # load! alias.yaml\n"})
	symlink(t, "a.yaml", filepath.Join(dir, "alias.yaml"))
	fs, _ := renderErrors(t, "a.yaml", engine.Options{WorkDir: dir})
	if len(fs) != 1 || fs[0].Rule != "render.cycle" || !strings.Contains(fs[0].Message, "a.yaml:2 → alias.yaml") {
		t.Errorf("got %v, want one cycle error a.yaml:2 → alias.yaml", fs)
	}
}

func TestDepthLimit(t *testing.T) {
	t.Parallel()
	files := map[string]string{}
	// chain-0 loads chain-1 … chain-N; chain-N is plain.
	build := func(n int) {
		for i := 0; i < n; i++ {
			files["chain-"+itoa(i)+".yaml"] = "l" + itoa(i) + ":\n  # load! chain-" + itoa(i+1) + ".yaml\n"
		}
		files["chain-"+itoa(n)+".yaml"] = "leaf: true\n"
	}
	build(engine.MaxDepth)
	dir := writeTree(t, files)
	res, err := engine.RenderFile("chain-0.yaml", engine.Options{WorkDir: dir})
	if err != nil {
		t.Fatalf("%d nested loads must render: %v", engine.MaxDepth, err)
	}
	last := strings.TrimRight(string(res.Output), "\n")
	if want := strings.Repeat("  ", engine.MaxDepth) + "leaf: true"; !strings.HasSuffix(last, "\n"+want) {
		t.Errorf("deepest line is not indented %d levels: %q", engine.MaxDepth, last[strings.LastIndex(last, "\n")+1:])
	}

	files = map[string]string{}
	build(engine.MaxDepth + 1)
	dir = writeTree(t, files)
	fs, _ := renderErrors(t, "chain-0.yaml", engine.Options{WorkDir: dir})
	if len(fs) != 1 || fs[0].Rule != "render.depth" || len(fs[0].Chain) != engine.MaxDepth {
		t.Errorf("got %v, want one depth error with a chain of %d loads", fs, engine.MaxDepth)
	}
}

func itoa(i int) string { return strconv.Itoa(i) }

func TestResultDependencies(t *testing.T) {
	t.Parallel()
	dir := writeTree(t, map[string]string{
		"app.yaml":              "a:\n  # load! o/env-${NAMESPACE}.yaml, o/env.yaml, o/never.yaml\nb:\n  # load! o/env.yaml\nc:\n  # load? o/x-${NAMESPACE}.yaml\n",
		"o/env.yaml":            "e: 1\n",
		"o/env-production.yaml": "e: 2\n",
	})
	res, err := engine.RenderFile("app.yaml", engine.Options{WorkDir: dir, Namespace: "staging"})
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"app.yaml", "o/env.yaml"}; !slices.Equal(res.Files, want) {
		t.Errorf("Files = %v, want %v", res.Files, want)
	}
	want := []engine.Probe{{Path: "o/env-staging.yaml"}, {Path: "o/env.yaml", Exists: true}, {Path: "o/x-staging.yaml"}}
	if !slices.Equal(res.Probes, want) {
		t.Errorf("Probes = %v, want %v (candidates after the winner are not looked at)", res.Probes, want)
	}
	// The source map points each line at its template line, with the chain.
	if res.SourceMap.Len() != 6 {
		t.Fatalf("source map has %d lines, want 6", res.SourceMap.Len())
	}
	o, _ := res.SourceMap.Origin(2)
	if o.Include.File != "o/env.yaml" || o.Line != 1 || o.Indent != 2 {
		t.Errorf("line 2 origin = %s:%d indent %d, want o/env.yaml:1 indent 2", o.Include.File, o.Line, o.Indent)
	}
	if chain := o.Include.Chain(); len(chain) != 1 || chain[0] != (diag.Position{File: "app.yaml", Line: 2}) {
		t.Errorf("chain = %v, want [app.yaml:2]", chain)
	}
	if p := o.Position(3); p != (diag.Position{File: "o/env.yaml", Line: 1, Col: 1}) {
		t.Errorf("output column 3 maps to %v, want o/env.yaml:1:1", p)
	}
}

func TestRootDefaultsAndEscapeOfRootTemplate(t *testing.T) {
	t.Parallel()
	dir := writeTree(t, map[string]string{"apps/app.yaml": "a:\n  # load! ../shared/p.yaml\n", "shared/p.yaml": "p: 1\n"})
	// Inside the working directory the root is the working directory, so a
	// sibling directory is reachable.
	if _, err := engine.RenderFile("apps/app.yaml", engine.Options{WorkDir: dir}); err != nil {
		t.Errorf("render from the working directory: %v", err)
	}
	// A template outside the working directory is confined to its own directory.
	elsewhere := t.TempDir()
	fs, _ := renderErrors(t, filepath.Join(dir, "apps/app.yaml"), engine.Options{WorkDir: elsewhere})
	if len(fs) != 1 || fs[0].Rule != "render.escape" {
		t.Errorf("got %v, want an escape error", fs)
	}
	// A root template outside an explicit root is refused.
	fs, _ = renderErrors(t, filepath.Join(dir, "shared/p.yaml"), engine.Options{WorkDir: elsewhere, RootDir: filepath.Join(dir, "apps")})
	if len(fs) != 1 || !strings.Contains(fs[0].Message, "outside the root") {
		t.Errorf("got %v, want the root template refused", fs)
	}
}

func TestErrorsAreCollected(t *testing.T) {
	t.Parallel()
	dir := writeTree(t, map[string]string{
		"app.yaml": "a:\n  # load! missing-a.yaml\nb:\n  # load! ../escape.yaml\nc: ${UNSET}\nd:\n  # load! p.yaml\n",
		"p.yaml":   "# load! missing-b.yaml\n",
	})
	fs, res := renderErrors(t, "app.yaml", engine.Options{WorkDir: dir, Strict: true})
	var rules []string
	for _, f := range fs {
		rules = append(rules, f.Pos.String()+" "+f.Rule)
	}
	want := []string{"app.yaml:2:11 render.load-missing", "app.yaml:4:11 render.escape", "app.yaml:5:4 render.unset-variable", "p.yaml:1:9 render.load-missing"}
	if !slices.Equal(rules, want) {
		t.Errorf("findings:\n%s\nwant:\n%s", strings.Join(rules, "\n"), strings.Join(want, "\n"))
	}
	if !slices.Contains(res.Files, "p.yaml") {
		t.Errorf("a failed render still lists the files it read; got %v", res.Files)
	}
}

func TestRenderReaderNamesStdin(t *testing.T) {
	t.Parallel()
	dir := writeTree(t, map[string]string{"p.yaml": "p: 1\n"})
	res, err := engine.Render(strings.NewReader("x:\n  # load! p.yaml\ny: ${NAMESPACE}"), "", engine.Options{WorkDir: dir, Namespace: "prod"})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := string(res.Output), "x:\n  p: 1\ny: prod"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if o, _ := res.SourceMap.Origin(1); o.Include.File != engine.StdinName {
		t.Errorf("stdin lines are attributed to %q", o.Include.File)
	}
}

func TestDirectives(t *testing.T) {
	t.Parallel()
	src := []byte("a: 1\n  # load! x-${NAMESPACE}.yaml , y.yaml,\n#load? z.yaml\n# loader\nk: v # load! no\n")
	ds := engine.Directives(src)
	if len(ds) != 2 {
		t.Fatalf("got %d directives, want 2: %+v", len(ds), ds)
	}
	if d := ds[0]; d.Line != 2 || d.Indent != "  " || !d.Required || !slices.Equal(d.Candidates, []string{"x-${NAMESPACE}.yaml", "y.yaml"}) {
		t.Errorf("first directive = %+v", d)
	}
	if d := ds[1]; d.Line != 3 || d.Required || !slices.Equal(d.Candidates, []string{"z.yaml"}) {
		t.Errorf("second directive = %+v", d)
	}
}

func TestEmptyTemplate(t *testing.T) {
	t.Parallel()
	dir := writeTree(t, map[string]string{"empty.yaml": ""})
	res, err := engine.RenderFile("empty.yaml", engine.Options{WorkDir: dir})
	if err != nil || len(res.Output) != 0 || res.SourceMap.Len() != 0 {
		t.Errorf("empty template: output %q, %d source lines, err %v", res.Output, res.SourceMap.Len(), err)
	}
}

func TestBaseDirMustExist(t *testing.T) {
	t.Parallel()
	dir := writeTree(t, map[string]string{})
	_, err := engine.Render(strings.NewReader("x: 1\n"), "", engine.Options{WorkDir: dir, BaseDir: "nowhere"})
	if err == nil || !strings.Contains(err.Error(), "base directory nowhere") {
		t.Errorf("err = %v, want one naming the base directory", err)
	}
}

func TestDirectivesAfterByteOrderMark(t *testing.T) {
	t.Parallel()
	ds := engine.Directives([]byte("\xef\xbb\xbf# load! p.yaml\n"))
	if len(ds) != 1 || ds[0].Line != 1 || ds[0].Candidates[0] != "p.yaml" {
		t.Errorf("got %+v, want the line-1 directive behind the BOM", ds)
	}
}

func TestEveryUnsetVariableOfADirectiveIsReported(t *testing.T) {
	t.Parallel()
	dir := writeTree(t, map[string]string{"app.yaml": "a:\n  # load? ${A}.yaml, ${B}.yaml\n"})
	res, err := engine.RenderFile("app.yaml", engine.Options{WorkDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, w := range res.Warnings {
		names = append(names, w.Message)
	}
	if want := []string{"variable A is not set", "variable B is not set"}; !slices.Equal(names, want) {
		t.Errorf("warnings %q, want %q", names, want)
	}
}

func TestUnusableRootTemplateIsReportedAtItsPath(t *testing.T) {
	t.Parallel()
	dir := writeTree(t, map[string]string{"bad.yaml": "a: \x00\n"})
	fs, _ := renderErrors(t, "bad.yaml", engine.Options{WorkDir: dir})
	if len(fs) != 1 || fs[0].Pos.File != "bad.yaml" || strings.Contains(fs[0].Message, "bad.yaml") {
		t.Errorf("got %v, want one finding at bad.yaml whose message does not repeat the name", fs)
	}
}

// TestNamespaceIsChecked: the engine refuses a namespace that could not be
// one, whoever calls it: ${NAMESPACE} becomes part of paths.
func TestNamespaceIsChecked(t *testing.T) {
	t.Parallel()
	dir := writeTree(t, map[string]string{"app.yaml": "a:\n  # load? ${NAMESPACE}/x.yaml\n"})
	for _, ns := range []string{"../x", "Prod", "a/b"} {
		_, err := engine.RenderFile("app.yaml", engine.Options{Namespace: ns, WorkDir: dir})
		if _, ok := errors.AsType[*diag.UsageError](err); !ok {
			t.Errorf("namespace %q: %v, want a usage error", ns, err)
		}
	}
}

// TestRootItselfIsADirectory: a candidate naming the root directory is a
// directory, not an escape.
func TestRootItselfIsADirectory(t *testing.T) {
	t.Parallel()
	dir := writeTree(t, map[string]string{"app.yaml": "a:\n  # load! .\n", "sub/app.yaml": "a:\n  # load! ..\n"})
	for _, tmpl := range []string{"app.yaml", "sub/app.yaml"} {
		fs, _ := renderErrors(t, tmpl, engine.Options{WorkDir: dir})
		if len(fs) != 1 || fs[0].Rule != engine.RuleNotAFile || !strings.Contains(fs[0].Message, "is a directory") {
			t.Errorf("%s: got %v, want one render.not-a-file error saying it is a directory", tmpl, fs)
		}
	}
}

// A render into the memory of an earlier Result gives what a fresh render
// gives, output and source map, and takes that memory over.
func TestRenderReusesResult(t *testing.T) {
	t.Parallel()
	dir := writeTree(t, map[string]string{
		"big.yaml":   strings.Repeat("k: v\n", 2000) + "# load! p.yaml\n",
		"small.yaml": "a:\n  # load! p.yaml\nb: ${NAMESPACE}\n",
		"p.yaml":     "p: 1\nq: 2\n",
	})
	render := func(path string, reuse *engine.Result) *engine.Result {
		t.Helper()
		res, err := engine.RenderFile(path, engine.Options{WorkDir: dir, Namespace: "qa", Reuse: reuse})
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	old := render("big.yaml", nil)
	memory := &old.Output[:1][0]
	got := render("small.yaml", old)
	want := render("small.yaml", nil)
	if string(got.Output) != string(want.Output) {
		t.Errorf("output into reused memory %q, fresh %q", got.Output, want.Output)
	}
	if &got.Output[:1][0] != memory {
		t.Error("the render did not write into the reused output")
	}
	if old.Output != nil || old.SourceMap.Len() != 0 {
		t.Error("the reused result still holds its output")
	}
	if got.SourceMap.Len() != want.SourceMap.Len() {
		t.Fatalf("source map of %d lines, fresh %d", got.SourceMap.Len(), want.SourceMap.Len())
	}
	for n := 1; n <= want.SourceMap.Len(); n++ {
		g, _ := got.SourceMap.Origin(n)
		w, _ := want.SourceMap.Origin(n)
		if g.Include.File != w.Include.File || g.Line != w.Line || g.Indent != w.Indent {
			t.Errorf("line %d from %s:%d+%d, fresh %s:%d+%d", n, g.Include.File, g.Line, g.Indent, w.Include.File, w.Line, w.Indent)
		}
	}
}

// ScanDirectives reads file after file into one buffer: the directives of
// one file must not change when the buffer holds the next, and they are
// what Directives lists.
func TestScanDirectivesReusesItsBuffer(t *testing.T) {
	t.Parallel()
	dir := writeTree(t, map[string]string{
		"a.yaml": "a:\n  # load! pa.yaml, pb-${NAMESPACE}.yaml\n",
		"b.yaml": "b:\n    # load? qq.yaml\n",
	})
	tree, err := engine.NewCache().Tree(dir, dir, 0)
	if err != nil {
		t.Fatal(err)
	}
	first, buf, err := tree.ScanDirectives("a.yaml", make([]byte, 0, 4096))
	if err != nil {
		t.Fatal(err)
	}
	want := slices.Clone(first)
	second, _, err := tree.ScanDirectives("b.yaml", buf)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		file string
		got  []engine.Directive
	}{{"a.yaml", first}, {"b.yaml", second}} {
		cached, err := tree.Directives(tt.file)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(tt.got, cached) {
			t.Errorf("%s: ScanDirectives %+v, Directives %+v", tt.file, tt.got, cached)
		}
	}
	if !reflect.DeepEqual(first, want) || first[0].Candidates[1] != "pb-${NAMESPACE}.yaml" || first[0].Indent != "  " {
		t.Errorf("a.yaml's directives changed with the buffer: %+v", first)
	}
	// Other spellings of the path are read as the render reads them:
	// ".." lexically, an absolute path relative to the root.
	for _, spelled := range []string{filepath.Join(dir, "a.yaml"), "missing/../a.yaml"} {
		if got, _, err := tree.ScanDirectives(spelled, nil); err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("ScanDirectives(%q) = %+v, %v; want a.yaml's", spelled, got, err)
		}
	}
	if _, _, err := tree.ScanDirectives("../a.yaml", nil); err == nil {
		t.Error("a path outside the root was read")
	}
}
