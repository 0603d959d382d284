package watch

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/eastern-k8s/eastern/diag"
	"github.com/eastern-k8s/eastern/engine"
	"github.com/eastern-k8s/eastern/report"
)

// waitLimit bounds every wait for the watcher: long enough for a loaded CI
// machine, short enough that a missed event fails the test quickly.
const waitLimit = 10 * time.Second

// lockedBuffer is a bytes.Buffer that the watcher's goroutine and the test
// may use at once.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// harness runs a Watcher in the background and hands its renders to the test.
type harness struct {
	t              *testing.T
	dir            string
	renders        chan Render
	stdout, stderr *lockedBuffer
	cancel         context.CancelFunc
	done           chan error
	w              *Watcher
}

// start runs a watcher over dir with opts; relative paths in opts are taken
// from dir. It stops the watcher when the test ends.
func start(t *testing.T, dir string, opts Options) *harness {
	t.Helper()
	h := &harness{
		t: t, dir: dir,
		renders: make(chan Render, 16),
		stdout:  &lockedBuffer{}, stderr: &lockedBuffer{},
		done: make(chan error, 1),
	}
	ctx, cancel := context.WithCancel(context.Background())
	h.cancel = cancel
	opts.Template = h.path(opts.Template)
	if opts.RootDir == "" {
		opts.RootDir = dir
	}
	if opts.Output != "" {
		opts.Output = h.path(opts.Output)
	}
	for i, in := range opts.Inputs {
		opts.Inputs[i] = h.path(in)
	}
	if opts.Debounce == 0 {
		opts.Debounce = 5 * time.Millisecond
	}
	opts.Stdout, opts.Stderr = h.stdout, h.stderr
	opts.OnRender = func(r Render) {
		select {
		case h.renders <- r:
		case <-ctx.Done():
		}
	}
	w, err := New(opts)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	h.w = w
	go func() { h.done <- w.Run(ctx) }()
	t.Cleanup(h.stop)
	return h
}

func (h *harness) path(rel string) string {
	if filepath.IsAbs(rel) {
		return rel
	}
	return filepath.Join(h.dir, rel)
}

// stop cancels the watcher and checks that Run returns nil promptly.
func (h *harness) stop() {
	h.t.Helper()
	if h.cancel == nil {
		return
	}
	h.cancel()
	h.cancel = nil
	select {
	case err := <-h.done:
		if err != nil {
			h.t.Errorf("Run returned %v, want nil after cancel", err)
		}
	case <-time.After(waitLimit):
		h.t.Fatalf("Run did not return within %v of cancel", waitLimit)
	}
}

// waitFor reads renders until one for namespace ns satisfies ok, failing
// the test after waitLimit. It returns that render.
func (h *harness) waitFor(ns string, what string, ok func(Render) bool) Render {
	h.t.Helper()
	deadline := time.After(waitLimit)
	var seen []string
	for {
		select {
		case r := <-h.renders:
			if r.Namespace == ns && ok(r) {
				return r
			}
			seen = append(seen, r.Namespace+": ok="+boolString(r.OK)+" "+strings.ReplaceAll(string(r.Output), "\n", "⏎"))
		case <-deadline:
			h.t.Fatalf("no render of %s with %s within %v; saw:\n%s\nstderr:\n%s", ns, what, waitLimit, strings.Join(seen, "\n"), h.stderr.String())
			return Render{}
		}
	}
}

// next returns the next render, whatever it is.
func (h *harness) next() Render {
	h.t.Helper()
	select {
	case r := <-h.renders:
		return r
	case <-time.After(waitLimit):
		h.t.Fatalf("no render within %v", waitLimit)
		return Render{}
	}
}

// waitOutput waits for a good render of ns whose output is want.
func (h *harness) waitOutput(ns, want string) Render {
	h.t.Helper()
	return h.waitFor(ns, "output "+strings.ReplaceAll(want, "\n", "⏎"), func(r Render) bool {
		return r.OK && string(r.Output) == want
	})
}

// waitFailed waits for a failed render of ns whose findings mention msg.
func (h *harness) waitFailed(ns, msg string) Render {
	h.t.Helper()
	return h.waitFor(ns, "an error mentioning "+msg, func(r Render) bool {
		return !r.OK && strings.Contains(findingsText(r.Findings), msg)
	})
}

