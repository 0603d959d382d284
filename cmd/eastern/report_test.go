package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// mergeTree is a repository worth sharding: eight templates in two
// directories; one rendered for three namespaces that its overrides imply,
// with an error in production and a warning in staging; a warning, an
// info and a render error elsewhere; templates without any finding. Its
// .eastern.yaml asks for a release newer than eastern knows, a warning
// about the run that every shard repeats; TestReportMerge adds a named
// pipe, which lint skips with a note.
var mergeTree = map[string]string{
	".eastern.yaml": "kubeVersion: \"1.99\"\n",
	"apps/api.yaml": `apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  minReadySeconds: "5"
  selector:
    matchLabels: {app: api}
  template:
    metadata:
      labels: {app: api}
    spec:
      containers:
        - name: api
          image: api:1
          # load! ../overrides/env-${NAMESPACE}.yaml, ../overrides/env.yaml
`,
	"overrides/env.yaml":            "env: []\n",
	"overrides/env-production.yaml": "ports: [{containerPort: \"http\"}]\n",
	"overrides/env-staging.yaml":    "env: [{name: TAG, value: \"${TAG}\"}]\n",
	"apps/worker.yaml":              "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: worker\ndata:\n  image: \"worker:${WORKER_TAG}\"\n",
	"crd.yaml":                      "apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: gear\n",
	"ok.yaml":                       "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ok\ndata: {a: \"1\"}\n",
	"broken.yaml":                   "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: broken\ndata:\n  # load! missing.yaml\n",
	"svc-a.yaml":                    "apiVersion: v1\nkind: Service\nmetadata:\n  name: a\nspec:\n  ports: [{port: 80}]\n",
	"svc-b.yaml":                    "apiVersion: v1\nkind: Service\nmetadata:\n  name: b\nspec:\n  ports: [{port: 80}]\n",
	"svc-c.yaml":                    "apiVersion: v1\nkind: Service\nmetadata:\n  name: c\nspec:\n  ports: [{port: 80}]\n",
}

var reportFormats = []string{"text", "json", "junit", "github", "checkstyle", "sarif"}

// TestReportMerge: eastern report merge over the -o json reports of
// lint --shard 1/N … N/N writes, in every format, byte for byte what one
// unsharded lint writes, with its exit code, for N = 1 … 7.
func TestReportMerge(t *testing.T) {
	dir := writeTree(t, t.TempDir(), mergeTree)
	if mkfifo, err := exec.LookPath("mkfifo"); err == nil {
		if out, err := exec.Command(mkfifo, filepath.Join(dir, "fifo.yaml")).CombinedOutput(); err != nil {
			t.Fatalf("mkfifo: %v: %s", err, out)
		}
	}
	tests := []struct {
		name string
		lint []string // the lint flags, sharded and not
		// merge are the merge flags; shards, when set, replaces lint's flags
		// for the shards.
		merge, shards []string
		code          int
	}{
		{name: "errors fail", code: exitFailed},
		{name: "at --fail-on warning", lint: []string{"--fail-on", "warning"}, code: exitFailed},
		{name: "merge --fail-on warning", lint: []string{"--fail-on", "warning"}, shards: []string{}, merge: []string{"--fail-on", "warning"}, code: exitFailed},
		{name: "clean templates pass", lint: []string{"ok.yaml", "svc-a.yaml", "svc-b.yaml", "svc-c.yaml", "crd.yaml", "--kube-version", "1.99"}, code: exitOK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			want := map[string]string{}
			for _, format := range reportFormats {
				stdout, stderr, code := runEastern(t, dir, "", append([]string{"lint", "-o", format}, tt.lint...)...)
				if code != tt.code || stderr != "" {
					t.Fatalf("lint -o %s: exit %d, want %d\n%s", format, code, tt.code, stderr)
				}
				want[format] = stdout
			}
			shardFlags := tt.lint
			if tt.shards != nil {
				shardFlags = tt.shards
			}
			for n := 1; n <= 7; n++ {
				shards := t.TempDir()
				var files []string
				for i := 1; i <= n; i++ {
					stdout, stderr, code := runEastern(t, dir, "", append([]string{"lint", "--shard", fmt.Sprintf("%d/%d", i, n), "-o", "json"}, shardFlags...)...)
					if code == exitUsage {
						t.Fatalf("lint --shard %d/%d: exit %d\n%s", i, n, code, stderr)
					}
					file := filepath.Join(shards, fmt.Sprintf("lint-%d.json", i))
					if err := os.WriteFile(file, []byte(stdout), 0o644); err != nil {
						t.Fatal(err)
					}
					files = append(files, file)
				}
				// In the order a shell's lint-*.json gives them: lint-10 before lint-2.
				slices.Sort(files)
				for _, format := range reportFormats {
					args := append(append([]string{"report", "merge"}, files...), "-o", format)
					stdout, stderr, code := runEastern(t, dir, "", append(args, tt.merge...)...)
					if code != tt.code || stderr != "" {
						t.Errorf("N=%d: report merge -o %s: exit %d, want %d\n%s", n, format, code, tt.code, stderr)
					}
					if stdout != want[format] {
						t.Errorf("N=%d: report merge -o %s differs from lint -o %s:\n%s\nwant:\n%s", n, format, format, stdout, want[format])
					}
				}
			}
		})
	}

	// What the test is worth: the run has notes, every severity, and a
	// template whose JUnit cases pass.
	text, _, _ := runEastern(t, dir, "", "lint")
	for _, want := range []string{
		".eastern.yaml:1:14: warning: Kubernetes 1.99 is newer than eastern knows",
		"error: spec.template.spec.containers[0].ports[0].containerPort: expected integer, got string [schema.type] (Deployment/api in production",
		"warning: variable TAG is not set [render.unset-variable] (in staging",
		"info: kind: no schema for example.com/v1 Widget: skipped",
		// One mistake of all three namespaces' renders: one finding.
		"error: spec.minReadySeconds: expected integer, got string [schema.type] (Deployment/api in default, production, staging, k8s 1.37)",
		"8 templates × 3 namespaces, 9 objects (0 checked by a CRD, 1 skipped: no schema or CRD): 3 errors, 4 warnings, ",
	} {
		if strings.Count(text, want) != 1 {
			t.Errorf("lint output has %q %d times, want once:\n%s", want, strings.Count(text, want), text)
		}
	}
	if _, err := exec.LookPath("mkfifo"); err == nil && !strings.Contains(text, "fifo.yaml: info: skipped: a named pipe") {
		t.Errorf("lint output lacks the note about the pipe:\n%s", text)
	}
	junit, _, _ := runEastern(t, dir, "", "lint", "-o", "junit")
	if !strings.Contains(junit, `<testcase name="default: ConfigMap/ok" classname="default.ok_yaml"></testcase>`) {
		t.Errorf("junit lacks the passing test case of ok.yaml:\n%s", junit)
	}
}

