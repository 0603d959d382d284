package doctest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// docEnv is the environment every documented command runs with: the
// variables CI systems set, so that examples can use them as they would in
// a real pipeline.
var docEnv = []string{
	"NO_COLOR=1",
	"GIT_COMMIT=3f2c1ab9d0e1",     // Jenkins
	"GITHUB_SHA=3f2c1ab9d0e1",     // GitHub Actions
	"CI_COMMIT_SHA=3f2c1ab9d0e1",  // GitLab
	"CI_COMMIT_SHORT_SHA=3f2c1ab", // GitLab
}

// watchRunTime is how long a documented `eastern watch` runs before the
// test stops it with Ctrl-C (SIGINT), as its reader would.
const watchRunTime = 1500 * time.Millisecond

// TestDocCommands runs every eastern command shown in README.md and docs/
// against the built binary and checks its exit code and, where the docs
// show it, its output. Commands of other tools (kubectl, go, make,
// pre-commit) are shown as they are and not run; in a pipeline, the eastern
// part runs.
func TestDocCommands(t *testing.T) {
	var total atomic.Int64
	t.Run("files", func(t *testing.T) {
		for _, file := range docFiles(t) {
			t.Run(strings.TrimSuffix(filepath.Base(file), ".md"), func(t *testing.T) {
				t.Parallel() // each command runs in a directory of its own
				n := runDocFile(t, file)
				t.Logf("%s: ran %d eastern commands", file, n)
				total.Add(int64(n))
			})
		}
	})
	if total.Load() == 0 {
		t.Fatal("no eastern command found in README.md or docs/")
	}
}

// runDocFile runs the commands of one Markdown file in order. Files shown
// with a file= marker belong to their section: they are written into the
// working directory of the commands that follow them in that section.
func runDocFile(t *testing.T, file string) int {
	blocks := readBlocks(t, file)
	if usesCluster(blocks) {
		// One file at a time: documented deploys share the cluster's
		// namespaces, and a file's examples follow on from each other.
		cluster.mu.Lock()
		defer cluster.mu.Unlock()
	}
	var (
		sectionFiles = map[string][]block{}
		last         *commandRun
		ran          int
	)
	for _, b := range blocks {
		switch {
		case b.marker.file != "":
			sectionFiles[b.section] = append(sectionFiles[b.section], b)
		case b.marker.output:
			if last == nil {
				t.Errorf("%s: an output block with no eastern command before it", b)
				continue
			}
			if isCluster(last.command) && !cluster.live {
				continue // what it prints is checked under make e2e
			}
			if got, want := strings.TrimRight(last.output, "\n"), strings.TrimRight(b.text, "\n"); got != want {
				t.Errorf("%s: `%s` printed:\n%s\nwhile the docs show:\n%s", b, last.command, got, want)
			}
		case b.lang == "go" && strings.HasPrefix(b.text, "package main"):
			last = runGoSnippet(t, b, workDir(t, b, sectionFiles[b.section]))
			ran++
			if last.code != b.marker.exit {
				t.Errorf("%s: the Go program exited with %d, want %d; it printed:\n%s", b, last.code, b.marker.exit, last.output)
			}
		default:
			cmds := easternCommands(b)
			if len(cmds) == 0 {
				continue
			}
			if b.lang == "" {
				t.Errorf("%s: a code block with eastern commands needs a language (sh)", b)
			}
			// The commands of one block share a working directory, as they
			// would for a reader typing them one after the other.
			dir := workDir(t, b, sectionFiles[b.section])
			for _, c := range cmds {
				run := runDocCommand(t, dir, c)
				if !isEastern(c) {
					if run.code != 0 {
						t.Errorf("%s: setup command `%s` failed: %s", b, c, run.output)
					}
					continue
				}
				ran++
				if isCluster(c) && !cluster.live {
					// Rendered and parsed, it must get as far as the
					// cluster: that is all that can run here.
					if run.code == 0 || !strings.Contains(run.output, "cannot reach the cluster") {
						t.Errorf("%s: `%s` without a cluster exited with %d; want the cluster unreachable, after its render:\n%s", b, c, run.code, run.output)
					}
					last = run
					continue
				}
				if run.code != b.marker.exit {
					t.Errorf("%s: `%s` exited with %d, want %d; it printed:\n%s", b, c, run.code, b.marker.exit, run.output)
				}
				// A watch keeps running after a failed render, so its exit
				// code says little: what it printed must show no error.
				if isWatch(c) && strings.Contains(run.output, "error") && b.marker.exit == 0 {
					t.Errorf("%s: `%s` reported an error:\n%s", b, c, run.output)
				}
				last = run
			}
		}
	}
	return ran
}

