//go:build e2e

package e2e

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// webApp is a small service: a Deployment whose pod template is a partial,
// a Service and a ConfigMap. IMAGE selects the kwok behaviour (see
// e2e/cluster/kwok/stages.yaml): "crash" crash-loops, "pullfail" cannot be
// pulled, anything else runs and becomes ready.
func webApp(t *testing.T) string {
	return tree(t, map[string]string{
		"app.yaml": `apiVersion: v1
kind: ConfigMap
metadata:
  name: web-config
data:
  greeting: hello ${NAMESPACE}
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector:
    app: web
  ports:
    - port: 80
      targetPort: 8080
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: ${REPLICAS:-2}
  selector:
    matchLabels:
      app: web
  template:
    # load! partials/pod.yaml
`,
		"partials/pod.yaml": `metadata:
  labels:
    app: ${POD_LABEL:-web}
spec:
  containers:
    - name: web
      image: example.com/web:${IMAGE_TAG}
      ports:
        - containerPort: 8080
`,
	})
}

func deployment(t *testing.T, ns, name string) map[string]any {
	t.Helper()
	var d map[string]any
	if err := json.Unmarshal([]byte(kubectl(t, "get", "deployment", name, "-n", ns, "-o", "json")), &d); err != nil {
		t.Fatal(err)
	}
	return d
}

func field(obj map[string]any, path ...string) any {
	var cur any = obj
	for _, p := range path {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil
		}
		cur = m[p]
	}
	return cur
}

func TestDeployWaitsUntilAvailableThenRollsUpdates(t *testing.T) {
	dir, ns := webApp(t), namespace(t)
	r := run(t, dir, nil, "deploy", "app.yaml", ns, "-s", "IMAGE_TAG=1.0")
	if r.code != 0 {
		t.Fatalf("first deploy: %s", r)
	}
	for _, want := range []string{"configmap/web-config applied", "service/web applied", "deployment.apps/web applied", "Deployment/web: rolled out, 2 of 2 available"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("first deploy's output lacks %q:\n%s", want, r.stdout)
		}
	}
	d := deployment(t, ns, "web")
	if got := field(d, "status", "availableReplicas"); got != float64(2) {
		t.Errorf("after deploy returned, availableReplicas = %v, want 2", got)
	}
	managers := kubectl(t, "get", "deployment", "web", "-n", ns, "--show-managed-fields", "-o", "jsonpath={.metadata.managedFields[*].manager}")
	if !strings.Contains(managers, "eastern") {
		t.Errorf("field managers of the Deployment = %q, want eastern among them", managers)
	}

	r = run(t, dir, nil, "deploy", "app.yaml", ns, "-s", "IMAGE_TAG=2.0", "-s", "REPLICAS=3")
	if r.code != 0 {
		t.Fatalf("rolling update: %s", r)
	}
	// One line per change (standard output is not a terminal): the
	// rollout's progress shows before its end.
	progress := regexp.MustCompile(`(?m)^Deployment/web: \d of 3 updated, \d ready, \d available`)
	if !progress.MatchString(r.stdout) {
		t.Errorf("the rolling update showed no progress lines:\n%s", r.stdout)
	}
	if !strings.HasSuffix(strings.TrimSpace(r.stdout), "Deployment/web: rolled out, 3 of 3 available") {
		t.Errorf("the rolling update did not end rolled out:\n%s", r.stdout)
	}
	image := kubectl(t, "get", "deployment", "web", "-n", ns, "-o", "jsonpath={.spec.template.spec.containers[0].image}")
	if image != "example.com/web:2.0" {
		t.Errorf("image after the update = %q", image)
	}
}

func TestDeployFailingRolloutSaysWhy(t *testing.T) {
	dir, ns := webApp(t), namespace(t)
	r := run(t, dir, nil, "deploy", "app.yaml", ns, "-s", "IMAGE_TAG=crash", "--timeout", "2m")
	if r.code != 3 {
		t.Fatalf("crash-looping rollout: want exit 3, got %s", r)
	}
	for _, want := range []string{
		"rollout failed",
		"CrashLoopBackOff",
		"last exit code 1",
		"pods not ready:",
		"log of the previous container",
		"panic: cannot connect to database",
	} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("the failure report lacks %q:\n%s", want, r.stderr)
		}
	}
}

func TestDeployImagePullFailureSaysWhy(t *testing.T) {
	dir, ns := webApp(t), namespace(t)
	r := run(t, dir, nil, "deploy", "app.yaml", ns, "-s", "IMAGE_TAG=pullfail", "-s", "REPLICAS=1")
	if r.code != 3 || !strings.Contains(r.stderr, "ImagePullBackOff") {
		t.Fatalf("image pull failure: want exit 3 with ImagePullBackOff, got %s", r)
	}
}

