// Package schema holds the field trees and API lifecycles of the built-in
// Kubernetes kinds for every supported release, generated from k8s.io/api by
// schema/gen and embedded in the binary. Data is decoded only when asked for,
// one release at a time, so commands that do not lint pay nothing for it.
package schema

import (
	"sort"
	"strings"
)

// GVK names a kind: group ("" for the core group), version and kind.
type GVK struct {
	Group, Version, Kind string
}

// ParseGVK splits an apiVersion ("apps/v1", "v1") and pairs it with kind.
func ParseGVK(apiVersion, kind string) GVK {
	group, version, found := strings.Cut(apiVersion, "/")
	if !found {
		return GVK{Version: apiVersion, Kind: kind}
	}
	return GVK{Group: group, Version: version, Kind: kind}
}

// APIVersion returns the apiVersion as written in a manifest.
func (g GVK) APIVersion() string {
	if g.Group == "" {
		return g.Version
	}
	return g.Group + "/" + g.Version
}

// String returns "apps/v1 Deployment".
func (g GVK) String() string { return g.APIVersion() + " " + g.Kind }

// IsZero reports whether g names nothing.
func (g GVK) IsZero() bool { return g == GVK{} }

// Type is the JSON shape a field accepts.
type Type uint8

const (
	Object      Type = iota + 1 // named fields, listed in Node.Fields
	Map                         // string keys, values described by Node.Elem
	Array                       // items described by Node.Elem
	String                      // also timestamps, durations and base64 bytes
	Integer                     // a JSON number without fraction
	Number                      // any JSON number
	Boolean                     //
	IntOrString                 // intstr.IntOrString: an integer or a string
	Quantity                    // resource.Quantity: a string or a number
	Any                         // any JSON value (RawExtension, JSON, free-form unions)
)

var typeNames = [...]string{
	Object: "object", Map: "map", Array: "array", String: "string", Integer: "integer",
	Number: "number", Boolean: "boolean", IntOrString: "int-or-string", Quantity: "quantity", Any: "any",
}

// String returns the name used in messages ("expected string, got number").
func (t Type) String() string {
	if int(t) < len(typeNames) && typeNames[t] != "" {
		return typeNames[t]
	}
	return "unknown"
}

// Node describes the value of one field. Nodes are shared between fields of
// the same Go type and may be recursive (JSONSchemaProps), so walk them
// alongside a document, never on their own.
type Node struct {
	Type   Type
	Fields []Field // Object: sorted by Name
	Elem   *Node   // Map values and Array items

	// Enum, for a String, is the closed set of values the release accepts
	// (sorted; "", the unset value, is always accepted); nil when open.
	Enum []string
	// Keys, for an Array, are the fields that identify an item when the
	// API treats the list as a map (containers by name, ports by
	// containerPort and protocol); nil for other lists.
	Keys []ListKey
}

// ListKey is one key field of a list-map's items.
type ListKey struct {
	Name    string
	Default string // the value an absent key stands for ("TCP"), "" if none
}

// Field is one named field of an Object node.
type Field struct {
	Name     string // JSON name
	Required bool
	Node     *Node
}

// Field returns the field called name, or nil.
func (n *Node) Field(name string) *Field {
	i := sort.Search(len(n.Fields), func(i int) bool { return n.Fields[i].Name >= name })
	if i < len(n.Fields) && n.Fields[i].Name == name {
		return &n.Fields[i]
	}
	return nil
}

// Lifecycle is when a group/version/kind was served by the API server,
// as Kubernetes minor releases ("1.19"); empty strings mean "not known" for
// Introduced and "not yet" for Deprecated and Removed. A release R serves the
// kind when Introduced <= R < Removed.
//
// The values are Kubernetes' own (prerelease-lifecycle-gen, newest release
// that states them). Where it states none, Introduced is the first supported
// release that has the kind ("" if 1.16 has it) and Removed is the first
// release after k8s.io/api dropped the type.
type Lifecycle struct {
	Introduced  string
	Deprecated  string
	Removed     string
	Replacement GVK // zero when Kubernetes names none
}
