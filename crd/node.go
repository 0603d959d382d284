package crd

import (
	"math"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/eastern-k8s/eastern/internal/yamlnode"
)

// The helpers below read yaml.v3 nodes the way the API server receives
// them: kubectl converts YAML to JSON with sigs.k8s.io/yaml, which follows
// YAML 1.1, so an unquoted yes, no, on or off is a boolean.

// jsonType names y's JSON type as the API server's messages do.
func jsonType(y *yaml.Node) string {
	switch y.Kind {
	case yaml.MappingNode:
		return "object"
	case yaml.SequenceNode:
		return "array"
	}
	switch yamlnode.Tag(y) {
	case "!!int":
		return "integer"
	case "!!float":
		if f, ok := number(y); ok && f == math.Trunc(f) && !math.IsInf(f, 0) {
			return "integer"
		}
		return "number"
	case "!!bool":
		return "boolean"
	case "!!null":
		return "null"
	}
	return "string"
}

// number returns a numeric scalar's value.
func number(y *yaml.Node) (float64, bool) {
	switch yamlnode.Tag(y) {
	case "!!int":
		if i, ok := integer(y); ok {
			return float64(i), true
		}
		f, err := strconv.ParseFloat(strings.ReplaceAll(y.Value, "_", ""), 64)
		return f, err == nil
	case "!!float":
		return parseFloat(y.Value)
	}
	return 0, false
}

// integer returns an integer scalar's value, in any of YAML's notations.
func integer(y *yaml.Node) (int64, bool) {
	var v int64
	if err := y.Decode(&v); err != nil {
		return 0, false
	}
	return v, true
}

func parseFloat(s string) (float64, bool) {
	switch strings.ToLower(strings.TrimLeft(s, "+")) {
	case ".inf":
		return math.Inf(1), true
	case "-.inf":
		return math.Inf(-1), true
	case ".nan":
		return math.NaN(), true
	}
	f, err := strconv.ParseFloat(strings.ReplaceAll(s, "_", ""), 64)
	return f, err == nil
}

// boolean returns a boolean scalar's value.
func boolean(y *yaml.Node) bool {
	v, _ := yamlnode.Bool(y.Value)
	return v
}

// pairs returns a mapping's keys and values, alternating, with YAML merge
// keys expanded: explicit keys win over merged ones.
func pairs(m *yaml.Node) []*yaml.Node {
	merge := false
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Tag == "!!merge" {
			merge = true
			break
		}
	}
	if !merge {
		return m.Content
	}
	var own, merged []*yaml.Node
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := m.Content[i], yamlnode.Resolve(m.Content[i+1])
		if k.Tag != "!!merge" {
			own = append(own, k, m.Content[i+1])
			continue
		}
		var srcs []*yaml.Node
		switch {
		case v == nil:
		case v.Kind == yaml.MappingNode:
			srcs = []*yaml.Node{v}
		case v.Kind == yaml.SequenceNode:
			srcs = v.Content
		}
		for _, s := range srcs {
			if len(merged) > 2*maxValueNodes {
				break // merges of merges that would explode: the rest is not read
			}
			if s = yamlnode.Resolve(s); s != nil && s.Kind == yaml.MappingNode {
				merged = append(merged, pairs(s)...)
			}
		}
	}
	out := own
	keys := make(map[string]bool, len(own)/2)
	for i := 0; i+1 < len(own); i += 2 {
		keys[own[i].Value] = true
	}
	for i := 0; i+1 < len(merged); i += 2 {
		if !keys[merged[i].Value] {
			keys[merged[i].Value] = true
			out = append(out, merged[i], merged[i+1])
		}
	}
	return out
}

// lookup returns the value of key among pairs, or nil.
func lookup(pairs []*yaml.Node, key string) *yaml.Node {
	return yamlnode.Resolve(yamlnode.Lookup(pairs, key))
}

// field returns m's field key when m is a mapping.
func field(m *yaml.Node, key string) *yaml.Node {
	if m = yamlnode.Resolve(m); m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	return lookup(pairs(m), key)
}

// str returns a scalar's text when it is a string.
func str(y *yaml.Node) (string, bool) {
	if y = yamlnode.Resolve(y); y == nil || y.Kind != yaml.ScalarNode || !yamlnode.StringTag(yamlnode.Tag(y)) {
		return "", false
	}
	return y.Value, true
}

// value converts y to the JSON value the API server decodes: map[string]any,
// []any, int64, float64, string, bool or nil. budget bounds the nodes
// visited, so that aliases cannot make it explode; ok is false past it.
func value(y *yaml.Node, budget *int) (any, bool) {
	y = yamlnode.Resolve(y)
	if y == nil {
		return nil, true
	}
	if *budget--; *budget < 0 {
		return nil, false
	}
	switch y.Kind {
	case yaml.MappingNode:
		ps := pairs(y)
		m := make(map[string]any, len(ps)/2)
		for i := 0; i+1 < len(ps); i += 2 {
			v, ok := value(ps[i+1], budget)
			if !ok {
				return nil, false
			}
			m[ps[i].Value] = v
		}
		return m, true
	case yaml.SequenceNode:
		l := make([]any, len(y.Content))
		for i, it := range y.Content {
			v, ok := value(it, budget)
			if !ok {
				return nil, false
			}
			l[i] = v
		}
		return l, true
	}
	return scalar(y), true
}

// scalar is a scalar node's JSON value.
func scalar(y *yaml.Node) any {
	switch yamlnode.Tag(y) {
	case "!!null":
		return nil
	case "!!bool":
		return boolean(y)
	case "!!int":
		if i, ok := integer(y); ok {
			return i
		}
		f, _ := number(y)
		return f
	case "!!float":
		f, _ := parseFloat(y.Value)
		if f == math.Trunc(f) && math.Abs(f) < 1<<53 {
			// JSON has one number type: the API server decodes 2.0 as 2.
			return int64(f)
		}
		return f
	}
	return y.Value
}