// workDir makes a fresh working directory for one command: a copy of the
// repository (or of the block's dir= fixture) plus the section's files.
func workDir(t *testing.T, b block, files []block) string {
	t.Helper()
	dir := t.TempDir()
	if b.marker.dir != "" {
		if err := copyTree(filepath.Join(repoRoot, filepath.FromSlash(b.marker.dir)), dir); err != nil {
			t.Fatalf("%s: %v", b, err)
		}
	} else {
		copyRepository(t, dir)
	}
	for _, f := range files {
		path := filepath.Join(dir, filepath.FromSlash(f.marker.file))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		text := f.text
		if f.marker.noEOL {
			text = strings.TrimSuffix(text, "\n")
		}
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// commandRun is what one documented command did.
type commandRun struct {
	command string
	output  string // standard output and standard error, interleaved as on a terminal
	code    int
}

// runDocCommand runs one eastern command line through sh, so that quoting,
// $VARIABLES and redirections work as the reader's shell does them. A
// watch is stopped with SIGINT after watchRunTime.
func runDocCommand(t *testing.T, dir, command string) *commandRun {
	t.Helper()
	// exec, after any assignments, so that SIGINT reaches eastern itself.
	m := envPrefix.FindStringIndex(command)
	cmd := exec.Command("sh", "-c", command[:m[1]]+"exec "+command[m[1]:])
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), docEnv...)
	cmd.Env = append(cmd.Env, "PATH="+binDir+string(os.PathListSeparator)+os.Getenv("PATH"), "HOME="+dir, "KUBECONFIG="+cluster.kubeconfig)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatalf("running %s: %v", command, err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	var err error
	if isWatch(command) {
		select {
		case err = <-done:
		case <-time.After(watchRunTime):
			_ = cmd.Process.Signal(syscall.SIGINT)
			err = <-done
		}
	} else {
		select {
		case err = <-done:
		case <-time.After(time.Minute):
			_ = cmd.Process.Kill()
			t.Fatalf("`%s` did not finish within a minute", command)
		}
	}
	run := &commandRun{command: command, output: out.String()}
	var exit *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &exit):
		run.code = exit.ExitCode()
	default:
		t.Fatalf("running %s: %v", command, err)
	}
	return run
}

func usesCluster(blocks []block) bool {
	for _, b := range blocks {
		if slices.ContainsFunc(easternCommands(b), isCluster) {
			return true
		}
	}
	return false
}

// isCluster reports whether a documented command talks to a cluster:
// deploy, job and diff --live.
func isCluster(command string) bool {
	f := strings.Fields(command[envPrefix.FindStringIndex(command)[1]:])
	if len(f) < 2 || f[0] != "eastern" {
		return false
	}
	return f[1] == "deploy" || f[1] == "job" || (f[1] == "diff" && slices.Contains(f, "--live"))
}

func isWatch(command string) bool {
	f := strings.Fields(command[envPrefix.FindStringIndex(command)[1]:])
	return len(f) > 1 && f[0] == "eastern" && f[1] == "watch"
}

