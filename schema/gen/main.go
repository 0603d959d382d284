// Command gen writes schema/data/kubernetes.txt, the field trees and API
// lifecycles of every built-in Kubernetes kind for each supported minor
// release, which package schema embeds. It reads k8s.io/api,
// k8s.io/apiextensions-apiserver and k8s.io/kube-aggregator at the versions
// pinned in versions.go, each from a throwaway module, with go/packages:
// source, not reflection, because +optional and +required live in comments.
//
// It is its own module so that eastern never depends on k8s.io/api or
// golang.org/x/tools. Run it with make schemas; make schemas-check runs it
// with -check to prove the committed file is what the pinned sources give.
package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"
)

func main() {
	out := flag.String("out", "../data/kubernetes.txt", "data file to write")
	check := flag.String("check", "", "compare the generated data with this committed file and fail if they differ")
	jobs := flag.Int("j", 2, "releases loaded at once; each load takes about 1 GB")
	only := flag.String("releases", "", "comma-separated releases to read instead of all (debugging only: lifecycles derived from presence will be wrong)")
	work := flag.String("work", "", "keep the per-release modules in this directory instead of a temporary one")
	flag.Parse()

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Stderr, *out, *check, *work, *only, *jobs); err != nil {
		fmt.Fprintln(os.Stderr, "schema/gen:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, log io.Writer, out, check, work, only string, jobs int) error {
	start := time.Now()
	todo := pinned
	if only != "" {
		want := strings.Split(only, ",")
		todo = slices.DeleteFunc(slices.Clone(pinned), func(p pin) bool { return !slices.Contains(want, p.release) })
		if len(todo) == 0 {
			return fmt.Errorf("-releases %s: none of them is pinned in versions.go", only)
		}
	}
	if work == "" {
		dir, err := os.MkdirTemp("", "eastern-schema-gen-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		work = dir
	}

	rels, err := readReleases(ctx, log, work, todo, jobs)
	if err != nil {
		return err
	}
	versions := map[string]string{}
	for _, p := range todo {
		versions[p.release] = p.version
	}
	text, err := encode(rels, versions)
	if err != nil {
		return err
	}
	if err := writeData(out, text); err != nil {
		return err
	}
	fmt.Fprintf(log, "wrote %s: %d bytes of text in %s\n", out, len(text), time.Since(start).Round(time.Second))
	if check != "" {
		return compareData(check, text)
	}
	return nil
}

// readReleases loads and extracts releases, jobs at a time, and returns them
// oldest first. The loaded packages are dropped as soon as a release is
// extracted; only its nodes are kept.
func readReleases(ctx context.Context, log io.Writer, work string, todo []pin, jobs int) ([]*release, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	rels := make([]*release, len(todo))
	errs := make([]error, len(todo))
	sem := make(chan struct{}, max(jobs, 1))
	var mu sync.Mutex // serialises log lines
	var wg sync.WaitGroup
	for i, p := range todo {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			if ctx.Err() != nil {
				return
			}
			t := time.Now()
			pkgs, err := loadRelease(ctx, filepath.Join(work, p.release), p.version)
			if err == nil {
				rels[i], err = extract(p.release, pkgs)
			}
			if err != nil {
				errs[i] = fmt.Errorf("%s (%s): %w", p.release, p.version, err)
				cancel()
				return
			}
			mu.Lock()
			fmt.Fprintf(log, "%s (%s): %d kinds in %s\n", p.release, p.version, len(rels[i].kinds), time.Since(t).Round(100*time.Millisecond))
			mu.Unlock()
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return rels, nil
}

// writeData writes text into path, leaving an unchanged file alone. The
// text is committed as it is: a change to the schemas shows in review as a
// plain diff, and eastern embeds it without a decompressor at start-up.
func writeData(path string, text []byte) error {
	if old, err := os.ReadFile(path); err == nil && bytes.Equal(old, text) {
		return nil
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, text, 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// compareData fails when the committed file's text differs from text,
// naming the first line that differs.
func compareData(committed string, text []byte) error {
	old, err := os.ReadFile(committed)
	if err != nil {
		return fmt.Errorf("reading the committed data: %w", err)
	}
	if bytes.Equal(old, text) {
		return nil
	}
	oldLines, newLines := strings.Split(string(old), "\n"), strings.Split(string(text), "\n")
	line := 0
	for line < len(oldLines) && line < len(newLines) && oldLines[line] == newLines[line] {
		line++
	}
	at := func(lines []string) string {
		if line < len(lines) {
			return lines[line]
		}
		return "(end of file)"
	}
	return fmt.Errorf("%s is out of date: regenerating it from the pinned k8s.io versions gives different data "+
		"(first difference at line %d:\n\tcommitted: %.200s\n\tgenerated: %.200s)\nrun `make schemas` and commit the result",
		committed, line+1, at(oldLines), at(newLines))
}
