package checks

import (
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/eastern-k8s/eastern/internal/yamlnode"
)

// The helpers below read the validator's yaml tree leniently: a field of
// the wrong type is the schema checks' finding, so here it reads as
// absent and no check reports on it.

// field returns the key and value nodes of key in the mapping m, or nils.
func field(m *yaml.Node, key string) (k, v *yaml.Node) {
	m = yamlnode.Resolve(m)
	if m == nil || m.Kind != yaml.MappingNode {
		return nil, nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if kn := m.Content[i]; kn.Kind == yaml.ScalarNode && kn.Value == key {
			return kn, yamlnode.Resolve(m.Content[i+1])
		}
	}
	return nil, nil
}

// get follows a path of keys through nested mappings.
func get(m *yaml.Node, keys ...string) *yaml.Node {
	for _, k := range keys {
		_, m = field(m, k)
	}
	return m
}

// mapping returns n when it is a mapping.
func mapping(n *yaml.Node) *yaml.Node {
	if n = yamlnode.Resolve(n); n != nil && n.Kind == yaml.MappingNode {
		return n
	}
	return nil
}

// items returns the entries of a sequence, nil for anything else; the
// entries may be aliases, which every reader here resolves.
func items(n *yaml.Node) []*yaml.Node {
	if n = yamlnode.Resolve(n); n == nil || n.Kind != yaml.SequenceNode {
		return nil
	}
	return n.Content
}

// str returns a scalar's text; null reads as absent.
func str(n *yaml.Node) (string, bool) {
	if n = yamlnode.Resolve(n); n == nil || n.Kind != yaml.ScalarNode || n.Tag == "!!null" {
		return "", false
	}
	return n.Value, true
}

// boolean returns a boolean scalar's value; ok is false for anything else.
func boolean(n *yaml.Node) (value, ok bool) {
	if n = yamlnode.Resolve(n); n == nil || n.Kind != yaml.ScalarNode || n.Tag != "!!bool" {
		return false, false
	}
	b, err := strconv.ParseBool(strings.ToLower(n.Value))
	return b, err == nil
}

// integer returns an integer scalar's value.
func integer(n *yaml.Node) (int64, bool) {
	if n = yamlnode.Resolve(n); n == nil || n.Kind != yaml.ScalarNode || n.Tag != "!!int" {
		return 0, false
	}
	v, err := strconv.ParseInt(strings.ReplaceAll(n.Value, "_", ""), 0, 64)
	return v, err == nil
}

// sameNode reports whether two nodes hold the same content, whatever
// their positions and styles, and mappings whatever their key order: two
// probes written differently but meaning the same are the same probe.
func sameNode(a, b *yaml.Node, depth int) bool {
	a, b = yamlnode.Resolve(a), yamlnode.Resolve(b)
	switch {
	case a == nil || b == nil || depth > 32:
		return a == b
	case a.Kind != b.Kind || len(a.Content) != len(b.Content):
		return false
	}
	switch a.Kind {
	case yaml.ScalarNode:
		return a.Tag == b.Tag && a.Value == b.Value
	case yaml.SequenceNode:
		for i := range a.Content {
			if !sameNode(a.Content[i], b.Content[i], depth+1) {
				return false
			}
		}
		return true
	case yaml.MappingNode:
		for i := 0; i+1 < len(a.Content); i += 2 {
			k, v := field(b, a.Content[i].Value)
			if k == nil || !sameNode(a.Content[i+1], v, depth+1) {
				return false
			}
		}
		return true
	}
	return false
}
