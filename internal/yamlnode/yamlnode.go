// Package yamlnode reads yaml.v3 nodes the way the API server receives
// them. kubectl, Argo CD and Flux convert YAML to JSON with
// sigs.k8s.io/yaml, which follows YAML 1.1: an unquoted yes, no, on or off
// is a boolean there, where yaml.v3 (YAML 1.2) calls it a string. The
// validator, the CRD checker, the API server's rules and the practice
// checks all read the same trees, so they share these readings.
package yamlnode

import "go.yaml.in/yaml/v3"

// maxAliasHops bounds how many aliases Resolve follows in a row; yaml.v3
// never makes a cycle, but a bound costs nothing.
const maxAliasHops = 64

// Resolve follows n's aliases to the node they name; nil for nil, or for
// a chain of aliases longer than any document makes.
func Resolve(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && n.Kind == yaml.AliasNode && i < maxAliasHops; i++ {
		n = n.Alias
	}
	if n != nil && n.Kind == yaml.AliasNode {
		return nil
	}
	return n
}

// Tag is n's tag as the API server will see it: an unquoted YAML 1.1
// boolean word is !!bool.
func Tag(n *yaml.Node) string {
	if n.Tag == "!!str" && n.Style == 0 {
		if _, ok := Bool(n.Value); ok {
			return "!!bool"
		}
	}
	return n.Tag
}

// Bool returns the value of a YAML 1.1 boolean word: true, yes, on, y,
// their opposites, each in lower, title or upper case. ok is false for
// any other text.
func Bool(s string) (value, ok bool) {
	// The length first: nearly every string is longer than the words,
	// and a map lookup costs a hash of it.
	if len(s) > len("false") {
		return false, false
	}
	value, ok = boolWords[s]
	return value, ok
}

var boolWords = map[string]bool{
	"true": true, "True": true, "TRUE": true, "false": false, "False": false, "FALSE": false,
	"y": true, "Y": true, "yes": true, "Yes": true, "YES": true, "on": true, "On": true, "ON": true,
	"n": false, "N": false, "no": false, "No": false, "NO": false, "off": false, "Off": false, "OFF": false,
}

// IsNull reports whether n is a null scalar (null, ~ or nothing).
func IsNull(n *yaml.Node) bool { return n.Kind == yaml.ScalarNode && n.Tag == "!!null" }

// StringTag reports whether a scalar of tag (as Tag gives it) reaches the
// API server as a string: timestamps, binary and custom tags do, since
// sigs.k8s.io/yaml converts them; numbers, booleans and null do not.
func StringTag(tag string) bool {
	switch tag {
	case "!!int", "!!float", "!!bool", "!!null":
		return false
	}
	return true
}

// Lookup returns the value of key among pairs, a mapping's keys and values
// alternating, or nil.
func Lookup(pairs []*yaml.Node, key string) *yaml.Node {
	for i := 0; i+1 < len(pairs); i += 2 {
		if pairs[i].Kind == yaml.ScalarNode && pairs[i].Value == key {
			return pairs[i+1]
		}
	}
	return nil
}
