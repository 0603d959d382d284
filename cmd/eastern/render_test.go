package main

import (
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"testing"
)

// appTree is a small app: a root template whose load! prefers a
// namespace-specific partial.
var appTree = map[string]string{
	"app.yaml": `apiVersion: v1
kind: ConfigMap
metadata:
  name: web
  namespace: ${NAMESPACE}
data:
  # load! partials/data-${NAMESPACE}.yaml, partials/data.yaml
  tag: "${IMAGE_TAG}"
`,
	"partials/data.yaml":            "env: default\nnested: |\n  line\n",
	"partials/data-production.yaml": "env: production\n",
}

const productionOut = `apiVersion: v1
kind: ConfigMap
metadata:
  name: web
  namespace: production
data:
  env: production
  tag: "1.2.3"
`

const stagingOut = `apiVersion: v1
kind: ConfigMap
metadata:
  name: web
  namespace: staging
data:
  env: default
  nested: |
    line
  tag: "1.2.3"
`

func TestRender(t *testing.T) {
	dir := writeTree(t, t.TempDir(), appTree)
	appYAML := appTree["app.yaml"]
	tests := []struct {
		name  string
		stdin string
		args  []string
		want  string
	}{
		{"positional namespace", "", []string{"render", "app.yaml", "production", "-s", "IMAGE_TAG=1.2.3"}, productionOut},
		{"-n namespace", "", []string{"render", "app.yaml", "-n", "staging", "-s", "IMAGE_TAG=1.2.3"}, stagingOut},
		{"positional and -n agree", "", []string{"render", "app.yaml", "staging", "-n", "staging", "-s", "IMAGE_TAG=1.2.3"}, stagingOut},
		{"generate alias", "", []string{"generate", "app.yaml", "production", "-s", "IMAGE_TAG=1.2.3"}, productionOut},
		{"stdin as -", appYAML, []string{"render", "-", "production", "-s", "IMAGE_TAG=1.2.3"}, productionOut},
		{"stdin without TEMPLATE", appYAML, []string{"render", "-n", "staging", "-s", "IMAGE_TAG=1.2.3"}, stagingOut},
		{"empty value", "", []string{"render", "app.yaml", "production", "-s", "IMAGE_TAG="},
			strings.Replace(productionOut, `"1.2.3"`, `""`, 1)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stdout, stderr, code := runEastern(t, dir, tt.stdin, tt.args...)
			if code != exitOK {
				t.Fatalf("exit code %d, want 0; stderr:\n%s", code, stderr)
			}
			if stdout != tt.want {
				t.Errorf("stdout:\n%s\nwant:\n%s", stdout, tt.want)
			}
			if stderr != "" {
				t.Errorf("stderr = %q, want nothing", stderr)
			}
		})
	}
}

// The same template renders identically as a file, from standard input
// and under Project Eastern's command name.
func TestRenderFormsAgree(t *testing.T) {
	dir := writeTree(t, t.TempDir(), appTree)
	forms := [][]string{
		{"render", "app.yaml", "production"},
		{"generate", "app.yaml", "production"},
		{"render", "-", "production"},
		{"generate", "-n", "production"},
	}
	var first string
	for i, args := range forms {
		stdout, stderr, code := runEastern(t, dir, appTree["app.yaml"], append(args, "-s", "IMAGE_TAG=x", "-q")...)
		if code != exitOK || stdout == "" {
			t.Fatalf("%v: exit %d, stdout %q, stderr %s", args, code, stdout, stderr)
		}
		if i == 0 {
			first = stdout
		} else if stdout != first {
			t.Errorf("%v printed\n%s\nbut %v printed\n%s", args, stdout, forms[0], first)
		}
	}
}

