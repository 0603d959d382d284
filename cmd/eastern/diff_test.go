package main

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/diff")

// diffTree is the repository the diff tests change: templates that load
// partials and per-namespace overrides (default and production are
// implied), a Secret, and a template the branch removes.
var diffTree = map[string]string{
	"web.yaml": `apiVersion: v1
kind: ConfigMap
metadata:
  name: web
data:
  # load! partials/probes.yaml
  # load! overrides/env-${NAMESPACE}.yaml, overrides/env.yaml
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {app: web, tier: front}
spec:
  replicas: 2
`,
	"api.yaml":                      "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: api\ndata:\n  # load! partials/ports.yaml\n  # load! overrides/env-${NAMESPACE}.yaml, overrides/env.yaml\n",
	"jobs.yaml":                     "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: jobs\ndata:\n  # load! partials/old.yaml\n",
	"legacy.yaml":                   "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: legacy\ndata: {a: \"1\"}\n",
	"secret.yaml":                   "apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\ndata:\n  password: b2xkLXBhc3N3b3Jk\n  user: YWRtaW4=\n",
	"partials/probes.yaml":          "probe: \"1\"\n",
	"partials/ports.yaml":           "port: \"80\"\n",
	"partials/old.yaml":             "old: \"1\"\n",
	"overrides/env.yaml":            "env: base\n",
	"overrides/env-production.yaml": "env: production\n",
}

// diffBranch makes the repository with a feature branch that edits a
// partial, while main moves on with a change that is not the branch's.
func diffBranch(t *testing.T) (string, func(args ...string)) {
	t.Helper()
	dir, git := gitRepo(t, diffTree)
	git("checkout", "-q", "-b", "feature")
	writeTree(t, dir, map[string]string{"partials/probes.yaml": "probe: \"2\"\n"})
	git("commit", "-q", "-am", "probes")
	git("checkout", "-q", "main")
	writeTree(t, dir, map[string]string{"partials/ports.yaml": "port: \"81\"\n"})
	git("commit", "-q", "-am", "ports on main")
	git("checkout", "-q", "feature")
	return dir, git
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", "diff", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (go test -update writes it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs (go test -update rewrites it); got:\n%s", path, got)
	}
}