func findingsText(fs diag.Findings) string {
	var b strings.Builder
	report.WriteText(&b, fs, false)
	return b.String()
}

func boolString(b bool) string {
	if b {
		return "true"
	}
	return "false"
}

// write creates or replaces a file below dir, creating its directories.
func write(t *testing.T, dir, rel, content string) {
	t.Helper()
	p := filepath.Join(dir, rel)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// writeByRename saves the way vim and JetBrains IDEs do: a temporary file
// beside the target, renamed over it.
func writeByRename(t *testing.T, dir, rel, content string) {
	t.Helper()
	p := filepath.Join(dir, rel)
	tmp := filepath.Join(filepath.Dir(p), "."+filepath.Base(p)+".swp")
	if err := os.WriteFile(tmp, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, p); err != nil {
		t.Fatal(err)
	}
}

func remove(t *testing.T, dir, rel string) {
	t.Helper()
	if err := os.RemoveAll(filepath.Join(dir, rel)); err != nil {
		t.Fatal(err)
	}
}

func readFile(t *testing.T, dir, rel string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, rel))
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// The worked layout most scenarios start from: an app template with a
// partial and a namespace override falling back to a shared one.
var baseTree = map[string]string{
	"app.yaml":               "kind: ConfigMap\nmetadata:\n  name: app\ndata:\n  # load! partials/data.yaml\n  # load! overrides/env-${NAMESPACE}.yaml, overrides/env.yaml\n",
	"partials/data.yaml":     "color: blue",
	"overrides/env.yaml":     "env: shared",
	"overrides/unrelated.md": "notes",
}

const (
	baseOut   = "kind: ConfigMap\nmetadata:\n  name: app\ndata:\n  color: blue\n  env: shared\n"
	greenOut  = "kind: ConfigMap\nmetadata:\n  name: app\ndata:\n  color: green\n  env: shared\n"
	prodOut   = "kind: ConfigMap\nmetadata:\n  name: app\ndata:\n  color: blue\n  env: production\n"
	prodGreen = "kind: ConfigMap\nmetadata:\n  name: app\ndata:\n  color: green\n  env: production\n"
)

func setup(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for rel, content := range files {
		write(t, dir, rel, content)
	}
	return dir
}

// step is one change to the tree and the render it must lead to.
type step struct {
	name string
	do   func(t *testing.T, dir string)
	// want is the expected output of a good render; with fail set, a failed
	// render whose findings mention fail is expected instead.
	want string
	fail string
}

