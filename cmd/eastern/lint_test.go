package main

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"os"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strings"
	"testing"
)

// lintTree is a small repository: a root template that loads a partial,
// which loads a per-namespace override; production's override has a value
// the engine cannot fill, and staging's render fails on a missing file.
var lintTree = map[string]string{
	"app.yaml": `apiVersion: v1
kind: ConfigMap
metadata:
  name: web
data:
  # load! partials/data.yaml
`,
	"partials/data.yaml": `mode: web
# load! ../overrides/env-${NAMESPACE}.yaml, ../overrides/env.yaml
`,
	"overrides/env.yaml":            "env: default\n",
	"overrides/env-production.yaml": "env: ${PROD_ENV}\n",
	"overrides/env-staging.yaml":    "# load! missing.yaml\n",
	".git/HEAD.yaml":                "not: [a template\n",
}

func TestLintFormats(t *testing.T) {
	dir := writeTree(t, t.TempDir(), lintTree)
	t.Run("text", func(t *testing.T) {
		stdout, stderr, code := runEastern(t, dir, "", "lint")
		if code != exitFailed {
			t.Errorf("exit code = %d, want %d (staging fails to render)\nstderr: %s", code, exitFailed, stderr)
		}
		lines := strings.Split(strings.TrimSuffix(stdout, "\n"), "\n")
		wantPrefixes := []string{
			"overrides/env-production.yaml:1:6: warning: variable PROD_ENV is not set [render.unset-variable] (in production, k8s ",
			"overrides/env-staging.yaml:1:9: error: load!: none of the candidates exist: overrides/missing.yaml [render.load-missing] (in staging, k8s ",
		}
		for _, want := range wantPrefixes {
			if !containsPrefix(lines, want) {
				t.Errorf("stdout lacks a line starting %q:\n%s", want, stdout)
			}
		}
		if !strings.Contains(stdout, "via app.yaml:6 → partials/data.yaml:2 → overrides/env-staging.yaml:1)") {
			t.Errorf("the staging error lacks its include chain:\n%s", stdout)
		}
		if last := lines[len(lines)-1]; !strings.HasPrefix(last, "1 template × 3 namespaces, ") || !strings.Contains(last, ": 1 error, 1 warning") {
			t.Errorf("summary line = %q", last)
		}
		if strings.Contains(stdout, "\x1b[") {
			t.Error("colour on a pipe")
		}
		if stderr != "" {
			t.Errorf("stderr = %q, want nothing: findings go to stdout", stderr)
		}
	})
	t.Run("json", func(t *testing.T) {
		stdout, _, code := runEastern(t, dir, "", "lint", "-o", "json")
		if code != exitFailed {
			t.Errorf("exit code = %d, want %d", code, exitFailed)
		}
		var out struct {
			Findings []struct {
				Severity, Rule, File, Namespace, Root string
				Line, Column                          int
				Chain                                 []struct {
					File string
					Line int
				}
			}
			Summary struct{ Templates, Namespaces, Errors, Warnings int }
		}
		if err := json.Unmarshal([]byte(stdout), &out); err != nil {
			t.Fatalf("-o json is not JSON: %v\n%s", err, stdout)
		}
		if out.Summary.Templates != 1 || out.Summary.Namespaces != 3 || out.Summary.Errors != 1 || out.Summary.Warnings != 1 {
			t.Errorf("summary = %+v", out.Summary)
		}
		var found bool
		for _, f := range out.Findings {
			if f.Rule == "render.load-missing" {
				found = true
				if f.File != "overrides/env-staging.yaml" || f.Line != 1 || f.Column != 9 || f.Namespace != "staging" || f.Root != "app.yaml" || len(f.Chain) != 2 {
					t.Errorf("load-missing record = %+v", f)
				}
			}
		}
		if !found {
			t.Errorf("no render.load-missing record in %s", stdout)
		}
	})
	t.Run("junit", func(t *testing.T) {
		stdout, _, code := runEastern(t, dir, "", "lint", "-o", "junit")
		if code != exitFailed {
			t.Errorf("exit code = %d, want %d", code, exitFailed)
		}
		var doc struct {
			Failures int `xml:"failures,attr"`
			Suites   []struct {
				Name  string `xml:"name,attr"`
				Cases []struct {
					Name string `xml:"name,attr"`
				} `xml:"testcase"`
			} `xml:"testsuite"`
		}
		if err := xml.Unmarshal([]byte(stdout), &doc); err != nil {
			t.Fatalf("-o junit is not XML: %v\n%s", err, stdout)
		}
		if len(doc.Suites) != 1 || doc.Suites[0].Name != "app.yaml" || doc.Failures != 1 {
			t.Errorf("junit = %+v, want one suite app.yaml with one failure", doc)
		}
		if len(doc.Suites) == 1 && len(doc.Suites[0].Cases) < 3 {
			t.Errorf("junit has %d cases, want one per namespace at least", len(doc.Suites[0].Cases))
		}
	})
	t.Run("github", func(t *testing.T) {
		stdout, _, code := runEastern(t, dir, "", "lint", "-o", "github")
		if code != exitFailed {
			t.Errorf("exit code = %d, want %d", code, exitFailed)
		}
		for _, want := range []string{
			"::error file=overrides/env-staging.yaml,line=1,col=9,title=render.load-missing::load!: none of the candidates exist",
			"::warning file=overrides/env-production.yaml,line=1,col=6,title=render.unset-variable::variable PROD_ENV is not set",
		} {
			if !strings.Contains(stdout, want) {
				t.Errorf("github output lacks %q:\n%s", want, stdout)
			}
		}
	})
}

