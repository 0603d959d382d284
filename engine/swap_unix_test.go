//go:build unix

package engine_test

import (
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/eastern-k8s/eastern/engine"
)

// swapLoop replaces path, over and over until stop is closed, by one of
// the files that make() creates at a temporary name; each swap is a rename,
// as an attacker's loop would do it.
func swapLoop(t *testing.T, path string, stop <-chan struct{}, makers ...func(tmp string) error) *sync.WaitGroup {
	t.Helper()
	var wg sync.WaitGroup
	wg.Go(func() {
		tmp := path + ".swap"
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			os.Remove(tmp)
			if err := makers[i%len(makers)](tmp); err != nil {
				t.Error(err)
				return
			}
			os.Rename(tmp, path)
		}
	})
	return &wg
}

func regularFile(content string) func(string) error {
	return func(p string) error { return os.WriteFile(p, []byte(content), 0o644) }
}

// TestSwapToSymlinkNeverEscapes swaps a partial between a regular file and
// a symlink to a secret outside the root while rendering: no render may
// print the secret, however the swap and the checks interleave.
func TestSwapToSymlinkNeverEscapes(t *testing.T) {
	t.Parallel()
	outside := t.TempDir()
	secret := filepath.Join(outside, "secret")
	if err := os.WriteFile(secret, []byte("TOP-SECRET\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	dir := writeTree(t, map[string]string{"app.yaml": "a:\n  # load! p.yaml\n", "p.yaml": "ok: 1\n"})
	stop := make(chan struct{})
	wg := swapLoop(t, filepath.Join(dir, "p.yaml"), stop,
		regularFile("ok: 1\n"),
		func(p string) error { return os.Symlink(secret, p) },
	)
	defer wg.Wait()
	defer close(stop)
	for range 1000 {
		res, err := engine.RenderFile("app.yaml", engine.Options{WorkDir: dir})
		if strings.Contains(string(res.Output), "TOP-SECRET") || err != nil && strings.Contains(err.Error(), "TOP-SECRET") {
			t.Fatalf("a render read the file outside the root: %q, %v", res.Output, err)
		}
	}
}

// TestSwapToFIFONeverBlocks swaps a partial between a regular file and a
// named pipe that nobody writes: a render that opened the pipe would wait
// for ever. Every render must end, with the partial or with an error.
func TestSwapToFIFONeverBlocks(t *testing.T) {
	t.Parallel()
	dir := writeTree(t, map[string]string{"app.yaml": "a:\n  # load! p.yaml\n", "p.yaml": "ok: 1\n"})
	stop := make(chan struct{})
	wg := swapLoop(t, filepath.Join(dir, "p.yaml"), stop,
		regularFile("ok: 1\n"),
		func(p string) error { return syscall.Mkfifo(p, 0o644) },
	)
	defer wg.Wait()
	defer close(stop)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for range 300 {
			engine.RenderFile("app.yaml", engine.Options{WorkDir: dir})
		}
	}()
	select {
	case <-done:
	case <-time.After(time.Minute):
		t.Fatal("a render blocked on the named pipe")
	}
}

// TestSpecialFilesAreRefused names a FIFO and a device as the root
// template and as a partial: each is an error naming what it is, at once.
func TestSpecialFilesAreRefused(t *testing.T) {
	t.Parallel()
	dir := writeTree(t, map[string]string{"app.yaml": "a:\n  # load! fifo.yaml\nb:\n  # load! dev.yaml\n"})
	if err := syscall.Mkfifo(filepath.Join(dir, "fifo.yaml"), 0o644); err != nil {
		t.Fatal(err)
	}
	symlink(t, "/dev/zero", filepath.Join(dir, "zero.yaml"))
	symlink(t, "/dev/null", filepath.Join(dir, "dev.yaml"))
	for _, tt := range []struct {
		template string
		root     string
		want     []string
	}{
		{"fifo.yaml", "", []string{"template is a named pipe"}},
		{"zero.yaml", "/", []string{"template is a device"}},
		{"app.yaml", "", []string{"fifo.yaml is a named pipe", "outside"}},
	} {
		done := make(chan error, 1)
		go func() {
			_, err := engine.RenderFile(tt.template, engine.Options{WorkDir: dir, RootDir: tt.root})
			done <- err
		}()
		select {
		case err := <-done:
			for _, want := range tt.want {
				if err == nil || !strings.Contains(err.Error(), want) {
					t.Errorf("%s: got %v, want %q", tt.template, err, want)
				}
			}
		case <-time.After(30 * time.Second):
			t.Fatalf("%s: the render blocked", tt.template)
		}
	}
}
