package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// render takes its variables from the nearest .eastern.yaml, the
// namespace's over the config's, --values over both, -s over all.
func TestRenderNearestConfig(t *testing.T) {
	dir := writeTree(t, t.TempDir(), map[string]string{
		".eastern.yaml":        "values: {REGISTRY: top.example}\n",
		"apps/a/.eastern.yaml": "values: {REGISTRY: a.example, TAG: \"1\"}\nnamespaces:\n  prod: {values: {TAG: \"2\"}}\n",
		"apps/a/app.yaml":      "image: ${REGISTRY}/a:${TAG}\n",
		"apps/c/app.yaml":      "image: ${REGISTRY}/c\n",
		"ci.yaml":              "values: {REGISTRY: ci.example, TAG: ci}\n",
		"tag.env":              "TAG=3\n",
	})
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"apps/a/app.yaml"}, "image: a.example/a:1\n"},
		{[]string{"apps/a/app.yaml", "prod"}, "image: a.example/a:2\n"},
		{[]string{"apps/a/app.yaml", "prod", "--values", "tag.env"}, "image: a.example/a:3\n"},
		{[]string{"apps/a/app.yaml", "prod", "--values", "tag.env", "-s", "TAG=4"}, "image: a.example/a:4\n"},
		{[]string{"apps/c/app.yaml"}, "image: top.example/c\n"},
		{[]string{"apps/a/app.yaml", "--config", "ci.yaml"}, "image: ci.example/a:ci\n"},
		{[]string{"-", "--base-dir", "apps/a"}, "image: a.example/a:1\n"},
	} {
		stdin := ""
		if tt.args[0] == "-" {
			stdin = "image: ${REGISTRY}/a:${TAG}\n"
		}
		stdout, stderr, code := runEastern(t, dir, stdin, append([]string{"render"}, tt.args...)...)
		if code != exitOK || stdout != tt.want {
			t.Errorf("render %v: exit %d, stdout %q, stderr %q; want %q", tt.args, code, stdout, stderr, tt.want)
		}
	}
	writeTree(t, dir, map[string]string{"apps/a/.eastern.yaml": "values: [x]\n"})
	stdout, stderr, code := runEastern(t, dir, "", "render", "apps/a/app.yaml")
	if code != exitUsage || stdout != "" || !strings.HasPrefix(stderr, "eastern render: apps/a/.eastern.yaml:1: values: want a map") {
		t.Errorf("broken config: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
}

// watch without a namespace watches those its config lists, each with
// its values; an edit to the config re-renders.
func TestWatchNearestConfig(t *testing.T) {
	dir := writeTree(t, t.TempDir(), map[string]string{
		"app/.eastern.yaml": "namespaces:\n  staging: {values: {TAG: s1}}\n  prod: {values: {TAG: p1}}\n",
		"app/app.yaml":      "tag: ${TAG}\n",
	})
	cmd, _, stderr := startEastern(t, dir, "watch", "app/app.yaml", "--no-lint", "--output-file", "out/${NAMESPACE}.yaml")
	defer func() { _ = cmd.Wait() }()
	defer func() { _ = cmd.Process.Kill() }()
	waitForFile(t, filepath.Join(dir, "out", "staging.yaml"), "staging", func(s string) bool { return s == "tag: s1\n" })
	waitForFile(t, filepath.Join(dir, "out", "prod.yaml"), "prod", func(s string) bool { return s == "tag: p1\n" })
	writeTree(t, dir, map[string]string{"app/.eastern.yaml": "namespaces:\n  staging: {values: {TAG: s2}}\n  prod: {values: {TAG: p1}}\n"})
	waitForFile(t, filepath.Join(dir, "out", "staging.yaml"), "staging after the edit", func(s string) bool { return s == "tag: s2\n" })
	if strings.Contains(stderr.String(), "error") {
		t.Errorf("stderr: %s", stderr.String())
	}

	_, stderr2, code := runEastern(t, dir, "", "watch", "app/app.yaml", "--no-lint", "--output-file", "out.yaml")
	if code != exitUsage || !strings.Contains(stderr2, "app/.eastern.yaml lists 2 namespaces: name one, or put ${NAMESPACE} in --output-file") {
		t.Errorf("one file for two namespaces: exit %d, stderr %q", code, stderr2)
	}
}