func TestDeployIdleTimeoutExits2(t *testing.T) {
	dir := tree(t, map[string]string{"app.yaml": `apiVersion: apps/v1
kind: Deployment
metadata:
  name: stuck
spec:
  replicas: 1
  selector:
    matchLabels: {app: stuck}
  template:
    metadata:
      labels: {app: stuck}
    spec:
      nodeSelector:
        no-such-node: "true"
      containers:
        - name: app
          image: example.com/app:1
`})
	ns := namespace(t)
	r := run(t, dir, nil, "deploy", "app.yaml", ns, "--timeout", "4s")
	if r.code != 2 {
		t.Fatalf("a rollout that never progresses: want exit 2, got %s", r)
	}
	for _, want := range []string{"timed out: no rollout made progress for 4s (--timeout)", "Unschedulable"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("the timeout report lacks %q:\n%s", want, r.stderr)
		}
	}

	// Without an idle timeout, the deadline ends the wait.
	r = run(t, dir, nil, "deploy", "app.yaml", ns, "--timeout", "0", "--deadline", "3s")
	if r.code != 2 || !strings.Contains(r.stderr, "timed out: the rollouts did not finish within 3s (--deadline); waiting for Deployment/stuck") {
		t.Fatalf("--deadline: want exit 2 naming it, got %s", r)
	}
}

func TestDeployDryRunServerRejectsAtTemplateLine(t *testing.T) {
	dir, ns := webApp(t), namespace(t)
	// A selector that does not match the pod template's labels: lint
	// finds it (validation.selector), at the line the API server's
	// rejection is placed on when lint is skipped.
	r := run(t, dir, nil, "deploy", "app.yaml", ns, "-s", "IMAGE_TAG=1", "-s", "POD_LABEL=other", "--dry-run=server")
	if r.code != 1 || !strings.Contains(r.stderr, "nothing was applied") {
		t.Fatalf("deploy of an invalid Deployment: want exit 1 before anything is sent, got %s", r)
	}
	// spec.template.metadata.labels is written at partials/pod.yaml line 2.
	if !regexp.MustCompile(`(?m)^partials/pod\.yaml:2:3: error: spec\.template\.metadata\.labels: selector does not match template labels: .* \[validation\.selector\]`).MatchString(r.stderr) {
		t.Errorf("lint's finding is not at the partial's labels line:\n%s", r.stderr)
	}
	r = run(t, dir, nil, "deploy", "app.yaml", ns, "-s", "IMAGE_TAG=1", "-s", "POD_LABEL=other", "--dry-run=server", "--no-lint")
	if r.code != 1 {
		t.Fatalf("dry run of an invalid Deployment: want exit 1, got %s", r)
	}
	if !regexp.MustCompile(`(?m)^partials/pod\.yaml:2:3: error: spec\.template\.metadata\.labels: the API server rejected it: Invalid value: .*selector.*does not match template .*labels.* \[deploy\.server\]`).MatchString(r.stderr) {
		t.Errorf("the rejection is not at the partial's labels line:\n%s", r.stderr)
	}
	if out, err := kubectlErr("get", "deployment", "web", "-n", ns); err == nil {
		t.Errorf("a dry run created the Deployment:\n%s", out)
	}

	r = run(t, dir, nil, "deploy", "app.yaml", ns, "-s", "IMAGE_TAG=1", "--dry-run=server")
	if r.code != 0 || !strings.Contains(r.stdout, "deployment.apps/web valid (server dry run)") {
		t.Fatalf("dry run of a valid manifest: %s", r)
	}
	if out, err := kubectlErr("get", "configmap", "web-config", "-n", ns); err == nil {
		t.Errorf("a dry run created the ConfigMap:\n%s", out)
	}
}

func TestDeployLintErrorsBlock(t *testing.T) {
	dir := tree(t, map[string]string{"app.yaml": `apiVersion: v1
kind: ConfigMap
metadata:
  name: bad
dta:
  key: value
`})
	ns := namespace(t)
	r := run(t, dir, nil, "deploy", "app.yaml", ns)
	if r.code != 1 || !strings.Contains(r.stderr, "app.yaml:5:1: error:") || !strings.Contains(r.stderr, "nothing was applied") {
		t.Fatalf("a lint error must block the deploy at its line: %s", r)
	}
	if _, err := kubectlErr("get", "configmap", "bad", "-n", ns); err == nil {
		t.Error("the ConfigMap was applied despite the lint error")
	}
}

