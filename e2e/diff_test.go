//go:build e2e

package e2e

import (
	"crypto/rand"
	"encoding/hex"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// driftApp is a ConfigMap and a Deployment whose greeting, image and
// replicas come from variables.
func driftApp(t *testing.T) string {
	return tree(t, map[string]string{
		"app.yaml": `apiVersion: v1
kind: ConfigMap
metadata:
  name: web-config
data:
  greeting: ${GREETING:-hello}
  other: unchanged
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels:
    app: web
spec:
  replicas: 2
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
        - name: web
          image: example.com/web:${IMAGE_TAG:-1}
`,
	})
}

// diffLines are the lines a unified diff deletes and inserts, without
// the headers.
func diffLines(out string) []string {
	var lines []string
	for _, l := range strings.Split(out, "\n") {
		if strings.HasPrefix(l, "---") || strings.HasPrefix(l, "+++") {
			continue
		}
		if strings.HasPrefix(l, "-") || strings.HasPrefix(l, "+") {
			lines = append(lines, l)
		}
	}
	return lines
}

func wantLines(t *testing.T, r result, want ...string) {
	t.Helper()
	if got := diffLines(r.stdout); !slices.Equal(got, want) {
		t.Errorf("changed lines:\n%s\nwant:\n%s\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"), r)
	}
}

func wantCode(t *testing.T, r result, code int) {
	t.Helper()
	if r.code != code {
		t.Fatalf("want exit %d, got %s", code, r)
	}
}

// TestDiffLive follows one namespace through a deploy, someone's kubectl
// changes, eastern diff --live finding them, a deploy putting them back,
// and deploy --diff.
func TestDiffLive(t *testing.T) {
	ns := namespace(t)
	dir := driftApp(t)
	summary := func(changed, created, unchanged string) string {
		return "namespace " + ns + ": 2 objects: " + changed + " changed, " + created + " new, " + unchanged + " unchanged\n"
	}

	// Before the first deploy both objects are new, and diff creates
	// neither.
	r := run(t, dir, nil, "diff", "--live", "app.yaml", ns)
	wantCode(t, r, 1)
	for _, header := range []string{
		"--- live configmap/web-config (does not exist)\n+++ eastern configmap/web-config (new)\n@@ -0,0 +1,",
		"--- live deployment.apps/web (does not exist)\n+++ eastern deployment.apps/web (new)\n@@ -0,0 +1,",
	} {
		if !strings.Contains(r.stdout, header) {
			t.Errorf("no %q in\n%s", header, r)
		}
	}
	if !strings.HasSuffix(r.stdout, summary("0", "2", "0")) {
		t.Errorf("summary: %s", r)
	}
	// The server's defaults show in a new object, its bookkeeping does not.
	if !strings.Contains(r.stdout, "+  progressDeadlineSeconds: 600\n") || strings.Contains(r.stdout, "uid:") || strings.Contains(r.stdout, "managedFields") {
		t.Errorf("a new Deployment:\n%s", r.stdout)
	}
	if out, err := kubectlErr("get", "configmap", "web-config", "-n", ns); err == nil {
		t.Fatalf("diff created the ConfigMap: %s", out)
	}

	wantCode(t, run(t, dir, nil, "deploy", "app.yaml", ns, "--timeout", "2m"), 0)
	r = run(t, dir, nil, "diff", "--live", "app.yaml", ns)
	wantCode(t, r, 0)
	if r.stdout != summary("0", "0", "2") {
		t.Errorf("right after the deploy: %s", r)
	}

	// Someone changes fields the template sets, with other field managers,
	// and adds a label the template does not set.
	kubectl(t, "scale", "deployment", "web", "-n", ns, "--replicas", "5")
	kubectl(t, "label", "deployment", "web", "-n", ns, "app=edited", "--overwrite")
	kubectl(t, "label", "deployment", "web", "-n", ns, "extra=added")
	kubectl(t, "patch", "configmap", "web-config", "-n", ns, "--type", "merge", "-p", `{"data":{"greeting":"patched"}}`)

	r = run(t, dir, nil, "diff", "--live", "app.yaml", ns)
	wantCode(t, r, 1)
	wantLines(t, r,
		"-  greeting: patched", "+  greeting: hello",
		"-    app: edited", "+    app: web",
		"-  replicas: 5", "+  replicas: 2",
	)
	for _, header := range []string{"--- live configmap/web-config\n+++ eastern configmap/web-config\n@@ ", "--- live deployment.apps/web\n+++ eastern deployment.apps/web\n@@ "} {
		if !strings.Contains(r.stdout, header) {
			t.Errorf("no %q in\n%s", header, r)
		}
	}
	if !strings.HasSuffix(r.stdout, summary("2", "0", "0")) {
		t.Errorf("summary: %s", r)
	}
	// diff changed nothing.
	if got := kubectl(t, "get", "configmap", "web-config", "-n", ns, "-o", "jsonpath={.data.greeting}"); got != "patched" {
		t.Errorf("after diff the greeting is %q", got)
	}
	if got := kubectl(t, "get", "deployment", "web", "-n", ns, "-o", "jsonpath={.spec.replicas}"); got != "5" {
		t.Errorf("after diff the replicas are %q", got)
	}

	// A plain deploy stops at the conflicts; --force-conflicts puts the
	// template's values back, and then there is no difference, though the
	// label someone added stays.
	wantCode(t, run(t, dir, nil, "deploy", "app.yaml", ns, "--no-wait"), 1)
	wantCode(t, run(t, dir, nil, "deploy", "app.yaml", ns, "--force-conflicts", "--timeout", "2m"), 0)
	r = run(t, dir, nil, "diff", "--live", "app.yaml", ns)
	wantCode(t, r, 0)
	if r.stdout != summary("0", "0", "2") {
		t.Errorf("after deploy --force-conflicts: %s", r)
	}
	if got := kubectl(t, "get", "deployment", "web", "-n", ns, "-o", "jsonpath={.metadata.labels.extra}"); got != "added" {
		t.Errorf("the label someone added is %q", got)
	}

	// A template change is a difference.
	r = run(t, dir, nil, "diff", "--live", "app.yaml", ns, "-s", "GREETING=bye")
	wantCode(t, r, 1)
	wantLines(t, r, "-  greeting: hello", "+  greeting: bye")
	if !strings.HasSuffix(r.stdout, summary("1", "0", "1")) {
		t.Errorf("summary: %s", r)
	}

	// deploy --diff prints the difference, then applies.
	r = run(t, dir, nil, "deploy", "app.yaml", ns, "--diff", "-s", "IMAGE_TAG=2", "--timeout", "2m")
	wantCode(t, r, 0)
	wantLines(t, r, "-      - image: example.com/web:1", "+      - image: example.com/web:2")
	diffAt, appliedAt := strings.Index(r.stdout, "+      - image: example.com/web:2"), strings.Index(r.stdout, "deployment.apps/web applied")
	if diffAt < 0 || appliedAt < 0 || diffAt > appliedAt {
		t.Errorf("deploy --diff: the diff does not come before the apply:\n%s", r)
	}
	if got := kubectl(t, "get", "deployment", "web", "-n", ns, "-o", "jsonpath={.spec.template.spec.containers[0].image}"); got != "example.com/web:2" {
		t.Errorf("after deploy --diff the image is %q", got)
	}
	wantCode(t, run(t, dir, nil, "diff", "--live", "app.yaml", ns, "-s", "IMAGE_TAG=2"), 0)
}

