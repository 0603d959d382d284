package watch

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestWorkingDirectoryRemoved: once the directory the watch runs in is
// removed, relative paths can never resolve again, even when a directory of
// the same name comes back, so Run stops with an error instead of watching
// on. It is about the process's own working directory, so it changes it
// (t.Chdir) and runs alone.
func TestWorkingDirectoryRemoved(t *testing.T) {
	tests := []struct {
		name     string
		template string
		remove   func(t *testing.T, dir string)
	}{
		{"template in it", "app.yaml", func(t *testing.T, dir string) { remove(t, dir, "") }},
		{"template below it", "deploy/app.yaml", func(t *testing.T, dir string) { remove(t, dir, "") }},
		{"replaced by a new directory", "app.yaml", func(t *testing.T, dir string) {
			remove(t, dir, "")
			write(t, dir, "app.yaml", "a: 2\n")
		}},
		{"renamed", "app.yaml", func(t *testing.T, dir string) {
			if err := os.Rename(dir, dir+".old"); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { os.RemoveAll(dir + ".old") })
			write(t, dir+".old", "app.yaml", "a: 3\n") // an event, seen by the old watch
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "work")
			write(t, dir, tt.template, "a: 1\n")
			t.Chdir(dir)
			rendered := make(chan Render, 16)
			w, err := New(Options{Template: tt.template, Debounce: 5 * time.Millisecond, OnRender: func(r Render) { rendered <- r }})
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			done := make(chan error, 1)
			go func() { done <- w.Run(ctx) }()
			select {
			case r := <-rendered:
				if !r.OK {
					t.Fatalf("first render failed: %v", r.Findings)
				}
			case <-time.After(waitLimit):
				t.Fatalf("no first render within %v", waitLimit)
			}
			tt.remove(t, dir)
			select {
			case err := <-done:
				want := "the working directory " + dir + " was removed"
				if err == nil || err.Error() != want {
					t.Errorf("Run = %v, want %q", err, want)
				}
			case <-time.After(waitLimit):
				cancel()
				<-done
				t.Fatalf("Run still watching %v after its working directory went", waitLimit)
			}
		})
	}
}

// TestStdoutBroken: a watch whose standard output cannot be written stops
// with that error: its renders would reach no one. With -o only the
// status lines are lost, and the watch goes on writing the file.
func TestStdoutBroken(t *testing.T) {
	dir := setup(t, map[string]string{"app.yaml": "a: 1\n"})
	broken := errors.New("bad file descriptor")
	w, err := New(Options{Template: filepath.Join(dir, "app.yaml"), Output: filepath.Join(dir, "out.yaml"), Stdout: failingWriter{broken}})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	err = w.Run(ctx)
	cancel()
	if got, _ := os.ReadFile(filepath.Join(dir, "out.yaml")); err != nil || string(got) != "a: 1\n" {
		t.Errorf("with -o: Run = %v, output file %q; want the watch to go on writing it", err, got)
	}
	for _, opts := range []Options{
		{},             // the stream
		{Screen: true}, // the terminal screen
	} {
		opts.Template = filepath.Join(dir, "app.yaml")
		if opts.Output != "" {
			opts.Output = filepath.Join(dir, opts.Output)
		}
		opts.Stdout = failingWriter{broken}
		w, err := New(opts)
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
		err = w.Run(ctx)
		cancel()
		if !errors.Is(err, broken) || !strings.HasPrefix(err.Error(), "writing standard output: ") {
			t.Errorf("screen %v, output %q: Run = %v, want the write error", opts.Screen, opts.Output, err)
		}
	}
}

type failingWriter struct{ err error }

func (w failingWriter) Write([]byte) (int, error) { return 0, w.err }
