package deploy

import (
	"crypto/sha256"
	"encoding/base64"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/validation"
)

// applySetIDByKEP computes an ApplySet ID the way KEP-3659 words it, without
// applySetID's code: base64url (RFC 4648, padding dropped) of
// sha256("<name>.<namespace>.<kind>.<group>"), between "applyset-" and "-v1".
func applySetIDByKEP(name, namespace, kind, group string) string {
	h := sha256.New()
	h.Write([]byte(name + "." + namespace + "." + kind + "." + group))
	return "applyset-" + strings.TrimRight(base64.URLEncoding.EncodeToString(h.Sum(nil)), "=") + "-v1"
}

func TestApplySetID(t *testing.T) {
	tests := []struct {
		name, namespace string
		want            string // "" : kepID's
	}{
		// IDs that kubectl's own tests expect of its Secret parents.
		{"my-set", "test", "applyset-0eFHV8ySqp7XoShsGvyWFQD3s96yqwHmzc4e0HR1dsY-v1"},
		{"cross_namespace", "applyset-namespace", "applyset-maUyxm9hLztJjNIswOCgA-VT6EJxr1_CcWA5kSzuMYE-v1"},
		{"eastern-k8s-app-0a1b2c3d", "production", ""},
		{"web", "default", ""},
	}
	for _, tt := range tests {
		want := tt.want
		if want == "" {
			want = applySetIDByKEP(tt.name, tt.namespace, "Secret", "")
		} else if got := applySetIDByKEP(tt.name, tt.namespace, "Secret", ""); got != want {
			t.Fatalf("the test's own formula gives %s for %s/%s, kubectl %s", got, tt.namespace, tt.name, want)
		}
		if got := applySetID(tt.name, tt.namespace, secretGK); got != want {
			t.Errorf("applySetID(%q, %q) = %s, want %s", tt.name, tt.namespace, got, want)
		}
		if errs := validation.IsValidLabelValue(want); len(errs) > 0 {
			t.Errorf("%s is not a label value: %v", want, errs)
		}
	}
	// The ID of a parent of another kind differs: the kind is part of it.
	if applySetID("web", "default", schema.GroupKind{Kind: "ConfigMap"}) == applySetID("web", "default", secretGK) {
		t.Error("a ConfigMap parent has the ID of the Secret parent of that name")
	}

	s, err := NewApplySet("my-set", "test", "v1.2.3")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := s.ID(), "applyset-0eFHV8ySqp7XoShsGvyWFQD3s96yqwHmzc4e0HR1dsY-v1"; got != want {
		t.Errorf("ID() = %s, want %s", got, want)
	}
	if got := s.Labels(); len(got) != 1 || got["applyset.kubernetes.io/part-of"] != s.ID() {
		t.Errorf("Labels() = %v, want the part-of label with the ID", got)
	}
	if s.tooling != "eastern/v1.2.3" {
		t.Errorf("tooling = %q, want eastern/v1.2.3", s.tooling)
	}
}

