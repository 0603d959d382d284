package validator

import (
	"reflect"
	"testing"

	"github.com/eastern-k8s/eastern/schema"
)

func TestObjects(t *testing.T) {
	input := `# header comment
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: prod}
spec: {template: {spec: {containers: [{name: a}]}}}
---
apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: ConfigMap
  metadata: {generateName: cfg-}
---
# only a comment
---
apiVersion: example.com/v1
kind: Widget
metadata:
  name: w
`
	_, got := validate([]byte(input), Options{Release: "1.29"}, newFixture())
	want := []Object{
		{GVK: gvkDeployment, Namespace: "prod", Name: "web", Line: 2},
		{GVK: gvkConfigMap, Name: "cfg-", Line: 10},
		{GVK: schema.GVK{Group: "example.com", Version: "v1", Kind: "Widget"}, Name: "w", Line: 16, Coverage: Skipped},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("objects:\n got %+v\nwant %+v", got, want)
	}
}

func TestFormatPath(t *testing.T) {
	tests := []struct {
		segs []segment
		want string
	}{
		{[]segment{{name: "spec"}, {name: "containers"}, {kind: indexSeg, index: 0}, {name: "env"}, {kind: indexSeg, index: 1}, {name: "value"}}, "spec.containers[0].env[1].value"},
		{[]segment{{name: "metadata"}, {name: "labels"}, {kind: keySeg, name: "app.kubernetes.io/name"}}, `metadata.labels["app.kubernetes.io/name"]`},
		{[]segment{{name: "data"}, {kind: keySeg, name: "config_yaml-1"}}, "data.config_yaml-1"},
		{[]segment{{name: "data"}, {kind: keySeg, name: "-x"}}, `data["-x"]`},
		{[]segment{{name: "items"}, {kind: indexSeg, index: 2}, {name: "spec"}}, "items[2].spec"},
		{nil, ""},
	}
	for _, tt := range tests {
		if got := formatPath(tt.segs); got != tt.want {
			t.Errorf("formatPath(%v) = %q, want %q", tt.segs, got, tt.want)
		}
	}
}

// TestDeterministic: the same output gives the same findings, sorted.
func TestDeterministic(t *testing.T) {
	input := []byte("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: Web_1, labels: {a: 'b c'}}\nspec: {replicas: x, template: {spec: {containers: [{imagee: 1}]}}, zz: 1}\n")
	first, _ := validate(input, Options{Release: "1.29"}, newFixture())
	if len(first) < 5 {
		t.Fatalf("want several findings, got:\n%s", formatFindings(first))
	}
	for i := 1; i < len(first); i++ {
		a, b := first[i-1].Pos, first[i].Pos
		if a.Line > b.Line || a.Line == b.Line && a.Col > b.Col {
			t.Errorf("findings out of order:\n%s", formatFindings(first))
		}
	}
	for range 5 {
		again, _ := validate(input, Options{Release: "1.29"}, newFixture())
		if formatFindings(again) != formatFindings(first) {
			t.Fatalf("findings differ between runs:\n%s\nvs\n%s", formatFindings(first), formatFindings(again))
		}
	}
}
