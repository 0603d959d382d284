package apivalidation

import (
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/eastern-k8s/eastern/diag"
	"github.com/eastern-k8s/eastern/internal/yamlnode"
)

// The helpers read a yaml.v3 tree the way the API server would see it
// decoded: aliases followed, merge keys (<<) expanded with explicit keys
// winning, null the same as absent. The validator has already walked the
// document within its alias budget before calling Check, so the trees are
// bounded.

// resolve follows n's aliases; nil for a null, which the API server reads
// as absent.
func resolve(n *yaml.Node) *yaml.Node {
	if n = yamlnode.Resolve(n); n != nil && yamlnode.IsNull(n) {
		return nil
	}
	return n
}

// pairs returns m's keys and values, alternating, merge keys expanded:
// explicit keys first, then merged ones that no explicit key shadows.
// Without merge keys it is m.Content itself, and allocates nothing.
func pairs(m *yaml.Node) []*yaml.Node {
	m = resolve(m)
	if m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	if !hasMergeKey(m) {
		return m.Content
	}
	out := make([]*yaml.Node, 0, len(m.Content))
	var merged []*yaml.Node
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := m.Content[i], m.Content[i+1]
		if !isMergeKey(k) {
			out = append(out, k, v)
			continue
		}
		src := resolve(v)
		if src == nil {
			continue
		}
		sources := []*yaml.Node{src}
		if src.Kind == yaml.SequenceNode {
			sources = src.Content
		}
		for _, s := range sources {
			merged = append(merged, pairs(s)...)
		}
	}
	for i := 0; i+1 < len(merged); i += 2 {
		if lookupIn(out, merged[i].Value) == nil {
			out = append(out, merged[i], merged[i+1])
		}
	}
	return out
}

func isMergeKey(k *yaml.Node) bool { return k.Kind == yaml.ScalarNode && k.Tag == "!!merge" }

func hasMergeKey(m *yaml.Node) bool {
	for i := 0; i < len(m.Content); i += 2 {
		if isMergeKey(m.Content[i]) {
			return true
		}
	}
	return false
}

// lookupIn returns the key node of key among alternating pairs, or nil.
func lookupIn(ps []*yaml.Node, key string) *yaml.Node {
	for i := 0; i+1 < len(ps); i += 2 {
		if ps[i].Kind == yaml.ScalarNode && ps[i].Value == key {
			return ps[i]
		}
	}
	return nil
}

// get returns the value of key in mapping m, resolved; nil when absent or
// null.
func get(m *yaml.Node, key string) *yaml.Node {
	_, v := lookup(m, key)
	return resolve(v)
}

// keyOf returns the key node of field key in m, or nil: where a finding
// about the field as a whole points.
func keyOf(m *yaml.Node, key string) *yaml.Node {
	k, _ := lookup(m, key)
	return k
}

// lookup finds key in mapping m. Nearly every mapping has no merge key,
// and is searched in place; one with a merge key is expanded by pairs.
func lookup(m *yaml.Node, key string) (k, v *yaml.Node) {
	m = resolve(m)
	if m == nil || m.Kind != yaml.MappingNode {
		return nil, nil
	}
	merged := false
	for i := 0; i+1 < len(m.Content); i += 2 {
		c := m.Content[i]
		if c.Kind != yaml.ScalarNode {
			continue
		}
		if c.Value == key && c.Tag != "!!merge" {
			return c, m.Content[i+1]
		}
		merged = merged || c.Tag == "!!merge"
	}
	if !merged {
		return nil, nil
	}
	ps := pairs(m)
	for i := 0; i+1 < len(ps); i += 2 {
		if ps[i].Kind == yaml.ScalarNode && ps[i].Value == key {
			return ps[i], ps[i+1]
		}
	}
	return nil, nil
}

// has reports whether m sets key to something other than null.
func has(m *yaml.Node, key string) bool { return get(m, key) != nil }