func TestApplySetName(t *testing.T) {
	tests := []struct {
		path, wantPrefix string
	}{
		{"/ci/shop/k8s/app.yaml", "eastern-ci-shop-k8s-app-"},
		{"/ci/shop/k8s/app.yml", "eastern-ci-shop-k8s-app-"},
		{"/ci/shop/./k8s/../k8s/app.yaml", "eastern-ci-shop-k8s-app-"},
		{"/Work/My Project/Deploy.Prod.YAML", "eastern-work-my-project-deploy-prod-"},
		{"/ci/ünïcode/_x_.yaml", "eastern-ci-n-code-x-"},
		// The last 40 characters of a long path are kept, cut at a dash.
		{"/var/lib/jenkins/workspace/payments-service-production/deploy/kubernetes/app.yaml", "eastern-service-production-deploy-kubernetes-app-"},
		{"/var/lib/jenkins/workspace/payments-service-productions/deploy/kubernetes/app.yaml", "eastern-productions-deploy-kubernetes-app-"},
		{"/a/" + strings.Repeat("b", 60) + "/c.yaml", "eastern-c-"},
		{"/___.yaml", "eastern-"},
		{"relative/app.yaml", "eastern-relative-app-"},
	}
	names := map[string]string{}
	for _, tt := range tests {
		got := ApplySetName(tt.path)
		if !strings.HasPrefix(got, tt.wantPrefix) {
			t.Errorf("ApplySetName(%q) = %q, want it to start with %q", tt.path, got, tt.wantPrefix)
		}
		hash := strings.TrimPrefix(got, tt.wantPrefix)
		if len(hash) != 8 || strings.Trim(hash, "0123456789abcdef") != "" {
			t.Errorf("ApplySetName(%q) = %q: want 8 hex digits after %q", tt.path, got, tt.wantPrefix)
		}
		if errs := validation.IsDNS1123Subdomain(got); len(errs) > 0 || len(got) > 63 {
			t.Errorf("ApplySetName(%q) = %q is not a short Secret name: %v", tt.path, got, errs)
		}
		if again := ApplySetName(tt.path); again != got {
			t.Errorf("ApplySetName(%q) is %q, then %q", tt.path, got, again)
		}
		names[tt.path] = got
	}
	if names["/ci/shop/k8s/app.yaml"] != names["/ci/shop/./k8s/../k8s/app.yaml"] {
		t.Error("the same path, written two ways, gets two names")
	}
	if names["/ci/shop/k8s/app.yaml"] == names["/ci/shop/k8s/app.yml"] {
		t.Error("app.yaml and app.yml, two templates, get one name")
	}
	// Paths whose name forms are the same get their own names.
	if a, b := ApplySetName("/ci/a-b/app.yaml"), ApplySetName("/ci/a/b/app.yaml"); a == b {
		t.Errorf("/ci/a-b/app.yaml and /ci/a/b/app.yaml share the name %s", a)
	}
	for _, stdin := range []string{"", "-"} {
		if got := ApplySetName(stdin); got != "" {
			t.Errorf("ApplySetName(%q) = %q, want none", stdin, got)
		}
	}
}

func TestNewApplySetNames(t *testing.T) {
	for _, tt := range []struct {
		name, wantName, wantErr string
	}{
		{"web", "web", ""},
		{"secrets/web", "web", ""},
		{"secret/web", "web", ""},
		{"configmaps/web", "", "eastern's ApplySet parents are Secrets"},
		{"", "", "no name"},
		{"Web_1", "", `"Web_1" is not a valid Secret name`},
		{"secrets/", "", "no name"},
	} {
		s, err := NewApplySet(tt.name, "ns", "dev")
		switch {
		case tt.wantErr == "" && err != nil:
			t.Errorf("NewApplySet(%q): %v", tt.name, err)
		case tt.wantErr == "" && s.Parent() != "secret/"+tt.wantName:
			t.Errorf("NewApplySet(%q).Parent() = %s, want secret/%s", tt.name, s.Parent(), tt.wantName)
		case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
			t.Errorf("NewApplySet(%q) = %v, want an error with %q", tt.name, err, tt.wantErr)
		}
	}
	if _, err := NewApplySet("web", "", "dev"); err == nil {
		t.Error("an ApplySet without a namespace was accepted")
	}
}