// A template read from standard input resolves its load! paths from
// --base-dir, and messages call it <stdin>.
func TestRenderStdinBaseDir(t *testing.T) {
	dir := writeTree(t, t.TempDir(), map[string]string{
		"deploy/partials/data.yaml": "from: deploy\n",
		"partials/data.yaml":        "from: top\n",
	})
	tmpl := "data:\n  # load! partials/data.yaml\n  x: ${UNSET}\n"
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"working directory", []string{"render", "-"}, "data:\n  from: top\n  x: ${UNSET}\n"},
		{"--base-dir", []string{"render", "-", "--base-dir", "deploy"}, "data:\n  from: deploy\n  x: ${UNSET}\n"},
		{"--base-dir absolute", []string{"render", "--base-dir", filepath.Join(dir, "deploy")}, "data:\n  from: deploy\n  x: ${UNSET}\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stdout, stderr, code := runEastern(t, dir, tmpl, tt.args...)
			if code != exitOK {
				t.Fatalf("exit %d; stderr:\n%s", code, stderr)
			}
			if stdout != tt.want {
				t.Errorf("stdout = %q, want %q", stdout, tt.want)
			}
			if want := "<stdin>:3:6: warning: variable UNSET is not set [render.unset-variable]\n"; stderr != want {
				t.Errorf("stderr = %q, want %q", stderr, want)
			}
		})
	}
}

func TestRenderExitCodes(t *testing.T) {
	dir := writeTree(t, t.TempDir(), map[string]string{
		"app.yaml":     "a: 1\n",
		"missing.yaml": "a: 1\n  # load! nowhere.yaml, nowhere-${NAMESPACE}.yaml\n",
		"strict.yaml":  "a: ${NOPE}\n",
		"escape.yaml":  "# load! ../../etc/passwd\n",
		"cycle.yaml":   "x:\n  # load! cycle2.yaml\n",
		"cycle2.yaml":  "# load! cycle.yaml\n",
		"nul.yaml":     "a: \x00\n",
		"deep.yaml":    "a:\n  # load! missing.yaml\n",
		"values.yaml":  "A: 1\nnested:\n  b: 2\n",
	})
	tests := []struct {
		name  string
		args  []string
		code  int
		inErr string // stderr must contain this
	}{
		// Mistakes in the command line: exit 2, a one-line reason and a pointer to --help.
		{"no command", nil, exitUsage, "Usage:"},
		{"unknown command", []string{"rendr"}, exitUsage, `unknown command "rendr"`},
		{"unknown flag", []string{"render", "app.yaml", "--bogus"}, exitUsage, "unknown flag: --bogus"},
		{"-s without =", []string{"render", "app.yaml", "-s", "FOO"}, exitUsage, `-s "FOO": want KEY=VALUE`},
		{"-s NAMESPACE", []string{"render", "app.yaml", "-s", "NAMESPACE=x"}, exitUsage, "NAMESPACE is set by the NAMESPACE argument or -n"},
		{"-s bad name", []string{"render", "app.yaml", "-s", "1X=y"}, exitUsage, "is not a variable name"},
		{"namespace disagrees with -n", []string{"render", "app.yaml", "production", "-n", "staging"}, exitUsage, `namespace given twice: "production" and "staging"`},
		{"-n twice", []string{"render", "app.yaml", "-n", "a", "-n", "b"}, exitUsage, "namespace given twice"},
		{"too many arguments", []string{"render", "app.yaml", "production", "extra"}, exitUsage, "too many arguments"},
		{"--base-dir with a TEMPLATE", []string{"render", "app.yaml", "--base-dir", "."}, exitUsage, "--base-dir applies only"},
		{"--values missing", []string{"render", "app.yaml", "--values", "nope.yaml"}, exitUsage, "--values"},
		{"--values nested", []string{"render", "app.yaml", "--values", "values.yaml"}, exitUsage, "values.yaml:3: value of nested is not a plain value"},
		// Render errors: exit 1, the template's file:line.
		{"template missing", []string{"render", "nope.yaml"}, exitFailed, "nope.yaml: error: template does not exist"},
		{"load! missing", []string{"render", "missing.yaml"}, exitFailed, "missing.yaml:2:11: error: load!: none of the candidates exist: nowhere.yaml, nowhere-default.yaml [render.load-missing]"},
		{"load! missing in a partial", []string{"render", "deep.yaml"}, exitFailed, "missing.yaml:2:11: error: load!: none of the candidates exist: nowhere.yaml, nowhere-default.yaml [render.load-missing] (via deep.yaml:2 → missing.yaml:2)"},
		{"strict unset variable", []string{"render", "strict.yaml", "--strict"}, exitFailed, "strict.yaml:1:4: error: variable NOPE is not set [render.unset-variable]"},
		{"escape", []string{"render", "escape.yaml"}, exitFailed, "escape.yaml:1:9: error: load!: ../../etc/passwd is outside the root directory"},
		{"cycle", []string{"render", "cycle.yaml"}, exitFailed, "cycle2.yaml:1:9: error: load cycle: cycle.yaml:2 → cycle2.yaml:1 → cycle.yaml [render.cycle]"},
		{"NUL byte", []string{"render", "nul.yaml"}, exitFailed, "nul.yaml: error: template contains a NUL byte"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stdout, stderr, code := runEastern(t, dir, "", tt.args...)
			if code != tt.code {
				t.Errorf("exit code %d, want %d; stderr:\n%s", code, tt.code, stderr)
			}
			if stdout != "" {
				t.Errorf("stdout = %q, want nothing on failure", stdout)
			}
			if !strings.Contains(stderr, tt.inErr) {
				t.Errorf("stderr does not contain %q:\n%s", tt.inErr, stderr)
			}
			if strings.Contains(stderr, "goroutine ") || strings.Contains(stderr, "panic") {
				t.Errorf("stderr has a stack trace:\n%s", stderr)
			}
			if tt.code == exitUsage && len(tt.args) > 1 && !strings.Contains(stderr, "--help") {
				t.Errorf("usage error does not point to --help:\n%s", stderr)
			}
		})
	}
}