// TestScenarios drives real file changes through a running watcher and
// checks each re-render.
func TestScenarios(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		files map[string]string
		setup func(t *testing.T, dir string)
		steps []step
	}{
		{
			name:  "template created after the watch starts",
			files: map[string]string{"partials/data.yaml": "color: blue"},
			steps: []step{
				{name: "create", do: func(t *testing.T, d string) { write(t, d, "app.yaml", "# load! partials/data.yaml\n") }, want: "color: blue\n"},
				{name: "edit partial", do: func(t *testing.T, d string) { write(t, d, "partials/data.yaml", "color: red") }, want: "color: red\n"},
			},
		},
		{
			name:  "symlinked partial",
			files: map[string]string{"app.yaml": "# load! partials/link.yaml\n", "shared/real.yaml": "x: 1", "partials/other.yaml": "o: 1"},
			setup: func(t *testing.T, d string) {
				if err := os.Symlink("../shared/real.yaml", filepath.Join(d, "partials/link.yaml")); err != nil {
					t.Fatal(err)
				}
			},
			steps: []step{
				{name: "edit the target", do: func(t *testing.T, d string) { write(t, d, "shared/real.yaml", "x: 2") }, want: "x: 2\n"},
				{name: "save the target by rename", do: func(t *testing.T, d string) { writeByRename(t, d, "shared/real.yaml", "x: 3") }, want: "x: 3\n"},
			},
		},
		{
			name:  "write in place",
			files: baseTree,
			steps: []step{
				{name: "edit partial", do: func(t *testing.T, d string) { write(t, d, "partials/data.yaml", "color: green") }, want: greenOut},
				{name: "edit template", do: func(t *testing.T, d string) {
					write(t, d, "app.yaml", "kind: ConfigMap\nmetadata:\n  name: app\ndata:\n  # load! partials/data.yaml\n")
				}, want: "kind: ConfigMap\nmetadata:\n  name: app\ndata:\n  color: green\n"},
			},
		},
		{
			name:  "write temp and rename",
			files: baseTree,
			steps: []step{
				{name: "partial", do: func(t *testing.T, d string) { writeByRename(t, d, "partials/data.yaml", "color: green") }, want: greenOut},
				{name: "template", do: func(t *testing.T, d string) {
					writeByRename(t, d, "app.yaml", "# load! partials/data.yaml\n")
				}, want: "color: green\n"},
				{name: "partial again", do: func(t *testing.T, d string) { writeByRename(t, d, "partials/data.yaml", "color: red") }, want: "color: red\n"},
			},
		},
		{
			name:  "higher-priority candidate appears and goes",
			files: baseTree,
			steps: []step{
				{name: "create override", do: func(t *testing.T, d string) { write(t, d, "overrides/env-production.yaml", "env: production") }, want: prodOut},
				{name: "edit override", do: func(t *testing.T, d string) { write(t, d, "partials/data.yaml", "color: green") }, want: prodGreen},
				{name: "delete override", do: func(t *testing.T, d string) { remove(t, d, "overrides/env-production.yaml") }, want: greenOut},
			},
		},
		{
			name:  "delete a loaded file, then restore it",
			files: baseTree,
			steps: []step{
				{name: "delete", do: func(t *testing.T, d string) { remove(t, d, "partials/data.yaml") }, fail: "partials/data.yaml"},
				{name: "restore", do: func(t *testing.T, d string) { write(t, d, "partials/data.yaml", "color: green") }, want: greenOut},
			},
		},
		{
			name:  "delete and recreate a directory",
			files: baseTree,
			steps: []step{
				{name: "delete dir", do: func(t *testing.T, d string) { remove(t, d, "partials") }, fail: "partials/data.yaml"},
				{name: "recreate dir", do: func(t *testing.T, d string) { write(t, d, "partials/data.yaml", "color: green") }, want: greenOut},
				{name: "edit in recreated dir", do: func(t *testing.T, d string) { write(t, d, "partials/data.yaml", "color: blue") }, want: baseOut},
			},
		},
		{
			name: "override directory created later",
			// env/ exists but nothing in it is loaded: only watching it, as the
			// nearest existing ancestor of env/production/, sees the creation.
			files: map[string]string{"app.yaml": "# load! env/${NAMESPACE}/values.yaml, default.yaml\n", "default.yaml": "x: default", "env/README": "per-namespace values"},
			steps: []step{
				{name: "create nested dirs and file", do: func(t *testing.T, d string) { write(t, d, "env/production/values.yaml", "x: prod") }, want: "x: prod\n"},
				{name: "remove the tree", do: func(t *testing.T, d string) { remove(t, d, "env/production") }, want: "x: default\n"},
				{name: "remove env too", do: func(t *testing.T, d string) { remove(t, d, "env") }, want: "x: default\n"},
				{name: "create it again", do: func(t *testing.T, d string) { write(t, d, "env/production/values.yaml", "x: again") }, want: "x: again\n"},
			},
		},
		{
			name:  "new partial in a new subdirectory",
			files: baseTree,
			steps: []step{
				{name: "add load line", do: func(t *testing.T, d string) {
					write(t, d, "app.yaml", "# load! partials/data.yaml\n# load! extra/deep/more.yaml\n")
				}, fail: "extra/deep/more.yaml"},
				{name: "create partial", do: func(t *testing.T, d string) { write(t, d, "extra/deep/more.yaml", "more: 1") }, want: "color: blue\nmore: 1\n"},
				{name: "edit new partial", do: func(t *testing.T, d string) { write(t, d, "extra/deep/more.yaml", "more: 2") }, want: "color: blue\nmore: 2\n"},
			},
		},
		{
			name:  "break a partial, then fix it",
			files: baseTree,
			steps: []step{
				{name: "break", do: func(t *testing.T, d string) { write(t, d, "partials/data.yaml", "# load! nowhere.yaml\n") }, fail: "nowhere.yaml"},
				{name: "fix", do: func(t *testing.T, d string) { write(t, d, "partials/data.yaml", "color: green") }, want: greenOut},
			},
		},
		{
			name:  "partial loads a partial",
			files: map[string]string{"app.yaml": "# load! a.yaml\n", "a.yaml": "a:\n  # load! sub/b.yaml", "sub/b.yaml": "b: 1"},
			steps: []step{
				{name: "edit nested", do: func(t *testing.T, d string) { writeByRename(t, d, "sub/b.yaml", "b: 2") }, want: "a:\n  b: 2\n"},
				{name: "stop loading it", do: func(t *testing.T, d string) { write(t, d, "a.yaml", "a: 0") }, want: "a: 0\n"},
				{name: "load it again", do: func(t *testing.T, d string) { write(t, d, "a.yaml", "a:\n  # load! sub/b.yaml") }, want: "a:\n  b: 2\n"},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := setup(t, tt.files)
			if tt.setup != nil {
				tt.setup(t, dir)
			}
			h := start(t, dir, Options{Template: "app.yaml", Namespaces: []string{"production"}})
			first := h.waitFor("production", "the first render", func(Render) bool { return true })
			if len(first.Trigger) != 0 {
				t.Errorf("first render has trigger %v, want none", first.Trigger)
			}
			for _, s := range tt.steps {
				s.do(t, dir)
				if s.fail != "" {
					h.waitFailed("production", s.fail)
				} else {
					h.waitOutput("production", s.want)
				}
			}
		})
	}
}

