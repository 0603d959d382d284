package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/eastern-k8s/eastern/internal/testbin"
)

// The end-to-end tests run the real binary, built once by TestMain with
// these link-time values so that --version has something known to print.
const (
	testVersion = testbin.Version
	testCommit  = testbin.Commit
)

// easternPath is the binary TestMain built. It is set once, before any test
// runs, and never changed.
var easternPath string

func TestMain(m *testing.M) {
	os.Exit(runTests(m))
}

func runTests(m *testing.M) int {
	// What eastern prints is checked as a UTF-8 terminal shows it (→, ×),
	// whatever locale runs the tests; TestASCIILocale checks the other.
	os.Setenv("LC_ALL", "C.UTF-8")
	dir, err := os.MkdirTemp("", "eastern-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "creating a directory for the test binary:", err)
		return 1
	}
	defer os.RemoveAll(dir)
	// internal/doctest runs the same build; whichever comes second reuses
	// the first's binary (see testbin).
	if easternPath, err = testbin.Build(dir); err != nil {
		fmt.Fprintln(os.Stderr, "building eastern for the end-to-end tests:", err)
		return 1
	}
	return m.Run()
}

// runEastern runs the built binary in dir with args, feeding it stdin
// through a pipe (so standard input is never a terminal), and returns what
// it wrote and its exit code; -1 when a signal ended it.
//
// End-to-end tests of every command (render, lint, watch) share it:
//
//	stdout, stderr, code := runEastern(t, dir, "", "render", "app.yaml", "production")
func runEastern(t *testing.T, dir, stdin string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	return runCommand(t, easternCommand(dir, args...), stdin)
}

// easternCommand prepares the built binary for tests that need more control
// than runEastern gives: extra environment, their own pipes.
func easternCommand(dir string, args ...string) *exec.Cmd {
	cmd := exec.Command(easternPath, args...)
	cmd.Dir = dir
	return cmd
}

// runCommand runs cmd with stdin and returns its output and exit code (-1
// when a signal ended it). It fails the test only when cmd cannot start.
func runCommand(t *testing.T, cmd *exec.Cmd, stdin string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errOut bytes.Buffer
	cmd.Stdin = strings.NewReader(stdin)
	cmd.Stdout = &out
	cmd.Stderr = &errOut
	err := cmd.Run()
	var exit *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &exit):
		code = exit.ExitCode()
	default:
		t.Fatalf("running %v: %v", cmd.Args, err)
	}
	return out.String(), errOut.String(), code
}

// writeTree creates files (path relative to dir → content) below dir and
// returns dir, so a test can lay out a template tree in one literal.
func writeTree(t *testing.T, dir string, files map[string]string) string {
	t.Helper()
	for name, content := range files {
		path := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}