// envPrefix matches the variable assignments that may start a command.
var envPrefix = regexp.MustCompile(`^\s*(?:[A-Za-z_][A-Za-z0-9_]*=\S*\s+)*`)

// isEastern reports whether a documented command runs eastern (rather than
// setting up for it).
func isEastern(command string) bool {
	return strings.HasPrefix(command[envPrefix.FindStringIndex(command)[1]:], "eastern")
}

// easternCommands extracts the eastern commands of a code block: from
// shell blocks every line, from CI files (yaml) `run:` and `script:` steps,
// from Jenkinsfiles (groovy) `sh` steps. Each line is split into its
// pipeline and list parts; the parts that start with eastern (or ./eastern,
// as after the README's go build) are returned, and so are mkdir commands,
// which set up directories that the eastern commands write to.
func easternCommands(b block) []string {
	var shellLines []string
	switch b.lang {
	case "sh", "shell", "bash", "console":
		shellLines = logicalLines(b.text)
	case "yaml", "yml", "groovy":
		for _, line := range logicalLines(b.text) {
			shellLines = append(shellLines, stepCommand(line))
		}
	default:
		return nil
	}
	var cmds []string
	for _, line := range shellLines {
		line = strings.TrimPrefix(strings.TrimSpace(line), "$ ")
		if strings.HasPrefix(line, "#") {
			continue
		}
		for _, part := range splitShell(line) {
			// NO_COLOR=1 eastern …: the assignments stay, for sh to apply.
			m := envPrefix.FindStringIndex(part)
			env, cmd := strings.TrimSpace(part[:m[1]]), strings.TrimPrefix(strings.TrimSpace(part[m[1]:]), "./")
			if cmd == "eastern" || strings.HasPrefix(cmd, "eastern ") || (env == "" && strings.HasPrefix(cmd, "mkdir ")) {
				cmds = append(cmds, strings.TrimSpace(env+" "+cmd))
			}
		}
	}
	return cmds
}

// stepCommand strips what a CI file wraps around a shell command:
// a YAML list dash, `run:`/`script:` keys, a Jenkins `sh '…'` step.
func stepCommand(line string) string {
	s := strings.TrimSpace(line)
	s = strings.TrimPrefix(s, "- ")
	for _, key := range []string{"run:", "script:"} {
		s = strings.TrimSpace(strings.TrimPrefix(s, key))
	}
	for _, q := range []string{"'", "\""} {
		if strings.HasPrefix(s, "sh "+q) && strings.HasSuffix(s, q) && len(s) > 4 {
			s = s[len("sh "+q) : len(s)-1]
		}
	}
	return s
}

// logicalLines joins backslash-continued lines.
func logicalLines(text string) []string {
	var lines []string
	var cur strings.Builder
	for _, line := range strings.Split(text, "\n") {
		if strings.HasSuffix(line, "\\") {
			cur.WriteString(strings.TrimSuffix(line, "\\"))
			continue
		}
		cur.WriteString(line)
		lines = append(lines, cur.String())
		cur.Reset()
	}
	return lines
}

// splitShell splits a command line at |, ||, &&, ; and & outside quotes.
func splitShell(line string) []string {
	var parts []string
	var quote byte
	start := 0
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '\'' || c == '"':
			quote = c
		case c == '\\':
			i++
		case c == '|' || c == ';' || c == '&':
			if c == '&' && i > 0 && (line[i-1] == '>' || line[i-1] == '<') {
				continue // 2>&1
			}
			if c == '&' && i+1 < len(line) && line[i+1] == '>' {
				continue // &>
			}
			parts = append(parts, line[start:i])
			if i+1 < len(line) && (line[i+1] == c) {
				i++
			}
			start = i + 1
		}
	}
	return append(parts, line[start:])
}

