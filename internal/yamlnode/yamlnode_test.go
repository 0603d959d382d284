package yamlnode

import (
	"testing"

	"go.yaml.in/yaml/v3"
)

// Tag and Bool read scalars as sigs.k8s.io/yaml (YAML 1.1) does, which is
// how kubectl sends them to the API server.
func TestTagAndBool(t *testing.T) {
	for _, tt := range []struct {
		src, tag string
		value    bool
		isBool   bool
	}{
		{"yes", "!!bool", true, true},
		{"Off", "!!bool", false, true},
		{"y", "!!bool", true, true},
		{"true", "!!bool", true, true},
		{"FALSE", "!!bool", false, true},
		{`"yes"`, "!!str", true, true}, // quoted: a string, though Bool still reads its text
		{"yess", "!!str", false, false},
		{"enabled", "!!str", false, false},
		{"1", "!!int", false, false},
		{"~", "!!null", false, false},
	} {
		var doc yaml.Node
		if err := yaml.Unmarshal([]byte("v: "+tt.src), &doc); err != nil {
			t.Fatal(err)
		}
		n := doc.Content[0].Content[1]
		if got := Tag(n); got != tt.tag {
			t.Errorf("Tag(%s) = %s, want %s", tt.src, got, tt.tag)
		}
		if v, ok := Bool(n.Value); v != tt.value || ok != tt.isBool {
			t.Errorf("Bool(%q) = %v, %v; want %v, %v", n.Value, v, ok, tt.value, tt.isBool)
		}
	}
}

func TestResolve(t *testing.T) {
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte("a: &x {k: v}\nb: *x\n"), &doc); err != nil {
		t.Fatal(err)
	}
	m := doc.Content[0]
	if got := Resolve(m.Content[3]); got != m.Content[1] {
		t.Errorf("Resolve(*x) = %v, want the anchored mapping", got)
	}
	if Resolve(nil) != nil {
		t.Error("Resolve(nil) is not nil")
	}
	loop := &yaml.Node{Kind: yaml.AliasNode}
	loop.Alias = loop
	if Resolve(loop) != nil {
		t.Error("Resolve of an alias of itself is not nil")
	}
}

func TestStringTagAndLookup(t *testing.T) {
	for tag, want := range map[string]bool{"!!str": true, "!!timestamp": true, "!!binary": true, "!custom": true, "!!int": false, "!!float": false, "!!bool": false, "!!null": false} {
		if got := StringTag(tag); got != want {
			t.Errorf("StringTag(%s) = %v, want %v", tag, got, want)
		}
	}
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte("a: 1\nb: two\n"), &doc); err != nil {
		t.Fatal(err)
	}
	pairs := doc.Content[0].Content
	if v := Lookup(pairs, "b"); v == nil || v.Value != "two" {
		t.Errorf("Lookup(b) = %v", v)
	}
	if v := Lookup(pairs, "c"); v != nil {
		t.Errorf("Lookup(c) = %v, want nil", v)
	}
}