// TestOutputFiles renders several namespaces, each to its own file, and
// checks that a failed render leaves the previous good file alone.
func TestOutputFiles(t *testing.T) {
	t.Parallel()
	dir := setup(t, baseTree)
	write(t, dir, "overrides/env-a.yaml", "env: a")
	// The outputs lie in the watched template directory: writing them (and
	// their temporary files) must not cause renders of its own.
	h := start(t, dir, Options{Template: "app.yaml", Namespaces: []string{"a", "b"}, Output: "out-${NAMESPACE}.yaml"})
	h.waitFor("b", "the first render", func(r Render) bool { return r.OK && r.Written })
	writeByRename(t, dir, "partials/data.yaml", "color: green") // one event: one render of each namespace
	wantA := "kind: ConfigMap\nmetadata:\n  name: app\ndata:\n  color: green\n  env: a\n"
	ra := h.waitOutput("a", wantA)
	rb := h.waitOutput("b", greenOut)
	for _, r := range []Render{ra, rb} {
		if !r.Written || r.Path != filepath.Join(dir, "out-"+r.Namespace+".yaml") {
			t.Errorf("%s: Written=%v Path=%s, want written to out-%s.yaml", r.Namespace, r.Written, r.Path, r.Namespace)
		}
	}
	if got := readFile(t, dir, "out-a.yaml"); got != wantA {
		t.Errorf("out-a.yaml = %q, want %q", got, wantA)
	}
	if got := readFile(t, dir, "out-b.yaml"); got != greenOut {
		t.Errorf("out-b.yaml = %q, want %q", got, greenOut)
	}

	// Only namespace a depends on env-a.yaml, only b on the missing
	// env-b.yaml: each change renders its own namespace and nothing else,
	// so the next two renders are exactly a's, then b's.
	writeByRename(t, dir, "overrides/env-a.yaml", "env: aa")
	ra = h.next()
	if ra.Namespace != "a" || !strings.Contains(string(ra.Output), "env: aa") || !slices.Equal(ra.Trigger, []string{filepath.Join(dir, "overrides/env-a.yaml")}) {
		t.Errorf("after changing env-a.yaml: render of %s, output %q, trigger %v; want a's with env: aa", ra.Namespace, ra.Output, ra.Trigger)
	}
	if len(ra.Changes) != 1 || ra.Changes[0].Object != "ConfigMap/app" || ra.Changes[0].Added != 1 || ra.Changes[0].Removed != 1 {
		t.Errorf("changes = %v, want ConfigMap/app +1 -1", ra.Changes)
	}
	writeByRename(t, dir, "overrides/env-b.yaml", "env: b")
	rb = h.next()
	if rb.Namespace != "b" || !strings.Contains(string(rb.Output), "env: b") {
		t.Errorf("after creating env-b.yaml: render of %s, output %q; want b's with env: b", rb.Namespace, rb.Output)
	}

	// Break the shared partial: both fail, both files keep their content.
	write(t, dir, "partials/data.yaml", "# load! gone.yaml")
	for _, ns := range []string{"a", "b"} {
		r := h.waitFailed(ns, "gone.yaml")
		if r.Written || r.Output != nil {
			t.Errorf("%s: failed render has Written=%v Output=%q", ns, r.Written, r.Output)
		}
	}
	wantB := strings.Replace(greenOut, "env: shared", "env: b", 1)
	if got := readFile(t, dir, "out-b.yaml"); got != wantB {
		t.Errorf("out-b.yaml after a failed render = %q, want the previous good %q", got, wantB)
	}
	status := h.stdout.String()
	if want := "b failed, 1 error: " + filepath.Join(dir, "out-b.yaml") + " keeps the render from "; !strings.Contains(status, want) {
		t.Errorf("status lines lack %q:\n%s", want, status)
	}
	if !strings.Contains(h.stderr.String(), "gone.yaml") {
		t.Errorf("stderr does not report the failure:\n%s", h.stderr.String())
	}
	h.stop()
	var leftovers []string
	for _, name := range dirNames(t, dir) {
		if strings.Contains(name, ".eastern-tmp-") {
			leftovers = append(leftovers, name)
		}
	}
	if !slices.Contains(dirNames(t, dir), "out-a.yaml") || len(leftovers) > 0 {
		t.Errorf("after stop the directory holds %v, want out-a.yaml and no temporary files", dirNames(t, dir))
	}
}

