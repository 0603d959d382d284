package validator

import (
	"fmt"
	"slices"

	"go.yaml.in/yaml/v3"

	"github.com/eastern-k8s/eastern/diag"
	"github.com/eastern-k8s/eastern/internal/yamlnode"
	"github.com/eastern-k8s/eastern/schema"
)

// walk checks y against s, reporting every mismatch below it. It follows
// the document, never the schema, so recursive schema nodes end where the
// document does.
func (c *checker) walk(y *yaml.Node, s *schema.Node, key *yaml.Node) {
	if y != nil && y.Kind == yaml.AliasNode {
		// Everything below an alias counts against the alias budget.
		if c.doc.viaAlias == 0 {
			c.doc.lastAlias = y
		}
		c.doc.viaAlias++
		c.walkNode(y, s, key)
		c.doc.viaAlias--
		return
	}
	c.walkNode(y, s, key)
}

func (c *checker) walkNode(y *yaml.Node, s *schema.Node, key *yaml.Node) {
	if c.doc.viaAlias > 0 && !c.spend(1) || c.doc.overBudget != nil || !c.deeper(y) {
		return
	}
	y = c.resolve(y)
	if y == nil || yamlnode.IsNull(y) || s.Type == schema.Any {
		return // Kubernetes treats null as unset
	}
	switch s.Type {
	case schema.Object:
		if y.Kind != yaml.MappingNode {
			c.typeError(y, s.Type)
			return
		}
		c.walkObject(y, s, key)
	case schema.Map:
		if y.Kind != yaml.MappingNode {
			c.typeError(y, s.Type)
			return
		}
		pairs, own := c.mergedPairs(y)
		for i := 0; i+1 < len(pairs); i += 2 {
			c.push(segment{kind: keySeg, name: pairs[i].Value})
			c.walkPair(pairs[i+1], s.Elem, pairs[i], i >= own)
			c.pop()
		}
	case schema.Array:
		if y.Kind != yaml.SequenceNode {
			c.typeError(y, s.Type)
			return
		}
		for i, item := range y.Content {
			c.push(segment{kind: indexSeg, index: i})
			c.walk(item, s.Elem, nil)
			c.pop()
		}
		if len(s.Keys) > 0 && len(y.Content) > 1 {
			c.duplicateItems(y, s.Keys)
		}
	default:
		if !accepts(s.Type, y) {
			c.typeError(y, s.Type)
		} else if s.Enum != nil {
			c.checkEnum(y, s.Enum)
		} else if s.Type == schema.Quantity && yamlnode.StringTag(yamlnode.Tag(y)) && !validQuantity(y.Value) {
			// Numbers are always quantities; strings must parse as one.
			c.add(diag.Error, RuleQuantity, y, fmt.Sprintf("invalid quantity %q: use a number with an optional suffix such as 500m, 1.5, 2Gi or 1e3", y.Value))
		}
	}
}

// walkObject checks named fields: unknown keys, each known field's value,
// then required fields that are absent or null. key is the mapping key that
// holds y (nil for list items and the document itself): a missing field is
// reported there, on the line that opens the object, not on its first field,
// which may come from another file.
func (c *checker) walkObject(y *yaml.Node, s *schema.Node, key *yaml.Node) {
	pairs, own := c.mergedPairs(y)
	if c.doc.viaAlias > 0 && !c.spend(len(pairs)/2) {
		return // unknown keys are not walked, but each may be a finding
	}
	for i := 0; i+1 < len(pairs) && c.doc.overBudget == nil; i += 2 {
		k, v := pairs[i], pairs[i+1]
		c.push(segment{name: k.Value})
		if f := s.Field(k.Value); f == nil {
			c.unknownField(k)
		} else {
			c.walkPair(v, f.Node, k, i >= own)
			if k.Value == "metadata" && len(c.path) > c.rootDepth+1 && f.Node.Field("labels") != nil && f.Node.Field("annotations") != nil {
				// A pod template's metadata: the API server checks its
				// labels and annotations like the object's own.
				if m := c.resolve(v); m != nil && m.Kind == yaml.MappingNode {
					c.checkMetadata(m, c.gvk, false)
				}
			}
		}
		c.pop()
	}
	if c.doc.overBudget != nil {
		return // the values looked up below may be cut short
	}
	for i := range s.Fields {
		f := &s.Fields[i]
		if !f.Required {
			continue
		}
		if v := c.resolve(yamlnode.Lookup(pairs, f.Name)); v == nil || yamlnode.IsNull(v) {
			at := y
			if key != nil {
				at = key
			}
			c.push(segment{name: f.Name})
			c.add(diag.Error, RuleRequired, at, fmt.Sprintf("missing required field %q", f.Name))
			c.pop()
		}
	}
}