func TestRenderValues(t *testing.T) {
	dir := writeTree(t, t.TempDir(), map[string]string{
		"app.yaml": "version: ${VERSION}\nenabled: ${ENABLED}\nzip: ${ZIP}\nempty: '${EMPTY}'\nname: ${NAME}\n",
		// YAML would turn these into 1.1, true and 123; eastern keeps the text.
		"values.yaml": "VERSION: 1.10\nENABLED: yes\nZIP: \"0123\"\nEMPTY:\nNAME: 'web app'\n",
		"values.env":  "# comment\nVERSION=1.10\n\nENABLED=yes\nZIP=0123\nEMPTY=\nNAME=web app\n",
		"prod.env":    "VERSION=3.0\nNAME=prod app\n",
	})
	want := "version: 1.10\nenabled: yes\nzip: 0123\nempty: ''\nname: web app\n"
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"flat YAML map", []string{"--values", "values.yaml"}, want},
		{"KEY=VALUE lines", []string{"--values", "values.env"}, want},
		{"-s wins over --values", []string{"--values", "values.yaml", "-s", "VERSION=2.0"}, strings.Replace(want, "1.10", "2.0", 1)},
		{"-s wins whatever the order", []string{"-s", "VERSION=2.0", "--values", "values.env"}, strings.Replace(want, "1.10", "2.0", 1)},
		{"-f is --values, and a later file wins", []string{"-f", "values.yaml", "-f", "prod.env"},
			strings.NewReplacer("1.10", "3.0", "web app", "prod app").Replace(want)},
		{"-s wins over every file", []string{"-f", "values.yaml", "-s", "NAME=x", "--values", "prod.env"},
			strings.NewReplacer("1.10", "3.0", "web app", "x").Replace(want)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stdout, stderr, code := runEastern(t, dir, "", append([]string{"render", "app.yaml"}, tt.args...)...)
			if code != exitOK || stderr != "" {
				t.Fatalf("exit %d; stderr:\n%s", code, stderr)
			}
			if stdout != tt.want {
				t.Errorf("stdout:\n%s\nwant:\n%s", stdout, tt.want)
			}
		})
	}
}

func TestRenderWarnings(t *testing.T) {
	dir := writeTree(t, t.TempDir(), map[string]string{
		"app.yaml":   "a: ${A}\nb:\n  # load! p.yaml\n",
		"p.yaml":     "c: ${C}\n",
		"values.env": "",
	})
	const want = "a: ${A}\nb:\n  c: ${C}\n"
	const warnings = "app.yaml:1:4: warning: variable A is not set [render.unset-variable]\n" +
		"p.yaml:1:4: warning: variable C is not set [render.unset-variable] (via app.yaml:3 → p.yaml:1)\n"
	tests := []struct {
		name       string
		args       []string
		wantStderr string
	}{
		{"warnings on stderr", []string{"render", "app.yaml"}, warnings},
		{"-q", []string{"render", "app.yaml", "-q"}, ""},
		{"--quiet", []string{"render", "--quiet", "app.yaml"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stdout, stderr, code := runEastern(t, dir, "", tt.args...)
			if code != exitOK {
				t.Fatalf("exit %d, want 0 (warnings do not fail a render); stderr:\n%s", code, stderr)
			}
			if stdout != want {
				t.Errorf("stdout = %q, want %q", stdout, want)
			}
			if stderr != tt.wantStderr {
				t.Errorf("stderr = %q, want %q", stderr, tt.wantStderr)
			}
		})
	}
}