// The branch's committed and uncommitted changes, against the merge base:
// an edited partial, a deleted one, an added template, a removed one and
// a changed Secret; main's own change does not show.
func TestDiffSince(t *testing.T) {
	dir, git := diffBranch(t)
	git("rm", "-q", "partials/ports.yaml", "legacy.yaml")
	writeTree(t, dir, map[string]string{
		"api.yaml":    "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: api\ndata:\n  # load! overrides/env-${NAMESPACE}.yaml, overrides/env.yaml\n",
		"new.yaml":    "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: new\ndata: {a: \"1\"}\n",
		"secret.yaml": strings.Replace(diffTree["secret.yaml"], "b2xkLXBhc3N3b3Jk", "bmV3LXBhc3N3b3Jk", 1),
	})
	stdout, stderr, code := runEastern(t, dir, "", "diff", "--since", "main")
	if code != exitDifferent || stderr != "" {
		t.Fatalf("exit %d, want 1\n%s%s", code, stdout, stderr)
	}
	golden(t, "since.txt", stdout)
	for _, secret := range []string{"b2xkLXBhc3N3b3Jk", "bmV3LXBhc3N3b3Jk", "YWRtaW4="} {
		if strings.Contains(stdout, secret) {
			t.Errorf("a Secret's value %s shows", secret)
		}
	}
	if strings.Contains(stdout, `port: "81"`) {
		t.Error("main's own change shows")
	}

	// Markdown, for a pull-request comment.
	stdout, _, code = runEastern(t, dir, "", "diff", "--since", "main", "-o", "markdown")
	if code != exitDifferent {
		t.Fatalf("-o markdown: exit %d", code)
	}
	golden(t, "since.md", regexp.MustCompile("merge base `[0-9a-f]{12}`").ReplaceAllString(stdout, "merge base `MERGEBASE`"))
	var rows []string
	for _, m := range regexp.MustCompile(`(?m)^\| (.+) \|$`).FindAllStringSubmatch(stdout, -1) {
		rows = append(rows, m[1])
	}
	wantRows := []string{
		"Template | Namespace | Added | Removed | Changed", ":--- | :--- | ---: | ---: | ---:",
		"`api.yaml` | default | 0 | 0 | 1", "`api.yaml` | production | 0 | 0 | 1",
		"`legacy.yaml` | default (gone) | 0 | 1 | 0", "`new.yaml` | default (new) | 1 | 0 | 0",
		"`secret.yaml` | default | 0 | 0 | 1", "`web.yaml` | default | 0 | 0 | 1", "`web.yaml` | production | 0 | 0 | 1",
	}
	if strings.Join(rows, "\n") != strings.Join(wantRows, "\n") {
		t.Errorf("table:\n%s\nwant:\n%s", strings.Join(rows, "\n"), strings.Join(wantRows, "\n"))
	}
	details := regexp.MustCompile("(?s)<details><summary>(.*?)</summary>\n\n```diff\n(.*?)```\n\n</details>").FindAllStringSubmatch(stdout, -1)
	if len(details) != 7 {
		t.Fatalf("%d details blocks, want 7:\n%s", len(details), stdout)
	}
	if details[0][1] != "<code>api.yaml</code> [default]: changed <code>ConfigMap/api</code>" ||
		!strings.Contains(details[0][2], "-  port: \"80\"\n") {
		t.Errorf("first details block: %q\n%s", details[0][1], details[0][2])
	}

	// JSON, for programs.
	stdout, _, code = runEastern(t, dir, "", "diff", "--since", "main", "-o", "json")
	if code != exitDifferent {
		t.Fatalf("-o json: exit %d", code)
	}
	var report struct {
		Since     string         `json:"since"`
		MergeBase string         `json:"mergeBase"`
		Summary   map[string]int `json:"summary"`
		Renders   []struct {
			Template string `json:"template"`
			Before   struct {
				Rev       string `json:"rev"`
				Namespace string `json:"namespace"`
				Rendered  bool   `json:"rendered"`
			} `json:"before"`
			After struct {
				Rendered bool `json:"rendered"`
			} `json:"after"`
			Objects []map[string]string `json:"objects"`
		} `json:"renders"`
	}
	if err := json.Unmarshal([]byte(stdout), &report); err != nil {
		t.Fatalf("-o json: %v\n%s", err, stdout)
	}
	if report.Since != "main" || len(report.MergeBase) != 40 || report.Summary["renders"] != 8 || report.Summary["changedRenders"] != 7 ||
		report.Summary["added"] != 1 || report.Summary["removed"] != 1 || report.Summary["changed"] != 5 {
		t.Errorf("-o json: since %q, merge base %q, summary %v", report.Since, report.MergeBase, report.Summary)
	}
	for _, r := range report.Renders {
		if r.Template == "new.yaml" && (r.Before.Rendered || !r.After.Rendered || r.Objects[0]["action"] != "added" || r.Objects[0]["before"] != "") {
			t.Errorf("-o json: the added template: %+v", r)
		}
		if r.Template == "legacy.yaml" && (!r.Before.Rendered || r.After.Rendered || r.Before.Rev != "main" || r.Objects[0]["action"] != "removed") {
			t.Errorf("-o json: the removed template: %+v", r)
		}
		if r.Template == "secret.yaml" && (strings.Contains(stdout, "bmV3") || !strings.Contains(r.Objects[0]["diff"], "password: '*** (after)'")) {
			t.Errorf("-o json: the Secret: %+v", r.Objects)
		}
	}
}

