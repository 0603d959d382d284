package main

import (
	"bytes"
	"io"
	"os"
	"strings"
	"testing"

	"github.com/eastern-k8s/eastern/internal/testpty"
)

// openPTY opens a pseudo-terminal pair: the child writes to tty, the test
// reads what a terminal would show from pty.
func openPTY(t *testing.T) (pty, tty *os.File) { return testpty.Open(t) }

// TestLintColorOnTerminal runs the binary with standard output on a real
// terminal: findings are coloured, unless NO_COLOR is set.
func TestLintColorOnTerminal(t *testing.T) {
	dir := writeTree(t, t.TempDir(), map[string]string{"app.yaml": "a: ${X}\n"})
	for _, tt := range []struct {
		env   []string
		color bool
	}{
		{[]string{"TERM=xterm"}, true},
		{[]string{"TERM=xterm", "NO_COLOR=1"}, false},
	} {
		pty, tty := openPTY(t)
		cmd := easternCommand(dir, "lint")
		for _, kv := range os.Environ() {
			if !strings.HasPrefix(kv, "NO_COLOR=") && !strings.HasPrefix(kv, "TERM=") {
				cmd.Env = append(cmd.Env, kv)
			}
		}
		cmd.Env = append(cmd.Env, tt.env...)
		cmd.Stdout = tty
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		tty.Close()
		out, _ := io.ReadAll(pty) // ends with EIO once the child has exited
		cmd.Wait()
		pty.Close()
		got := string(out)
		if !strings.Contains(got, "warning") {
			t.Fatalf("%v: terminal shows %q, want the unset-variable warning (stderr %q)", tt.env, got, stderr.String())
		}
		if colored := strings.Contains(got, "\x1b["); colored != tt.color {
			t.Errorf("%v: coloured = %v, want %v: %q", tt.env, colored, tt.color, got)
		}
	}
}
