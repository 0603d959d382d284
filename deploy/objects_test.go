package deploy

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/eastern-k8s/eastern/diag"
)

func TestSplitPath(t *testing.T) {
	tests := []struct {
		path string
		want []string
	}{
		{"spec.template.spec.containers[0].image", []string{"spec", "template", "spec", "containers", "0", "image"}},
		{"metadata.annotations[example.com/a.b]", []string{"metadata", "annotations", "example.com/a.b"}},
		{"spec.ports[1]", []string{"spec", "ports", "1"}},
		{"data", []string{"data"}},
		{"", nil},
		{"spec.broken[3", []string{"spec", "broken", "3"}},
	}
	for _, tt := range tests {
		if got := splitPath(tt.path); !slices.Equal(got, tt.want) {
			t.Errorf("splitPath(%q) = %q, want %q", tt.path, got, tt.want)
		}
	}
}

const deploymentDoc = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels:
    app: web
spec:
  template:
    spec:
      containers:
        - name: web
          image: nginx
        - name: sidecar
          image: envoy
`

func TestLocate(t *testing.T) {
	tests := []struct {
		path      string
		line, col int
	}{
		{"spec.template.spec.containers[1].image", 14, 18}, // a scalar: its value
		{"spec.template.spec.containers[1]", 13, 11},       // an item: its first key
		{"metadata.labels", 5, 3},                          // a mapping: its key
		{"metadata.labels.app", 6, 10},
		{"spec.template.spec.containers[7].image", 10, 7}, // no such item: the list
		{"status.replicas", 1, 1},                         // nothing written: the object
		{"", 1, 1},
	}
	for _, tt := range tests {
		line, col := locate([]byte(deploymentDoc), tt.path)
		if line != tt.line || col != tt.col {
			t.Errorf("locate(%q) = %d:%d, want %d:%d", tt.path, line, col, tt.line, tt.col)
		}
	}
}

func TestParse(t *testing.T) {
	out := "# a comment only\n---\n" + deploymentDoc + `---
apiVersion: v1
kind: List
items:
  - apiVersion: v1
    kind: ConfigMap
    metadata: {name: one}
  - apiVersion: v1
    kind: ConfigMap
    metadata: {name: two}
    data:
      key: value
`
	objs, err := Parse([]byte(out), nil)
	if err != nil {
		t.Fatal(err)
	}
	var labels []string
	for _, o := range objs {
		labels = append(labels, o.Label())
	}
	if want := []string{"Deployment/web", "ConfigMap/one", "ConfigMap/two"}; !slices.Equal(labels, want) {
		t.Fatalf("objects = %q, want %q", labels, want)
	}
	// Positions are in output lines, through the List's items.
	if pos, _ := objs[2].Position("data.key"); pos.Line != 28 || pos.Col != 12 {
		t.Errorf("ConfigMap/two data.key at %v, want line 28 col 12", pos)
	}
	if pos, _ := objs[0].Position("spec.template.spec.containers[0].image"); pos.Line != 14 {
		t.Errorf("Deployment/web image at %v, want line 14", pos)
	}
}

func TestParseErrors(t *testing.T) {
	out := `apiVersion: v1
kind: ConfigMap
metadata:
  generateName: web-
---
apiVersion: v1
kind: ConfigMap
metadata: [not, a, map]
---
just text
`
	_, err := Parse([]byte(out), nil)
	fs, ok := errors.AsType[diag.Findings](err)
	if !ok {
		t.Fatalf("Parse = %v, want findings", err)
	}
	var got []string
	for _, f := range fs {
		got = append(got, f.Pos.String()+" "+f.Message)
	}
	text := strings.Join(got, "\n")
	for _, want := range []string{
		":9 the document is not a Kubernetes object", // the line of its ---
		":3:1 the object has no metadata.name",
		":8:1 the object has no metadata.name", // metadata is not a mapping
	} {
		if !strings.Contains(text, want) {
			t.Errorf("findings lack %q:\n%s", want, text)
		}
	}
}

func TestTypedPatchError(t *testing.T) {
	objs, err := Parse([]byte("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: num\ndata:\n  key: 123\n"), nil)
	if err != nil {
		t.Fatal(err)
	}
	f, ok := typedPatchError(objs[0], `failed to create typed patch object (default/num; /v1, Kind=ConfigMap): .data.key: expected string, got &value.valueUnstructured{Value:123}`)
	if !ok || f.Pos.Line != 6 || f.Field != "data.key" || f.Message != "the API server rejected it: expected string" {
		t.Errorf("typedPatchError = %+v, %v", f, ok)
	}
	if _, ok := typedPatchError(objs[0], "something else"); ok {
		t.Error("another message was read as a typed patch error")
	}
}