func TestLintExitCodes(t *testing.T) {
	clean := map[string]string{
		"app.yaml":           "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web\ndata:\n  tag: \"${TAG}\"\n",
		"deploy/.keep":       "",
		"deploy/broken.conf": "x",
	}
	dir := writeTree(t, t.TempDir(), clean)
	badConfig := writeTree(t, t.TempDir(), map[string]string{
		"app.yaml":      "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web\n",
		".eastern.yaml": "kubeVersion: \"1.29\"\nnamespaces:\n  prod:\n    kubeversion: \"1.24\"\n",
	})
	syntaxConfig := writeTree(t, t.TempDir(), map[string]string{
		"app.yaml":      "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web\n",
		".eastern.yaml": "kubeVersion: [\n",
	})
	pod := "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  securityContext: {runAsNonRoot: true}\n  containers:\n    - name: c\n      image: nginx:latest\n      resources: {limits: {cpu: 1, memory: 1Gi}}\n"
	latest := writeTree(t, t.TempDir(), map[string]string{"app.yaml": pod})
	latestStrict := writeTree(t, t.TempDir(), map[string]string{"app.yaml": pod, ".eastern.yaml": "checks:\n  default: {practices: error}\n"})
	badChecks := writeTree(t, t.TempDir(), map[string]string{"app.yaml": pod, ".eastern.yaml": "checks:\n  default: {practices: fatal}\n"})
	empty := t.TempDir()
	tests := []struct {
		name       string
		dir        string
		args       []string
		code       int
		wantStderr string
	}{
		{"warnings pass by default", dir, []string{"lint"}, exitOK, ""},
		{"warnings fail at --fail-on warning", dir, []string{"lint", "--fail-on", "warning"}, exitFailed, ""},
		{"a set variable leaves nothing to warn about", dir, []string{"lint", "--fail-on", "warning", "-s", "TAG=1.0"}, exitOK, ""},
		{"--strict makes the unset variable an error", dir, []string{"lint", "--strict"}, exitFailed, ""},
		{"unknown output format", dir, []string{"lint", "-o", "sarif2"}, exitUsage, `unknown output format "sarif2"`},
		{"bad --fail-on", dir, []string{"lint", "--fail-on", "info"}, exitUsage, `--fail-on "info"`},
		{"unknown release", dir, []string{"lint", "--kube-version", "1.15"}, exitUsage, `--kube-version: unknown Kubernetes release "1.15"`},
		{"a release newer than eastern knows passes with a warning", dir, []string{"lint", "--kube-version", "1.99", "-s", "TAG=1"}, exitOK, ""},
		{"and fails at --fail-on warning", dir, []string{"lint", "--kube-version", "1.99", "-s", "TAG=1", "--fail-on", "warning"}, exitFailed, ""},
		{"missing path", dir, []string{"lint", "nope"}, exitUsage, "nope: no such file or directory"},
		{"glob without matches", dir, []string{"lint", "deploy/**/*.yaml"}, exitUsage, "deploy/**/*.yaml: the pattern matches no template"},
		{"paths and --template", dir, []string{"lint", "app.yaml", "--template", "*.yaml"}, exitUsage, "either PATH arguments or --template"},
		{"bad namespace", dir, []string{"lint", "-n", "Prod"}, exitUsage, `namespace "Prod"`},
		{"unknown flag", dir, []string{"lint", "--frobnicate"}, exitUsage, "unknown flag: --frobnicate"},
		{"strict config", badConfig, []string{"lint"}, exitUsage, `.eastern.yaml:4: namespace prod: unknown key "kubeversion"`},
		{"missing --config", dir, []string{"lint", "--config", "nope.yaml"}, exitUsage, "--config nope.yaml: no such file"},
		{"config syntax error", syntaxConfig, []string{"lint"}, exitUsage, "eastern lint: .eastern.yaml:1: did not find expected node content\n"},
		{"empty -n", dir, []string{"lint", "-n", ""}, exitUsage, `invalid argument "" for "-n, --namespace" flag: empty namespace name`},
		{"empty -n element", dir, []string{"lint", "-n", "a,,b"}, exitUsage, "empty namespace name"},
		{"empty -n among others", dir, []string{"lint", "-n", "a", "--namespace="}, exitUsage, "empty namespace name"},
		{"negative --jobs", dir, []string{"lint", "--jobs", "-1"}, exitUsage, "--jobs -1: want 0 (one per CPU) or more"},
		{"--jobs 0 is one per CPU", dir, []string{"lint", "--jobs", "0"}, exitOK, ""},
		{"no templates at all", empty, []string{"lint"}, exitUsage, "no .yaml or .yml templates in ."},
		{"a practice finding is a note by default", latest, []string{"lint", "--fail-on", "warning"}, exitOK, ""},
		{"--checks makes it an error", latest, []string{"lint", "--checks", "practices=error"}, exitFailed, ""},
		{"the configuration makes it an error", latestStrict, []string{"lint"}, exitFailed, ""},
		{"--checks turns the rule off over the configuration", latestStrict, []string{"lint", "--checks", "-image.latest-tag"}, exitOK, ""},
		{"--checks all=off", latestStrict, []string{"lint", "--checks", "all=off"}, exitOK, ""},
		{"unknown check in --checks", latest, []string{"lint", "--checks", "practices=error,image.lates-tag=off"}, exitUsage, `--checks "image.lates-tag=off": unknown check "image.lates-tag"`},
		{"bad level in --checks", latest, []string{"lint", "--checks", "references=fatal"}, exitUsage, `--checks "references=fatal": unknown level "fatal"`},
		{"bad level in checks:", badChecks, []string{"lint"}, exitUsage, `.eastern.yaml:2: checks: default: practices: unknown level "fatal"`},
		{"--help", dir, []string{"lint", "--help"}, exitOK, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stdout, stderr, code := runEastern(t, tt.dir, "", tt.args...)
			if code != tt.code {
				t.Errorf("exit code = %d, want %d\nstdout: %s\nstderr: %s", code, tt.code, stdout, stderr)
			}
			if tt.wantStderr != "" && !strings.Contains(stderr, tt.wantStderr) {
				t.Errorf("stderr = %q, want it to contain %q", stderr, tt.wantStderr)
			}
			// docs/cli.md: a usage error is one line naming the problem,
			// then the pointer to --help.
			if tt.code == exitUsage {
				lines := strings.Split(strings.TrimSuffix(stderr, "\n"), "\n")
				if len(lines) != 2 || !strings.HasPrefix(lines[0], "eastern lint: ") || lines[1] != "Run 'eastern lint --help' for usage." {
					t.Errorf("a usage error should be one line and the --help hint, got:\n%s", stderr)
				}
				if stdout != "" {
					t.Errorf("stdout = %q, want nothing on a usage error", stdout)
				}
			}
		})
	}
}