// The checks the nearest config sets for the namespace hold a deploy as
// they hold eastern lint: a Deployment without resource requests is an
// error where the config makes practices errors.
func TestDeployChecksOfTheConfig(t *testing.T) {
	ns := namespace(t)
	dir := tree(t, map[string]string{
		".eastern.yaml": "checks:\n  namespaces:\n    " + ns + ": {practices: error}\n",
		"app.yaml": `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
        - name: web
          image: registry.example.com/web:1.0.0
`})
	r := run(t, dir, nil, "deploy", "app.yaml", ns, "--no-wait")
	if r.code != 1 || !strings.Contains(r.stderr, "app.yaml:11:11: error: ") || !strings.Contains(r.stderr, "[resources.requests]") || !strings.Contains(r.stderr, "nothing was applied") {
		t.Fatalf("the config's practices at error must block the deploy: %s", r)
	}
	if _, err := kubectlErr("get", "deployment", "web", "-n", ns); err == nil {
		t.Error("the Deployment was applied despite the check's error")
	}
}

func TestDeployCRDAndItsResourcesTogether(t *testing.T) {
	dir := tree(t, map[string]string{"app.yaml": `apiVersion: example.com/v1
kind: Widget
metadata:
  name: gear
spec:
  size: 3
---
` + sizeCRD("example.com", "widget", "Widget")})
	ns := namespace(t)
	t.Cleanup(func() { kubectlErr("delete", "crd", "widgets.example.com", "--wait=false") })
	r := run(t, dir, nil, "deploy", "app.yaml", ns)
	if r.code != 0 {
		t.Fatalf("CRD and resource in one template: %s", r)
	}
	crd := strings.Index(r.stdout, "customresourcedefinition.apiextensions.k8s.io/widgets.example.com applied")
	widget := strings.Index(r.stdout, "widget.example.com/gear applied")
	if crd < 0 || widget < 0 || crd > widget {
		t.Errorf("want the CRD applied before its resource:\n%s", r.stdout)
	}
	if got := kubectl(t, "get", "widgets.example.com", "gear", "-n", ns, "-o", "jsonpath={.spec.size}"); got != "3" {
		t.Errorf("widget spec.size = %q", got)
	}
}

func TestDeployRefusesAnotherNamespaceBeforeApplying(t *testing.T) {
	dir := tree(t, map[string]string{"app.yaml": `apiVersion: v1
kind: ConfigMap
metadata:
  name: first
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: elsewhere
  namespace: kube-system
`})
	ns := namespace(t)
	r := run(t, dir, nil, "deploy", "app.yaml", ns)
	if r.code != 1 || !strings.Contains(r.stderr, `app.yaml:10:14: error: the object is in namespace "kube-system"`) {
		t.Fatalf("an object of another namespace: %s", r)
	}
	if _, err := kubectlErr("get", "configmap", "first", "-n", ns); err == nil {
		t.Error("the first ConfigMap was applied although the manifest was refused")
	}
}

func TestDeployForbiddenAndUnreachable(t *testing.T) {
	dir, ns := webApp(t), namespace(t)
	r := run(t, dir, []string{"KUBECONFIG=" + devConfig}, "deploy", "app.yaml", ns, "-s", "IMAGE_TAG=1", "--no-lint")
	lines := strings.Split(strings.TrimSpace(r.stderr), "\n")
	if r.code != 1 || !strings.Contains(r.stderr, "forbidden") || !strings.Contains(r.stderr, `User "dev"`) {
		t.Fatalf("a user without permissions: want exit 1 and forbidden, got %s", r)
	}
	if !strings.Contains(r.stderr, "nothing was applied") || len(lines) > 2 {
		t.Errorf("want one line for the error and one saying nothing was applied:\n%s", r.stderr)
	}

	unreachable := filepath.Join(t.TempDir(), "kubeconfig")
	os.WriteFile(unreachable, []byte(`apiVersion: v1
kind: Config
clusters: [{name: gone, cluster: {server: "https://127.0.0.1:1"}}]
users: [{name: me, user: {token: abc}}]
contexts: [{name: gone, context: {cluster: gone, user: me}}]
current-context: gone
`), 0o600)
	r = run(t, dir, nil, "deploy", "app.yaml", ns, "-s", "IMAGE_TAG=1", "--kubeconfig", unreachable)
	want := `eastern deploy: cannot reach the cluster, context "gone" (https://127.0.0.1:1): `
	if r.code != 1 || !strings.HasPrefix(r.stderr, want) || strings.Count(r.stderr, "\n") != 1 {
		t.Fatalf("an unreachable server: want one line starting %q, got %s", want, r)
	}
}

