//go:build !cluster

package main

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"

	"github.com/eastern-k8s/eastern/crd"
)

// The commands that talk to a cluster live in eastern-cluster, eastern
// built with -tags cluster: client-go's packages would add two
// milliseconds of start-up to every render, which pipelines run by the
// hundred. eastern hands those commands over to it, found next to eastern
// or on PATH, with the same arguments, streams and environment; of diff,
// only --live (diff parses its flags first, which both binaries share).
const clusterBinary = "eastern-cluster"

func (a *app) deploy(args []string) int { return a.delegate("deploy", args) }
func (a *app) job(args []string) int    { return a.delegate("job", args) }

// diffLive hands eastern diff --live over, with the arguments as given.
func (a *app) diffLive(_ *diffCmd, _, args []string) int { return a.delegate("diff", args) }

// completeElsewhere hands the completion of a cluster command to
// eastern-cluster, which knows its flags; without it, files are offered.
func completeElsewhere(words []string) (code int, handed bool) {
	if !slices.Contains([]string{"deploy", "job"}, words[0]) {
		return 0, false
	}
	if path, err := findClusterBinary(); err == nil {
		if code, err := handOver(path, append([]string{"eastern", "__complete"}, words...)); err == nil {
			return code, true
		}
	}
	fmt.Println(completeFiles)
	return exitOK, true
}

// celBinary returns eastern-cluster when this eastern cannot evaluate the
// x-kubernetes-validations rules of CRDs (it is built with the nocel tag,
// as make build builds it: cel-go would add more than a millisecond of
// package initialisation to every render) and eastern-cluster is there
// to evaluate them; lint hands a run that needs them over to it.
func celBinary() (string, bool) {
	if crd.Evaluates {
		return "", false
	}
	path, err := findClusterBinary()
	return path, err == nil
}

// handOverLint runs eastern lint with args in eastern-cluster, path, with
// stdin as its standard input when the template was read from it.
func (a *app) handOverLint(path string, args []string, stdin []byte) int {
	code, err := handOverInput(path, append([]string{"eastern", "lint"}, args...), stdin)
	if err != nil {
		a.failed("lint", fmt.Errorf("running %s: %w", path, err))
		return exitUsage
	}
	return code
}

func (a *app) delegate(cmd string, args []string) int {
	path, err := findClusterBinary()
	if err != nil {
		a.failed(cmd, err)
		return exitUsage
	}
	code, err := handOver(path, append([]string{"eastern", cmd}, args...))
	if err != nil {
		a.failed(cmd, fmt.Errorf("running %s: %w", path, err))
		return exitUsage
	}
	return code
}

// findClusterBinary looks beside the running executable first, so that an
// unpacked release works without a PATH change, then on PATH.
func findClusterBinary() (string, error) {
	name := clusterBinary + exeSuffix()
	if self, err := os.Executable(); err == nil {
		if real, err := filepath.EvalSymlinks(self); err == nil {
			self = real
		}
		candidate := filepath.Join(filepath.Dir(self), name)
		if info, err := os.Stat(candidate); err == nil && info.Mode().IsRegular() {
			return candidate, nil
		}
	}
	if path, err := exec.LookPath(name); err == nil {
		return path, nil
	} else if !errors.Is(err, exec.ErrNotFound) {
		return "", err
	}
	return "", fmt.Errorf("this command is in %s, which is neither next to eastern nor on PATH; "+
		"install it with the release archive or `make build`, or build eastern with -tags cluster", name)
}

func exeSuffix() string {
	if runtime.GOOS == "windows" {
		return ".exe"
	}
	return ""
}
