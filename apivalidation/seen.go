package apivalidation

import "go.yaml.in/yaml/v3"

// seenNames remembers names and a value for each, in order to find
// repeats. Lists in manifests are short, and are searched in a small
// array; a long one (generated, or an attack) moves to a map, so that
// every check stays linear in the document.
type seenNames[V any] struct {
	small [16]namedValue[V]
	n     int
	big   map[string]V
}

type namedValue[V any] struct {
	name  string
	value V
}

// lookup returns the value remembered for name.
func (s *seenNames[V]) lookup(name string) (V, bool) {
	if s.big != nil {
		v, ok := s.big[name]
		return v, ok
	}
	for _, e := range s.small[:s.n] {
		if e.name == name {
			return e.value, true
		}
	}
	var zero V
	return zero, false
}

// add remembers name with value, keeping an earlier value for it.
func (s *seenNames[V]) add(name string, value V) {
	if _, ok := s.lookup(name); ok {
		return
	}
	if s.big == nil && s.n < len(s.small) {
		s.small[s.n] = namedValue[V]{name, value}
		s.n++
		return
	}
	if s.big == nil {
		s.big = make(map[string]V, 2*len(s.small))
		for _, e := range s.small[:s.n] {
			s.big[e.name] = e.value
		}
	}
	s.big[name] = value
}

// declared reports whether the pod declares a volume called name.
func declared(volumes *seenNames[bool], name string) bool {
	_, ok := volumes.lookup(name)
	return ok
}

// keyIndex looks keys up in one mapping many times: checks that look each
// key of one mapping up in another (a selector's labels in the template's,
// binaryData's keys in data) would otherwise be quadratic in them.
type keyIndex struct {
	m   *yaml.Node
	big map[string][2]*yaml.Node // key and value nodes, for a large mapping
}

func indexKeys(m *yaml.Node) keyIndex {
	ps := pairs(m)
	if len(ps) <= 2*16 {
		return keyIndex{m: m}
	}
	big := make(map[string][2]*yaml.Node, len(ps)/2)
	for i := 0; i+1 < len(ps); i += 2 {
		if _, dup := big[ps[i].Value]; !dup && ps[i].Kind == yaml.ScalarNode {
			big[ps[i].Value] = [2]*yaml.Node{ps[i], ps[i+1]}
		}
	}
	return keyIndex{m: m, big: big}
}

// key returns the key node of key, or nil.
func (x keyIndex) key(key string) *yaml.Node {
	if x.big != nil {
		return x.big[key][0]
	}
	return keyOf(x.m, key)
}

// value returns the value of key, resolved, or nil.
func (x keyIndex) value(key string) *yaml.Node {
	if x.big != nil {
		return resolve(x.big[key][1])
	}
	return get(x.m, key)
}
