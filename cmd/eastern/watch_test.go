package main

import (
	"bufio"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// watchWait bounds every wait on a running `eastern watch`.
const watchWait = 15 * time.Second

func TestWatchUsageErrors(t *testing.T) {
	dir := writeTree(t, t.TempDir(), map[string]string{"app.yaml": "a: 1\n", "bad.env": "not a values line\n"})
	tmpl := filepath.Join(dir, "app.yaml")
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"no template", []string{"watch"}, "no TEMPLATE given"},
		{"standard input", []string{"watch", "-"}, "cannot watch standard input"},
		{"too many arguments", []string{"watch", tmpl, "a", "b"}, "too many arguments"},
		{"namespace twice", []string{"watch", tmpl, "prod", "-n", "dev"}, `namespace given twice: "prod" and "dev"`},
		{"one file for two namespaces", []string{"watch", tmpl, "-n", "a,b", "--output-file", "out.yaml"}, "output out.yaml must contain ${NAMESPACE} to hold 2 namespaces"},
		{"bad -s", []string{"watch", tmpl, "-s", "novalue"}, `-s "novalue": want KEY=VALUE`},
		{"bad values file", []string{"watch", tmpl, "--values", filepath.Join(dir, "bad.env")}, filepath.Join(dir, "bad.env") + ":1: want a flat YAML map or KEY=VALUE lines"},
		{"missing values file", []string{"watch", tmpl, "--values", filepath.Join(dir, "none.env")}, "--values: open"},
		{"unknown release", []string{"watch", tmpl, "--kube-version", "0.9"}, "--kube-version: unknown Kubernetes release"},
		{"missing config", []string{"watch", tmpl, "--config", filepath.Join(dir, "none.yaml")}, "--config " + filepath.Join(dir, "none.yaml") + ": no such file"},
		{"lint flags without lint", []string{"watch", tmpl, "--no-lint", "--kube-version", "1.29"}, "--kube-version, --strict-kinds and --crds have no effect with --no-lint"},
		{"debounce", []string{"watch", tmpl, "--debounce", "0s"}, "--debounce must be positive"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, stdout, stderr := newTestApp("", false, false, nil)
			if code := a.run(tt.args); code != exitUsage {
				t.Errorf("exit %d, want %d; stderr %q", code, exitUsage, stderr)
			}
			if stdout.Len() != 0 {
				t.Errorf("stdout = %q, want nothing", stdout)
			}
			want := "eastern watch: " + tt.want
			if !strings.HasPrefix(stderr.String(), want) || !strings.Contains(stderr.String(), "Run 'eastern watch --help' for usage.") {
				t.Errorf("stderr = %q, want it to start with %q", stderr, want)
			}
		})
	}
}

// TestWatchScreen: the terminal screen is for a standard output that is a
// terminal, as the app says, and never with -o.
func TestWatchScreen(t *testing.T) {
	tmpl := filepath.Join(writeTree(t, t.TempDir(), map[string]string{"app.yaml": "a: 1\n"}), "app.yaml")
	tests := []struct {
		stdoutTerminal bool
		output         string
		screen         bool
	}{
		{true, "", true},
		{false, "", false},
		{true, "out.yaml", false},
	}
	for _, tt := range tests {
		a, _, _ := newTestApp("", false, false, nil)
		a.stdoutTerminal = tt.stdoutTerminal
		c := watchCmd{out: output{format: "yaml", file: tt.output}, noLint: true, debounce: time.Second}
		opts, err := c.options(a, []string{tmpl})
		if err != nil {
			t.Fatal(err)
		}
		if opts.Screen != tt.screen {
			t.Errorf("stdout terminal %v, -o %q: Screen = %v, want %v", tt.stdoutTerminal, tt.output, opts.Screen, tt.screen)
		}
	}
}