func TestKindsAnnotation(t *testing.T) {
	kinds := kindVersions{
		{Group: "apps", Kind: "Deployment"}:                       "v1",
		{Kind: "Service"}:                                         "v1",
		{Kind: "ConfigMap"}:                                       "v1",
		{Group: "networking.k8s.io", Kind: "Ingress"}:             "v1",
		{Group: "stable.example.com", Kind: "CronTab"}:            "",
		{Group: "rbac.authorization.k8s.io", Kind: "ClusterRole"}: "v1",
	}
	want := "ClusterRole.rbac.authorization.k8s.io,ConfigMap,CronTab.stable.example.com,Deployment.apps,Ingress.networking.k8s.io,Service"
	if got := formatKinds(kinds); got != want {
		t.Errorf("formatKinds = %s\nwant          %s", got, want)
	}
	parsed, err := parseKinds(want)
	if err != nil {
		t.Fatal(err)
	}
	if len(parsed) != len(kinds) {
		t.Fatalf("parseKinds(%s) = %v", want, parsed)
	}
	for gk := range kinds {
		if _, ok := parsed[gk]; !ok {
			t.Errorf("parseKinds lost %s", gk)
		}
	}
	if got, err := parseKinds(""); err != nil || len(got) != 0 {
		t.Errorf(`parseKinds("") = %v, %v; want an empty set`, got, err)
	}
	if _, err := parseKinds("deployments.apps/v1"); err == nil {
		t.Error("parseKinds accepted a resource with a version")
	}

	record := formatVersions(kinds)
	wantRecord := "ClusterRole.rbac.authorization.k8s.io rbac.authorization.k8s.io/v1\nConfigMap v1\nDeployment.apps apps/v1\nIngress.networking.k8s.io networking.k8s.io/v1\nService v1\n"
	if record != wantRecord {
		t.Errorf("formatVersions =\n%s\nwant\n%s", record, wantRecord)
	}
	versions := parseVersions(record + "garbage\nCronTab.stable.example.com other.example.com/v1\n")
	for gk, v := range kinds {
		if versions[gk] != v {
			t.Errorf("parseVersions: %s at %q, want %q", gk, versions[gk], v)
		}
	}
}

// parentSecret is a Secret as eastern or another tool leaves it.
func parentSecret(name, ns string, labels, annotations map[string]string) *unstructured.Unstructured {
	u := &unstructured.Unstructured{}
	u.SetAPIVersion("v1")
	u.SetKind("Secret")
	u.SetName(name)
	u.SetNamespace(ns)
	u.SetLabels(labels)
	u.SetAnnotations(annotations)
	return u
}