func TestVersion(t *testing.T) {
	for _, arg := range []string{"--version", "version"} {
		stdout, stderr, code := runEastern(t, t.TempDir(), "", arg)
		want := "eastern " + testVersion + " (commit " + testCommit[:12] + ", " + runtime.Version() + ")\n"
		if code != exitOK || stdout != want || stderr != "" {
			t.Errorf("eastern %s: exit %d, stdout %q, stderr %q; want 0, %q, nothing", arg, code, stdout, stderr, want)
		}
	}
}

func TestRenderOutputFile(t *testing.T) {
	tests := []struct {
		name     string
		umask    string
		existing fs.FileMode // 0: no previous file
		wantMode fs.FileMode
	}{
		{"new file gets 0666 less the umask", "027", 0, 0o640},
		{"new file, umask 022", "022", 0, 0o644},
		{"existing 0600 keeps its mode", "022", 0o600, 0o600},
		{"existing 0644 keeps its mode under umask 077", "077", 0o644, 0o644},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := writeTree(t, t.TempDir(), appTree)
			out := filepath.Join(dir, "out", "rendered.yaml")
			if err := os.Mkdir(filepath.Dir(out), 0o755); err != nil {
				t.Fatal(err)
			}
			if tt.existing != 0 {
				if err := os.WriteFile(out, []byte("old\n"), tt.existing); err != nil {
					t.Fatal(err)
				}
				if err := os.Chmod(out, tt.existing); err != nil {
					t.Fatal(err)
				}
			}
			cmd := exec.Command("sh", "-c", `umask `+tt.umask+`; exec "$0" "$@"`,
				easternPath, "render", "app.yaml", "production", "-s", "IMAGE_TAG=1.2.3", "--output-file", "out/rendered.yaml")
			cmd.Dir = dir
			stdout, stderr, code := runCommand(t, cmd, "")
			if code != exitOK || stdout != "" || stderr != "" {
				t.Fatalf("exit %d, stdout %q, stderr %q; want 0 and silence", code, stdout, stderr)
			}
			data, err := os.ReadFile(out)
			if err != nil {
				t.Fatal(err)
			}
			if string(data) != productionOut {
				t.Errorf("file holds\n%s\nwant\n%s", data, productionOut)
			}
			info, err := os.Stat(out)
			if err != nil {
				t.Fatal(err)
			}
			if got := info.Mode().Perm(); got != tt.wantMode {
				t.Errorf("mode %04o, want %04o", got, tt.wantMode)
			}
			if names := dirNames(t, filepath.Dir(out)); !slices.Equal(names, []string{"rendered.yaml"}) {
				t.Errorf("directory holds %v, want only rendered.yaml", names)
			}
		})
	}
}

// A failed render leaves a previous -o file exactly as it was, and no
// temporary file beside it.
func TestRenderOutputFileUntouchedOnError(t *testing.T) {
	previous := []byte("previous: render\n\x00 any bytes at all \xff\n")
	tests := []struct {
		name string
		args []string
		code int
	}{
		{"missing load!", []string{"render", "broken.yaml", "--output-file", "out/rendered.yaml"}, exitFailed},
		{"strict unset variable", []string{"render", "app.yaml", "--strict", "--output-file", "out/rendered.yaml"}, exitFailed},
		{"usage error", []string{"render", "app.yaml", "-s", "BAD", "--output-file", "out/rendered.yaml"}, exitUsage},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := writeTree(t, t.TempDir(), appTree)
			writeTree(t, dir, map[string]string{"broken.yaml": "a: 1\n# load! gone.yaml\n"})
			out := filepath.Join(dir, "out", "rendered.yaml")
			if err := os.Mkdir(filepath.Dir(out), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(out, previous, 0o600); err != nil {
				t.Fatal(err)
			}
			before, err := os.Stat(out)
			if err != nil {
				t.Fatal(err)
			}
			stdout, stderr, code := runEastern(t, dir, "", tt.args...)
			if code != tt.code || stdout != "" || stderr == "" {
				t.Fatalf("exit %d, stdout %q, stderr %q; want %d, nothing, a reason", code, stdout, stderr, tt.code)
			}
			data, err := os.ReadFile(out)
			if err != nil {
				t.Fatal(err)
			}
			if string(data) != string(previous) {
				t.Errorf("previous file changed to %q", data)
			}
			after, err := os.Stat(out)
			if err != nil {
				t.Fatal(err)
			}
			if !os.SameFile(before, after) || after.Mode() != before.Mode() || !after.ModTime().Equal(before.ModTime()) {
				t.Errorf("previous file was replaced or touched: %v %v → %v %v", before.Mode(), before.ModTime(), after.Mode(), after.ModTime())
			}
			if names := dirNames(t, filepath.Dir(out)); !slices.Equal(names, []string{"rendered.yaml"}) {
				t.Errorf("directory holds %v, want only rendered.yaml", names)
			}
		})
	}
}