// TestLintConfigFlag reads the releases from --config and applies them per
// namespace, with --kube-version overriding them all.
func TestLintConfigFlag(t *testing.T) {
	dir := writeTree(t, t.TempDir(), map[string]string{
		"app.yaml":         "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web\n",
		"ci/eastern.yaml":  "kubeVersion: \"1.29\"\nnamespaces:\n  prod: {kubeVersion: \"1.24\"}\n  qa: {}\n",
		"ci/not-yaml.conf": "",
	})
	stdout, stderr, code := runEastern(t, dir, "", "lint", "app.yaml", "--config", "ci/eastern.yaml", "-o", "junit")
	if code != exitOK {
		t.Fatalf("exit code %d\n%s%s", code, stdout, stderr)
	}
	for _, want := range []string{`name="prod (k8s 1.24)"`, `name="qa (k8s 1.29)"`} {
		if !strings.Contains(stdout, want) {
			t.Errorf("junit lacks %s:\n%s", want, stdout)
		}
	}
	stdout, _, _ = runEastern(t, dir, "", "lint", "app.yaml", "--config", "ci/eastern.yaml", "--kube-version", "v1.20.4", "-o", "junit")
	for _, want := range []string{`name="prod (k8s 1.20)"`, `name="qa (k8s 1.20)"`} {
		if !strings.Contains(stdout, want) {
			t.Errorf("with --kube-version, junit lacks %s:\n%s", want, stdout)
		}
	}
}

