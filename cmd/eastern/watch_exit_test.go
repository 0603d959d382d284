package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestWatchWorkingDirectoryRemoved runs the binary in a directory that the
// test then removes: the watch ends with exit 1 and one line saying why,
// instead of running on with paths that can never resolve again.
func TestWatchWorkingDirectoryRemoved(t *testing.T) {
	dir := writeTree(t, filepath.Join(t.TempDir(), "work"), map[string]string{"app.yaml": "a: 1\n"})
	cmd := easternCommand(dir, "watch", "app.yaml", "--no-lint", "--output-file", "out.yaml")
	var stderr lockedBuilder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill() })
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	waitForFile(t, filepath.Join(dir, "out.yaml"), "first render", func(s string) bool { return s == "a: 1\n" })
	if err := os.RemoveAll(dir); err != nil {
		t.Fatal(err)
	}
	select {
	case <-exited:
	case <-time.After(watchWait):
		t.Fatalf("eastern watch still running %v after its working directory was removed; stderr:\n%s", watchWait, stderr.String())
	}
	if code := cmd.ProcessState.ExitCode(); code != exitFailed {
		t.Errorf("exit %d, want %d", code, exitFailed)
	}
	lines := strings.Split(strings.TrimSuffix(stderr.String(), "\n"), "\n")
	last := lines[len(lines)-1]
	if !strings.HasPrefix(last, "eastern watch: the working directory ") || !strings.HasSuffix(last, "work was removed") {
		t.Errorf("last line of stderr %q, want the working directory error; stderr:\n%s", last, stderr.String())
	}
}

// TestWatchWaitsForTemplate: a TEMPLATE that does not exist yet, even in a
// directory that does not exist yet, is waited for, as watch --help says;
// the watch package's tests rely on the same ("template created after the
// watch starts"). Exit 1 is for a watch that cannot start or go on.
func TestWatchWaitsForTemplate(t *testing.T) {
	a, stdout, _ := newTestApp("", false, false, nil)
	if code := a.run([]string{"watch", "--help"}); code != exitOK {
		t.Fatalf("watch --help: exit %d", code)
	}
	help := strings.Join(strings.Fields(stdout.String()), " ")
	for _, want := range []string{"a TEMPLATE that does not exist yet is waited for", "1 the watch could not start or go on"} {
		if !strings.Contains(help, want) {
			t.Errorf("watch --help lacks %q:\n%s", want, stdout)
		}
	}

	dir := t.TempDir()
	cmd := easternCommand(dir, "watch", "nodir/app.yaml", "--no-lint", "--output-file", "out.yaml")
	var stderr lockedBuilder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	waitForText(t, &stderr, "nodir/app.yaml: error: template does not exist")
	writeTree(t, dir, map[string]string{"nodir/app.yaml": "a: 1\n"})
	waitForFile(t, filepath.Join(dir, "out.yaml"), "render of the new template", func(s string) bool { return s == "a: 1\n" })
}
