//go:build e2e

package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

// A deploy that mends a crash loop succeeds: the crash-looping pods of the
// previous revision say nothing about the new one, even in the moment
// before the controller has seen the new spec.
func TestDeployFixesACrashLoop(t *testing.T) {
	dir, ns := webApp(t), namespace(t)
	for round := range 3 {
		r := run(t, dir, nil, "deploy", "app.yaml", ns, "-s", fmt.Sprintf("IMAGE_TAG=crash%d", round), "-s", "REPLICAS=1")
		if r.code != 3 {
			t.Fatalf("round %d, the crash-looping deploy: want exit 3, got %s", round, r)
		}
		r = run(t, dir, nil, "deploy", "app.yaml", ns, "-s", fmt.Sprintf("IMAGE_TAG=good%d", round), "-s", "REPLICAS=1")
		if r.code != 0 {
			t.Fatalf("round %d, the deploy that fixes it: want exit 0, got %s", round, r)
		}
	}
}

// A dry run of a manifest that creates its own Namespace checks what it
// can and says what it could not.
func TestDryRunNamespaceOfItsOwn(t *testing.T) {
	name := namespace(t) + "-own"
	t.Cleanup(func() { kubectlErr("delete", "namespace", name, "--wait=false") })
	dir := tree(t, map[string]string{"app.yaml": `apiVersion: v1
kind: Namespace
metadata:
  name: ${NAMESPACE}
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
data:
  key: value
`})
	r := run(t, dir, nil, "deploy", "app.yaml", name, "--dry-run=server")
	if r.code != 0 || !strings.Contains(r.stdout, "configmap/settings not checked: its Namespace is created by this deploy") {
		t.Fatalf("dry run of a manifest with its own Namespace: %s", r)
	}
	if _, err := kubectlErr("get", "namespace", name); err == nil {
		t.Error("the dry run created the namespace")
	}
}

// The API server's schema errors of a custom resource are findings at the
// template lines, every one of them in a dry run.
func TestDryRunCustomResourceErrors(t *testing.T) {
	crd := sizeCRD("e2e.example.com", "gadget", "Gadget")
	t.Cleanup(func() { kubectlErr("delete", "crd", "gadgets.e2e.example.com", "--wait=false") })
	setup := tree(t, map[string]string{"crd.yaml": crd})
	if r := run(t, setup, nil, "deploy", "crd.yaml", "default"); r.code != 0 {
		t.Fatalf("creating the CRD: %s", r)
	}
	dir := tree(t, map[string]string{
		"app.yaml": `apiVersion: e2e.example.com/v1
kind: Gadget
metadata:
  name: one
spec:
  # load! partials/spec.yaml
---
apiVersion: e2e.example.com/v1
kind: Gadget
metadata:
  name: two
spec:
  size: "two"
`,
		"partials/spec.yaml": "size: \"three\"\n",
	})
	ns := namespace(t)
	r := run(t, dir, nil, "deploy", "app.yaml", ns, "--dry-run=server")
	if r.code != 1 {
		t.Fatalf("invalid custom resources: want exit 1, got %s", r)
	}
	for _, want := range []string{
		`(?m)^partials/spec\.yaml:1:7: error: spec\.size: the API server rejected it: expected numeric`,
		`(?m)^app\.yaml:13:9: error: spec\.size: the API server rejected it: expected numeric`,
	} {
		if !regexp.MustCompile(want).MatchString(r.stderr) {
			t.Errorf("no finding matching %s:\n%s", want, r.stderr)
		}
	}
}

// Ctrl-C while objects are being applied stops before the next one and
// lists exactly what was applied: the request under way is finished, not
// cut off with its outcome unknown.
func TestDeployInterruptedWhileApplying(t *testing.T) {
	var b strings.Builder
	for i := range 300 {
		fmt.Fprintf(&b, "---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c%03d\ndata:\n  i: \"%d\"\n", i, i)
	}
	dir, ns := tree(t, map[string]string{"app.yaml": b.String()}), namespace(t)
	cmd := easternCmd(dir, nil, "deploy", "app.yaml", ns, "--no-lint")
	var stdout, stderr strings.Builder
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Interrupt once a few objects are applied.
	waitFor(t, 30*time.Second, "the first objects applied", func() bool {
		return strings.Count(kubectl(t, "get", "configmaps", "-n", ns, "-o", "name"), "configmap/c") >= 5
	})
	cmd.Process.Signal(syscall.SIGINT)
	cmd.Wait()
	if code := cmd.ProcessState.ExitCode(); code != 1 {
		t.Fatalf("interrupted deploy: exit %d\n%s", code, stderr.String())
	}
	m := regexp.MustCompile(`eastern deploy: applied before that: (.*)`).FindStringSubmatch(stderr.String())
	if m == nil || !strings.Contains(stderr.String(), "interrupted while applying") {
		t.Fatalf("the interrupted deploy does not say what it applied:\n%s", stderr.String())
	}
	listed := len(strings.Split(m[1], ", "))
	onServer := strings.Count(kubectl(t, "get", "configmaps", "-n", ns, "-o", "name"), "configmap/c")
	if listed != onServer || listed == 300 {
		t.Errorf("listed %d applied objects, the server has %d (of 300)", listed, onServer)
	}
}

