package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// -o json prints a v1 List of the rendered objects, as kubectl get -o json
// does, and --output-file writes it.
func TestRenderJSON(t *testing.T) {
	dir := writeTree(t, t.TempDir(), appTree)
	stdout, stderr, code := runEastern(t, dir, "", "render", "app.yaml", "production", "-s", "IMAGE_TAG=1.2.3", "-o", "json")
	if code != exitOK || stderr != "" {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	var list struct {
		APIVersion, Kind string
		Items            []struct {
			Kind     string
			Metadata struct{ Name, Namespace string }
			Data     map[string]string
		}
	}
	if err := json.Unmarshal([]byte(stdout), &list); err != nil {
		t.Fatalf("stdout is not JSON: %v\n%s", err, stdout)
	}
	if list.Kind != "List" || len(list.Items) != 1 {
		t.Fatalf("want a List of one object, got %s", stdout)
	}
	it := list.Items[0]
	if it.Kind != "ConfigMap" || it.Metadata.Name != "web" || it.Metadata.Namespace != "production" ||
		it.Data["env"] != "production" || it.Data["tag"] != "1.2.3" {
		t.Errorf("item %+v, want the production ConfigMap", it)
	}

	fileOut, _, code := runEastern(t, dir, "", "render", "app.yaml", "production", "-s", "IMAGE_TAG=1.2.3", "-o", "json", "--output-file", "out.json")
	if code != exitOK || fileOut != "" {
		t.Fatalf("--output-file: exit %d, stdout %q", code, fileOut)
	}
	if data, err := os.ReadFile(filepath.Join(dir, "out.json")); err != nil || string(data) != stdout {
		t.Errorf("out.json holds %q (%v), want what -o json printed", data, err)
	}
}

// A render that is not YAML cannot become JSON: the error is at the
// partial's line, and nothing is printed.
func TestRenderJSONSyntaxError(t *testing.T) {
	dir := writeTree(t, t.TempDir(), map[string]string{
		"app.yaml":     "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web\ndata:\n  # load! part.yaml\n",
		"part.yaml":    "a: 1\n  b: 2\n",
		"out/old.json": "old\n",
	})
	stdout, stderr, code := runEastern(t, dir, "", "render", "app.yaml", "-o", "json")
	if code != exitFailed || stdout != "" {
		t.Fatalf("exit %d, stdout %q; want 1 and nothing", code, stdout)
	}
	if !strings.Contains(stderr, "part.yaml:2:") || !strings.Contains(stderr, "[yaml.syntax]") || !strings.Contains(stderr, "mapping values are not allowed") {
		t.Errorf("stderr %q, want a yaml.syntax error at part.yaml:2", stderr)
	}
	_, _, code = runEastern(t, dir, "", "render", "app.yaml", "-o", "json", "--output-file", "out/old.json")
	if data, _ := os.ReadFile(filepath.Join(dir, "out", "old.json")); code != exitFailed || string(data) != "old\n" {
		t.Errorf("exit %d, out/old.json %q; want 1 and the old file untouched", code, data)
	}
}

// -o takes a format in every command; the file it took before the first
// release is --output-file, and the error says so.
func TestOutputFormatUsage(t *testing.T) {
	dir := writeTree(t, t.TempDir(), appTree)
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"render", "app.yaml", "-o", "rendered/out.yaml"}, `eastern render: unknown output format "rendered/out.yaml" (want yaml or json); write to a file with --output-file`},
		{[]string{"render", "app.yaml", "-o", "xml"}, `eastern render: unknown output format "xml" (want yaml or json)` + "\n"},
		{[]string{"watch", "app.yaml", "-o", "out.yaml"}, `eastern watch: unknown output format "out.yaml" (want yaml or json); write to a file with --output-file`},
		{[]string{"lint", "app.yaml", "-o", "yaml"}, `eastern lint: unknown output format "yaml"`},
	} {
		stdout, stderr, code := runEastern(t, dir, "", tt.args...)
		if code != exitUsage || stdout != "" || !strings.Contains(stderr, tt.want) {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want 2 and %q", tt.args, code, stdout, stderr, tt.want)
		}
	}
}