// items returns a sequence's items, resolved (null items are nil). Most
// sequences have no aliases or nulls among their items and are returned as
// they are.
func items(n *yaml.Node) []*yaml.Node {
	n = resolve(n)
	if n == nil || n.Kind != yaml.SequenceNode {
		return nil
	}
	plain := true
	for _, it := range n.Content {
		if it.Kind == yaml.AliasNode || it.Kind == yaml.ScalarNode && it.Tag == "!!null" {
			plain = false
			break
		}
	}
	if plain {
		return n.Content
	}
	out := make([]*yaml.Node, len(n.Content))
	for i, it := range n.Content {
		out[i] = resolve(it)
	}
	return out
}

// isMapping reports whether n is a mapping, so that a field of the wrong
// type (which the schema walk reports) is not judged again here.
func isMapping(n *yaml.Node) bool { return n != nil && n.Kind == yaml.MappingNode }

// str returns a scalar's text when the API server reads it as a string.
func str(n *yaml.Node) (string, bool) {
	if n == nil || n.Kind != yaml.ScalarNode || !yamlnode.StringTag(n.Tag) {
		return "", false
	}
	if n.Style == 0 {
		if _, ok := yamlnode.Bool(n.Value); ok {
			return "", false
		}
	}
	return n.Value, true
}

// integer returns a scalar's value when it is a YAML integer.
func integer(n *yaml.Node) (int64, bool) {
	if n == nil || n.Kind != yaml.ScalarNode || n.Tag != "!!int" {
		return 0, false
	}
	v, err := strconv.ParseInt(strings.ReplaceAll(n.Value, "_", ""), 0, 64)
	return v, err == nil
}

// boolean returns a scalar's value when the API server reads it as a bool.
func boolean(n *yaml.Node) (value, ok bool) {
	if n == nil || n.Kind != yaml.ScalarNode || n.Style != 0 && n.Tag != "!!bool" {
		return false, false
	}
	return yamlnode.Bool(n.Value)
}

// path is a field path as findings write it, spec.containers[0].name,
// kept as segments and formatted only when a finding is reported: checks
// make paths for every item they visit, and nearly all pass. A path is a
// value; child and index return extended copies without allocating.
type path struct {
	n    int
	segs [maxPathSegments]pathSegment
}

// maxPathSegments is deeper than any path the checks make
// (spec.jobTemplate.spec.template.spec.containers[0].lifecycle.preStop.httpGet.port
// has 11 segments); deeper segments are dropped.
const maxPathSegments = 12

type pathSegment struct {
	name  string // a field, or a map key when key is set
	index int32  // an array index when name is ""
	key   bool
}

// fieldPath is a path from dotted field names: "spec.template".
func fieldPath(dotted string) path {
	var p path
	for name := range strings.SplitSeq(dotted, ".") {
		p = p.child(name)
	}
	return p
}

func (p path) with(s pathSegment) path {
	if p.n < maxPathSegments {
		p.segs[p.n] = s
		p.n++
	}
	return p
}

func (p path) child(name string) path { return p.with(pathSegment{name: name}) }

func (p path) index(i int) path { return p.with(pathSegment{index: int32(i)}) }

// key is a map key: data.tls or data["tls.crt"].
func (p path) key(k string) path { return p.with(pathSegment{name: k, key: true}) }

// String formats the path the way package validator does.
func (p path) String() string {
	var b strings.Builder
	for i, s := range p.segs[:p.n] {
		switch {
		case s.name == "" && !s.key:
			b.WriteByte('[')
			b.WriteString(strconv.Itoa(int(s.index)))
			b.WriteByte(']')
		case s.key && !diag.PlainFieldKey(s.name):
			b.WriteByte('[')
			b.WriteString(strconv.Quote(s.name))
			b.WriteByte(']')
		default:
			if i > 0 {
				b.WriteByte('.')
			}
			b.WriteString(s.name)
		}
	}
	return b.String()
}
