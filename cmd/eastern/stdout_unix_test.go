//go:build unix

package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// runWithStdout runs the built binary in dir through sh with redirect
// applied to its standard output (">&-" closes it) and returns its standard
// error and exit code; -1 when it was still running after watchWait (sh
// execs eastern, so the timeout kills eastern itself).
func runWithStdout(t *testing.T, dir, redirect string, args ...string) (stderr string, code int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), watchWait)
	defer cancel()
	sh := exec.CommandContext(ctx, "sh", append([]string{"-c", `exec "$0" "$@" ` + redirect, easternPath}, args...)...)
	sh.Dir = dir
	out, stderr, code := runCommand(t, sh, "")
	if out != "" {
		t.Errorf("sh wrote %q to its own standard output", out)
	}
	return stderr, code
}

// TestClosedStdout: with standard output closed (>&-), Go's runtime puts
// /dev/null in its place; eastern must fail like a write to the closed
// descriptor rather than exit 0 with the output lost.
func TestClosedStdout(t *testing.T) {
	dir := writeTree(t, t.TempDir(), map[string]string{
		"app.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web\n  namespace: ${NAMESPACE}\ndata:\n  a: \"1\"\n",
	})
	tests := []struct {
		name     string
		redirect string
		args     []string
		code     int
		stderr   string
	}{
		{"render", ">&-", []string{"render", "app.yaml"}, exitFailed, "eastern render: writing standard output: bad file descriptor\n"},
		{"render -o -", ">&-", []string{"render", "app.yaml", "--output-file", "-"}, exitFailed, "eastern render: writing standard output: bad file descriptor\n"},
		// The verdict of lint and diff is their exit code: a read-write
		// /dev/null, Python's subprocess.DEVNULL among others, throws
		// their report away on purpose.
		{"lint", ">&-", []string{"lint", "app.yaml"}, exitOK, ""},
		{"lint 1<>/dev/null", "1<>/dev/null", []string{"lint", "app.yaml"}, exitOK, ""},
		{"diff 1<>/dev/null", "1<>/dev/null", []string{"diff", "-n", "a,b", "app.yaml"}, exitFailed, ""}, // a change
		{"render 1<>/dev/null", "1<>/dev/null", []string{"render", "app.yaml"}, exitFailed, "eastern render: writing standard output: bad file descriptor\n"},
		{"watch", ">&-", []string{"watch", "app.yaml", "--no-lint"}, exitFailed, "eastern watch: writing standard output: bad file descriptor\n"},
		// Output thrown away on purpose is no error.
		{"render >/dev/null", ">/dev/null", []string{"render", "app.yaml"}, exitOK, ""},
		{"lint >/dev/null", ">/dev/null", []string{"lint", "app.yaml"}, exitOK, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stderr, code := runWithStdout(t, dir, tt.redirect, tt.args...)
			if code != tt.code || stderr != tt.stderr {
				t.Errorf("exit %d, stderr %q; want %d, %q", code, stderr, tt.code, tt.stderr)
			}
		})
	}
}

// TestClosedAtStart: only /dev/null opened read-write, as the runtime opens
// it for a closed descriptor, counts as closed.
func TestClosedAtStart(t *testing.T) {
	regular := filepath.Join(t.TempDir(), "out")
	tests := []struct {
		path string
		flag int
		want bool
	}{
		{os.DevNull, os.O_RDWR, true},
		{os.DevNull, os.O_WRONLY, false},
		{regular, os.O_RDWR | os.O_CREATE, false},
	}
	for _, tt := range tests {
		f, err := os.OpenFile(tt.path, tt.flag, 0o644)
		if err != nil {
			t.Fatal(err)
		}
		if got := closedAtStart(f); got != tt.want {
			t.Errorf("closedAtStart(%s opened %#o) = %v, want %v", tt.path, tt.flag, got, tt.want)
		}
		f.Close()
	}
}
