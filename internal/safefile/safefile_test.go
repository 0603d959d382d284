package safefile

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"syscall"
	"testing"
)

// withUmask runs the test under umask mask. The umask belongs to the whole
// process, so tests that use it must not run in parallel.
func withUmask(t *testing.T, mask int) {
	old := syscall.Umask(mask)
	t.Cleanup(func() { syscall.Umask(old) })
}

// writers are the two ways Write gets its data to disk: through an unnamed
// file on Linux, through a named temporary file elsewhere (and where the
// file system lacks O_TMPFILE). Every guarantee holds for both.
var writers = []struct {
	name  string
	write func(string, []byte) error
}{
	{"unnamed", Write},
	{"named", func(path string, data []byte) error { return write(path, data, false) }},
}

func TestWriteModes(t *testing.T) {
	tests := []struct {
		name     string
		umask    int
		existing fs.FileMode // 0: no file yet
		want     fs.FileMode
	}{
		{"new file, umask 022", 0o022, 0, 0o644},
		{"new file, umask 027", 0o027, 0, 0o640},
		{"new file, umask 077", 0o077, 0, 0o600},
		{"existing 0600 under umask 022", 0o022, 0o600, 0o600},
		{"existing 0644 under umask 077", 0o077, 0o644, 0o644},
		{"existing 0755 keeps its execute bits", 0o022, 0o755, 0o755},
	}
	for _, w := range writers {
		for _, tt := range tests {
			t.Run(w.name+"/"+tt.name, func(t *testing.T) {
				withUmask(t, tt.umask)
				path := filepath.Join(t.TempDir(), "out.yaml")
				if tt.existing != 0 {
					if err := os.WriteFile(path, []byte("old contents, longer than the new\n"), 0o600); err != nil {
						t.Fatal(err)
					}
					if err := os.Chmod(path, tt.existing); err != nil {
						t.Fatal(err)
					}
				}
				if err := w.write(path, []byte("new\n")); err != nil {
					t.Fatal(err)
				}
				data, err := os.ReadFile(path)
				if err != nil || string(data) != "new\n" {
					t.Fatalf("file holds %q, %v; want %q", data, err, "new\n")
				}
				info, err := os.Stat(path)
				if err != nil {
					t.Fatal(err)
				}
				if got := info.Mode().Perm(); got != tt.want {
					t.Errorf("mode %04o, want %04o", got, tt.want)
				}
				if names := dirNames(t, filepath.Dir(path)); !slices.Equal(names, []string{"out.yaml"}) {
					t.Errorf("directory holds %v, want only out.yaml", names)
				}
			})
		}
	}
}

