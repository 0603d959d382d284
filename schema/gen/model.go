package main

import "strings"

// gvk names a kind the way package schema does.
type gvk struct{ group, version, kind string }

func (g gvk) apiVersion() string {
	if g.group == "" {
		return g.version
	}
	return g.group + "/" + g.version
}

func (g gvk) String() string { return g.apiVersion() + " " + g.kind }

func compareGVK(a, b gvk) int {
	if c := strings.Compare(a.group, b.group); c != 0 {
		return c
	}
	if c := strings.Compare(a.version, b.version); c != 0 {
		return c
	}
	return strings.Compare(a.kind, b.kind)
}

// shape is a node's JSON type. Primitive shapes are also the letters the data
// file uses for them, so they need no line of their own.
type shape byte

const (
	object      shape = 'o'
	mapOf       shape = '{'
	arrayOf     shape = '['
	str         shape = 's'
	integer     shape = 'i'
	number      shape = 'n'
	boolean     shape = 'b'
	intOrString shape = 'x'
	quantity    shape = 'q'
	anyJSON     shape = 'a'
	enumStr     shape = 'e' // a string from a closed set: node.values
)

// node is one Go type's JSON shape in one release. Nodes of one release
// share structure the way the Go types do, including cycles
// (JSONSchemaProps); merge deduplicates them across releases.
type node struct {
	shape  shape
	fields []field // object: sorted by name
	elem   *node   // mapOf and arrayOf
	class  int     // scratch for merge

	// arrayOf: the fields that identify an item when the API treats the
	// list as a map (+listType=map with +listMapKey, else +patchMergeKey).
	keys []listKey

	// A named string type with typed constants: the type, its constants
	// (sorted) and whether this release marks it +enum. markEnums makes
	// it an enumStr when some release marks it, a plain string otherwise.
	enumType string
	values   []string
	marked   bool
}

// listKey is one key field of a list-map item, with the value the API
// server defaults it to when absent ("TCP" for a port's protocol).
type listKey struct {
	name, def string
}

type field struct {
	name     string
	required bool
	node     *node
}

// primitives are shared by every release: their shape is all there is to
// them. Read-only after package initialisation, so releases may be
// extracted concurrently.
var primitives = func() map[shape]*node {
	m := map[shape]*node{}
	for _, s := range []shape{str, integer, number, boolean, intOrString, quantity, anyJSON} {
		m[s] = &node{shape: s}
	}
	return m
}()

func primitive(s shape) *node { return primitives[s] }

// lifecycle holds minor releases as "1.19"; empty means unknown or not yet.
type lifecycle struct {
	introduced, deprecated, removed string
	replacement                     gvk
}

// release is everything extracted from one k8s.io/api version.
type release struct {
	version    string // "1.24"
	kinds      map[gvk]*node
	lifecycles map[gvk]lifecycle // only kinds with generated lifecycle methods
}