// TestOutputDirectoryMissing checks that a failed write is reported, and
// the watch goes on to write once the directory exists.
func TestOutputDirectoryMissing(t *testing.T) {
	t.Parallel()
	dir := setup(t, baseTree)
	h := start(t, dir, Options{Template: "app.yaml", Namespaces: []string{"production"}, Output: "out/production.yaml"})
	r := h.waitFor("production", "the first render", func(Render) bool { return true })
	if !r.OK || !r.Written || readFile(t, dir, "out/production.yaml") != string(r.Output) {
		t.Errorf("first render: OK=%v Written=%v findings %q; want the file written into a new out/", r.OK, r.Written, findingsText(r.Findings))
	}
}

// TestOutputUnwritable: a write error is reported and the watch goes on;
// once the path is writable the next render lands.
func TestOutputUnwritable(t *testing.T) {
	t.Parallel()
	dir := setup(t, baseTree)
	write(t, dir, "out", "a file where a directory should be")
	h := start(t, dir, Options{Template: "app.yaml", Namespaces: []string{"production"}, Output: "out/production.yaml"})
	r := h.waitFor("production", "the first render", func(Render) bool { return true })
	want := "error: writing " + filepath.Join(dir, "out/production.yaml") + ": "
	if !r.OK || r.Written || !strings.Contains(findingsText(r.Findings), want) {
		t.Errorf("first render: OK=%v Written=%v findings %q; want a good render, not written, and a finding with %q", r.OK, r.Written, findingsText(r.Findings), want)
	}
	if !strings.Contains(h.stderr.String(), want) {
		t.Errorf("stderr = %q, want the write error", h.stderr.String())
	}
	if err := os.Remove(filepath.Join(dir, "out")); err != nil {
		t.Fatal(err)
	}
	write(t, dir, "partials/data.yaml", "color: green")
	r = h.waitOutput("production", greenOut)
	if !r.Written || readFile(t, dir, "out/production.yaml") != greenOut {
		t.Errorf("after removing the file in the way: Written=%v, file %q", r.Written, readFile(t, dir, "out/production.yaml"))
	}
}