// walkPair walks a mapping's value; one that a merge key brought in comes
// from elsewhere, like an alias's, and counts against the alias budget.
func (c *checker) walkPair(v *yaml.Node, s *schema.Node, k *yaml.Node, merged bool) {
	if !merged {
		c.walk(v, s, k)
		return
	}
	c.doc.viaAlias++
	c.walk(v, s, k)
	c.doc.viaAlias--
}

// unknownField reports key k (its path already pushed); when another
// release has the field, the finding says which and becomes
// schema.field-release.
func (c *checker) unknownField(k *yaml.Node) {
	if c.dropping(diag.Error, c.position(k)) {
		return // spare looking through every release for it
	}
	names := fieldNames(c.path[c.rootDepth:])
	cacheKey := c.gvk.String() + " " + fmt.Sprint(names)
	rels, ok := c.fieldRels[cacheKey]
	if !ok {
		rels = c.cat.fieldReleases(c.gvk, names)
		if c.fieldRels == nil {
			c.fieldRels = map[string][]string{}
		}
		c.fieldRels[cacheKey] = rels
	}
	target := c.opts.Release
	switch {
	case len(rels) > 0 && schema.CompareReleases(rels[0], target) > 0:
		c.add(diag.Error, RuleFieldRelease, k, fmt.Sprintf("field %s was added in Kubernetes %s", k.Value, rels[0]))
	case len(rels) > 0 && schema.CompareReleases(rels[len(rels)-1], target) < 0:
		c.add(diag.Error, RuleFieldRelease, k, fmt.Sprintf("field %s was removed in Kubernetes %s", k.Value, nextRelease(c.cat, rels[len(rels)-1])))
	default:
		c.add(diag.Error, RuleUnknownField, k, fmt.Sprintf("unknown field %q", k.Value))
	}
}

func (c *checker) typeError(y *yaml.Node, want schema.Type) {
	c.add(diag.Error, RuleType, y, fmt.Sprintf("expected %s, got %s", want, typeOf(y)))
}

// accepts reports whether scalar y fits a primitive schema type, by its
// resolved YAML tag: a quoted "3" is a string, 3 is a number.
func accepts(t schema.Type, y *yaml.Node) bool {
	if y.Kind != yaml.ScalarNode {
		return false
	}
	tag := yamlnode.Tag(y)
	switch t {
	case schema.String:
		return yamlnode.StringTag(tag)
	case schema.Integer:
		return tag == "!!int"
	case schema.Number:
		return tag == "!!int" || tag == "!!float"
	case schema.Boolean:
		return tag == "!!bool"
	case schema.IntOrString:
		return tag == "!!int" || yamlnode.StringTag(tag)
	case schema.Quantity:
		return tag == "!!int" || tag == "!!float" || yamlnode.StringTag(tag)
	}
	return true
}

// typeOf names y's JSON type for messages.
func typeOf(y *yaml.Node) string {
	switch y.Kind {
	case yaml.MappingNode:
		return "object"
	case yaml.SequenceNode:
		return "array"
	}
	switch yamlnode.Tag(y) {
	case "!!int", "!!float":
		return "number"
	case "!!bool":
		return "boolean"
	case "!!null":
		return "null"
	}
	return "string"
}

// stringValue returns a scalar's text when it is a string.
func stringValue(y *yaml.Node) (string, bool) {
	if y == nil || y.Kind != yaml.ScalarNode || !yamlnode.StringTag(yamlnode.Tag(y)) {
		return "", false
	}
	return y.Value, true
}

// resolve follows an alias to its anchor, within the document's budget.
func (c *checker) resolve(y *yaml.Node) *yaml.Node {
	for y != nil && y.Kind == yaml.AliasNode {
		if c.doc.viaAlias == 0 {
			c.doc.lastAlias = y
		}
		if !c.spend(1) {
			return nil
		}
		y = y.Alias
	}
	return y
}