func TestParseParent(t *testing.T) {
	s, err := NewApplySet("web", "prod", "v1.0.0")
	if err != nil {
		t.Fatal(err)
	}
	id := map[string]string{labelID: s.ID()}
	ours := func(extra map[string]string) map[string]string {
		a := map[string]string{annotationTooling: "eastern/v0.9.0", annotationKinds: "ConfigMap,Deployment.apps"}
		for k, v := range extra {
			a[k] = v
		}
		return a
	}
	tests := []struct {
		name        string
		labels      map[string]string
		annotations map[string]string
		wantErr     string
	}{
		{"eastern's", id, ours(nil), ""},
		{"other namespaces", id, ours(map[string]string{annotationNamespaces: "b,prod,a"}), ""},
		{"a plain Secret", nil, nil, "secret/web exists and is not an ApplySet parent"},
		{"kubectl's", id, map[string]string{annotationTooling: "kubectl/v1.34.4", annotationKinds: "ConfigMap"}, "is managed by kubectl (applyset.kubernetes.io/tooling: kubectl/v1.34.4), not eastern"},
		{"a tool with a slash", id, map[string]string{annotationTooling: "example.com/deployer/v2", annotationKinds: ""}, "managed by example.com/deployer"},
		{"no tooling", id, map[string]string{annotationKinds: ""}, "has no applyset.kubernetes.io/tooling annotation"},
		{"a copied ID", map[string]string{labelID: applySetIDByKEP("other", "prod", "Secret", "")}, ours(nil), "but its name and namespace make the ID " + s.ID()},
		{"no ID", nil, ours(nil), "has no applyset.kubernetes.io/id label"},
		{"no kinds", id, map[string]string{annotationTooling: "eastern/dev"}, "has no applyset.kubernetes.io/contains-group-kinds annotation"},
	}
	for _, tt := range tests {
		got, err := s.parseParent(parentSecret("web", "prod", tt.labels, tt.annotations))
		switch {
		case tt.wantErr == "" && err != nil:
			t.Errorf("%s: %v", tt.name, err)
		case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
			t.Errorf("%s: error %v, want one with %q", tt.name, err, tt.wantErr)
		case tt.wantErr != "" && strings.Contains(err.Error(), "\n"):
			t.Errorf("%s: the error has more than one line: %q", tt.name, err)
		case tt.wantErr == "":
			if len(got.kinds) != 2 {
				t.Errorf("%s: kinds %v, want ConfigMap and Deployment.apps", tt.name, got.kinds)
			}
		}
	}
	got, _ := s.parseParent(parentSecret("web", "prod", id, ours(map[string]string{annotationNamespaces: "b,prod,a,,b"})))
	if strings.Join(got.namespaces, ",") != "a,b" {
		t.Errorf("additional namespaces %v, want [a b] (sorted, without the parent's own)", got.namespaces)
	}

	// The record of versions fills in the kinds that the annotation lists.
	u := parentSecret("web", "prod", id, ours(nil))
	record := "Deployment.apps apps/v1\nIngress.networking.k8s.io networking.k8s.io/v1\n"
	unstructured.SetNestedField(u.Object, base64.StdEncoding.EncodeToString([]byte(record)), "data", versionsKey)
	got, err = s.parseParent(u)
	if err != nil {
		t.Fatal(err)
	}
	if v := got.kinds[schema.GroupKind{Group: "apps", Kind: "Deployment"}]; v != "v1" {
		t.Errorf("Deployment.apps at %q, want v1", v)
	}
	if _, ok := got.kinds[schema.GroupKind{Group: "networking.k8s.io", Kind: "Ingress"}]; ok {
		t.Error("a kind only the record lists joined the set")
	}
}

func TestCheckManifest(t *testing.T) {
	s, err := NewApplySet("web-set", "prod", "dev")
	if err != nil {
		t.Fatal(err)
	}
	manifest := `apiVersion: v1
kind: ConfigMap
metadata:
  name: ok
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: ours
  labels:
    applyset.kubernetes.io/part-of: ` + s.ID() + `
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: theirs
  labels:
    applyset.kubernetes.io/part-of: applyset-someone-else-v1
---
apiVersion: v1
kind: Secret
metadata:
  name: web-set
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: web-set
`
	objs, err := Parse([]byte(manifest), nil)
	if err != nil {
		t.Fatal(err)
	}
	fs := s.checkManifest(objs)
	if len(fs) != 2 {
		t.Fatalf("checkManifest found %d problems, want 2: %v", len(fs), fs)
	}
	if fs[0].Object != "ConfigMap/theirs" || !strings.Contains(fs[0].Message, "applyset-someone-else-v1") || (fs[0].Pos.Line != 17 && fs[0].Pos.Line != 18) {
		// Line 17 is "labels:", 18 the label.
		t.Errorf("first finding %s at line %d, want ConfigMap/theirs at its labels (17 or 18) naming the other ID", fs[0], fs[0].Pos.Line)
	}
	if fs[1].Object != "Secret/web-set" || !strings.Contains(fs[1].Message, "name of the ApplySet's parent") {
		t.Errorf("second finding %s, want Secret/web-set as the parent's name", fs[1])
	}
}

func TestToolOf(t *testing.T) {
	for tooling, want := range map[string]string{
		"eastern/v1.0.0":     "eastern",
		"kubectl/v1.34.4":    "kubectl",
		"kubectl":            "kubectl",
		"example.com/kpt/v1": "example.com/kpt",
		"":                   "",
	} {
		if got := toolOf(tooling); got != want {
			t.Errorf("toolOf(%q) = %q, want %q", tooling, got, want)
		}
	}
}
