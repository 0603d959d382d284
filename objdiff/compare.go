package objdiff

import (
	"fmt"
	"reflect"

	sigsyaml "sigs.k8s.io/yaml"

	"github.com/eastern-k8s/eastern/manifest"
)

// Action is what a change does to one object.
type Action int

// The actions; the zero Action is invalid, so that a Change nobody
// compared shows.
const (
	Unchanged Action = iota + 1
	Changed
	Added
	Removed
)

func (a Action) String() string {
	switch a {
	case Unchanged:
		return "unchanged"
	case Changed:
		return "changed"
	case Added:
		return "added"
	case Removed:
		return "removed"
	}
	return "invalid"
}

// Change is one object before and after.
type Change struct {
	Key    manifest.Key
	Action Action
	// Before and After are the object's YAML, keys sorted and Secret
	// values masked; nil on the side where it does not exist.
	Before, After []byte
}

// Label names the object for people: "Deployment/web".
func (c Change) Label() string { return manifest.Label(c.Key.Kind, c.Key.Name) }

// Compare matches the objects of two renders by Key and says what became
// of each: the objects of after in their order, then those only before
// has, in theirs. Two objects with one Key in a render (which a cluster
// would apply over each other) are matched with the other side's in turn.
func Compare(before, after []Object) ([]Change, error) {
	type occurrence struct {
		key manifest.Key
		n   int
	}
	index := make(map[occurrence]int, len(before))
	seen := map[manifest.Key]int{}
	for i, o := range before {
		index[occurrence{o.Key, seen[o.Key]}] = i
		seen[o.Key]++
	}
	matched := make([]bool, len(before))
	clear(seen)
	var changes []Change
	for _, o := range after {
		occ := occurrence{o.Key, seen[o.Key]}
		seen[o.Key]++
		var b any
		if i, ok := index[occ]; ok {
			matched[i] = true
			b = before[i].Value
		}
		ch, err := compare(o.Key, b, o.Value)
		if err != nil {
			return nil, err
		}
		changes = append(changes, ch)
	}
	for i, o := range before {
		if matched[i] {
			continue
		}
		ch, err := compare(o.Key, o.Value, nil)
		if err != nil {
			return nil, err
		}
		changes = append(changes, ch)
	}
	return changes, nil
}

// compare puts one object's two sides (nil: absent) into YAML.
func compare(key manifest.Key, before, after any) (Change, error) {
	ch := Change{Key: key}
	var err error
	b, _ := CopyJSON(before).(map[string]any)
	a, _ := CopyJSON(after).(map[string]any)
	if ch.Before, ch.After, err = Sides(b, a); err != nil {
		return Change{}, fmt.Errorf("%s: %w", ch.Label(), err)
	}
	switch {
	case before == nil:
		ch.Action = Added
	case after == nil:
		ch.Action = Removed
	case string(ch.Before) == string(ch.After):
		ch.Action = Unchanged
	default:
		ch.Action = Changed
	}
	return ch, nil
}

// Sides writes the two sides of one object (nil: absent) as YAML with
// sorted keys, the values of a Secret masked as MaskSecret masks them. It
// masks in place: give it copies.
func Sides(before, after map[string]any) (b, a []byte, err error) {
	if IsSecret(before) || IsSecret(after) {
		MaskSecret(before, after)
	}
	if before != nil {
		if b, err = sigsyaml.Marshal(before); err != nil {
			return nil, nil, err
		}
	}
	if after != nil {
		if a, err = sigsyaml.Marshal(after); err != nil {
			return nil, nil, err
		}
	}
	return b, a, nil
}

// CopyJSON deep-copies a JSON value as encoding/json and unstructured
// objects hold it (maps, slices, scalars), so that masking leaves the
// caller's alone.
func CopyJSON(v any) any {
	switch v := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, e := range v {
			out[k] = CopyJSON(e)
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, e := range v {
			out[i] = CopyJSON(e)
		}
		return out
	}
	return v
}

// IsSecret reports whether obj, an object as JSON decodes it, is a v1
// Secret.
func IsSecret(obj map[string]any) bool {
	return obj != nil && obj["kind"] == "Secret" && obj["apiVersion"] == "v1"
}

// lastApplied is kubectl apply's annotation, which repeats a Secret's
// values.
const lastApplied = "kubectl.kubernetes.io/last-applied-configuration"

// MaskSecret masks, in place, the values of a Secret's data and
// stringData and its last-applied-configuration annotation on both sides
// (either may be nil), as kubectl diff does: "***" where both sides
// agree or only one has the key, "*** (before)" and "*** (after)" where
// they differ. The keys show. A data or stringData that a template made
// something other than a map is masked whole.
func MaskSecret(before, after map[string]any) {
	for _, f := range []string{"data", "stringData"} {
		if mapOrAbsent(before, f) && mapOrAbsent(after, f) {
			maskValues(field(before, f), field(after, f))
		} else {
			maskEntry(before, after, f)
		}
	}
	annotations := func(obj map[string]any) map[string]any {
		meta, _ := obj["metadata"].(map[string]any)
		a, _ := meta["annotations"].(map[string]any)
		return a
	}
	maskEntry(annotations(before), annotations(after), lastApplied)
}

func field(obj map[string]any, name string) map[string]any {
	m, _ := obj[name].(map[string]any)
	return m
}

func mapOrAbsent(obj map[string]any, name string) bool {
	v, ok := obj[name]
	_, isMap := v.(map[string]any)
	return !ok || v == nil || isMap
}

// maskValues masks the values of two maps, either of which may be nil,
// marking the keys whose values differ.
func maskValues(before, after map[string]any) {
	for k := range before {
		maskEntry(before, after, k)
	}
	for k := range after {
		if _, done := before[k]; !done {
			maskEntry(before, after, k)
		}
	}
}

// maskEntry masks the value of key k in two maps, either of which may be
// nil or lack it.
func maskEntry(before, after map[string]any, k string) {
	bv, inBefore := before[k]
	av, inAfter := after[k]
	if inBefore && inAfter && !reflect.DeepEqual(bv, av) {
		before[k], after[k] = "*** (before)", "*** (after)"
		return
	}
	if inBefore {
		before[k] = "***"
	}
	if inAfter {
		after[k] = "***"
	}
}