// TestLintConfigInTree keeps a --config file that lies in the linted tree
// out of the templates, however the tree and the file are named.
func TestLintConfigInTree(t *testing.T) {
	dir := writeTree(t, t.TempDir(), map[string]string{
		"app.yaml":    "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web\n",
		"d/c.yaml":    "kubeVersion: \"1.29\"\nnamespaces:\n  prod: {}\n",
		"d/more.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: more\n",
	})
	for _, args := range [][]string{
		{"lint", "--config", "d/c.yaml"},
		{"lint", ".", "--config", "./d/c.yaml"},
		{"lint", "d", "app.yaml", "--config", filepath.Join(dir, "d", "c.yaml")},
		{"lint", "**/*.yaml", "--config", "d/../d/c.yaml"},
	} {
		stdout, stderr, code := runEastern(t, dir, "", args...)
		if code != exitOK || strings.Contains(stdout, "c.yaml") || !strings.Contains(stdout, "2 templates × 1 namespace") {
			t.Errorf("%v: exit %d, want 0 with app.yaml and d/more.yaml only\nstdout: %s\nstderr: %s", args, code, stdout, stderr)
		}
	}
}

// TestLintJUnitUnnamedObjects names the test cases of objects without a
// name, or without a kind either, so that a reader can place them.
func TestLintJUnitUnnamedObjects(t *testing.T) {
	dir := writeTree(t, t.TempDir(), map[string]string{
		"app.yaml": "apiVersion: v1\nkind: ConfigMap\ndata:\n  a: b\n---\nfoo: bar\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web\n",
	})
	stdout, stderr, _ := runEastern(t, dir, "", "lint", "-n", "prod", "-o", "junit")
	var doc struct {
		Suites []struct {
			Cases []struct {
				Name string `xml:"name,attr"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	if err := xml.Unmarshal([]byte(stdout), &doc); err != nil || len(doc.Suites) != 1 {
		t.Fatalf("-o junit: %v\n%s%s", err, stdout, stderr)
	}
	var names []string
	for _, c := range doc.Suites[0].Cases {
		names = append(names, c.Name)
	}
	want := []string{"prod: ConfigMap", "prod: (unnamed object)", "prod: ConfigMap/web"}
	if len(names) != 4 || !slices.Equal(names[1:], want) {
		t.Errorf("test cases %q, want the render's and then %q", names, want)
	}
}

// TestLintJobsDeterministic compares one worker with many on the same tree.
func TestLintJobsDeterministic(t *testing.T) {
	files := map[string]string{
		"overrides/env-a.yaml": "env: ${A}\n", "overrides/env-b.yaml": "# load! nope.yaml\n", "overrides/env.yaml": "env: x\n",
	}
	for _, name := range []string{"k", "l", "m", "n", "o", "p", "q", "r"} {
		files["apps/"+name+".yaml"] = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: " + name + "\ndata:\n  # load! ../overrides/env-${NAMESPACE}.yaml, ../overrides/env.yaml\n  other: ${" + strings.ToUpper(name) + "}\n"
	}
	dir := writeTree(t, t.TempDir(), files)
	one, _, code1 := runEastern(t, dir, "", "lint", "--jobs", "1", "-o", "json")
	many, _, code2 := runEastern(t, dir, "", "lint", "--jobs", "16", "-o", "json")
	if code1 != exitFailed || code1 != code2 {
		t.Errorf("exit codes %d and %d, want %d", code1, code2, exitFailed)
	}
	if one != many {
		t.Errorf("--jobs 1 and --jobs 16 differ:\n%s\n---\n%s", one, many)
	}
	if strings.Count(one, `"rule"`) < 20 {
		t.Errorf("expected many findings to order, got:\n%s", one)
	}
}

// TestLintColor: lint's findings go to standard output and are coloured by
// the rule render uses for standard error.
func TestLintColor(t *testing.T) {
	dir := writeTree(t, t.TempDir(), map[string]string{"app.yaml": "a: ${X}\n"})
	tests := []struct {
		name           string
		stdoutTerminal bool
		env            map[string]string
		color          bool
	}{
		{"stdout a terminal", true, map[string]string{"TERM": "xterm"}, true},
		{"only stderr a terminal", false, map[string]string{"TERM": "xterm"}, false},
		{"NO_COLOR", true, map[string]string{"TERM": "xterm", "NO_COLOR": "1"}, false},
		{"TERM=dumb", true, map[string]string{"TERM": "dumb"}, false},
		{"TERM names are case-sensitive", true, map[string]string{"TERM": "DUMB"}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, stdout, _ := newTestApp("", false, true, tt.env)
			a.workDir = dir
			a.stdoutTerminal = tt.stdoutTerminal
			a.run([]string{"lint"})
			if !strings.Contains(stdout.String(), "warning") {
				t.Fatalf("stdout = %q, want the unset-variable warning", stdout.String())
			}
			if colored := strings.Contains(stdout.String(), "\x1b["); colored != tt.color {
				t.Errorf("coloured = %v, want %v: %q", colored, tt.color, stdout.String())
			}
		})
	}
}

// TestLintRestoresGCPercent: lint leaves the process's GC target as it found
// it, so that whatever runs after lint in the same process is unaffected.
func TestLintRestoresGCPercent(t *testing.T) {
	dir := writeTree(t, t.TempDir(), map[string]string{"app.yaml": "a: 1\n"})
	const before = 150
	defer debug.SetGCPercent(debug.SetGCPercent(before))
	a, _, stderr := newTestApp("", false, false, nil)
	a.workDir = dir
	if code := a.run([]string{"lint"}); code == exitUsage {
		t.Fatalf("lint: exit %d, stderr %q", code, stderr.String())
	}
	if after := debug.SetGCPercent(before); after != before {
		t.Errorf("GC percent after lint = %d, want %d as before", after, before)
	}
}

func containsPrefix(lines []string, prefix string) bool {
	for _, l := range lines {
		if strings.HasPrefix(l, prefix) {
			return true
		}
	}
	return false
}

// Under a locale that is not UTF-8 (Jenkins agents in the C locale),
// eastern's own symbols are ASCII: on standard error, in text reports and
// help; JSON stays UTF-8, and rendered manifests are never touched.
func TestASCIILocale(t *testing.T) {
	dir := writeTree(t, t.TempDir(), map[string]string{
		"app.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  # load! p.yaml\n",
		"p.yaml":   "arrow: \"→\"\nx: ${X}\n",
	})
	for _, tt := range []struct {
		locale []string
		ascii  bool
	}{
		{[]string{"LC_ALL=C"}, true},
		{[]string{"LC_ALL=", "LC_CTYPE=", "LANG="}, true},
		{[]string{"LC_ALL=", "LC_CTYPE=", "LANG=en_US.UTF-8"}, false},
		{[]string{"LC_ALL=", "LC_CTYPE=en_US.utf8", "LANG=C"}, false},
		{[]string{"LC_ALL=POSIX", "LANG=en_US.UTF-8"}, true},
	} {
		run := func(args ...string) (string, string) {
			cmd := easternCommand(dir, args...)
			cmd.Env = append(os.Environ(), tt.locale...)
			stdout, stderr, _ := runCommand(t, cmd, "")
			return stdout, stderr
		}
		stdout, _ := run("lint", "app.yaml")
		if got := strings.Contains(stdout, "1 template x 1 namespace") && strings.Contains(stdout, "via app.yaml:6 -> p.yaml:2"); got != tt.ascii {
			t.Errorf("%v: lint's text in ASCII = %v, want %v:\n%s", tt.locale, got, tt.ascii, stdout)
		}
		if !tt.ascii && !strings.Contains(stdout, "1 template × 1 namespace") {
			t.Errorf("%v: lint's text lost its ×:\n%s", tt.locale, stdout)
		}
		if json, _ := run("lint", "app.yaml", "-o", "json"); strings.Contains(json, "->") {
			t.Errorf("%v: JSON changed: %s", tt.locale, json)
		}
		manifest, stderr := run("render", "app.yaml")
		if !strings.Contains(manifest, `arrow: "→"`) {
			t.Errorf("%v: the rendered manifest changed:\n%s", tt.locale, manifest)
		}
		if got := strings.Contains(stderr, "(via app.yaml:6 -> p.yaml:2)"); got != tt.ascii {
			t.Errorf("%v: standard error in ASCII = %v, want %v: %s", tt.locale, got, tt.ascii, stderr)
		}
	}
}

// eastern lint - lints one template read from standard input, with loads
// from --base-dir and the namespaces its candidates imply, as for files.
func TestLintStdin(t *testing.T) {
	dir := writeTree(t, t.TempDir(), map[string]string{
		"deploy/p.yaml":              "dta: {}\n",
		"deploy/o-production.yaml":   "data: {}\n",
		"deploy/unrelated-prod.yaml": "x: 1\n",
	})
	tmpl := "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n# load! o-${NAMESPACE}.yaml, p.yaml\n"
	stdout, stderr, code := runEastern(t, dir, tmpl, "lint", "-", "--base-dir", "deploy")
	if code != exitFailed {
		t.Fatalf("exit %d; stdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	for _, want := range []string{
		`deploy/p.yaml:1:1: error: dta: unknown field "dta" [schema.unknown-field] (ConfigMap/c in default, k8s `,
		"1 template × 2 namespaces, 2 objects: 1 error, 0 warnings",
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, stdout)
		}
	}
	if strings.Contains(stdout, "in production") {
		t.Errorf("production loads o-production.yaml and has nothing to report:\n%s", stdout)
	}
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"lint", "-", "deploy/p.yaml"}, "linted alone"},
		{[]string{"lint", "deploy", "--base-dir", "deploy"}, "--base-dir applies only to a template read from standard input"},
	} {
		if _, stderr, code := runEastern(t, dir, tmpl, tt.args...); code != exitUsage || !strings.Contains(stderr, tt.want) {
			t.Errorf("%v: exit %d, stderr %q", tt.args, code, stderr)
		}
	}
}

// --report FORMAT=FILE writes more reports while -o goes to standard
// output; a run that cannot lint still leaves well-formed, empty reports.
func TestLintExtraReports(t *testing.T) {
	dir := writeTree(t, t.TempDir(), map[string]string{
		"app.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndta: {}\n",
	})
	stdout, stderr, code := runEastern(t, dir, "", "lint", "app.yaml", "--report", "junit=reports/lint.xml", "--report", "json=lint.json")
	if code != exitFailed || !strings.Contains(stdout, `app.yaml:5:1: error: dta: unknown field "dta"`) {
		t.Fatalf("exit %d; stdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	xmlData, err := os.ReadFile(filepath.Join(dir, "reports", "lint.xml"))
	if err != nil || !bytes.Contains(xmlData, []byte(`<failure message="dta: unknown field &#34;dta&#34;"`)) {
		t.Errorf("the JUnit report (%v):\n%s", err, xmlData)
	}
	jsonData, err := os.ReadFile(filepath.Join(dir, "lint.json"))
	var doc struct{ Findings []struct{ Rule string } }
	if err != nil || json.Unmarshal(jsonData, &doc) != nil || len(doc.Findings) != 1 || doc.Findings[0].Rule != "schema.unknown-field" {
		t.Errorf("the JSON report (%v):\n%s", err, jsonData)
	}

	// Nothing to lint: exit 2, and the JUnit file is an empty suite.
	_, _, code = runEastern(t, dir, "", "lint", "nope/", "--report", "junit=empty.xml")
	empty, err := os.ReadFile(filepath.Join(dir, "empty.xml"))
	var suites struct {
		XMLName xml.Name `xml:"testsuites"`
		Tests   int      `xml:"tests,attr"`
	}
	if code != exitUsage || err != nil || xml.Unmarshal(empty, &suites) != nil || suites.Tests != 0 {
		t.Errorf("no templates: exit %d, report (%v):\n%s", code, err, empty)
	}

	for _, bad := range []string{"junit", "junit=", "sarif2=x.json"} {
		if _, stderr, code := runEastern(t, dir, "", "lint", "app.yaml", "--report", bad); code != exitUsage || !strings.Contains(stderr, "--report") {
			t.Errorf("--report %s: exit %d, stderr %q", bad, code, stderr)
		}
	}
}