// TestDiffLiveNewKinds: objects of a kind whose CustomResourceDefinition
// the manifest creates, and objects in a Namespace it creates, are new;
// diff creates neither.
func TestDiffLiveNewKinds(t *testing.T) {
	// A namespace that does not exist yet: the manifest creates it.
	b := make([]byte, 3)
	rand.Read(b)
	ns := "e2e-diff-new-kinds-" + hex.EncodeToString(b)
	t.Cleanup(func() { kubectlErr("delete", "namespace", ns, "--wait=false") })
	dir := tree(t, map[string]string{
		"app.yaml": `apiVersion: v1
kind: Namespace
metadata:
  name: ${NAMESPACE}
---
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: gizmos.diff.eastern.test
spec:
  group: diff.eastern.test
  scope: Namespaced
  names: {kind: Gizmo, plural: gizmos, singular: gizmo}
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          x-kubernetes-preserve-unknown-fields: true
---
apiVersion: diff.eastern.test/v1
kind: Gizmo
metadata:
  name: g
size: 3
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: c
data:
  a: b
`,
	})
	r := run(t, dir, nil, "diff", "--live", "app.yaml", ns)
	wantCode(t, r, 1)
	for _, header := range []string{
		"+++ eastern namespace/" + ns + " (new)\n",
		"+++ eastern customresourcedefinition.apiextensions.k8s.io/gizmos.diff.eastern.test (new)\n",
		"+++ eastern gizmo.diff.eastern.test/g (new: its CustomResourceDefinition is created by this deploy)\n",
		"+++ eastern configmap/c (new: its Namespace is created by this deploy)\n",
	} {
		if !strings.Contains(r.stdout, header) {
			t.Errorf("no %q in\n%s", header, r)
		}
	}
	if !strings.Contains(r.stdout, "+  namespace: "+ns+"\n+size: 3\n") {
		t.Errorf("the Gizmo is not shown in its namespace:\n%s", r.stdout)
	}
	if !strings.HasSuffix(r.stdout, "namespace "+ns+": 4 objects: 0 changed, 4 new, 0 unchanged\n") {
		t.Errorf("summary: %s", r)
	}
	if out, err := kubectlErr("get", "namespace", ns); err == nil {
		t.Errorf("diff created the namespace: %s", out)
	}
	if out, err := kubectlErr("get", "crd", "gizmos.diff.eastern.test"); err == nil {
		t.Errorf("diff created the CustomResourceDefinition: %s", out)
	}
}