// TestOutputUnchanged checks that a render equal to the file is not
// written (its modification time stays), and that a deleted output file is
// written again.
func TestOutputUnchanged(t *testing.T) {
	t.Parallel()
	dir := setup(t, baseTree)
	h := start(t, dir, Options{Template: "app.yaml", Namespaces: []string{"production"}, Output: "out.yaml"})
	h.waitFor("production", "the first render", func(r Render) bool { return r.Written })
	old := time.Unix(1e9, 0)
	if err := os.Chtimes(filepath.Join(dir, "out.yaml"), old, old); err != nil {
		t.Fatal(err)
	}
	writeByRename(t, dir, "partials/data.yaml", "color: blue") // the same content
	r := h.waitFor("production", "a render", func(Render) bool { return true })
	if r.Written || !r.OK {
		t.Errorf("render equal to the file: Written=%v OK=%v, want not written", r.Written, r.OK)
	}
	if info, err := os.Stat(filepath.Join(dir, "out.yaml")); err != nil || !info.ModTime().Equal(old) {
		t.Errorf("out.yaml was touched by a render that changed nothing (%v)", err)
	}
	if want := "production ok: " + filepath.Join(dir, "out.yaml") + " unchanged\n"; !strings.HasSuffix(h.stdout.String(), want) {
		t.Errorf("status = %q, want it to end with %q", h.stdout.String(), want)
	}
	remove(t, dir, "out.yaml")
	writeByRename(t, dir, "partials/data.yaml", "color: blue")
	r = h.waitFor("production", "a render", func(Render) bool { return true })
	if !r.Written || readFile(t, dir, "out.yaml") != baseOut {
		t.Errorf("after deleting out.yaml: Written=%v, want it written again", r.Written)
	}
}

