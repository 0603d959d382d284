package doctest

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestImage builds the Dockerfile's image with buildah, the daemonless
// builder Debian packages (.ci/run installs it), from static binaries as
// make build writes them, and runs eastern --version and a render in it.
// FROM scratch needs no registry, so it works offline. Without buildah it
// can only be skipped, except in CI, where buildah must be there.
func TestImage(t *testing.T) {
	buildah, err := exec.LookPath("buildah")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("buildah is not installed; .ci/run installs it")
		}
		t.Skip("buildah is not installed (apt-get install buildah)")
	}
	if testing.Short() {
		t.Skip("-short: building an image takes a few seconds")
	}
	context := t.TempDir()
	for _, b := range []struct{ out, tags string }{{"eastern", ""}, {"eastern-cluster", "cluster"}} {
		cmd := exec.Command("go", "build", "-trimpath", "-tags", b.tags, "-o", filepath.Join(context, b.out), "./cmd/eastern")
		cmd.Dir = repoRoot
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("building %s: %v\n%s", b.out, err, out)
		}
	}
	for _, f := range []string{"Dockerfile", ".dockerignore"} {
		data, err := os.ReadFile(filepath.Join(repoRoot, f))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(context, f), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// A storage and a run root of the test's own: nothing is left behind.
	storage := t.TempDir()
	bh := func(args ...string) string {
		t.Helper()
		all := append([]string{"--storage-driver", "vfs", "--root", filepath.Join(storage, "root"), "--runroot", filepath.Join(storage, "run")}, args...)
		cmd := exec.Command(buildah, all...)
		cmd.Dir = context
		var stderr strings.Builder
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("buildah %s: %v\n%s%s", strings.Join(args, " "), err, out, stderr.String())
		}
		return string(out)
	}
	t.Cleanup(func() {
		exec.Command(buildah, "--storage-driver", "vfs", "--root", filepath.Join(storage, "root"), "--runroot", filepath.Join(storage, "run"), "rm", "--all").Run()
	})
	bh("bud", "--isolation", "chroot", "-t", "eastern-test", ".")
	bh("from", "--name", "eastern-test-run", "eastern-test")
	if out := bh("run", "--isolation", "chroot", "eastern-test-run", "--", "/usr/local/bin/eastern", "--version"); !strings.HasPrefix(out, "eastern ") {
		t.Errorf("eastern --version in the image printed %q", out)
	}
	if out := bh("run", "--isolation", "chroot", "eastern-test-run", "--", "/usr/local/bin/eastern", "deploy", "--help"); !strings.Contains(out, "eastern deploy TEMPLATE") {
		t.Errorf("eastern deploy --help in the image (handed to eastern-cluster) printed %q", out)
	}
}
