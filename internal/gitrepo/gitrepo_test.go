package gitrepo

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"
)

func git(t *testing.T, dir string, args ...string) {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com", "GIT_COMMITTER_NAME=t",
		"GIT_COMMITTER_EMAIL=t@example.com", "GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_NOSYSTEM=1")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("git %v: %v\n%s", args, err, out)
	}
}

func write(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestRepo(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	top := t.TempDir()
	git(t, top, "init", "-q", "-b", "main")
	write(t, filepath.Join(top, "app", "web.yaml"), "a: 1\n")
	write(t, filepath.Join(top, "app", "old.yaml"), "old: 1\n")
	write(t, filepath.Join(top, ".gitattributes"), "app/web.yaml export-ignore\n")
	write(t, filepath.Join(top, ".gitignore"), "rendered/\n")
	if err := os.Symlink("web.yaml", filepath.Join(top, "app", "link.yaml")); err != nil {
		t.Fatal(err)
	}
	git(t, top, "add", "-A")
	git(t, top, "commit", "-q", "-m", "base")
	git(t, top, "checkout", "-q", "-b", "feature")
	git(t, top, "mv", "app/old.yaml", "app/new.yaml")
	write(t, filepath.Join(top, "app", "web.yaml"), "a: 2\n")
	write(t, filepath.Join(top, "app", "added.yaml"), "b: 1\n")
	write(t, filepath.Join(top, "rendered", "x.yaml"), "ignored\n")

	r, err := Open(filepath.Join(top, "app"))
	if err != nil {
		t.Fatal(err)
	}
	if r.Top != top {
		t.Errorf("Top %s, want %s", r.Top, top)
	}
	base, err := r.MergeBase("main")
	if err != nil {
		t.Fatal(err)
	}
	changed, err := r.Changed(base)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{filepath.Join(top, "app", "added.yaml"), filepath.Join(top, "app", "new.yaml"), filepath.Join(top, "app", "old.yaml"), filepath.Join(top, "app", "web.yaml")}
	if !slices.Equal(changed, want) {
		t.Errorf("Changed = %v, want %v (both sides of the rename, the untracked file, not the ignored one)", changed, want)
	}

	dir := t.TempDir()
	if err := r.Extract(base, dir); err != nil {
		t.Fatal(err)
	}
	// The base's files, export-ignore or not, and the link as a link.
	if data, err := os.ReadFile(filepath.Join(dir, "app", "web.yaml")); err != nil || string(data) != "a: 1\n" {
		t.Errorf("app/web.yaml at the base: %q, %v", data, err)
	}
	if target, err := os.Readlink(filepath.Join(dir, "app", "link.yaml")); err != nil || target != "web.yaml" {
		t.Errorf("app/link.yaml: %q, %v; want a link to web.yaml", target, err)
	}
	for _, gone := range []string{"app/new.yaml", "app/added.yaml"} {
		if _, err := os.Stat(filepath.Join(dir, gone)); !os.IsNotExist(err) {
			t.Errorf("%s exists at the base: %v", gone, err)
		}
	}
	// The repository's own index is as it was: the rename still staged.
	cmd := exec.Command("git", "diff", "--cached", "--name-only", "--no-renames")
	cmd.Dir = top
	if out, err := cmd.Output(); err != nil || string(out) != "app/new.yaml\napp/old.yaml\n" {
		t.Errorf("the index changed: %q, %v", out, err)
	}

	for _, ref := range []string{"nosuch", "-x"} {
		if _, err := r.MergeBase(ref); err == nil {
			t.Errorf("MergeBase(%q): no error", ref)
		}
	}
	if _, err := Open(t.TempDir()); err == nil {
		t.Errorf("Open outside a repository: no error")
	}
}
