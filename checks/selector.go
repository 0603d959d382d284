package checks

import (
	"slices"

	"go.yaml.in/yaml/v3"
)

// selector is a metav1.LabelSelector as Kubernetes reads it
// (metav1.LabelSelectorAsSelector): every matchLabels pair and every
// matchExpressions requirement must hold. A nil *selector — no selector
// at all — matches nothing; an empty one matches everything. The rules
// are k8s.io/apimachinery/pkg/labels' (a test holds this to it); that
// package is not imported because its initialisation (klog, validation
// tables) would be paid by every eastern process, renders included.
type selector struct {
	reqs []requirement
	// invalid: an operator Kubernetes does not know, or values where
	// none are allowed. The API server rejects such a selector, so the
	// checks do not judge what it matches.
	invalid bool
}

type requirement struct {
	key    string
	op     string // In, NotIn, Exists, DoesNotExist
	values []string
}

// selectorFromSet is matchLabels: equality on every pair.
func selectorFromSet(l labelSet) *selector {
	s := &selector{}
	for i := 0; i+1 < len(l); i += 2 {
		s.reqs = append(s.reqs, requirement{key: l[i], op: "In", values: []string{l[i+1]}})
	}
	return s
}

// parseSelector reads a LabelSelector node; nil when n is absent or null.
func parseSelector(n *yaml.Node) *selector {
	n = mapping(n)
	if n == nil {
		return nil
	}
	s := selectorFromSet(appendLabels(nil, get(n, "matchLabels")))
	for _, e := range items(get(n, "matchExpressions")) {
		key, _ := str(get(e, "key"))
		op, _ := str(get(e, "operator"))
		var values []string
		for _, v := range items(get(e, "values")) {
			if t, ok := str(v); ok {
				values = append(values, t)
			}
		}
		switch op {
		case "In", "NotIn":
			s.invalid = s.invalid || len(values) == 0
		case "Exists", "DoesNotExist":
			s.invalid = s.invalid || len(values) > 0
		default:
			s.invalid = true
		}
		s.reqs = append(s.reqs, requirement{key: key, op: op, values: values})
	}
	return s
}

// matches reports whether the labels satisfy every requirement.
func (s *selector) matches(labels labelSet) bool {
	if s == nil || s.invalid {
		return false
	}
	for _, r := range s.reqs {
		v, has := labels.lookup(r.key)
		var ok bool
		switch r.op {
		case "In":
			ok = has && slices.Contains(r.values, v)
		case "NotIn":
			ok = !has || !slices.Contains(r.values, v)
		case "Exists":
			ok = has
		case "DoesNotExist":
			ok = !has
		}
		if !ok {
			return false
		}
	}
	return true
}

// selectorMatches is parseSelector(n).matches(labels) without building
// the selector: what the spread checks ask of every pod template.
func selectorMatches(n *yaml.Node, labels labelSet) bool {
	if n = mapping(n); n == nil {
		return false
	}
	if ml := mapping(get(n, "matchLabels")); ml != nil {
		for i := 0; i+1 < len(ml.Content); i += 2 {
			v, ok := str(ml.Content[i+1])
			if got, has := labels.lookup(ml.Content[i].Value); !ok || !has || got != v {
				return false
			}
		}
	}
	for _, e := range items(get(n, "matchExpressions")) {
		key, _ := str(get(e, "key"))
		op, _ := str(get(e, "operator"))
		values := items(get(e, "values"))
		v, has := labels.lookup(key)
		in := false
		for _, x := range values {
			if t, ok := str(x); ok && has && t == v {
				in = true
			}
		}
		var ok bool
		switch op {
		case "In":
			ok = len(values) > 0 && in
		case "NotIn":
			ok = len(values) > 0 && !in
		case "Exists":
			ok = len(values) == 0 && has
		case "DoesNotExist":
			ok = len(values) == 0 && !has
		}
		if !ok {
			return false
		}
	}
	return true
}

// setMatches reports whether labels carry every pair of a Service's selector.
func setMatches(selector, labels labelSet) bool {
	for i := 0; i+1 < len(selector); i += 2 {
		if got, has := labels.lookup(selector[i]); !has || got != selector[i+1] {
			return false
		}
	}
	return true
}

// labelSet is labels as key, value, key, value: a pod template has a
// handful, which a search reads sooner than a map is built and cleared
// for every render.
type labelSet []string

func (l labelSet) lookup(key string) (string, bool) {
	for i := 0; i+1 < len(l); i += 2 {
		if l[i] == key {
			return l[i+1], true
		}
	}
	return "", false
}

// appendLabels adds a mapping of scalars (labels, a Service's selector)
// to l.
func appendLabels(l labelSet, n *yaml.Node) labelSet {
	if n = mapping(n); n == nil {
		return l
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if v, ok := str(n.Content[i+1]); ok && n.Content[i].Kind == yaml.ScalarNode {
			l = append(l, n.Content[i].Value, v)
		}
	}
	return l
}