func dirNames(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

// TestUnrelatedEventsIgnored checks that a change to a file no render uses
// does not render, by making an unrelated change and then a related one:
// the render that follows must name only the related file.
func TestUnrelatedEventsIgnored(t *testing.T) {
	t.Parallel()
	dir := setup(t, baseTree)
	h := start(t, dir, Options{Template: "app.yaml", Namespaces: []string{"production"}, Output: "rendered.yaml"})
	h.waitOutput("production", baseOut)
	write(t, dir, "overrides/unrelated.md", "more notes")
	write(t, dir, "partials/other.yaml", "not loaded")
	write(t, dir, "overrides/env-staging.yaml", "another namespace's override")
	write(t, dir, "partials/data.yaml", "color: green")
	r := h.waitFor("production", "the next render", func(Render) bool { return true })
	want := []string{filepath.Join(dir, "partials/data.yaml")}
	if !slices.Equal(r.Trigger, want) || string(r.Output) != greenOut {
		t.Errorf("next render: trigger %v output %q; want trigger %v output %q", r.Trigger, r.Output, want, greenOut)
	}
}

// TestDebounce checks that a burst of saves makes one render.
func TestDebounce(t *testing.T) {
	t.Parallel()
	dir := setup(t, baseTree)
	h := start(t, dir, Options{Template: "app.yaml", Namespaces: []string{"production"}, Debounce: 300 * time.Millisecond})
	h.waitOutput("production", baseOut)
	for i := range 20 {
		write(t, dir, "partials/data.yaml", "color: c"+string(rune('a'+i)))
	}
	r := h.waitFor("production", "the burst's render", func(Render) bool { return true })
	want := strings.Replace(baseOut, "color: blue", "color: ct", 1)
	if string(r.Output) != want {
		t.Errorf("first render after a burst of 20 saves = %q, want only the last save %q", r.Output, want)
	}
}

// TestValuesFile checks that changing an input re-renders with new values.
func TestValuesFile(t *testing.T) {
	t.Parallel()
	dir := setup(t, map[string]string{"app.yaml": "image: app:${TAG}\n", "values.env": "TAG=1"})
	vars := func(string) (map[string]string, error) {
		data, err := os.ReadFile(filepath.Join(dir, "values.env"))
		if err != nil {
			return nil, err
		}
		k, v, _ := strings.Cut(strings.TrimSpace(string(data)), "=")
		return map[string]string{k: v}, nil
	}
	h := start(t, dir, Options{Template: "app.yaml", Vars: vars, Inputs: []string{"values.env"}})
	h.waitOutput("default", "image: app:1\n")
	writeByRename(t, dir, "values.env", "TAG=2")
	h.waitOutput("default", "image: app:2\n")
	remove(t, dir, "values.env")
	h.waitFailed("default", "values.env")
	write(t, dir, "values.env", "TAG=3")
	h.waitOutput("default", "image: app:3\n")
}

// TestCheckFindings checks that the Check hook's findings are what is
// printed, in the form `eastern lint` prints them.
func TestCheckFindings(t *testing.T) {
	t.Parallel()
	dir := setup(t, baseTree)
	check := func(res *engine.Result, err error, ns string) diag.Findings {
		fs := diag.Collect(err)
		if err == nil && strings.Contains(string(res.Output), "green") {
			origin, _ := res.SourceMap.Origin(5)
			fs = append(fs, &diag.Finding{Severity: diag.Error, Rule: "test.green", Message: "green is not allowed", Pos: origin.Position(3), Chain: origin.Include.Chain(), Namespace: ns})
		}
		return fs
	}
	h := start(t, dir, Options{Template: "app.yaml", Namespaces: []string{"production"}, Check: check})
	r := h.waitOutput("production", baseOut)
	if len(r.Findings) != 0 {
		t.Fatalf("findings for a clean render: %v", r.Findings)
	}
	write(t, dir, "partials/data.yaml", "color: green")
	r = h.waitOutput("production", greenOut)
	if len(r.Findings) != 1 {
		t.Fatalf("findings = %v, want the one from Check", r.Findings)
	}
	var line strings.Builder
	report.WriteText(&line, r.Findings[:1], false)
	want := strings.TrimSuffix(line.String(), "\n")
	if !strings.HasPrefix(want, filepath.Join(dir, "partials/data.yaml")+":1:1: error: green is not allowed [test.green] (in production, via ") {
		t.Errorf("finding = %q, want it at partials/data.yaml:1:1 with its chain", want)
	}
	if !strings.Contains(h.stderr.String(), want+"\n") {
		t.Errorf("stderr = %q, want the line %q", h.stderr.String(), want)
	}
}

// TestStream checks the parseable output on a standard output that is not
// a terminal.
func TestStream(t *testing.T) {
	t.Parallel()
	dir := setup(t, map[string]string{"app.yaml": "a: 1\n"})
	now := time.Date(2026, 11, 23, 5, 40, 1, 0, time.UTC)
	h := start(t, dir, Options{Template: "app.yaml", Namespaces: []string{"dev"}, Debounce: 50 * time.Millisecond, Now: func() time.Time { return now }})
	h.waitOutput("dev", "a: 1\n")
	write(t, dir, "app.yaml", "# load! missing.yaml\n")
	h.waitFailed("dev", "missing.yaml")
	write(t, dir, "app.yaml", "a: 2")
	h.waitOutput("dev", "a: 2")
	want := "# eastern watch: 2026-11-23T05:40:01Z dev ok\na: 1\n" +
		"# eastern watch: 2026-11-23T05:40:01Z dev failed, 1 error\n" +
		"# eastern watch: 2026-11-23T05:40:01Z dev ok\na: 2\n"
	if got := h.stdout.String(); got != want {
		t.Errorf("stdout:\n%s\nwant:\n%s", got, want)
	}
}

// TestScreen checks the terminal screen: header, change summary, and the
// last good render kept on screen after a failure.
func TestScreen(t *testing.T) {
	t.Parallel()
	dir := setup(t, map[string]string{
		"app.yaml":  "kind: Service\nmetadata:\n  name: web\n---\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  # load! spec.yaml\n",
		"spec.yaml": "replicas: 1",
	})
	now := time.Date(2026, 11, 23, 5, 40, 1, 0, time.UTC)
	h := start(t, dir, Options{Template: "app.yaml", Namespaces: []string{"dev"}, Screen: true, Debounce: 50 * time.Millisecond, Now: func() time.Time { return now }})
	h.waitFor("dev", "the first render", func(r Render) bool { return r.OK })
	write(t, dir, "spec.yaml", "replicas: 2\npaused: true")
	h.waitFor("dev", "the edit", func(r Render) bool { return r.OK && strings.Contains(string(r.Output), "paused") })
	write(t, dir, "spec.yaml", "# load! nope.yaml")
	h.waitFailed("dev", "nope.yaml")
	screens := strings.Split(h.stdout.String(), clearScreen)
	if len(screens) != 4 || screens[0] != "" {
		t.Fatalf("want 3 screens, got %d: %q", len(screens)-1, h.stdout.String())
	}
	rule := "# " + strings.Repeat("─", 60) + "\n"
	first := "kind: Service\nmetadata:\n  name: web\n---\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 1\n"
	second := "kind: Service\nmetadata:\n  name: web\n---\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 2\n  paused: true\n"
	heads := []string{
		"# eastern watch · 05:40:01 · dev · ok · 2 files read, 1 directory watched\n",
		"# eastern watch · 05:40:01 · dev · ok · 2 files read, 1 directory watched\n# changed: Deployment/web +2 -1\n",
		"# eastern watch · 05:40:01 · dev · failed, 1 error · 2 files read, 1 directory watched\n# errors below; showing the good render from 05:40:01\n",
	}
	want := []string{
		heads[0] + rule + first + rule + heads[0],
		heads[1] + rule + second + rule + heads[1],
		heads[2] + rule + second + rule + heads[2],
	}
	for i, w := range want {
		if screens[i+1] != w {
			t.Errorf("screen %d:\n%s\nwant:\n%s", i+1, screens[i+1], w)
		}
	}
}

// TestScreenNamespaces checks that the screen shows every namespace, also
// those that a change did not render again, and repeats their headers last.
func TestScreenNamespaces(t *testing.T) {
	t.Parallel()
	dir := setup(t, map[string]string{"app.yaml": "ns: ${NAMESPACE}\n# load! env-${NAMESPACE}.yaml, env.yaml\n", "env.yaml": "env: shared"})
	now := time.Date(2026, 11, 23, 5, 40, 1, 0, time.UTC)
	h := start(t, dir, Options{Template: "app.yaml", Namespaces: []string{"a", "b"}, Screen: true, Now: func() time.Time { return now }})
	h.waitOutput("b", "ns: b\nenv: shared\n")
	writeByRename(t, dir, "env-a.yaml", "env: a")
	h.waitOutput("a", "ns: a\nenv: a\n")
	screens := strings.Split(h.stdout.String(), clearScreen)
	if len(screens) != 3 {
		t.Fatalf("want 2 screens, got %d: %q", len(screens)-1, h.stdout.String())
	}
	rule := "# " + strings.Repeat("─", 60) + "\n"
	headA := "# eastern watch · 05:40:01 · a · ok · 2 files read, 1 directory watched\n# changed: document 1 +1 -1\n"
	headB := "# eastern watch · 05:40:01 · b · ok · 2 files read, 1 directory watched\n"
	want := headA + rule + "ns: a\nenv: a\n" + "\n" + headB + rule + "ns: b\nenv: shared\n" + rule + headA + headB
	if screens[2] != want {
		t.Errorf("screen after a change to a:\n%s\nwant:\n%s", screens[2], want)
	}
}

// TestNewErrors checks the options New refuses.
func TestNewErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		opts Options
		want string
	}{
		{"no template", Options{}, "no template"},
		{"several namespaces, one file", Options{Template: "a.yaml", Namespaces: []string{"a", "b"}, Output: "out.yaml"}, "must contain ${NAMESPACE}"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := New(tt.opts)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("New() error = %v, want one containing %q", err, tt.want)
			}
			// The command line decides the exit code by the error's type.
			if _, ok := err.(*diag.UsageError); !ok {
				t.Errorf("New() error is a %T, want a *diag.UsageError", err)
			}
		})
	}
}

// TestOtherVars: a block-scalar variable that another namespace sets is a
// warning where it is unset; one that no namespace sets is a note.
func TestOtherVars(t *testing.T) {
	t.Parallel()
	dir := setup(t, map[string]string{"app.yaml": "run.sh: |\n  echo ${HOME} ${REGION}\n"})
	h := start(t, dir, Options{Template: "app.yaml", OtherVars: func() map[string]bool { return map[string]bool{"REGION": true} }})
	r := h.waitOutput("default", "run.sh: |\n  echo ${HOME} ${REGION}\n")
	var got []string
	for _, f := range r.Findings {
		got = append(got, f.Severity.String()+" "+f.Rule)
	}
	if want := "info render.block-variable, warning render.unset-variable"; strings.Join(got, ", ") != want {
		t.Errorf("findings = %v, want %s", got, want)
	}
}