func TestRenderOutputFileUnwritable(t *testing.T) {
	dir := writeTree(t, t.TempDir(), appTree)
	// A parent that is a file cannot become a directory.
	writeTree(t, dir, map[string]string{"no": "a file\n"})
	stdout, stderr, code := runEastern(t, dir, "", "render", "app.yaml", "-q", "--output-file", "no/dir/out.yaml")
	if code != exitFailed || stdout != "" {
		t.Errorf("exit %d, stdout %q; want 1 and nothing", code, stdout)
	}
	if !strings.HasPrefix(stderr, "eastern render: writing no/dir/out.yaml") || strings.Count(stderr, "\n") != 1 {
		t.Errorf("stderr = %q, want one line naming the output file", stderr)
	}
}

// `eastern render big.yaml | head -1` must end quietly: SIGPIPE or a
// non-zero exit, never a panic or a stack trace.
func TestRenderClosedStdout(t *testing.T) {
	var big strings.Builder
	big.WriteString("items:\n")
	for range 200_000 {
		big.WriteString("  - name: item-${NAMESPACE}\n")
	}
	dir := writeTree(t, t.TempDir(), map[string]string{"big.yaml": big.String()})

	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd := easternCommand(dir, "render", "big.yaml", "production")
	var stderr strings.Builder
	cmd.Stdout = w
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	w.Close()
	first := make([]byte, len("items:\n"))
	if _, err := io.ReadFull(r, first); err != nil || string(first) != "items:\n" {
		t.Fatalf("first line %q, %v", first, err)
	}
	r.Close() // what head does after its first line
	err = cmd.Wait()
	if err == nil {
		t.Fatalf("eastern exited 0 although its output could not be written")
	}
	exit, ok := err.(*exec.ExitError)
	if !ok {
		t.Fatalf("wait: %v", err)
	}
	ws := exit.Sys().(syscall.WaitStatus)
	if !(ws.Signaled() && ws.Signal() == syscall.SIGPIPE) && ws.ExitStatus() == 0 {
		t.Errorf("ended with %v, want SIGPIPE or a non-zero exit", ws)
	}
	if s := stderr.String(); strings.Contains(s, "panic") || strings.Contains(s, "goroutine ") {
		t.Errorf("stderr has a stack trace:\n%s", s)
	}
}

// dirNames lists dir's entries, hidden ones included.
func dirNames(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	names := make([]string, len(entries))
	for i, e := range entries {
		names[i] = e.Name()
	}
	return names
}

// newTestApp is an app on in-memory streams with the given terminal flags
// and environment, for what the end-to-end tests cannot fake: terminals.
func newTestApp(stdin string, stdinTerminal, stderrTerminal bool, env map[string]string) (a *app, stdout, stderr *strings.Builder) {
	stdout, stderr = new(strings.Builder), new(strings.Builder)
	return &app{
		stdin:          strings.NewReader(stdin),
		stdout:         stdout,
		stderr:         stderr,
		stdinTerminal:  stdinTerminal,
		stderrTerminal: stderrTerminal,
		getenv:         func(k string) string { return env[k] },
	}, stdout, stderr
}

