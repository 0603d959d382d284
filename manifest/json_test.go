package manifest

import (
	"encoding/json"
	"errors"
	"testing"
)

func TestJSONList(t *testing.T) {
	out := []byte(`# leading comment
apiVersion: v1
kind: ConfigMap
metadata: {name: a}
data: {n: "1", b: yes}
---
# only a comment
---
apiVersion: v1
kind: List
items:
- {apiVersion: v1, kind: Secret, metadata: {name: s}}
- {apiVersion: v1, kind: Service, metadata: {name: svc}}
...
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: d}
spec: {replicas: 2}
`)
	js, err := JSONList(out)
	if err != nil {
		t.Fatal(err)
	}
	var list struct {
		APIVersion, Kind string
		Items            []struct {
			Kind     string
			Metadata struct{ Name string }
			Data     map[string]any
			Spec     map[string]any
		}
	}
	if err := json.Unmarshal(js, &list); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, js)
	}
	if list.APIVersion != "v1" || list.Kind != "List" {
		t.Errorf("apiVersion %q kind %q, want v1 List", list.APIVersion, list.Kind)
	}
	var got []string
	for _, it := range list.Items {
		got = append(got, it.Kind+"/"+it.Metadata.Name)
	}
	want := []string{"ConfigMap/a", "Secret/s", "Service/svc", "Deployment/d"}
	if len(got) != len(want) {
		t.Fatalf("items %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("items %v, want %v", got, want)
		}
	}
	// sigs.k8s.io/yaml reads YAML as the API machinery and kubectl do:
	// YAML 1.1's yes is true.
	if b, ok := list.Items[0].Data["b"].(bool); !ok || !b {
		t.Errorf(`data.b = %#v, want true (as kubectl reads "yes")`, list.Items[0].Data["b"])
	}
	if r := list.Items[3].Spec["replicas"]; r != float64(2) {
		t.Errorf("replicas = %#v, want 2", r)
	}
	if js[len(js)-1] != '\n' || string(js[:6]) != "{\n    " {
		t.Errorf("want kubectl's 4-space indent and a final newline:\n%s", js)
	}
}

func TestJSONListEmpty(t *testing.T) {
	js, err := JSONList([]byte("# nothing\n---\n"))
	if err != nil {
		t.Fatal(err)
	}
	var list struct{ Items []any }
	if err := json.Unmarshal(js, &list); err != nil || list.Items == nil || len(list.Items) != 0 {
		t.Errorf("want an empty items array, got %s (%v)", js, err)
	}
}

func TestJSONListSyntaxError(t *testing.T) {
	out := []byte("a: 1\n---\nb: 1\nc:\n  d: 1\n e: 2\n")
	_, err := JSONList(out)
	var se *SyntaxError
	if !errors.As(err, &se) {
		t.Fatalf("err = %v, want a SyntaxError", err)
	}
	// The parser names the mapping that " e: 2" fails to continue.
	if se.Line != 5 {
		t.Errorf("line %d, want 5 (the output line of '  d: 1'): %v", se.Line, se)
	}
	if se.Msg == "" || se.Msg[0] == 'y' {
		t.Errorf("message %q should be the parser's, without prefixes", se.Msg)
	}
}
