// Package testbin builds the eastern command for the tests that run it the
// way its users do: the end-to-end tests of cmd/eastern and the
// documentation tests of internal/doctest. Only _test.go files may import
// it.
//
// `go test ./...` runs those two packages in parallel processes, and each
// needs the binary before its first test. Build makes that cost one link per
// change of the sources rather than two full builds per run:
//
//   - It builds with the flags `go test` compiles with (no -trimpath, which
//     would recompile the standard library and every dependency), so every
//     package the binary needs is already in the build cache, compiled for
//     the tests, and only package main is compiled again.
//   - It builds with `go run`, which keeps the linked binary in the build
//     cache under a key of everything that went into it (sources, embedded
//     files, flags, environment, toolchain). The second package, and every
//     later run with the same sources, copies that binary instead of
//     linking its own; a stale binary cannot be picked up, and `go clean
//     -cache` removes it with the rest.
package testbin

import (
	"fmt"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
)

// Version and Commit are linked into the binary, so that `eastern
// --version` prints something the tests know.
const (
	Version = "v0.0.0-e2e"
	Commit  = "e2e0123456789abcdef"
)

// mainPackage is built by import path, so Build works from any directory of
// the module: each test binary runs in its own package's directory.
const mainPackage = "github.com/eastern-k8s/eastern/cmd/eastern"

func init() {
	// A release binary that imported this package would carry test
	// helpers; fail at once rather than ship them.
	if !testing.Testing() {
		panic("internal/testbin is imported by non-test code")
	}
}

// Build writes the eastern binary into dir, named eastern (eastern.exe on
// Windows) so that dir can go first on a PATH, and returns its path. Beside
// it goes eastern-cluster, eastern built with -tags cluster, to which
// eastern hands the commands that talk to a cluster and the lint runs whose
// CRDs have rules, as a release has them: eastern is built with nocel, as
// make build builds it.
func Build(dir string) (string, error) {
	path := filepath.Join(dir, "eastern"+exeSuffix())
	if err := build(path, "-tags", "nocel"); err != nil {
		return "", err
	}
	if err := build(filepath.Join(dir, "eastern-cluster"+exeSuffix()), "-tags", "cluster"); err != nil {
		return "", err
	}
	return path, nil
}

func build(path string, flags ...string) error {
	// With -exec, go run hands the built binary to cp (`cp BINARY path`)
	// instead of running it: the copy is ours to run, whatever later
	// happens to the cache. cp is POSIX, as is the sh the tests use.
	// The `go` on PATH is the toolchain that runs the tests: go test puts
	// its GOROOT/bin first on the test binaries' PATH.
	args := append([]string{"run", "-exec", "cp"}, flags...)
	args = append(args, "-ldflags", "-X main.version="+Version+" -X main.commit="+Commit, mainPackage, path)
	cmd := exec.Command("go", args...)
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("building %s: %w\n%s", mainPackage, err, out)
	}
	return nil
}

func exeSuffix() string {
	if runtime.GOOS == "windows" {
		return ".exe"
	}
	return ""
}
