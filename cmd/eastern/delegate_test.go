package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// eastern hands deploy, job and diff --live to eastern-cluster beside it,
// with the arguments, streams and exit code passing straight through.
func TestClusterCommandsHandedOver(t *testing.T) {
	dir := t.TempDir()
	stdout, stderr, code := runEastern(t, dir, "", "deploy", "--help")
	if code != 0 || !strings.Contains(stdout, "eastern deploy TEMPLATE [NAMESPACE] [flags]") {
		t.Fatalf("deploy --help through eastern-cluster: exit %d\n%s%s", code, stdout, stderr)
	}
	_, stderr, code = runEastern(t, dir, "", "job", "a.yaml")
	if code != exitUsage || !strings.HasPrefix(stderr, "eastern job: want TEMPLATE NAMESPACE TAG") {
		t.Errorf("a usage error of job: exit %d, stderr %q", code, stderr)
	}
}

// Without eastern-cluster, a cluster command (of diff, --live) says where
// it is missing and how to get it: a usage error, nothing else run.
func TestClusterCommandsWithoutClusterBinary(t *testing.T) {
	alone := filepath.Join(t.TempDir(), "eastern")
	data, err := os.ReadFile(easternPath)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(alone, data, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"deploy", "--help"}, {"job", "--help"}, {"diff", "--live", "a.yaml"}} {
		cmd := args[0]
		c := easternCommand(t.TempDir(), args...)
		c.Path, c.Args[0] = alone, alone
		c.Env = []string{"PATH=" + t.TempDir()}
		_, stderr, code := runCommand(t, c, "")
		if code != exitUsage || !strings.Contains(stderr, "eastern "+cmd+": this command is in eastern-cluster, which is neither next to eastern nor on PATH") ||
			strings.Count(stderr, "\n") != 1 {
			t.Errorf("%s without eastern-cluster: exit %d, stderr %q", cmd, code, stderr)
		}
	}
}

// celTree is a CRD with an x-kubernetes-validations rule and a custom
// resource that breaks it.
var celTree = map[string]string{
	"crds/widget.yaml": `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: widgets.example.com}
spec:
  group: example.com
  names: {kind: Widget, plural: widgets, singular: widget, listKind: WidgetList}
  scope: Namespaced
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            x-kubernetes-validations:
            - {rule: "self.min <= self.max", message: "min must not exceed max"}
            properties:
              min: {type: integer}
              max: {type: integer}
`,
	"app.yaml": "apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\nspec:\n  min: 5\n  max: 2\n",
}

// eastern is built without cel-go (make build's nocel), which would
// double a render's start-up; a lint whose CRDs have rules is handed to
// eastern-cluster, which evaluates them, with the template of standard
// input too, and --report files written by it.
func TestLintHandsCRDRulesToClusterBinary(t *testing.T) {
	dir := writeTree(t, t.TempDir(), celTree)
	const want = "app.yaml:5:1: error: spec: min must not exceed max [crd.cel]"
	stdout, stderr, code := runEastern(t, dir, "", "lint", "--crds", "crds", "app.yaml", "--report", "json=r.json")
	if code != exitFailed || !strings.Contains(stdout, want) || stderr != "" {
		t.Errorf("lint of a rule that fails: exit %d\n%s%s", code, stdout, stderr)
	}
	if data, err := os.ReadFile(filepath.Join(dir, "r.json")); err != nil || !strings.Contains(string(data), "min must not exceed max") {
		t.Errorf("--report json=r.json: %v\n%s", err, data)
	}
	app, err := os.ReadFile(filepath.Join(dir, "app.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	stdout, stderr, code = runEastern(t, dir, string(app), "lint", "--crds", "crds", "-")
	if code != exitFailed || !strings.Contains(stdout, "<stdin>:5:1: error: spec: min must not exceed max [crd.cel]") {
		t.Errorf("lint - of a rule that fails: exit %d\n%s%s", code, stdout, stderr)
	}
	// A rule that holds: nothing to report, from eastern-cluster as well.
	writeTree(t, dir, map[string]string{"app.yaml": "apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\nspec:\n  min: 1\n  max: 2\n"})
	if stdout, stderr, code = runEastern(t, dir, "", "lint", "--crds", "crds", "app.yaml"); code != 0 || strings.Contains(stdout, "crd.cel") {
		t.Errorf("lint of a rule that holds: exit %d\n%s%s", code, stdout, stderr)
	}
}

// Without eastern-cluster, eastern lints all the rest and says which
// rules it could not evaluate.
func TestLintCRDRulesWithoutClusterBinary(t *testing.T) {
	dir := writeTree(t, t.TempDir(), celTree)
	alone := filepath.Join(t.TempDir(), "eastern")
	data, err := os.ReadFile(easternPath)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(alone, data, 0o755); err != nil {
		t.Fatal(err)
	}
	c := easternCommand(dir, "lint", "--crds", "crds", "app.yaml")
	c.Path, c.Args[0] = alone, alone
	c.Env = []string{"PATH=" + t.TempDir()}
	stdout, stderr, code := runCommand(t, c, "")
	if code != 0 || !strings.Contains(stdout, "info: spec.versions[0].schema.openAPIV3Schema.properties.spec.x-kubernetes-validations[0].rule: x-kubernetes-validations are not evaluated: this eastern is built without CEL; eastern-cluster evaluates them [crd.cel]") ||
		strings.Contains(stdout, "min must not exceed max") {
		t.Errorf("lint without eastern-cluster: exit %d\n%s%s", code, stdout, stderr)
	}
}

// eastern as make build builds it (-tags nocel) links neither client-go,
// nor cel-go, nor apimachinery's resource and util/validation packages
// (nor klog behind them): each adds package initialisation to every
// render. eastern-cluster (-tags cluster) links
// them all.
func TestLightBinaryDependencies(t *testing.T) {
	deps := func(tags string) string {
		out, err := exec.Command("go", "list", "-deps", "-tags", tags, "github.com/eastern-k8s/eastern/cmd/eastern").CombinedOutput()
		if err != nil {
			t.Fatalf("go list -deps -tags %s: %v\n%s", tags, err, out)
		}
		return string(out)
	}
	heavy := []string{"k8s.io/client-go/", "github.com/google/cel-go/", "k8s.io/apimachinery/pkg/api/resource", "k8s.io/apimachinery/pkg/util/validation\n", "k8s.io/klog/"}
	light, full := deps("nocel"), deps("cluster")
	for _, p := range heavy {
		if strings.Contains(light, "\n"+p) {
			t.Errorf("eastern (-tags nocel) links %s", p)
		}
		if !strings.Contains(full, "\n"+p) {
			t.Errorf("eastern-cluster (-tags cluster) does not link %s", p)
		}
	}
}