// What changes nothing that a cluster would see is no change: a partial
// renamed with the load that names it, documents and keys reordered.
func TestDiffSinceNoChange(t *testing.T) {
	dir, git := gitRepo(t, diffTree)
	stdout, stderr, code := runEastern(t, dir, "", "diff", "--since", "main")
	if code != exitSame || stdout != "since main, 5 templates × 2 namespaces: no change (9 objects)\n" || stderr != "" {
		t.Errorf("no change: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	git("mv", "partials/old.yaml", "partials/renamed.yaml")
	writeTree(t, dir, map[string]string{
		"jobs.yaml": strings.Replace(diffTree["jobs.yaml"], "old.yaml", "renamed.yaml", 1),
		// The Deployment first, the ConfigMap's keys and the labels reordered.
		"web.yaml": "apiVersion: apps/v1\nkind: Deployment\nspec:\n  replicas: 2\nmetadata:\n  labels: {tier: front, app: web}\n  name: web\n---\n" +
			"data:\n  # load! overrides/env-${NAMESPACE}.yaml, overrides/env.yaml\n  # load! partials/probes.yaml\nmetadata:\n  name: web\nkind: ConfigMap\napiVersion: v1\n",
	})
	stdout, stderr, code = runEastern(t, dir, "", "diff", "--since", "main", "-o", "markdown")
	if code != exitSame || stderr != "" || !strings.Contains(stdout, "No change to the rendered manifests since `main`") || strings.Contains(stdout, "<details>") {
		t.Errorf("renamed partial, reordered file: exit %d\n%s%s", code, stdout, stderr)
	}
}

// An override added for one namespace changes that namespace only; left
// to lint's discovery, it adds a namespace whose objects are all new.
func TestDiffSinceOneNamespace(t *testing.T) {
	dir, _ := gitRepo(t, diffTree)
	writeTree(t, dir, map[string]string{"overrides/env-staging.yaml": "env: staging\n"})
	stdout, stderr, code := runEastern(t, dir, "", "diff", "--since", "main", "-n", "default,staging,production", "web.yaml", "api.yaml")
	if code != exitDifferent {
		t.Fatalf("exit %d\n%s%s", code, stdout, stderr)
	}
	want := "api.yaml [staging]: 1 changed\nweb.yaml [staging]: 1 changed, 1 unchanged\n" +
		"since main, 2 templates × 3 namespaces: 2 of 6 renders changed; objects: 2 changed, 7 unchanged\n"
	if !strings.HasSuffix(stdout, want) || strings.Contains(stdout, "[production]") || strings.Contains(stdout, "[default]") ||
		!strings.Contains(stdout, "-  env: base\n+  env: staging\n") {
		t.Errorf("one namespace:\n%s\nwant it to end with\n%s", stdout, want)
	}
	stdout, _, _ = runEastern(t, dir, "", "diff", "--since", "main", "web.yaml")
	if !strings.Contains(stdout, "web.yaml [staging] (new): 2 added\n") {
		t.Errorf("an implied namespace:\n%s", stdout)
	}
}

// -n BEFORE,AFTER compares two namespaces of a template, object by
// object, whatever namespace each is in.
func TestDiffNamespaces(t *testing.T) {
	dir := writeTree(t, t.TempDir(), diffTree)
	stdout, stderr, code := runEastern(t, dir, "", "diff", "-n", "default,production", "web.yaml")
	want := `--- web.yaml [default] ConfigMap/web
+++ web.yaml [production] ConfigMap/web
@@ -1,6 +1,6 @@
 apiVersion: v1
 data:
-  env: base
+  env: production
   probe: "1"
 kind: ConfigMap
 metadata:
web.yaml [default → production]: 1 changed, 1 unchanged
default → production, 1 template: 1 of 1 render changed; objects: 1 changed, 1 unchanged
`
	if code != exitDifferent || stdout != want || stderr != "" {
		t.Errorf("exit %d, stderr %q, stdout:\n%s\nwant:\n%s", code, stderr, stdout, want)
	}
	stdout, _, code = runEastern(t, dir, "", "diff", "-n", "default,production", "jobs.yaml", "legacy.yaml")
	if code != exitSame || stdout != "default → production, 2 templates: no change (2 objects)\n" {
		t.Errorf("no difference: exit %d, %q", code, stdout)
	}
	stdout, _, code = runEastern(t, dir, "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\ndata: {ns: ${NAMESPACE}}\n", "diff", "-n", "a,b", "-")
	if code != exitDifferent || !strings.Contains(stdout, "-  ns: a\n+  ns: b\n") {
		t.Errorf("standard input: exit %d\n%s", code, stdout)
	}
}

// Rendered content cannot leave its code block in a comment: the fence
// is longer than any run of backticks in it.
func TestDiffMarkdownFence(t *testing.T) {
	dir, _ := gitRepo(t, map[string]string{"doc.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: doc\ndata:\n  a: \"1\"\n"})
	writeTree(t, dir, map[string]string{"doc.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: doc\ndata:\n  a: \"1\"\n  readme: |\n    ```\n    </details>\n    `````\n    ```\n"})
	stdout, _, code := runEastern(t, dir, "", "diff", "--since", "main", "-o", "markdown")
	if code != exitDifferent {
		t.Fatalf("exit %d\n%s", code, stdout)
	}
	m := regexp.MustCompile("(?s)\n(`+)diff\n(.*?)\n(`+)\n\n</details>\n").FindStringSubmatch(stdout)
	if m == nil || m[1] != "``````" || m[3] != m[1] || !strings.Contains(m[2], "+    `````\n") || !strings.Contains(m[2], "</details>") {
		t.Errorf("the code block is not fenced by six backticks around all of the diff:\n%s", stdout)
	}
}

func TestDiffColor(t *testing.T) {
	dir, _ := diffBranch(t)
	for _, tt := range []struct {
		args  []string
		color bool
	}{
		{nil, false}, // standard output is no terminal
		{[]string{"--color", "always"}, true},
		{[]string{"--color", "never"}, false},
		{[]string{"--color", "always", "-o", "markdown"}, false},
	} {
		stdout, _, code := runEastern(t, dir, "", append([]string{"diff", "--since", "main"}, tt.args...)...)
		if code != exitDifferent || strings.Contains(stdout, "\x1b[31m-") != tt.color || strings.Contains(stdout, "\x1b[") != tt.color {
			t.Errorf("%v: exit %d, colour %v, want %v:\n%q", tt.args, code, strings.Contains(stdout, "\x1b["), tt.color, stdout)
		}
	}
}

// A render that fails on either side stops the diff with exit 2 and the
// template line; at the merge base, the file is named as git show names it.
func TestDiffRenderFailure(t *testing.T) {
	dir, git := gitRepo(t, diffTree)
	git("rm", "-q", "partials/probes.yaml")
	stdout, stderr, code := runEastern(t, dir, "", "diff", "--since", "main")
	if code != exitDiffFailed || stdout != "" || !strings.HasPrefix(stderr, "web.yaml:6:11: error: load!: none of the candidates exist: partials/probes.yaml") {
		t.Errorf("working tree: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	git("commit", "-q", "-m", "break web.yaml")
	git("checkout", "-q", "-b", "fix")
	git("checkout", "-q", "main")
	git("commit", "-q", "--allow-empty", "-m", "later")
	git("checkout", "-q", "fix")
	writeTree(t, dir, map[string]string{"web.yaml": strings.Replace(diffTree["web.yaml"], "  # load! partials/probes.yaml\n", "", 1)})
	_, stderr, code = runEastern(t, dir, "", "diff", "--since", "main")
	if code != exitDiffFailed || !strings.HasPrefix(stderr, "main:web.yaml:6:11: error: load!: none of the candidates exist") {
		t.Errorf("merge base: exit %d, stderr %q", code, stderr)
	}
	writeTree(t, dir, map[string]string{"bad.yaml": "a: [1\n"})
	_, stderr, code = runEastern(t, dir, "", "diff", "-n", "a,b", "bad.yaml")
	if code != exitDiffFailed || !strings.HasPrefix(stderr, "bad.yaml:1") {
		t.Errorf("YAML that does not parse: exit %d, stderr %q", code, stderr)
	}
}

func TestDiffUsageErrors(t *testing.T) {
	dir, _ := gitRepo(t, diffTree)
	for _, tt := range []struct {
		args []string
		env  []string
		want string
	}{
		{[]string{"--since", "nosuchbranch"}, nil, "eastern diff: --since: nosuchbranch: unknown revision"},
		{[]string{"--since", "--all"}, nil, `eastern diff: --since: "--all" is not a git revision`},
		{[]string{"--since", "main"}, []string{"PATH=" + t.TempDir()}, "eastern diff: --since: git is not installed"},
		{[]string{"--since", "main", "nosuch.yaml"}, nil, "eastern diff: nosuch.yaml: no such file or directory, and no match, in the working tree or at main"},
		{[]string{"--since", "main", "-"}, nil, "eastern diff: --since compares trees"},
		{[]string{"--since", "main", "/"}, nil, "eastern diff: / lies outside the git repository"},
		{nil, nil, "eastern diff: compare with what? Give --since REF, -n BEFORE,AFTER or --live"},
		{[]string{"-n", "production"}, nil, "eastern diff: -n without --since names the two namespaces to compare"},
		{[]string{"-n", "a,a", "web.yaml"}, nil, "eastern diff: -n a,a: give two different namespaces"},
		{[]string{"--since", "main", "-o", "yaml"}, nil, `eastern diff: unknown output format "yaml" (want text, markdown or json)`},
		{[]string{"--since", "main", "--prune"}, nil, "eastern diff: --prune applies to --live"},
		{[]string{"--since", "main", "--context", "x"}, nil, "eastern diff: --context applies to --live"},
	} {
		cmd := easternCommand(dir, append([]string{"diff"}, tt.args...)...)
		cmd.Env = append(os.Environ(), tt.env...)
		stdout, stderr, code := runCommand(t, cmd, "")
		if code != exitDiffFailed || stdout != "" || !strings.HasPrefix(stderr, tt.want) {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want 2 and %q", tt.args, code, stdout, stderr, tt.want)
		}
	}
	outside := writeTree(t, t.TempDir(), diffTree)
	if _, stderr, code := runEastern(t, outside, "", "diff", "--since", "main"); code != exitDiffFailed || !strings.Contains(stderr, "is not in a git repository") {
		t.Errorf("outside a repository: exit %d, stderr %q", code, stderr)
	}
}

// eastern diff --help is one text for every form, in both binaries; --live
// goes to eastern-cluster, which takes the same flags.
func TestDiffHelpAndLive(t *testing.T) {
	light, _, code := runEastern(t, t.TempDir(), "", "diff", "--help")
	if code != exitOK || !strings.Contains(light, "eastern diff --since REF") || !strings.Contains(light, "eastern diff --live TEMPLATE") ||
		!strings.Contains(light, "--kubeconfig FILE") {
		t.Fatalf("eastern diff --help: exit %d\n%s", code, light)
	}
	cluster := easternCommand(t.TempDir(), "diff", "--help")
	cluster.Path = filepath.Join(filepath.Dir(easternPath), "eastern-cluster"+filepath.Ext(easternPath))
	if heavy, _, code := runCommand(t, cluster, ""); code != exitOK || heavy != light {
		t.Errorf("eastern-cluster diff --help: exit %d, differs from eastern's:\n%s", code, heavy)
	}
	dir := writeTree(t, t.TempDir(), diffTree)
	_, stderr, code := runEastern(t, dir, "", "diff", "--live", "web.yaml", "production", "--kubeconfig", filepath.Join(dir, "none"))
	if code != exitDiffFailed || !strings.Contains(stderr, "kubeconfig") {
		t.Errorf("--live through eastern-cluster: exit %d, stderr %q", code, stderr)
	}
	if out, _, _ := runEastern(t, dir, "", "__complete", "diff", "-o", ""); out != "text\nmarkdown\njson\n:none\n" {
		t.Errorf("completing diff -o: %q", out)
	}
	_, stderr, code = runEastern(t, dir, "", "diff", "--live", "web.yaml", "-o", "json")
	if code != exitDiffFailed || !strings.HasPrefix(stderr, "eastern diff: --live writes text only") {
		t.Errorf("--live -o json: exit %d, stderr %q", code, stderr)
	}
}
