package validator

import (
	"fmt"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/eastern-k8s/eastern/diag"
	"github.com/eastern-k8s/eastern/internal/yamlnode"
	"github.com/eastern-k8s/eastern/schema"
)

// checkEnum reports a string outside the release's closed set of values
// for the field (its path pushed). "" is the unset value, which the API
// server defaults.
func (c *checker) checkEnum(y *yaml.Node, values []string) {
	if y.Value == "" || slices.Contains(values, y.Value) {
		return
	}
	quoted := make([]string, len(values))
	for i, v := range values {
		quoted[i] = fmt.Sprintf("%q", v)
	}
	msg := fmt.Sprintf("unsupported value %q: supported values: %s", y.Value, strings.Join(quoted, ", "))
	for _, v := range values {
		if strings.EqualFold(v, y.Value) {
			msg = fmt.Sprintf("unsupported value %q (did you mean %q?): supported values: %s", y.Value, v, strings.Join(quoted, ", "))
			break
		}
	}
	c.add(diag.Error, RuleEnum, y, msg)
}

// duplicateItems reports items of a list the API treats as a map (its
// path pushed) whose keys repeat an earlier item's: server-side apply
// cannot merge such a list, and for containers, volumes and volume mounts
// the API server's validation rejects the duplicate too. The finding is at
// the later item and names the earlier one. Items whose key fields are not
// all scalars, or absent without a default, are left to the schema walk.
func (c *checker) duplicateItems(y *yaml.Node, keys []schema.ListKey) {
	// A list of a few items is searched item by item; a long one (a
	// generated env list) through a map, so that the check stays linear.
	type seen struct {
		key   string
		index int
	}
	var buf [smallMapping]seen
	earlier := buf[:0]
	var index map[string]int
	for i, item := range y.Content {
		item = c.resolve(item)
		if item == nil || item.Kind != yaml.MappingNode {
			continue
		}
		key, at, ok := c.itemKey(item, keys)
		if !ok {
			continue
		}
		first := -1
		if index != nil {
			if j, dup := index[key]; dup {
				first = j
			}
		} else if j := slices.IndexFunc(earlier, func(s seen) bool { return s.key == key }); j >= 0 {
			first = earlier[j].index
		}
		if first < 0 {
			if index == nil && len(earlier) == cap(earlier) {
				index = make(map[string]int, len(y.Content))
				for _, s := range earlier {
					index[s.key] = s.index
				}
			}
			if index != nil {
				index[key] = i
			} else {
				earlier = append(earlier, seen{key, i})
			}
			continue
		}
		c.push(segment{kind: indexSeg, index: i})
		c.add(diag.Error, RuleDuplicateItem, at, fmt.Sprintf("duplicate item: the same %s as %s[%d]",
			describeValues(key, keys), lastName(c.path[:len(c.path)-1]), first))
		c.pop()
	}
}

// itemKey joins an item's key values (defaults standing in for absent
// ones) and returns the node of its first key, for the finding.
func (c *checker) itemKey(item *yaml.Node, keys []schema.ListKey) (string, *yaml.Node, bool) {
	if len(keys) == 1 {
		// Most list-maps have one key: its value is the key, as it is.
		v := c.resolve(c.lookup(item, keys[0].Name))
		switch {
		case v == nil || yamlnode.IsNull(v):
			return keys[0].Default, item, keys[0].Default != ""
		case v.Kind != yaml.ScalarNode:
			return "", nil, false
		}
		return v.Value, v, true
	}
	var b strings.Builder
	var at *yaml.Node
	for i, k := range keys {
		v := c.resolve(c.lookup(item, k.Name))
		value := k.Default
		switch {
		case v == nil || yamlnode.IsNull(v):
			if k.Default == "" {
				return "", nil, false
			}
		case v.Kind != yaml.ScalarNode:
			return "", nil, false
		default:
			value = v.Value
			if at == nil {
				at = v
			}
		}
		if i > 0 {
			b.WriteByte(0)
		}
		b.WriteString(value)
	}
	if at == nil {
		at = item
	}
	return b.String(), at, true
}

// describeValues writes key values as `name "web"` or
// `containerPort 8080 and protocol "TCP"`.
func describeValues(joined string, keys []schema.ListKey) string {
	values := strings.Split(joined, "\x00")
	parts := make([]string, len(keys))
	for i, k := range keys {
		if countDigits(values[i]) == len(values[i]) && values[i] != "" {
			parts[i] = k.Name + " " + values[i] // a port number
		} else {
			parts[i] = fmt.Sprintf("%s %q", k.Name, values[i])
		}
	}
	return strings.Join(parts, " and ")
}

// lastName is the list's field name for the message: "containers".
func lastName(segs []segment) string {
	if len(segs) == 0 {
		return "item"
	}
	return formatPath(segs[len(segs)-1:])
}