// diff --live --prune shows the objects the deploy's --prune would delete.
func TestDiffShowsWhatPruneDeletes(t *testing.T) {
	both := `apiVersion: v1
kind: ConfigMap
metadata:
  name: keep
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: drop
data:
  key: value
`
	dir, ns := tree(t, map[string]string{"app.yaml": both}), namespace(t)
	if r := run(t, dir, nil, "deploy", "app.yaml", ns, "--prune", "--applyset", "set"); r.code != 0 {
		t.Fatalf("first deploy: %s", r)
	}
	one := tree(t, map[string]string{"app.yaml": both[:strings.Index(both, "---")]})
	r := run(t, one, nil, "diff", "--live", "app.yaml", ns, "--prune", "--applyset", "set")
	if r.code != 1 || !strings.Contains(r.stdout, "configmap/drop") || !strings.Contains(r.stdout, "pruned by --prune") || !strings.Contains(r.stdout, "-  key: value") {
		t.Fatalf("diff --prune must show the deletion: %s", r)
	}
	if _, err := kubectlErr("get", "configmap", "drop", "-n", ns); err != nil {
		t.Error("diff deleted the object")
	}
}

// SIGTERM while eastern job applies the manifest: a Job the server
// accepted is deleted, whatever moment the signal came at.
func TestJobTerminatedWhileApplying(t *testing.T) {
	var b strings.Builder
	for i := range 200 {
		fmt.Fprintf(&b, "---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c%03d\n", i)
	}
	b.WriteString(`---
apiVersion: batch/v1
kind: Job
metadata:
  name: migrate
spec:
  backoffLimit: 0
  template:
    spec:
      restartPolicy: Never
      containers:
        - name: migrate
          image: example.com/app:${IMAGE_TAG}
`)
	dir, ns := tree(t, map[string]string{"app.yaml": b.String()}), namespace(t)
	for _, after := range []int{150, 199} {
		cmd := easternCmd(dir, nil, "job", "app.yaml", ns, fmt.Sprintf("t%d", after), "--no-lint")
		var stderr strings.Builder
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		waitFor(t, 30*time.Second, "the ConfigMaps applied", func() bool {
			return strings.Count(kubectl(t, "get", "configmaps", "-n", ns, "-o", "name"), "configmap/c") >= after
		})
		cmd.Process.Signal(syscall.SIGTERM)
		cmd.Wait()
		if code := cmd.ProcessState.ExitCode(); code != 143 {
			t.Errorf("SIGTERM after %d objects: exit %d\n%s", after, code, stderr.String())
		}
		if out := kubectl(t, "get", "jobs", "-n", ns, "-o", "name"); strings.TrimSpace(out) != "" {
			t.Errorf("SIGTERM after %d objects left a Job: %s\n%s", after, out, stderr.String())
		}
	}
}

// Without NAMESPACE or -n, deploy goes to the kubeconfig context's
// namespace, as kubectl does.
func TestDeployContextNamespace(t *testing.T) {
	ns := namespace(t)
	data, err := os.ReadFile(kubeconfig)
	if err != nil {
		t.Fatal(err)
	}
	config := filepath.Join(t.TempDir(), "kubeconfig")
	os.WriteFile(config, data, 0o600)
	if out, err := exec.Command(kubectlBin, "--kubeconfig", config, "config", "set-context", "--current", "--namespace", ns).CombinedOutput(); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	dir := tree(t, map[string]string{"app.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: here\ndata:\n  ns: ${NAMESPACE}\n"})
	r := run(t, dir, []string{"KUBECONFIG=" + config}, "deploy", "app.yaml")
	if r.code != 0 {
		t.Fatalf("deploy without a namespace: %s", r)
	}
	if got := kubectl(t, "get", "configmap", "here", "-n", ns, "-o", "jsonpath={.data.ns}"); got != ns {
		t.Errorf("${NAMESPACE} = %q, want the context's namespace %q", got, ns)
	}
}