func TestRenderNoTemplateFromTerminal(t *testing.T) {
	// One positional argument would be the TEMPLATE, so name the namespace with -n.
	a, stdout, stderr := newTestApp("a: 1\n", true, true, nil)
	if code := a.run([]string{"render", "-n", "production"}); code != exitUsage {
		t.Errorf("exit %d, want %d", code, exitUsage)
	}
	if stdout.Len() != 0 {
		t.Errorf("stdout = %q, want nothing", stdout)
	}
	if !strings.Contains(stderr.String(), "no TEMPLATE given and standard input is a terminal") {
		t.Errorf("stderr = %q", stderr)
	}
	// "-" says the user means standard input, terminal or not.
	a, stdout, _ = newTestApp("a: ${NAMESPACE}\n", true, true, nil)
	if code := a.run([]string{"render", "-", "production"}); code != exitOK || stdout.String() != "a: production\n" {
		t.Errorf("render - from a terminal: exit %d, stdout %q", code, stdout)
	}
}

func TestRenderColor(t *testing.T) {
	dir := writeTree(t, t.TempDir(), map[string]string{"app.yaml": "a: ${A}\n"})
	tmpl := filepath.Join(dir, "app.yaml")
	tests := []struct {
		name      string
		terminal  bool
		env       map[string]string
		wantColor bool
	}{
		{"terminal", true, map[string]string{"TERM": "xterm-256color"}, true},
		{"terminal without TERM", true, nil, true},
		{"NO_COLOR", true, map[string]string{"NO_COLOR": "1"}, false},
		{"TERM=dumb", true, map[string]string{"TERM": "dumb"}, false},
		{"not a terminal", false, map[string]string{"TERM": "xterm"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, stdout, stderr := newTestApp("", false, tt.terminal, tt.env)
			if code := a.run([]string{"render", tmpl}); code != exitOK {
				t.Fatalf("exit %d; stderr %q", code, stderr)
			}
			if stdout.String() != "a: ${A}\n" {
				t.Errorf("stdout = %q", stdout)
			}
			if got := strings.Contains(stderr.String(), "\x1b["); got != tt.wantColor {
				t.Errorf("colour = %v, want %v: %q", got, tt.wantColor, stderr)
			}
			if !strings.Contains(stderr.String(), "app.yaml:1:4: ") {
				t.Errorf("stderr = %q, want the warning's position", stderr)
			}
		})
	}
}

func TestRenderOutputCreatesDirectories(t *testing.T) {
	dir := writeTree(t, t.TempDir(), appTree)
	stdout, stderr, code := runEastern(t, dir, "", "render", "app.yaml", "-q", "--output-file", "rendered/prod/out.yaml")
	if code != exitOK || stdout != "" || stderr != "" {
		t.Fatalf("exit %d, stdout %q, stderr %q; want 0 and silence", code, stdout, stderr)
	}
	want, _, _ := runEastern(t, dir, "", "render", "app.yaml", "-q")
	if got, err := os.ReadFile(filepath.Join(dir, "rendered/prod/out.yaml")); err != nil || string(got) != want {
		t.Errorf("written file = %q, %v; want the rendered output", got, err)
	}
}

// TestRenderBlockVariables: in a block scalar, a variable that no
// namespace of the config sets is a note; one that another namespace's
// values set is a warning where it is unset.
func TestRenderBlockVariables(t *testing.T) {
	dir := writeTree(t, t.TempDir(), map[string]string{
		".eastern.yaml": "namespaces:\n  production: {values: {REGION: eu}}\n  staging: {}\n",
		"app.yaml":      "run.sh: |\n  echo ${HOME} ${REGION}\n",
	})
	stdout, stderr, code := runEastern(t, dir, "", "render", "app.yaml", "staging")
	if code != exitOK || stdout != "run.sh: |\n  echo ${HOME} ${REGION}\n" {
		t.Fatalf("exit %d, stdout %q; stderr:\n%s", code, stdout, stderr)
	}
	want := "app.yaml:2:8: info: ${HOME} in a YAML block scalar: no render sets HOME, so it stays as written; write $${HOME} if it is meant for a shell or a dashboard [render.block-variable]\n" +
		"app.yaml:2:16: warning: variable REGION is not set [render.unset-variable]\n"
	if stderr != want {
		t.Errorf("stderr:\n%s\nwant:\n%s", stderr, want)
	}
}
