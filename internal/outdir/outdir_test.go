package outdir

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

func tree(t *testing.T, dir string) map[string]string {
	t.Helper()
	got := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		if d.Type()&os.ModeSymlink != 0 {
			target, _ := os.Readlink(p)
			got[filepath.ToSlash(rel)] = "-> " + target
			return nil
		}
		data, err := os.ReadFile(p)
		got[filepath.ToSlash(rel)] = string(data)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	delete(got, ManifestName)
	return got
}

func TestSync(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "rendered")
	res, err := Sync(dir, map[string][]byte{"prod/a.yaml": []byte("a\n"), "prod/apps/b.yaml": []byte("b\n"), "staging/a.yaml": []byte("s\n")}, nil)
	if err != nil || res != (Result{Written: 3}) {
		t.Fatalf("first sync: %+v, %v", res, err)
	}
	// Files of others are never touched.
	if err := os.WriteFile(filepath.Join(dir, "prod", "README.md"), []byte("mine\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "staging", "extra.yaml"), []byte("mine\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	before, _ := os.Stat(filepath.Join(dir, "prod", "a.yaml"))
	time.Sleep(10 * time.Millisecond)
	res, err = Sync(dir, map[string][]byte{"prod/a.yaml": []byte("a\n"), "staging/a.yaml": []byte("s2\n")}, nil)
	if err != nil || res != (Result{Written: 1, Unchanged: 1, Removed: 1}) {
		t.Fatalf("second sync: %+v, %v", res, err)
	}
	if after, _ := os.Stat(filepath.Join(dir, "prod", "a.yaml")); !after.ModTime().Equal(before.ModTime()) {
		t.Errorf("an unchanged file was rewritten")
	}
	want := map[string]string{"prod/a.yaml": "a\n", "prod/README.md": "mine\n", "staging/a.yaml": "s2\n", "staging/extra.yaml": "mine\n"}
	if got := tree(t, dir); !equal(got, want) {
		t.Errorf("tree %v, want %v", got, want)
	}
	if _, err := os.Stat(filepath.Join(dir, "prod", "apps")); !os.IsNotExist(err) {
		t.Errorf("the emptied directory prod/apps stays: %v", err)
	}
	manifest, _ := os.ReadFile(filepath.Join(dir, ManifestName))
	if !strings.HasSuffix(string(manifest), "\nprod/a.yaml\nstaging/a.yaml\n") {
		t.Errorf("manifest:\n%s", manifest)
	}

	// keep: the outputs of a failed render stay, and stay listed.
	res, err = Sync(dir, map[string][]byte{"prod/a.yaml": []byte("a\n")}, func(name string) bool { return name == "staging/a.yaml" })
	if err != nil || res != (Result{Unchanged: 1}) {
		t.Fatalf("sync with keep: %+v, %v", res, err)
	}
	manifest, _ = os.ReadFile(filepath.Join(dir, ManifestName))
	if !strings.HasSuffix(string(manifest), "\nprod/a.yaml\nstaging/a.yaml\n") {
		t.Errorf("manifest after keep:\n%s", manifest)
	}
}

// Names in a hand-edited manifest that lead outside the directory, and
// symbolic links planted in it, never make Sync touch anything outside.
func TestSyncStaysInside(t *testing.T) {
	base := t.TempDir()
	dir := filepath.Join(base, "out")
	outside := filepath.Join(base, "outside")
	if err := os.MkdirAll(outside, 0o755); err != nil {
		t.Fatal(err)
	}
	secret := filepath.Join(outside, "secret.yaml")
	if err := os.WriteFile(secret, []byte("keep\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Sync(dir, map[string][]byte{"a.yaml": []byte("a\n")}, nil); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, ManifestName), []byte("a.yaml\n../outside/secret.yaml\n/etc/hostname\nlink/secret.yaml\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, filepath.Join(dir, "link")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(secret, filepath.Join(dir, "b.yaml")); err != nil {
		t.Fatal(err)
	}
	_, err := Sync(dir, map[string][]byte{"b.yaml": []byte("b\n"), "link/x.yaml": []byte("x\n")}, nil)
	if err == nil {
		t.Errorf("writing through a symlinked directory: no error")
	}
	if data, _ := os.ReadFile(secret); string(data) != "keep\n" {
		t.Errorf("the file outside holds %q", data)
	}
	if _, err := os.Stat(filepath.Join(outside, "x.yaml")); !os.IsNotExist(err) {
		t.Errorf("a file was written outside: %v", err)
	}
	// Without the symlinked directory, b.yaml (a link) is replaced by a
	// file rather than written through.
	if _, err := Sync(dir, map[string][]byte{"b.yaml": []byte("b\n")}, nil); err != nil {
		t.Fatal(err)
	}
	if data, _ := os.ReadFile(secret); string(data) != "keep\n" {
		t.Errorf("the file outside holds %q", data)
	}
	if info, err := os.Lstat(filepath.Join(dir, "b.yaml")); err != nil || !info.Mode().IsRegular() {
		t.Errorf("b.yaml: %v %v, want a regular file", info, err)
	}
	for _, bad := range []string{"../x.yaml", "/abs.yaml", "a/../b.yaml", "", ManifestName} {
		if _, err := Sync(dir, map[string][]byte{bad: nil}, nil); err == nil {
			t.Errorf("name %q: no error", bad)
		}
	}
}

func equal(a, b map[string]string) bool {
	ka, kb := keys(a), keys(b)
	if !slices.Equal(ka, kb) {
		return false
	}
	for k := range a {
		if a[k] != b[k] {
			return false
		}
	}
	return true
}

func keys(m map[string]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
