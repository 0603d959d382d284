package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	sigsyaml "sigs.k8s.io/yaml"
)

// cmpPlugin is the part of a ConfigManagementPlugin that the CMP server
// runs.
type cmpPlugin struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	Metadata   struct {
		Name string `json:"name"`
	} `json:"metadata"`
	Spec struct {
		Generate struct {
			Command []string `json:"command"`
			Args    []string `json:"args"`
		} `json:"generate"`
	} `json:"spec"`
}

// TestArgoCDPlugin runs argocd-cmp/plugin.yaml's generate command as
// Argo CD's CMP server runs it: the command and its args executed without
// a shell, in the Application's source path within a copy of the
// repository, with the build environment and ARGOCD_ENV_ variables set.
func TestArgoCDPlugin(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "..", "argocd-cmp", "plugin.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var p cmpPlugin
	if err := sigsyaml.UnmarshalStrict(data, &p); err != nil {
		t.Fatalf("plugin.yaml: %v", err)
	}
	if p.APIVersion != "argoproj.io/v1alpha1" || p.Kind != "ConfigManagementPlugin" || p.Metadata.Name != "eastern" {
		t.Fatalf("plugin.yaml is %s %s %q", p.APIVersion, p.Kind, p.Metadata.Name)
	}
	argv := append(p.Spec.Generate.Command, p.Spec.Generate.Args...)
	if len(argv) == 0 || argv[0] != "eastern" {
		t.Fatalf("generate runs %v, want eastern", argv)
	}

	repo := writeTree(t, t.TempDir(), map[string]string{
		".eastern.yaml":                          "values: {REGISTRY: registry.example.com}\n",
		"partials/probes.yaml":                   "readinessProbe:\n  httpGet: {path: /healthz, port: 8080}\n",
		"apps/web/web.yaml":                      "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: ${NAMESPACE}\nspec:\n  template:\n    spec:\n      containers:\n      - name: web\n        image: ${REGISTRY}/web:${IMAGE_TAG}\n        # load! ../../partials/probes.yaml\n        # load! overrides/env-${NAMESPACE}.yaml, overrides/env.yaml\n",
		"apps/web/overrides/env.yaml":            "env: [{name: MODE, value: default}]\n",
		"apps/web/overrides/env-production.yaml": "env: [{name: MODE, value: production}]\n",
		"apps/other/other.yaml":                  "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: other}\n",
	})
	cmd := exec.Command(easternPath, argv[1:]...)
	cmd.Dir = filepath.Join(repo, "apps", "web")
	cmd.Env = []string{
		"PATH=/usr/bin:/bin",
		"ARGOCD_APP_NAME=web-production",
		"ARGOCD_APP_NAMESPACE=production",
		"ARGOCD_APP_REVISION=0123456789abcdef",
		"ARGOCD_APP_SOURCE_PATH=apps/web",
		"ARGOCD_APP_SOURCE_REPO_URL=https://git.example.com/platform/deploy.git",
		"ARGOCD_APP_SOURCE_TARGET_REVISION=main",
		"KUBE_VERSION=1.31",
		"ARGOCD_ENV_IMAGE_TAG=1.4.2",
	}
	stdout, stderr, code := runCommand(t, cmd, "")
	want := `---
# Source: web.yaml (namespace production)
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: production
spec:
  template:
    spec:
      containers:
      - name: web
        image: registry.example.com/web:1.4.2
        readinessProbe:
          httpGet: {path: /healthz, port: 8080}
        env: [{name: MODE, value: production}]
`
	if code != exitOK || stdout != want || stderr != "" {
		t.Errorf("generate: exit %d, stderr %q, stdout:\n%s\nwant:\n%s", code, stderr, stdout, want)
	}

	// What Argo CD shows when the Application is wrong: an error, exit 1
	// or 2, nothing on standard output.
	cmd = exec.Command(easternPath, argv[1:]...)
	cmd.Dir = filepath.Join(repo, "apps", "web")
	cmd.Env = []string{"ARGOCD_APP_SOURCE_PATH=apps/web", "ARGOCD_ENV_IMAGE_TAG=1.4.2"}
	stdout, stderr, code = runCommand(t, cmd, "")
	if code != exitUsage || stdout != "" || !strings.Contains(stderr, "ARGOCD_APP_NAMESPACE is not set") {
		t.Errorf("without a namespace: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	cmd = exec.Command(easternPath, argv[1:]...)
	cmd.Dir = filepath.Join(repo, "apps", "web")
	cmd.Env = []string{"ARGOCD_APP_NAMESPACE=production", "ARGOCD_APP_SOURCE_PATH=apps/web", "ARGOCD_ENV_bad name=x"}
	if _, stderr, code = runCommand(t, cmd, ""); code != exitUsage || !strings.Contains(stderr, `ARGOCD_ENV_bad name: "bad name" is not a variable name`) {
		t.Errorf("a bad variable name: exit %d, stderr %q", code, stderr)
	}
}
