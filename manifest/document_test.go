package manifest

import (
	"reflect"
	"testing"
)

func TestDocuments(t *testing.T) {
	type doc struct {
		start int
		text  string
	}
	tests := []struct {
		name  string
		input string
		want  []doc
	}{
		{"single", "a: 1\nb: 2\n", []doc{{1, "a: 1\nb: 2\n"}}},
		{"leading marker", "---\na: 1\n", []doc{{1, "---\na: 1\n"}}},
		{"two", "a: 1\n---\nb: 2", []doc{{1, "a: 1\n"}, {2, "---\nb: 2"}}},
		{"marker with comment and content", "--- # x\na: 1\n--- {b: 2}\n", []doc{{1, "--- # x\na: 1\n"}, {3, "--- {b: 2}\n"}}},
		{"end marker", "a: 1\n...\nb: 2\n", []doc{{1, "a: 1\n...\n"}, {3, "b: 2\n"}}},
		{"not markers", "a: ---\n----\n--- x\n", []doc{{1, "a: ---\n----\n"}, {3, "--- x\n"}}},
		{"crlf", "a: 1\r\n---\r\nb: 2\r\n", []doc{{1, "a: 1\r\n"}, {2, "---\r\nb: 2\r\n"}}},
		{"empty", "", nil},
		{"only markers", "---\n...\n", []doc{{1, "---\n...\n"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []doc
			for text, start := range Documents([]byte(tt.input)) {
				got = append(got, doc{start, string(text)})
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
	// A caller that stops early gets no more documents.
	n := 0
	for range Documents([]byte("a: 1\n---\nb: 2\n---\nc: 3\n")) {
		n++
		break
	}
	if n != 1 {
		t.Errorf("the loop ran %d times after break, want 1", n)
	}
}

func TestToolConfig(t *testing.T) {
	for _, tt := range []struct {
		apiVersion, kind string
		tool             string // "" when it is a Kubernetes object
	}{
		{"kustomize.config.k8s.io/v1beta1", "Kustomization", "kustomize"},
		{"kustomize.config.k8s.io/v1alpha1", "Component", "kustomize"},
		{"kubelet.config.k8s.io/v1beta1", "KubeletConfiguration", "the kubelet"},
		{"kind.x-k8s.io/v1alpha4", "Cluster", "kind"},
		{"v1", "Config", "kubectl (a kubeconfig)"},
		{"apiserver.config.k8s.io/v1", "AdmissionConfiguration", "kube-apiserver"},
		{"skaffold/v4beta11", "Config", "skaffold"},
		{"v1", "ConfigMap", ""},
		{"apps/v1", "Config", ""},
		{"cluster.x-k8s.io/v1beta1", "Cluster", ""}, // Cluster API's Cluster is a custom resource
		{"example.com/v1", "Kustomization", ""},
	} {
		tool, ok := ToolConfig(tt.apiVersion, tt.kind)
		if tool != tt.tool || ok != (tt.tool != "") {
			t.Errorf("ToolConfig(%q, %q) = %q, %v; want %q", tt.apiVersion, tt.kind, tool, ok, tt.tool)
		}
	}
}