// TestReportMergeReports: --report writes what -o writes, as for lint.
func TestReportMergeReports(t *testing.T) {
	dir := writeTree(t, t.TempDir(), mergeTree)
	for i := 1; i <= 2; i++ {
		if _, stderr, code := runEastern(t, dir, "", "lint", "--shard", fmt.Sprintf("%d/2", i), "--report", fmt.Sprintf("json=lint-%d.json", i)); code == exitUsage {
			t.Fatal(stderr)
		}
	}
	want, _, _ := runEastern(t, dir, "", "lint", "-o", "junit")
	text, stderr, code := runEastern(t, dir, "", "report", "merge", "lint-1.json", "lint-2.json", "--report", "junit=ok.yaml/lint.xml")
	if code != exitUsage || !strings.Contains(stderr, "writing --report ok.yaml/lint.xml") {
		t.Errorf("a --report below a file: exit %d, %q", code, stderr)
	}
	if wantText, _, _ := runEastern(t, dir, "", "lint"); text != wantText {
		t.Errorf("text = %q, want %q", text, wantText)
	}
	if _, stderr, code = runEastern(t, dir, "", "report", "merge", "lint-1.json", "lint-2.json", "--report", "junit=lint.xml"); code != exitFailed {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if got, err := os.ReadFile(filepath.Join(dir, "lint.xml")); err != nil || string(got) != want {
		t.Errorf("--report junit=lint.xml = %q, %v; want %q", got, err, want)
	}
}

// TestReportMergeErrors: a FILE that is not a lint report, or reports that
// do not fit together, stop the merge with one line naming the file,
// exit 2 and nothing on standard output — but well-formed, empty --report
// files, as lint writes them.
func TestReportMergeErrors(t *testing.T) {
	dir := writeTree(t, t.TempDir(), mergeTree)
	for i := 1; i <= 2; i++ {
		stdout, _, _ := runEastern(t, dir, "", "lint", "--shard", fmt.Sprintf("%d/2", i), "-o", "json")
		writeTree(t, dir, map[string]string{fmt.Sprintf("lint-%d.json", i): stdout})
	}
	warning, _, _ := runEastern(t, dir, "", "lint", "--shard", "2/2", "-o", "json", "--fail-on", "warning")
	third, _, _ := runEastern(t, dir, "", "lint", "--shard", "2/3", "-o", "json")
	list, _, _ := runEastern(t, dir, "", "render", "ok.yaml", "-o", "json")
	writeTree(t, dir, map[string]string{
		"warning.json": warning,
		"third.json":   third,
		"list.json":    list,
		"text.json":    "1 template × 1 namespace, 1 object: 0 errors, 0 warnings\n",
		"old.json":     `{"findings": [], "summary": {"templates": 1}}`,
	})
	big := filepath.Join(dir, "big.json")
	if err := os.WriteFile(big, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(big, reportLimit+1); err != nil { // sparse: no disk used
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(dir, "dir.json"), 0o755); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		args   []string
		stderr string
	}{
		{"missing file", []string{"lint-1.json", "nope.json"}, "eastern report merge: open nope.json: no such file or directory"},
		{"not JSON", []string{"text.json"}, "eastern report merge: text.json: not JSON: line 1: invalid character"},
		{"not a lint report", []string{"list.json"}, `eastern report merge: list.json: not an eastern lint report: no "findings" and "summary"`},
		{"an older eastern's", []string{"old.json"}, `eastern report merge: old.json: an eastern lint report without "checks" and "failOn"`},
		{"too large", []string{"big.json"}, "eastern report merge: big.json is larger than 256 MiB"},
		{"a directory", []string{"dir.json"}, "eastern report merge: dir.json is a directory, not a regular file"},
		{"the same shard twice", []string{"lint-1.json", "lint-2.json", "lint-1.json"}, "eastern report merge: lint-1.json and lint-1.json both check "},
		// A lost shard must not pass for the whole run.
		{"a shard missing", []string{"lint-2.json"}, "eastern report merge: shard 1/2 is missing: merge the reports of every shard of one run"},
		{"shard counts mixed", []string{"lint-1.json", "lint-2.json", "third.json"}, "eastern report merge: shards 1/3, 3/3 are missing"},
		{"fail-on differs", []string{"lint-1.json", "warning.json"}, "eastern report merge: lint-1.json and warning.json were linted with --fail-on error and warning: choose with report merge --fail-on"},
		{"no FILE", nil, "eastern report merge: want the JSON reports of eastern lint to merge"},
		{"bad --fail-on", []string{"lint-1.json", "--fail-on", "info"}, `eastern report merge: --fail-on "info": want error or warning`},
		{"bad -o", []string{"lint-1.json", "-o", "yaml"}, `eastern report merge: unknown output format "yaml"`},
		{"bad --report", []string{"lint-1.json", "--report", "lint.xml"}, `eastern report merge: --report "lint.xml": want FORMAT=FILE`},
	}
	if mkfifo, err := exec.LookPath("mkfifo"); err == nil {
		if out, err := exec.Command(mkfifo, filepath.Join(dir, "fifo.json")).CombinedOutput(); err != nil {
			t.Fatalf("mkfifo: %v: %s", err, out)
		}
		tests = append(tests, struct {
			name   string
			args   []string
			stderr string
		}{"a named pipe", []string{"fifo.json"}, "eastern report merge: fifo.json is a named pipe, not a regular file"})
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			xml := filepath.Join(t.TempDir(), "lint.xml")
			args := append([]string{"report", "merge", "--report", "junit=" + xml}, tt.args...)
			stdout, stderr, code := runEastern(t, dir, "", args...)
			if code != exitUsage || stdout != "" {
				t.Errorf("exit %d, stdout %q; want %d and nothing", code, stdout, exitUsage)
			}
			first, rest, _ := strings.Cut(stderr, "\n")
			if !strings.HasPrefix(first, tt.stderr) || (rest != "" && !strings.HasPrefix(rest, "Run 'eastern report merge --help'")) {
				t.Errorf("stderr = %q, want one line starting %q", stderr, tt.stderr)
			}
			if strings.HasPrefix(tt.name, "bad ") {
				return // a usage error: nothing ran, as for lint
			}
			if got, err := os.ReadFile(xml); err != nil || !strings.Contains(string(got), `<testsuites name="eastern lint" tests="0" failures="0"></testsuites>`) {
				t.Errorf("--report junit after the error = %q, %v; want an empty report", got, err)
			}
		})
	}

	// Linted at different levels, merged at one.
	if _, stderr, code := runEastern(t, dir, "", "report", "merge", "lint-1.json", "warning.json", "--fail-on", "warning"); code != exitFailed {
		t.Errorf("merge --fail-on warning: exit %d, %s", code, stderr)
	}
}

func TestReportCommand(t *testing.T) {
	dir := t.TempDir()
	for _, tt := range []struct {
		args   []string
		code   int
		stdout string
		stderr string
	}{
		{[]string{"report", "--help"}, exitOK, "Usage:\n  eastern report merge FILE... [flags]", ""},
		{[]string{"report", "merge", "--help"}, exitOK, "Usage:\n  eastern report merge FILE... [flags]", ""},
		{[]string{"help", "report"}, exitOK, "--fail-on SEVERITY", ""},
		{[]string{"report"}, exitUsage, "", "eastern report: want a command: merge, as in eastern report merge lint-*.json\nRun 'eastern report --help' for usage.\n"},
		{[]string{"report", "lint-1.json"}, exitUsage, "", "eastern report: unknown command \"lint-1.json\": want merge\n"},
	} {
		stdout, stderr, code := runEastern(t, dir, "", tt.args...)
		if code != tt.code || !strings.Contains(stdout, tt.stdout) || !strings.HasPrefix(stderr, tt.stderr) {
			t.Errorf("eastern %q: exit %d\nstdout %q\nstderr %q", tt.args, code, stdout, stderr)
		}
	}
}