// watch -o json writes each good render as a List, summarises changes by
// object as for YAML, and a render that is not YAML keeps the last good
// file.
func TestWatchJSON(t *testing.T) {
	dir := writeTree(t, t.TempDir(), map[string]string{
		"app.yaml":  "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web\ndata:\n  # load! part.yaml\n",
		"part.yaml": "color: blue\n",
	})
	out := filepath.Join(dir, "out.json")
	cmd, _, stderr := startEastern(t, dir, "watch", "app.yaml", "--no-lint", "-o", "json", "--output-file", "out.json")
	defer func() { _ = cmd.Wait() }()
	defer func() { _ = cmd.Process.Kill() }()
	color := func(s string) string {
		var list struct {
			Items []struct{ Data map[string]string }
		}
		if json.Unmarshal([]byte(s), &list) != nil || len(list.Items) != 1 {
			return ""
		}
		return list.Items[0].Data["color"]
	}
	waitForFile(t, out, "first render", func(s string) bool { return color(s) == "blue" })
	writeTree(t, dir, map[string]string{"part.yaml": "color: green\n  bad: indent\n"})
	waitForText(t, stderr, "part.yaml:2:")
	if data, _ := os.ReadFile(out); color(string(data)) != "blue" {
		t.Errorf("after a bad render out.json holds %s, want the last good one", data)
	}
	writeTree(t, dir, map[string]string{"part.yaml": "color: green\n"})
	waitForFile(t, out, "fixed render", func(s string) bool { return color(s) == "green" })
}

// lint -o sarif names each rule with its description and a link into
// rules.md, and eastern's version, which only the command knows.
func TestLintSARIF(t *testing.T) {
	dir := writeTree(t, t.TempDir(), map[string]string{"app.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata:\n  n: 1\n"})
	for _, args := range [][]string{{"lint", "-o", "sarif"}, {"lint", "--report", "sarif=out.sarif"}} {
		stdout, stderr, code := runEastern(t, dir, "", args...)
		if code != exitFailed {
			t.Fatalf("%v: exit %d, stderr %q", args, code, stderr)
		}
		data := []byte(stdout)
		if args[1] == "--report" {
			var err error
			if data, err = os.ReadFile(filepath.Join(dir, "out.sarif")); err != nil {
				t.Fatal(err)
			}
		}
		var log struct {
			Version string
			Runs    []struct {
				Tool struct {
					Driver struct {
						Name, Version string
						Rules         []struct {
							ID               string
							ShortDescription struct{ Text string }
							HelpURI          string
						}
					}
				}
				Results []struct{ RuleID string }
			}
		}
		if err := json.Unmarshal(data, &log); err != nil || len(log.Runs) != 1 {
			t.Fatalf("%v: not a SARIF log of one run (%v):\n%s", args, err, data)
		}
		d := log.Runs[0].Tool.Driver
		if log.Version != "2.1.0" || d.Name != "eastern" || d.Version == "" || len(d.Rules) != 1 || len(log.Runs[0].Results) != 1 {
			t.Fatalf("%v: version %q, driver %+v, results %+v", args, log.Version, d, log.Runs[0].Results)
		}
		r := d.Rules[0]
		if r.ID != "schema.type" || r.ShortDescription.Text != "a value has the wrong type" ||
			r.HelpURI != "https://github.com/eastern-k8s/eastern/blob/main/docs/rules.md#rendered-manifests" {
			t.Errorf("%v: rule %+v", args, r)
		}
	}
}

// A mis-indented partial makes render fail at the partial's line, with
// nothing on standard output and the output file untouched; --no-check
// writes it anyway.
func TestRenderChecksYAML(t *testing.T) {
	dir := writeTree(t, t.TempDir(), map[string]string{
		"app.yaml":      "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web\n  labels:\n    # load! labels.yaml\ndata:\n  a: b\n",
		"labels.yaml":   "app: web\n  tier: front\n",
		"out/keep.yaml": "old\n",
	})
	for _, args := range [][]string{
		{"render", "app.yaml"},
		{"render", "app.yaml", "--output-file", "out/keep.yaml"},
		{"render", "--all", "-q"},
		{"render", "--all", "--output-dir", "out", "-q"},
	} {
		stdout, stderr, code := runEastern(t, dir, "", args...)
		if code != exitFailed || stdout != "" {
			t.Errorf("%v: exit %d, stdout %q; want 1 and nothing", args, code, stdout)
		}
		if !strings.Contains(stderr, "labels.yaml:2:") || !strings.Contains(stderr, "[yaml.syntax]") || !strings.Contains(stderr, "via app.yaml:6") {
			t.Errorf("%v: stderr %q, want a yaml.syntax error at labels.yaml:2 via app.yaml:6", args, stderr)
		}
	}
	if data, _ := os.ReadFile(filepath.Join(dir, "out", "keep.yaml")); string(data) != "old\n" {
		t.Errorf("out/keep.yaml holds %q", data)
	}
	stdout, _, code := runEastern(t, dir, "", "render", "app.yaml", "--no-check")
	if code != exitOK || !strings.Contains(stdout, "      tier: front\n") {
		t.Errorf("--no-check: exit %d, stdout %q", code, stdout)
	}
}