// TestWatchWithoutWorkingDirectory: a working directory that has been
// deleted is not a mistake on the command line, so no usage hint and exit 1.
func TestWatchWithoutWorkingDirectory(t *testing.T) {
	tmpl := filepath.Join(writeTree(t, t.TempDir(), map[string]string{"app.yaml": "a: 1\n"}), "app.yaml")
	gone := filepath.Join(t.TempDir(), "gone")
	if err := os.Mkdir(gone, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Chdir(gone)
	if err := os.Remove(gone); err != nil {
		t.Fatal(err)
	}
	a, _, stderr := newTestApp("", false, false, nil)
	if code := a.run([]string{"watch", tmpl, "--no-lint"}); code != exitFailed {
		t.Errorf("exit %d, want %d; stderr %q", code, exitFailed, stderr)
	}
	if !strings.HasPrefix(stderr.String(), "eastern watch: finding the working directory: ") || strings.Contains(stderr.String(), "--help") {
		t.Errorf("stderr = %q, want the working-directory error without a usage hint", stderr)
	}
}

func TestWatchHelp(t *testing.T) {
	a, stdout, _ := newTestApp("", false, false, nil)
	if code := a.run([]string{"watch", "--help"}); code != exitOK {
		t.Fatalf("exit %d", code)
	}
	for _, want := range []string{"eastern watch TEMPLATE [NAMESPACE]", "--output", "--no-lint", "--kube-version", "--values", "--debounce"} {
		if !strings.Contains(stdout.String(), want) {
			t.Errorf("help lacks %q:\n%s", want, stdout)
		}
	}
}

// waitForFile polls path until its content satisfies ok. Polling is only for
// the end-to-end tests, which see the watcher from outside.
func waitForFile(t *testing.T, path, what string, ok func(string) bool) string {
	t.Helper()
	deadline := time.Now().Add(watchWait)
	for {
		data, err := os.ReadFile(path)
		if err == nil && ok(string(data)) {
			return string(data)
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: no %s within %v (last content %q, err %v)", path, what, watchWait, data, err)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// waitForText polls a child's stderr until it contains want.
func waitForText(t *testing.T, b *lockedBuilder, want string) {
	t.Helper()
	deadline := time.Now().Add(watchWait)
	for !strings.Contains(b.String(), want) {
		if time.Now().After(deadline) {
			t.Fatalf("stderr lacks %q after %v:\n%s", want, watchWait, b.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// cpuTicks returns the user+system CPU time of process pid in clock ticks.
func cpuTicks(t *testing.T, pid int) int {
	t.Helper()
	data, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		t.Fatalf("reading CPU time: %v", err)
	}
	// Fields after the command name, which is in parentheses: utime and
	// stime are fields 14 and 15 of the whole line.
	fields := strings.Fields(string(data[strings.LastIndexByte(string(data), ')')+2:]))
	utime, err1 := strconv.Atoi(fields[11])
	stime, err2 := strconv.Atoi(fields[12])
	if err1 != nil || err2 != nil {
		t.Fatalf("parsing %s", data)
	}
	return utime + stime
}

// TestWatchEndToEnd runs the real binary with --output-file, edits files the way
// editors do, checks the output file follows, that an idle watch uses no
// CPU, and that SIGINT ends it with exit 0 and no temporary files.
func TestWatchEndToEnd(t *testing.T) {
	dir := writeTree(t, t.TempDir(), map[string]string{
		"app.yaml":           "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web\ndata:\n  # load! partials/data.yaml\n  # load! overrides/env-${NAMESPACE}.yaml, overrides/env.yaml\n",
		"partials/data.yaml": "color: blue",
		"overrides/env.yaml": "env: shared",
	})
	out := filepath.Join(dir, "rendered", "production.yaml")
	if err := os.Mkdir(filepath.Dir(out), 0o755); err != nil {
		t.Fatal(err)
	}
	cmd, stdout, stderr := startEastern(t, dir, "watch", "app.yaml", "production", "--output-file", "rendered/production.yaml")
	exited := make(chan error, 1)
	status := make(chan string, 100)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			status <- sc.Text()
		}
		close(status)
		exited <- cmd.Wait()
	}()
	nextStatus := func(want string) {
		t.Helper()
		select {
		case line, ok := <-status:
			if !ok || !strings.Contains(line, want) {
				t.Fatalf("status line %q (open %v), want one containing %q; stderr:\n%s", line, ok, want, stderr.String())
			}
		case <-time.After(watchWait):
			t.Fatalf("no status line containing %q within %v", want, watchWait)
		}
	}

	base := "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web\ndata:\n  color: blue\n  env: shared\n"
	waitForFile(t, out, "first render", func(s string) bool { return s == base })
	nextStatus("production ok")

	// Idle: no events, so no CPU. Measure over a second.
	before := cpuTicks(t, cmd.Process.Pid)
	<-time.After(time.Second)
	idle := cpuTicks(t, cmd.Process.Pid) - before
	t.Logf("CPU used while idle for 1s: %d clock ticks", idle)
	if idle > 1 {
		t.Errorf("idle watch used %d clock ticks of CPU in 1s, want none", idle)
	}

	// A higher-priority override appears: the output switches to it.
	writeTree(t, dir, map[string]string{"overrides/env-production.yaml": "env: production"})
	prod := strings.Replace(base, "env: shared", "env: production", 1)
	waitForFile(t, out, "override", func(s string) bool { return s == prod })
	nextStatus("wrote rendered/production.yaml: ConfigMap/web +1 -1")

	// Saved by rename, as vim does.
	tmp := filepath.Join(dir, "partials", ".data.yaml.swp")
	if err := os.WriteFile(tmp, []byte("color: green"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, filepath.Join(dir, "partials", "data.yaml")); err != nil {
		t.Fatal(err)
	}
	green := strings.Replace(prod, "color: blue", "color: green", 1)
	waitForFile(t, out, "renamed save", func(s string) bool { return s == green })
	nextStatus("wrote rendered/production.yaml")

	// A broken partial: reported at its own line, and the file keeps the
	// last good render.
	writeTree(t, dir, map[string]string{"partials/data.yaml": "# load! gone.yaml"})
	nextStatus("production failed, 1 error: rendered/production.yaml keeps the render from")
	if got := readFileString(t, out); got != green {
		t.Errorf("after a failed render the file holds %q, want the last good %q", got, green)
	}
	waitForText(t, stderr, "partials/data.yaml:1:9: error: load!: none of the candidates exist: partials/gone.yaml [render.load-missing] (in production, ")
	if !strings.Contains(stderr.String(), "via app.yaml:6 → partials/data.yaml:1)\n") {
		t.Errorf("stderr lacks the include chain:\n%s", stderr.String())
	}

	// Invalid YAML renders, and lint reports it at the template line.
	writeTree(t, dir, map[string]string{"partials/data.yaml": "color: [blue"})
	waitForFile(t, out, "invalid YAML render", func(s string) bool { return strings.Contains(s, "color: [blue") })
	nextStatus("wrote rendered/production.yaml")
	waitForText(t, stderr, "[yaml.syntax] (in production, k8s ")
	if !strings.Contains(stderr.String(), "partials/data.yaml:1: error: ") {
		t.Errorf("stderr lacks lint's finding at the partial's line:\n%s", stderr.String())
	}

	// Creating .eastern.yaml re-renders and checks against its release.
	writeTree(t, dir, map[string]string{".eastern.yaml": "kubeVersion: \"1.29\"\n"})
	nextStatus("production ok, 1 error: rendered/production.yaml unchanged")
	waitForText(t, stderr, "[yaml.syntax] (in production, k8s 1.29, ")

	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-exited:
		if err != nil {
			t.Errorf("eastern watch after SIGINT: %v, want exit 0; stderr:\n%s", err, stderr.String())
		}
	case <-time.After(watchWait):
		t.Fatalf("eastern watch did not exit within %v of SIGINT", watchWait)
	}
	if names := dirNames(t, filepath.Dir(out)); len(names) != 1 || names[0] != "production.yaml" {
		t.Errorf("rendered/ holds %v after exit, want only production.yaml", names)
	}
}

// TestWatchStream runs the binary without -o: standard output is a pipe, so
// renders follow each other with a separator line, and SIGTERM ends it.
func TestWatchStream(t *testing.T) {
	dir := writeTree(t, t.TempDir(), map[string]string{"app.yaml": "a: ${NAMESPACE}\n# load! b.yaml\n", "b.yaml": "b: 1"})
	cmd := easternCommand(dir, "watch", "app.yaml", "-n", "dev,prod", "--no-lint")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill() })
	lines := make(chan string, 100)
	exited := make(chan error, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
		exited <- cmd.Wait()
	}()
	// expect reads one render: the separator, then its lines.
	expect := func(ns string, body ...string) {
		t.Helper()
		want := append([]string{"# eastern watch: * " + ns + " ok"}, body...)
		for _, w := range want {
			select {
			case got := <-lines:
				prefix, suffix, _ := strings.Cut(w, "*")
				if !strings.HasPrefix(got, prefix) || !strings.HasSuffix(got, suffix) {
					t.Fatalf("stdout line %q, want %q", got, w)
				}
			case <-time.After(watchWait):
				t.Fatalf("no stdout line %q within %v", w, watchWait)
			}
		}
	}
	expect("dev", "a: dev", "b: 1")
	expect("prod", "a: prod", "b: 1")
	writeTree(t, dir, map[string]string{"b.yaml": "b: 2"})
	expect("dev", "a: dev", "b: 2")
	expect("prod", "a: prod", "b: 2")
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-exited:
		if err != nil {
			t.Errorf("eastern watch after SIGTERM: %v, want exit 0", err)
		}
	case <-time.After(watchWait):
		t.Fatalf("eastern watch did not exit within %v of SIGTERM", watchWait)
	}
}

// lockedBuilder collects a child's stderr, which exec copies from its own
// goroutine while the test reads it.
type lockedBuilder struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedBuilder) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuilder) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func readFileString(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// startEastern starts the built binary in dir with args, for tests that
// read its output while it runs (eastern watch): its standard output as a
// pipe, its standard error collected. The test's end kills it.
func startEastern(t *testing.T, dir string, args ...string) (*exec.Cmd, io.Reader, *lockedBuilder) {
	t.Helper()
	cmd := easternCommand(dir, args...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	stderr := &lockedBuilder{}
	cmd.Stderr = stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill() })
	return cmd, stdout, stderr
}