// pairs returns a mapping's key/value nodes, alternating, with YAML merge
// keys (<<: *base) expanded: explicit keys win over merged ones, earlier
// merged mappings over later ones. Without merge keys it is m.Content.
func (c *checker) pairs(m *yaml.Node) []*yaml.Node {
	pairs, _ := c.mergedPairs(m)
	return pairs
}

// mergedPairs is pairs, and how many of them are m's own: the merged ones
// follow. The pairs merged in count against the alias budget.
func (c *checker) mergedPairs(m *yaml.Node) (pairs []*yaml.Node, own int) {
	if !slices.ContainsFunc(m.Content, isMergeKey) {
		return m.Content, len(m.Content)
	}
	var explicit, merged []*yaml.Node
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := m.Content[i], m.Content[i+1]
		if !isMergeKey(k) {
			explicit = append(explicit, k, v)
			continue
		}
		v = c.resolve(v)
		var sources []*yaml.Node
		switch {
		case v == nil:
		case v.Kind == yaml.MappingNode:
			sources = []*yaml.Node{v}
		case v.Kind == yaml.SequenceNode:
			sources = v.Content
		}
		for _, src := range sources {
			if src = c.resolve(src); src != nil && src.Kind == yaml.MappingNode {
				from := c.pairs(src)
				if !c.spend(len(from) / 2) {
					break
				}
				merged = append(merged, from...)
			}
		}
	}
	out := explicit
	var keys map[string]bool // out's scalar keys, once out is too long to search
	for i := 0; i+1 < len(merged); i += 2 {
		k := merged[i]
		if keys == nil && len(out) > 2*smallMapping {
			keys = make(map[string]bool, len(out)/2+(len(merged)-i)/2)
			for j := 0; j+1 < len(out); j += 2 {
				if out[j].Kind == yaml.ScalarNode {
					keys[out[j].Value] = true
				}
			}
		}
		if keys != nil && keys[k.Value] || keys == nil && yamlnode.Lookup(out, k.Value) != nil {
			continue
		}
		out = append(out, k, merged[i+1])
		if keys != nil && k.Kind == yaml.ScalarNode {
			keys[k.Value] = true
		}
	}
	return out, len(explicit)
}

// smallMapping is how many pairs a mapping may have for its keys to be
// compared pair by pair; larger ones use a map. Manifests' mappings are
// nearly all small, and a map for each would cost more than it saves.
const smallMapping = 16

func isMergeKey(k *yaml.Node) bool { return k.Kind == yaml.ScalarNode && k.Tag == "!!merge" }

// lookup returns the value of key in mapping m, or nil.
func (c *checker) lookup(m *yaml.Node, key string) *yaml.Node {
	if m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	return yamlnode.Lookup(c.pairs(m), key)
}

// duplicateKeys reports repeated keys in y and below, except inside skip
// (a List's items, checked item by item), with no field path: the finding
// is about the YAML, not a field.
func (c *checker) duplicateKeys(y, skip *yaml.Node) {
	saved := c.path
	c.path = nil
	c.checkDuplicateKeys(y, skip)
	c.path = saved
}

// checkDuplicateKeys reports every key that repeats an earlier key of the
// same mapping, anywhere below y except inside skip. yaml.v3 builds a Node tree
// with duplicates intact; the API server's decoder would reject the document.
func (c *checker) checkDuplicateKeys(y, skip *yaml.Node) {
	if y == skip {
		return
	}
	switch y.Kind {
	case yaml.SequenceNode:
		for _, item := range y.Content {
			c.checkDuplicateKeys(item, skip)
		}
	case yaml.MappingNode:
		var seen map[string]bool // the scalar keys so far, in a large mapping
		if len(y.Content) > 2*smallMapping {
			seen = make(map[string]bool, len(y.Content)/2)
		}
		for i := 0; i+1 < len(y.Content); i += 2 {
			k := y.Content[i]
			if k.Kind == yaml.ScalarNode {
				var repeated bool
				if seen != nil {
					repeated = seen[k.Value]
					seen[k.Value] = true
				} else {
					repeated = yamlnode.Lookup(y.Content[:i], k.Value) != nil
				}
				if repeated && !isMergeKey(k) {
					// No line number: output lines mean nothing to users, and the
					// caller maps only this finding's own position to the template.
					c.add(diag.Error, RuleDuplicateKey, k, fmt.Sprintf("key %q is already defined in this mapping", k.Value))
				}
			}
			c.checkDuplicateKeys(y.Content[i+1], skip)
		}
	}
}