func TestDeployEdit(t *testing.T) {
	dir, ns := webApp(t), namespace(t)
	editor := filepath.Join(t.TempDir(), "editor")
	os.WriteFile(editor, []byte("#!/bin/sh\nsed -i 's/hello/edited/' \"$1\"\n"), 0o755)
	r := run(t, dir, []string{"EDITOR=" + editor}, "deploy", "app.yaml", ns, "-s", "IMAGE_TAG=1", "--edit", "--no-wait")
	if r.code != 0 {
		t.Fatalf("deploy --edit: %s", r)
	}
	if got := kubectl(t, "get", "configmap", "web-config", "-n", ns, "-o", "jsonpath={.data.greeting}"); got != "edited "+ns {
		t.Errorf("greeting after --edit = %q", got)
	}

	unsaved := filepath.Join(t.TempDir(), "editor")
	os.WriteFile(unsaved, []byte("#!/bin/sh\nexit 0\n"), 0o755)
	r = run(t, dir, []string{"EDITOR=" + unsaved}, "deploy", "app.yaml", ns, "-s", "IMAGE_TAG=2", "--edit")
	if r.code != 1 || !strings.Contains(r.stderr, "not saved; nothing was applied") {
		t.Fatalf("an unsaved edit must abort: %s", r)
	}
}

func TestDeployNoWait(t *testing.T) {
	dir, ns := webApp(t), namespace(t)
	r := run(t, dir, nil, "deploy", "app.yaml", ns, "-s", "IMAGE_TAG=crash", "--no-wait")
	if r.code != 0 || strings.Contains(r.stdout, "rolled out") {
		t.Fatalf("--no-wait returns after apply: %s", r)
	}
}

// TestDeployExecCredentialPlugin: a kubeconfig whose user is an exec
// credential plugin (as EKS, GKE and OIDC logins are) works as with kubectl.
func TestDeployExecCredentialPlugin(t *testing.T) {
	token := kubectl(t, "config", "view", "--raw", "--minify", "-o", "jsonpath={.users[0].user.token}")
	server := kubectl(t, "config", "view", "--raw", "--minify", "-o", "jsonpath={.clusters[0].cluster.server}")
	ca := kubectl(t, "config", "view", "--raw", "--minify", "-o", "jsonpath={.clusters[0].cluster.certificate-authority-data}")
	if token == "" || server == "" {
		t.Fatal("the admin kubeconfig has no token or server")
	}
	dir := t.TempDir()
	plugin := filepath.Join(dir, "credential-plugin")
	calls := filepath.Join(dir, "calls")
	os.WriteFile(plugin, []byte(`#!/bin/sh
echo called >> `+calls+`
printf '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"%s"}}' "`+token+`"
`), 0o755)
	config := filepath.Join(dir, "kubeconfig")
	os.WriteFile(config, []byte(`apiVersion: v1
kind: Config
clusters: [{name: e2e, cluster: {server: "`+server+`", certificate-authority-data: "`+ca+`"}}]
users:
  - name: plugin
    user:
      exec:
        apiVersion: client.authentication.k8s.io/v1
        command: `+plugin+`
        interactiveMode: Never
contexts: [{name: through-plugin, context: {cluster: e2e, user: plugin}}]
current-context: through-plugin
`), 0o600)
	app, ns := webApp(t), namespace(t)
	r := run(t, app, []string{"KUBECONFIG=" + config}, "deploy", "app.yaml", ns, "-s", "IMAGE_TAG=1", "--no-wait")
	if r.code != 0 {
		t.Fatalf("deploy through an exec credential plugin: %s", r)
	}
	if data, err := os.ReadFile(calls); err != nil || !strings.Contains(string(data), "called") {
		t.Errorf("the credential plugin was not run (%v)", err)
	}

	os.WriteFile(plugin, []byte("#!/bin/sh\necho 'token expired' >&2\nexit 1\n"), 0o755)
	r = run(t, app, []string{"KUBECONFIG=" + config}, "deploy", "app.yaml", ns, "-s", "IMAGE_TAG=1", "--no-wait")
	if want := `eastern deploy: the kubeconfig's credential plugin failed, context "through-plugin"`; r.code != 1 || !strings.Contains(r.stderr, "token expired\n"+want) {
		t.Errorf("a failing credential plugin: want exit 1 and a line starting %q, got %s", want, r)
	}
}

// sizeCRD is a namespaced CustomResourceDefinition of group whose kind has
// one integer field, spec.size; its name is PLURAL.GROUP.
func sizeCRD(group, singular, kind string) string {
	return `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: ` + singular + `s.` + group + `
spec:
  group: ` + group + `
  scope: Namespaced
  names: {plural: ` + singular + `s, singular: ` + singular + `, kind: ` + kind + `}
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
              properties:
                size: {type: integer}
`
}