// The CRDs of --crds are read for every check: a change to one, or a CRD
// added to the directory, checks the renders again without an edit to the
// template.
func TestWatchRechecksWhenCRDsChange(t *testing.T) {
	crd := func(sizeType string) string {
		return "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata: {name: widgets.example.com}\nspec:\n" +
			"  group: example.com\n  names: {kind: Widget, plural: widgets, singular: widget, listKind: WidgetList}\n  scope: Namespaced\n" +
			"  versions:\n  - name: v1\n    served: true\n    storage: true\n    schema:\n      openAPIV3Schema:\n        type: object\n" +
			"        properties:\n          spec:\n            type: object\n            properties:\n              size: {type: " + sizeType + "}\n"
	}
	dir := writeTree(t, t.TempDir(), map[string]string{
		"crds/widget.yaml": crd("integer"),
		"app.yaml":         "apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\nspec:\n  size: 3\n",
	})
	cmd, stdout, stderr := startEastern(t, dir, "watch", "app.yaml", "--crds", "crds", "--output-file", "out.yaml")
	status := make(chan string, 100)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			status <- sc.Text()
		}
		close(status)
	}()
	nextStatus := func(want string) {
		t.Helper()
		select {
		case line, ok := <-status:
			if !ok || !strings.Contains(line, want) {
				t.Fatalf("status line %q (open %v), want one containing %q; stderr:\n%s", line, ok, want, stderr.String())
			}
		case <-time.After(watchWait):
			t.Fatalf("no status line containing %q within %v; stderr:\n%s", want, watchWait, stderr.String())
		}
	}
	nextStatus("default ok")
	// The CRD now wants a string: the unchanged render is checked again.
	writeTree(t, dir, map[string]string{"crds/widget.yaml": crd("string")})
	nextStatus("default ok, 1 error: out.yaml unchanged")
	waitForText(t, stderr, "[crd.type]")
	// A CRD file of its own below the directory, for another kind: the
	// watch sees files added at any depth.
	gadget := strings.ReplaceAll(crd("integer"), "idget", "adget")
	writeTree(t, dir, map[string]string{"crds/more/gadget.yaml": gadget})
	nextStatus("default ok, 1 error: out.yaml unchanged")
	// An edit down there counts too.
	writeTree(t, dir, map[string]string{"crds/more/gadget.yaml": gadget + "# edited\n"})
	nextStatus("default ok, 1 error: out.yaml unchanged")
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
}