func TestWriteEmpty(t *testing.T) {
	path := filepath.Join(t.TempDir(), "out.yaml")
	if err := os.WriteFile(path, []byte("old\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := Write(path, nil); err != nil {
		t.Fatal(err)
	}
	if info, err := os.Stat(path); err != nil || info.Size() != 0 {
		t.Errorf("after writing nothing: %v, %v; want an empty file", info, err)
	}
}

// Failures leave whatever was at path alone and no temporary file behind.
func TestWriteFailures(t *testing.T) {
	tests := []struct {
		name  string
		setup func(t *testing.T, dir string) string // returns the path to write
	}{
		{"path is a directory", func(t *testing.T, dir string) string {
			p := filepath.Join(dir, "out.yaml")
			if err := os.Mkdir(p, 0o755); err != nil {
				t.Fatal(err)
			}
			return p
		}},
		{"path is a named pipe", func(t *testing.T, dir string) string {
			p := filepath.Join(dir, "out.yaml")
			if err := syscall.Mkfifo(p, 0o644); err != nil {
				t.Fatal(err)
			}
			return p
		}},
		{"parent is a file", func(t *testing.T, dir string) string {
			p := filepath.Join(dir, "file")
			if err := os.WriteFile(p, []byte("x"), 0o644); err != nil {
				t.Fatal(err)
			}
			return filepath.Join(p, "out.yaml")
		}},
	}
	for _, w := range writers {
		for _, tt := range tests {
			t.Run(w.name+"/"+tt.name, func(t *testing.T) {
				dir := t.TempDir()
				path := tt.setup(t, dir)
				before := dirNames(t, dir)
				err := w.write(path, []byte("new\n"))
				if err == nil {
					t.Fatalf("Write(%s) succeeded", path)
				}
				if after := dirNames(t, dir); !slices.Equal(before, after) {
					t.Errorf("directory changed from %v to %v", before, after)
				}
			})
		}
	}
}

// A reader never sees a half-written file: while writers keep replacing the
// file with one of two large contents, every read returns one of them whole.
func TestWriteIsAtomic(t *testing.T) {
	for _, w := range writers {
		t.Run(w.name, func(t *testing.T) { testWriteIsAtomic(t, w.write) })
	}
}

func testWriteIsAtomic(t *testing.T, write func(string, []byte) error) {
	path := filepath.Join(t.TempDir(), "out.yaml")
	a := bytes.Repeat([]byte("a"), 1<<20)
	b := bytes.Repeat([]byte("b"), 1<<19)
	if err := write(path, a); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	stop := make(chan struct{})
	errs := make(chan error, 2)
	for _, data := range [][]byte{a, b} {
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				if err := write(path, data); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	for range 300 {
		got, err := os.ReadFile(path)
		if err != nil {
			t.Errorf("read: %v", err)
			break
		}
		if !bytes.Equal(got, a) && !bytes.Equal(got, b) {
			t.Errorf("read %d bytes that are neither version (first %q)", len(got), got[:min(len(got), 8)])
			break
		}
	}
	close(stop)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("concurrent Write: %v", err)
	}
	if names := dirNames(t, filepath.Dir(path)); !slices.Equal(names, []string{"out.yaml"}) {
		t.Errorf("directory holds %v, want only out.yaml", names)
	}
}

func TestTempPrefix(t *testing.T) {
	tests := []struct{ path, want string }{
		{"out.yaml", ".out.yaml.eastern-tmp-"},
		{"rendered/prod.yaml", "rendered/.prod.yaml.eastern-tmp-"},
		{"/abs/dir/x", "/abs/dir/.x.eastern-tmp-"},
	}
	for _, tt := range tests {
		if got := TempPrefix(tt.path); got != tt.want {
			t.Errorf("TempPrefix(%q) = %q, want %q", tt.path, got, tt.want)
		}
	}
}

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

// TestWriteCreatesParents: like mkdir -p, a missing output directory is
// created, and only the file lands in it.
func TestWriteCreatesParents(t *testing.T) {
	for _, w := range writers {
		t.Run(w.name, func(t *testing.T) { testWriteCreatesParents(t, w.write) })
	}
}

func testWriteCreatesParents(t *testing.T, write func(string, []byte) error) {
	dir := t.TempDir()
	path := filepath.Join(dir, "rendered", "staging", "out.yaml")
	if err := write(path, []byte("new\n")); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(path)
	if err != nil || string(got) != "new\n" {
		t.Fatalf("read back %q, %v", got, err)
	}
	if names := dirNames(t, filepath.Dir(path)); !slices.Equal(names, []string{"out.yaml"}) {
		t.Errorf("directory holds %v, want only out.yaml", names)
	}
}

// TestWriteThroughSymlink: writing to a symlink replaces its target and
// keeps the link, as editors and shell redirection do.
func TestWriteThroughSymlink(t *testing.T) {
	for _, w := range writers {
		t.Run(w.name, func(t *testing.T) { testWriteThroughSymlink(t, w.write) })
	}
}

func testWriteThroughSymlink(t *testing.T, write func(string, []byte) error) {
	dir := t.TempDir()
	target := filepath.Join(dir, "real.yaml")
	link := filepath.Join(dir, "link.yaml")
	if err := os.WriteFile(target, []byte("old\n"), 0o640); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("real.yaml", link); err != nil {
		t.Fatal(err)
	}
	if err := write(link, []byte("new\n")); err != nil {
		t.Fatal(err)
	}
	if info, err := os.Lstat(link); err != nil || info.Mode()&os.ModeSymlink == 0 {
		t.Errorf("link.yaml is no longer a symlink: %v %v", info, err)
	}
	got, err := os.ReadFile(target)
	if err != nil || string(got) != "new\n" {
		t.Errorf("target holds %q, %v; want the new content", got, err)
	}
	if info, _ := os.Stat(target); info.Mode().Perm() != 0o640 {
		t.Errorf("target mode %v, want 0640 kept", info.Mode().Perm())
	}
}
