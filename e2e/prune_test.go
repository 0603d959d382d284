//go:build e2e

package e2e

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/eastern-k8s/eastern/deploy"
)

const (
	pruneConfigMap = `apiVersion: v1
kind: ConfigMap
metadata:
  name: web
data:
  greeting: hello
`
	pruneService = `apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector:
    app: web
  ports:
  - port: 80
`
	pruneDeployment = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 1
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
        image: nginx:1.27
`
	pruneClusterRole = `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: NAME
rules:
- apiGroups: [""]
  resources: ["configmaps"]
  verbs: ["get"]
`
)

// pruneDocuments joins YAML documents into one manifest.
func pruneDocuments(docs ...string) string { return strings.Join(docs, "---\n") }

// pruneSetID is the ID KEP-3659 gives the set of a Secret parent.
func pruneSetID(name, namespace string) string {
	sum := sha256.Sum256([]byte(name + "." + namespace + ".Secret."))
	return "applyset-" + base64.RawURLEncoding.EncodeToString(sum[:]) + "-v1"
}

// pruneKubectlEnv is kubectlErr with env added to kubectl's environment.
func pruneKubectlEnv(env []string, args ...string) (string, error) {
	cmd := exec.Command(kubectlBin, append([]string{"--kubeconfig", kubeconfig}, args...)...)
	cmd.Env = append(os.Environ(), env...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	return out.String(), err
}

// pruneParent is the one ApplySet parent Secret in ns: its name, labels
// and annotations.
func pruneParent(t *testing.T, ns string) (name string, labels, annotations map[string]string) {
	t.Helper()
	var list struct {
		Items []struct {
			Metadata struct {
				Name        string            `json:"name"`
				Labels      map[string]string `json:"labels"`
				Annotations map[string]string `json:"annotations"`
			} `json:"metadata"`
		} `json:"items"`
	}
	out := kubectl(t, "get", "secrets", "-n", ns, "-l", "applyset.kubernetes.io/id", "-o", "json")
	if err := json.Unmarshal([]byte(out), &list); err != nil {
		t.Fatalf("kubectl get secrets: %v\n%s", err, out)
	}
	if len(list.Items) != 1 {
		t.Fatalf("%d ApplySet parents in %s, want 1:\n%s", len(list.Items), ns, out)
	}
	m := list.Items[0].Metadata
	return m.Name, m.Labels, m.Annotations
}

// pruneMembers lists the objects of kinds that carry the set's part-of label,
// as kubectl names them, sorted.
func pruneMembers(t *testing.T, ns, kinds, id string) []string {
	t.Helper()
	args := []string{"get", kinds, "-l", "applyset.kubernetes.io/part-of=" + id, "-o", "name"}
	if ns != "" {
		args = append(args, "-n", ns)
	}
	names := strings.Fields(kubectl(t, args...))
	slices.Sort(names)
	return names
}

func pruneExists(kind, name, ns string) bool {
	args := []string{"get", kind, name}
	if ns != "" {
		args = append(args, "-n", ns)
	}
	_, err := kubectlErr(args...)
	return err == nil
}

func TestPrune(t *testing.T) {
	ns := namespace(t)
	role := ns + "-reader" // a cluster-scoped member
	t.Cleanup(func() { kubectlErr("delete", "clusterrole", role, "--ignore-not-found") })
	clusterRole := strings.Replace(pruneClusterRole, "NAME", role, 1)
	dir := tree(t, map[string]string{"app.yaml": pruneDocuments(pruneConfigMap, pruneService, pruneDeployment, clusterRole)})
	write := func(manifest string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(dir, "app.yaml"), []byte(manifest), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// A Service and a ConfigMap that kubectl made: not members of the set.
	kubectl(t, "create", "service", "clusterip", "outsider", "--tcp=80:80", "-n", ns)
	kubectl(t, "create", "configmap", "outsider", "-n", ns)

	r := run(t, dir, nil, "deploy", "app.yaml", ns, "--prune", "--no-wait")
	if r.code != 0 {
		t.Fatalf("the first deploy failed: %s", r)
	}
	if strings.Contains(r.stdout, "pruned") {
		t.Errorf("the first deploy pruned something:\n%s", r.stdout)
	}

	// The parent, as KEP-3659 describes it and kubectl writes it.
	parentName, labels, annotations := pruneParent(t, ns)
	realDir, err := filepath.EvalSymlinks(dir)
	if err != nil {
		t.Fatal(err)
	}
	if want := deploy.ApplySetName(filepath.Join(realDir, "app.yaml")); parentName != want {
		t.Errorf("the parent is secret/%s, want secret/%s (from the template's absolute path)", parentName, want)
	}
	if !regexp.MustCompile(`^eastern-[a-z0-9-]+-[0-9a-f]{8}$`).MatchString(parentName) {
		t.Errorf("the parent's name %q is not eastern-<path>-<8 hex digits>", parentName)
	}
	id := pruneSetID(parentName, ns)
	if labels["applyset.kubernetes.io/id"] != id {
		t.Errorf("applyset.kubernetes.io/id = %q, want %q", labels["applyset.kubernetes.io/id"], id)
	}
	tooling := annotations["applyset.kubernetes.io/tooling"]
	if !strings.HasPrefix(tooling, "eastern/") {
		t.Errorf("applyset.kubernetes.io/tooling = %q, want eastern/VERSION", tooling)
	}
	wantKinds := "ClusterRole.rbac.authorization.k8s.io,ConfigMap,Deployment.apps,Service"
	if got := annotations["applyset.kubernetes.io/contains-group-kinds"]; got != wantKinds {
		t.Errorf("applyset.kubernetes.io/contains-group-kinds = %q, want %q", got, wantKinds)
	}
	if got, ok := annotations["applyset.kubernetes.io/additional-namespaces"]; !ok || got != "" {
		t.Errorf("applyset.kubernetes.io/additional-namespaces = %q (present %v), want present and empty", got, ok)
	}
	got := pruneMembers(t, ns, "configmaps,services,deployments", id)
	if want := []string{"configmap/web", "deployment.apps/web", "service/web"}; !slices.Equal(got, want) {
		t.Errorf("members in %s: %v, want %v", ns, got, want)
	}
	if got, want := pruneMembers(t, "", "clusterroles", id), []string{"clusterrole.rbac.authorization.k8s.io/" + role}; !slices.Equal(got, want) {
		t.Errorf("cluster-scoped members: %v, want %v", got, want)
	}

	// The template no longer has the Service.
	withoutService := pruneDocuments(pruneConfigMap, pruneDeployment, clusterRole)
	write(withoutService)

	// A server dry run says what it would prune and deletes nothing.
	r = run(t, dir, nil, "deploy", "app.yaml", ns, "--prune", "--dry-run=server")
	if r.code != 0 {
		t.Fatalf("the dry run failed: %s", r)
	}
	if !strings.Contains(r.stdout, "service/web would be pruned (server dry run)\n") || strings.Count(r.stdout, "pruned") != 1 {
		t.Errorf("the dry run should say that it would prune service/web and nothing else:\n%s", r.stdout)
	}
	if !pruneExists("service", "web", ns) {
		t.Error("the dry run deleted service/web")
	}
	if _, _, a := pruneParent(t, ns); a["applyset.kubernetes.io/contains-group-kinds"] != wantKinds {
		t.Errorf("the dry run changed the parent's kinds to %q", a["applyset.kubernetes.io/contains-group-kinds"])
	}

	// kubectl sees the set: it refuses to change it while eastern manages
	// it, and once the tooling annotation says kubectl, it would prune the
	// same object.
	kubectlArgs := []string{"apply", "--server-side", "--dry-run=server", "--prune", "--applyset=" + parentName, "-n", ns, "-f", filepath.Join(dir, "app.yaml")}
	applySet := []string{"KUBECTL_APPLYSET=true"}
	out, err := pruneKubectlEnv(applySet, kubectlArgs...)
	t.Logf("KUBECTL_APPLYSET=true kubectl %s: %v\n%s", strings.Join(kubectlArgs, " "), err, out)
	if err == nil || !strings.Contains(out, `managed by tooling "eastern" instead of "kubectl"`) {
		t.Errorf("kubectl apply --applyset on eastern's set: %v, want it refused as eastern's:\n%s", err, out)
	}
	kubectl(t, "annotate", "--overwrite", "secret", parentName, "-n", ns, "applyset.kubernetes.io/tooling=kubectl/v1.34.4")
	out, err = pruneKubectlEnv(applySet, kubectlArgs...)
	t.Logf("with tooling kubectl/v1.34.4, KUBECTL_APPLYSET=true kubectl %s: %v\n%s", strings.Join(kubectlArgs, " "), err, out)
	if err != nil {
		t.Fatalf("kubectl apply --applyset: %v\n%s", err, out)
	}
	if !strings.Contains(out, "service/web pruned (server dry run)") || strings.Count(out, "pruned") != 1 {
		t.Errorf("kubectl should find exactly service/web to prune:\n%s", out)
	}
	// eastern, in turn, refuses kubectl's set.
	r = run(t, dir, nil, "deploy", "app.yaml", ns, "--prune", "--no-wait")
	if r.code != 1 || !strings.Contains(r.stderr, "is managed by kubectl (applyset.kubernetes.io/tooling: kubectl/v1.34.4), not eastern") {
		t.Errorf("eastern should refuse a set that kubectl manages: %s", r)
	}
	if strings.Contains(r.stdout, "applied") || !pruneExists("service", "web", ns) {
		t.Errorf("eastern changed things in a set it refused: %s", r)
	}
	kubectl(t, "annotate", "--overwrite", "secret", parentName, "-n", ns, "applyset.kubernetes.io/tooling="+tooling)

	// The deploy prunes exactly the Service.
	r = run(t, dir, nil, "deploy", "app.yaml", ns, "--prune", "--no-wait")
	if r.code != 0 {
		t.Fatalf("the deploy without the Service failed: %s", r)
	}
	if !strings.Contains(r.stdout, "service/web pruned\n") || strings.Count(r.stdout, "pruned") != 1 {
		t.Errorf("the deploy should say that it pruned service/web and nothing else:\n%s", r.stdout)
	}
	waitFor(t, 30*time.Second, "service/web to be deleted", func() bool { return !pruneExists("service", "web", ns) })
	for _, o := range [][2]string{{"service", "outsider"}, {"configmap", "outsider"}, {"configmap", "web"}, {"deployment", "web"}} {
		if !pruneExists(o[0], o[1], ns) {
			t.Errorf("%s/%s was deleted", o[0], o[1])
		}
	}
	if !pruneExists("clusterrole", role, "") {
		t.Errorf("clusterrole/%s was deleted", role)
	}
	wantKinds = "ClusterRole.rbac.authorization.k8s.io,ConfigMap,Deployment.apps"
	if _, _, a := pruneParent(t, ns); a["applyset.kubernetes.io/contains-group-kinds"] != wantKinds {
		t.Errorf("after the prune the parent lists %q, want %q", a["applyset.kubernetes.io/contains-group-kinds"], wantKinds)
	}

	// Kinds that the render no longer has at all, in a named group and at
	// the cluster scope, are pruned too.
	write(pruneConfigMap)
	r = run(t, dir, nil, "deploy", "app.yaml", ns, "--prune", "--no-wait")
	if r.code != 0 {
		t.Fatalf("the deploy of the ConfigMap alone failed: %s", r)
	}
	for _, want := range []string{"deployment.apps/web pruned\n", "clusterrole.rbac.authorization.k8s.io/" + role + " pruned\n"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("the deploy should say %q:\n%s", want, r.stdout)
		}
	}
	if n := strings.Count(r.stdout, "pruned"); n != 2 {
		t.Errorf("the deploy pruned %d objects, want 2:\n%s", n, r.stdout)
	}
	waitFor(t, 30*time.Second, "deployment/web and clusterrole/"+role+" to be deleted", func() bool {
		return !pruneExists("deployment", "web", ns) && !pruneExists("clusterrole", role, "")
	})
	if !pruneExists("configmap", "web", ns) || !pruneExists("service", "outsider", ns) || !pruneExists("configmap", "outsider", ns) {
		t.Error("the last prune deleted an object it should have kept")
	}
	if _, _, a := pruneParent(t, ns); a["applyset.kubernetes.io/contains-group-kinds"] != "ConfigMap" {
		t.Errorf("the parent lists %q, want ConfigMap", a["applyset.kubernetes.io/contains-group-kinds"])
	}
}

func TestPruneRefusesOtherSets(t *testing.T) {
	ns := namespace(t)
	shared := `apiVersion: v1
kind: ConfigMap
metadata:
  name: shared
`
	mine := `apiVersion: v1
kind: ConfigMap
metadata:
  name: mine
`
	dir := tree(t, map[string]string{"a.yaml": shared, "b.yaml": pruneDocuments(shared, mine)})
	if r := run(t, dir, nil, "deploy", "a.yaml", ns, "--prune", "--no-wait"); r.code != 0 {
		t.Fatalf("deploying a.yaml failed: %s", r)
	}
	parentA, _, _ := pruneParent(t, ns)

	// b.yaml's set would take ConfigMap/shared from a.yaml's.
	r := run(t, dir, nil, "deploy", "b.yaml", ns, "--prune", "--no-wait")
	if r.code != 1 || !strings.Contains(r.stderr, "ConfigMap/shared: already in another ApplySet, secret/"+parentA+" (applyset.kubernetes.io/part-of="+pruneSetID(parentA, ns)+")") {
		t.Errorf("deploying b.yaml should fail, naming a.yaml's set: %s", r)
	}
	if strings.Count(r.stderr, "\n") > 2 {
		t.Errorf("the error takes more than a line:\n%s", r.stderr)
	}
	if pruneExists("configmap", "mine", ns) {
		t.Error("the refused deploy applied ConfigMap/mine")
	}
	if got := kubectl(t, "get", "configmap", "shared", "-n", ns, "-o", "jsonpath={.metadata.labels.applyset\\.kubernetes\\.io/part-of}"); got != pruneSetID(parentA, ns) {
		t.Errorf("ConfigMap/shared is now part of %q", got)
	}

	// With a.yaml's set named, b.yaml takes it over and prunes nothing of it.
	r = run(t, dir, nil, "deploy", "b.yaml", ns, "--prune", "--no-wait", "--applyset", parentA)
	if r.code != 0 || strings.Contains(r.stdout, "pruned") {
		t.Errorf("deploying b.yaml into a.yaml's set: %s", r)
	}

	// A Secret of that name that is no ApplySet parent is left alone.
	kubectl(t, "create", "secret", "generic", "plain", "-n", ns, "--from-literal=k=v")
	r = run(t, dir, nil, "deploy", "a.yaml", ns, "--prune", "--no-wait", "--applyset", "plain")
	if r.code != 1 || !strings.Contains(r.stderr, "secret/plain exists and is not an ApplySet parent") {
		t.Errorf("deploying with --applyset naming a plain Secret: %s", r)
	}
	if got := kubectl(t, "get", "secret", "plain", "-n", ns, "-o", "jsonpath={.metadata.labels}"); got != "" {
		t.Errorf("the plain Secret got labels %s", got)
	}
}

func TestPruneNamespaceOfItsOwn(t *testing.T) {
	b := make([]byte, 3)
	rand.Read(b)
	ns := "e2e-prune-own-" + hex.EncodeToString(b)
	t.Cleanup(func() { kubectlErr("delete", "namespace", ns, "--wait=false") })
	namespaceDoc := "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: " + ns + "\n"
	dir := tree(t, map[string]string{"app.yaml": pruneDocuments(namespaceDoc, pruneConfigMap)})

	// The namespace does not exist before the deploy creates it: the
	// parent is written after the objects are applied.
	r := run(t, dir, nil, "deploy", "app.yaml", ns, "--prune", "--no-wait")
	if r.code != 0 {
		t.Fatalf("deploying into a namespace the template creates failed: %s", r)
	}
	_, _, annotations := pruneParent(t, ns)
	if got := annotations["applyset.kubernetes.io/contains-group-kinds"]; got != "ConfigMap,Namespace" {
		t.Errorf("the parent lists %q, want ConfigMap,Namespace", got)
	}

	// The namespace holds the parent: eastern does not prune it.
	if err := os.WriteFile(filepath.Join(dir, "app.yaml"), []byte(pruneConfigMap), 0o644); err != nil {
		t.Fatal(err)
	}
	r = run(t, dir, nil, "deploy", "app.yaml", ns, "--prune", "--no-wait")
	if r.code != 1 || !strings.Contains(r.stderr, "nothing was pruned: namespace/"+ns+" holds the ApplySet's parent") {
		t.Errorf("removing the deploy's own namespace from the template: %s", r)
	}
	if strings.Contains(r.stdout, "pruned") {
		t.Errorf("something was pruned:\n%s", r.stdout)
	}
	if out, err := kubectlErr("get", "namespace", ns, "-o", "jsonpath={.status.phase}"); err != nil || out != "Active" {
		t.Errorf("namespace %s: %s %v", ns, out, err)
	}
}
