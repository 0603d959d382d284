package main

import (
	"bytes"
	"io"
	"os"
	"strings"
	"testing"
)

// With standard input on a real terminal and no TEMPLATE, eastern render
// refuses to wait for typed input: a usage error, exit 2, nothing on stdout.
func TestRenderNoTemplateOnTerminal(t *testing.T) {
	dir := t.TempDir()
	pty, tty := openPTY(t)
	defer pty.Close()
	cmd := easternCommand(dir, "render", "-n", "production")
	cmd.Stdin = tty
	var stdout, stderr bytes.Buffer
	cmd.Stdout = &stdout
	cmd.Stderr = &stderr
	err := cmd.Run()
	tty.Close()
	if code := cmd.ProcessState.ExitCode(); code != exitUsage {
		t.Errorf("exit %d (%v), want %d", code, err, exitUsage)
	}
	if stdout.Len() != 0 {
		t.Errorf("stdout = %q, want nothing", stdout.String())
	}
	if !strings.Contains(stderr.String(), "no TEMPLATE given and standard input is a terminal") {
		t.Errorf("stderr = %q", stderr.String())
	}
}

// Warnings on a terminal are coloured unless NO_COLOR is set; the rendered
// manifests on stdout never are.
func TestRenderColorOnTerminal(t *testing.T) {
	dir := writeTree(t, t.TempDir(), map[string]string{"app.yaml": "a: ${X}\n"})
	for _, tt := range []struct {
		env   []string
		color bool
	}{
		{[]string{"TERM=xterm"}, true},
		{[]string{"TERM=xterm", "NO_COLOR=1"}, false},
		{[]string{"TERM=dumb"}, false},
	} {
		pty, tty := openPTY(t)
		cmd := easternCommand(dir, "render", "app.yaml")
		for _, kv := range os.Environ() {
			if !strings.HasPrefix(kv, "NO_COLOR=") && !strings.HasPrefix(kv, "TERM=") {
				cmd.Env = append(cmd.Env, kv)
			}
		}
		cmd.Env = append(cmd.Env, tt.env...)
		var stdout bytes.Buffer
		cmd.Stdout = &stdout
		cmd.Stderr = tty
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		tty.Close()
		shown, _ := io.ReadAll(pty) // ends with EIO once the child has exited
		err := cmd.Wait()
		pty.Close()
		if err != nil {
			t.Fatalf("%v: %v; terminal shows %q", tt.env, err, shown)
		}
		if stdout.String() != "a: ${X}\n" {
			t.Errorf("%v: stdout = %q", tt.env, stdout.String())
		}
		if !bytes.Contains(shown, []byte("app.yaml:1:4: ")) {
			t.Fatalf("%v: terminal shows %q, want the unset-variable warning", tt.env, shown)
		}
		if colored := bytes.Contains(shown, []byte("\x1b[")); colored != tt.color {
			t.Errorf("%v: coloured = %v, want %v: %q", tt.env, colored, tt.color, shown)
		}
	}
}

// --color always colours where auto would not (a pipe, NO_COLOR); never
// keeps a terminal plain.
func TestColorFlag(t *testing.T) {
	dir := writeTree(t, t.TempDir(), map[string]string{"app.yaml": "a: ${X}\n"})
	cmd := easternCommand(dir, "render", "app.yaml", "--color", "always")
	cmd.Env = append(os.Environ(), "NO_COLOR=1")
	_, stderr, code := runCommand(t, cmd, "")
	if code != exitOK || !strings.Contains(stderr, "\x1b[") {
		t.Errorf("--color always into a pipe under NO_COLOR: exit %d, stderr %q", code, stderr)
	}

	pty, tty := openPTY(t)
	defer pty.Close()
	cmd = easternCommand(dir, "render", "app.yaml", "--color=never")
	cmd.Env = append(os.Environ(), "TERM=xterm")
	cmd.Stderr = tty
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	tty.Close()
	shown, _ := io.ReadAll(pty)
	cmd.Wait()
	if !bytes.Contains(shown, []byte("app.yaml:1:4: warning")) || bytes.Contains(shown, []byte("\x1b[")) {
		t.Errorf("--color never on a terminal: %q", shown)
	}
}