// TestEasternCommands checks the command extraction on each kind of block.
func TestEasternCommands(t *testing.T) {
	tests := []struct {
		lang, text string
		want       []string
	}{
		{"sh", "go build -o eastern ./cmd/eastern && ./eastern render web.yaml production\n", []string{"eastern render web.yaml production"}},
		{"sh", "# a comment naming eastern render\neastern render a.yaml | kubectl apply -f -\n", []string{"eastern render a.yaml"}},
		{"sh", "set -o pipefail; eastern render a.yaml 'x|y' \\\n  -s A=1 2>&1 | kubectl apply -f -\n", []string{"eastern render a.yaml 'x|y'   -s A=1 2>&1"}},
		{"sh", "$ eastern lint -o junit > lint.xml\n", []string{"eastern lint -o junit > lint.xml"}},
		{"sh", "kubectl rollout status deploy/web\npre-commit run --all-files\n", nil},
		{"sh", "mkdir -p rendered && eastern render a.yaml --output-file rendered/a.yaml\n", []string{"mkdir -p rendered", "eastern render a.yaml --output-file rendered/a.yaml"}},
		{"sh", "NO_COLOR=1 TERM=dumb eastern lint | less\nX=1 mkdir y\n", []string{"NO_COLOR=1 TERM=dumb eastern lint"}},
		{"yaml", "steps:\n  - run: eastern lint -o github\n  script:\n    - eastern lint -o junit > lint.xml\nkind: eastern\n", []string{"eastern lint -o github", "eastern lint -o junit > lint.xml"}},
		{"groovy", "sh 'eastern lint -o junit > lint.xml'\nsh \"set -o pipefail; eastern render web.yaml production | kubectl apply -f -\"\n", []string{"eastern lint -o junit > lint.xml", "eastern render web.yaml production"}},
		{"yaml", "# load! eastern render.yaml\nmanaged-by: eastern\n", nil},
		{"text", "eastern render web.yaml\n", nil},
	}
	for _, tt := range tests {
		got := easternCommands(block{lang: tt.lang, text: tt.text})
		if strings.Join(got, "\n") != strings.Join(tt.want, "\n") || len(got) != len(tt.want) {
			t.Errorf("easternCommands(%s %q) = %q, want %q", tt.lang, tt.text, got, tt.want)
		}
	}
}

// runGoSnippet builds a documented Go program against the working tree's
// module, without writing into it (go build -overlay places the program at
// a path inside the module that does not exist on disk), and runs it in dir.
func runGoSnippet(t *testing.T, b block, dir string) *commandRun {
	t.Helper()
	tmp := t.TempDir()
	src := filepath.Join(tmp, "main.go")
	if err := os.WriteFile(src, []byte(b.text), 0o644); err != nil {
		t.Fatal(err)
	}
	pkg := filepath.Join(repoRoot, "internal", "doctest", "snippet", fmt.Sprintf("line%d", b.line))
	overlay, err := json.Marshal(map[string]map[string]string{"Replace": {filepath.Join(pkg, "main.go"): src}})
	if err != nil {
		t.Fatal(err)
	}
	overlayFile := filepath.Join(tmp, "overlay.json")
	if err := os.WriteFile(overlayFile, overlay, 0o644); err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(tmp, "snippet"+exeSuffix())
	if _, err := os.Stat(pkg); err == nil {
		t.Fatalf("%s: %s exists; the overlay needs a path that does not", b, pkg)
	}
	build := exec.Command("go", "build", "-overlay", overlayFile, "-o", bin, "./"+filepath.ToSlash(mustRel(t, repoRoot, pkg)))
	build.Dir = repoRoot
	if out, err := build.CombinedOutput(); err != nil {
		t.Errorf("%s: the Go program does not compile: %v\n%s", b, err, out)
		return &commandRun{command: "go run (" + b.String() + ")", code: -1, output: string(out)}
	}
	return runDocCommand(t, dir, bin)
}

func mustRel(t *testing.T, base, target string) string {
	t.Helper()
	rel, err := filepath.Rel(base, target)
	if err != nil {
		t.Fatal(err)
	}
	return rel
}