// TestDiffLiveSecret: a Secret's values never show, only whether they
// changed.
func TestDiffLiveSecret(t *testing.T) {
	ns := namespace(t)
	dir := tree(t, map[string]string{"secret.yaml": `apiVersion: v1
kind: Secret
metadata:
  name: db
stringData:
  password: ${PASSWORD}
  user: admin
`})
	wantCode(t, run(t, dir, nil, "deploy", "secret.yaml", ns, "-s", "PASSWORD=hunter2"), 0)
	r := run(t, dir, nil, "diff", "--live", "secret.yaml", ns, "-s", "PASSWORD=swordfish")
	wantCode(t, r, 1)
	wantLines(t, r, "-  password: '*** (before)'", "+  password: '*** (after)'")
	for _, secret := range []string{"hunter2", "swordfish", "aHVudGVyMg", "c3dvcmRmaXNo", "admin", "YWRtaW4"} {
		if strings.Contains(r.stdout+r.stderr, secret) {
			t.Errorf("the diff shows %q:\n%s", secret, r)
		}
	}
	wantCode(t, run(t, dir, nil, "diff", "--live", "secret.yaml", ns, "-s", "PASSWORD=hunter2"), 0)
}

// TestDiffLivePrune: deploy --prune labels every object with its
// ApplySet; diff --prune compares with the label, diff without it shows
// that a deploy without --prune would take the label off.
func TestDiffLivePrune(t *testing.T) {
	ns := namespace(t)
	dir := driftApp(t)
	wantCode(t, run(t, dir, nil, "deploy", "app.yaml", ns, "--prune", "--no-wait"), 0)
	r := run(t, dir, nil, "diff", "--live", "app.yaml", ns, "--prune")
	wantCode(t, r, 0)
	r = run(t, dir, nil, "diff", "--live", "app.yaml", ns)
	wantCode(t, r, 1)
	for _, l := range diffLines(r.stdout) {
		if !strings.HasPrefix(l, "-") || !strings.Contains(l, "applyset.kubernetes.io/part-of: ") && strings.TrimSpace(l) != "-  labels:" {
			t.Errorf("a change other than the ApplySet label: %q\n%s", l, r)
		}
	}
}

// TestDiffLiveErrors: errors exit 2, as diff(1)'s do, in one line.
func TestDiffLiveErrors(t *testing.T) {
	ns := namespace(t)
	dir := driftApp(t)
	if err := os.WriteFile(filepath.Join(dir, "bad.yaml"), []byte("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: Not_A_Name\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"no --live", []string{"diff", "app.yaml", ns}, "compare with what? Give --since REF, -n BEFORE,AFTER or --live"},
		{"render error", []string{"diff", "--live", "missing.yaml", ns}, "missing.yaml"},
		{"rejected", []string{"diff", "--live", "bad.yaml", ns}, "bad.yaml:4:9: error: metadata.name: the API server rejected it"},
		{"forbidden", []string{"diff", "--live", "app.yaml", ns, "--kubeconfig", devConfig}, "forbidden"},
		{"namespace missing", []string{"diff", "--live", "app.yaml", ns + "-nonexistent"}, "not found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := run(t, dir, nil, tt.args...)
			wantCode(t, r, 2)
			if !strings.Contains(r.stderr, tt.want) || r.stdout != "" {
				t.Errorf("want %q on standard error and nothing on standard output: %s", tt.want, r)
			}
			if lines := strings.Count(strings.TrimSuffix(r.stderr, "\n"), "\n"); lines > 1 {
				t.Errorf("the error takes %d lines: %s", lines+1, r)
			}
		})
	}
}
