package crd

import (
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/eastern-k8s/eastern/diag"
	"github.com/eastern-k8s/eastern/internal/yamlnode"
)

// Schema is one compiled node of a CRD version's openAPIV3Schema: the
// keywords of a structural schema, with its pattern and CEL rules compiled.
type Schema struct {
	Type        string // object, array, string, integer, number, boolean; "" under int-or-string or preserve-unknown-fields
	Format      string
	Nullable    bool
	IntOrString bool // x-kubernetes-int-or-string
	// PreserveUnknown is x-kubernetes-preserve-unknown-fields: fields the
	// schema does not name are kept rather than pruned.
	PreserveUnknown bool
	Embedded        bool // x-kubernetes-embedded-resource

	Required   []string
	Enum       []any
	HasDefault bool
	Default    any // the default's JSON value, when HasDefault

	Minimum, Maximum, MultipleOf       *float64
	ExclusiveMinimum, ExclusiveMaximum bool
	MinLength, MaxLength               *int64
	MinItems, MaxItems                 *int64
	MinProperties, MaxProperties       *int64
	Pattern                            *regexp.Regexp
	UniqueItems                        bool

	Properties map[string]*Schema
	// Additional is additionalProperties as a schema: the object is a map.
	Additional *Schema
	Items      *Schema

	AllOf, AnyOf, OneOf []*Schema
	Not                 *Schema

	ListType    string   // x-kubernetes-list-type: atomic, set or map
	ListMapKeys []string // x-kubernetes-list-map-keys

	Rules []*Rule // x-kubernetes-validations

	node *yaml.Node // where the schema is written, for the CRD's own findings
}

// compiler turns openAPIV3Schema nodes into Schemas and collects what is
// wrong with them as a CRD's findings.
type compiler struct {
	problems []Problem
	rules    int // x-kubernetes-validations seen, compiled once CEL is needed
	// unevaluated counts the rules a build without CEL leaves alone.
	unevaluated int
	v1beta1     bool // v1beta1 allowed non-structural schemas: warnings, not errors
	nodes       int  // schema nodes compiled, aliases expanded: see maxValueNodes
	// nonStructural: the structural rules found a problem, so that the
	// API server does not prune (a v1beta1 CRD may be so).
	nonStructural bool
}

// Problem is one finding about a CRD or a custom resource, at a node of
// the document it came from.
type Problem struct {
	Severity diag.Severity
	Rule     string
	Node     *yaml.Node
	Field    string
	Message  string
	// unknownKeyword: the built-in schema of CustomResourceDefinition
	// reports the same key as an unknown field.
	unknownKeyword bool
}

func (c *compiler) errorf(node *yaml.Node, path, format string, args ...any) {
	c.problems = append(c.problems, Problem{diag.Error, RuleDefinition, node, path, fmt.Sprintf(format, args...), false})
}

// schemaKeywords are the keywords a CRD's schema may use, and forbidden
// those the API server refuses in one (apiextensions validation).
var (
	schemaKeywords = map[string]bool{
		"description": true, "type": true, "format": true, "title": true, "default": true,
		"maximum": true, "exclusiveMaximum": true, "minimum": true, "exclusiveMinimum": true,
		"maxLength": true, "minLength": true, "pattern": true, "maxItems": true, "minItems": true,
		"uniqueItems": true, "multipleOf": true, "enum": true, "maxProperties": true, "minProperties": true,
		"required": true, "items": true, "allOf": true, "oneOf": true, "anyOf": true, "not": true,
		"properties": true, "additionalProperties": true, "externalDocs": true, "example": true,
		"nullable": true, "x-kubernetes-preserve-unknown-fields": true, "x-kubernetes-embedded-resource": true,
		"x-kubernetes-int-or-string": true, "x-kubernetes-list-map-keys": true, "x-kubernetes-list-type": true,
		"x-kubernetes-map-type": true, "x-kubernetes-validations": true,
	}
	forbiddenKeywords = map[string]string{
		"$ref": "$ref is not supported in a CRD schema", "$schema": "$schema is not supported in a CRD schema",
		"id": "id is not supported in a CRD schema", "definitions": "definitions are not supported in a CRD schema",
		"additionalItems": "additionalItems is not supported in a CRD schema", "patternProperties": "patternProperties is not supported in a CRD schema",
		"dependencies": "dependencies are not supported in a CRD schema",
	}
	schemaTypes = []string{"object", "array", "string", "integer", "number", "boolean"}
)

// compile reads schema node n at path (the CRD's field path to it). inValue
// is true below allOf/anyOf/oneOf/not, where a structural schema may only
// constrain values; preserved is true below x-kubernetes-preserve-unknown-fields
// or int-or-string, where a node may leave out its type.
func (c *compiler) compile(n *yaml.Node, path string, inValue, root bool) *Schema {
	n = yamlnode.Resolve(n)
	s := &Schema{node: n}
	if n == nil || yamlnode.IsNull(n) {
		return s
	}
	if c.nodes++; c.nodes == maxValueNodes {
		c.errorf(n, path, "the schema expands past %d nodes through aliases: the rest is not read", maxValueNodes)
	}
	if c.nodes >= maxValueNodes {
		return s
	}
	if n.Kind != yaml.MappingNode {
		c.errorf(n, path, "a schema must be an object, got %s", jsonType(n))
		return s
	}
	ps := pairs(n)
	for i := 0; i+1 < len(ps); i += 2 {
		k, v := ps[i], yamlnode.Resolve(ps[i+1])
		kp := path + "." + k.Value
		if why, bad := forbiddenKeywords[k.Value]; bad {
			c.errorf(k, kp, "%s", why)
			continue
		}
		if !schemaKeywords[k.Value] {
			// In a render the built-in schema of CRDs reports it too
			// (schema.unknown-field): marked, so that it is said once.
			c.problems = append(c.problems, Problem{diag.Error, RuleDefinition, k, kp,
				fmt.Sprintf("unknown schema keyword %q", k.Value), true})
			continue
		}
		c.keyword(s, k, v, kp, inValue)
	}
	before := len(c.problems)
	c.structural(s, n, path, inValue, root)
	if len(c.problems) > before {
		c.nonStructural = true
		if c.v1beta1 {
			// Kubernetes before 1.22 serves a non-structural v1beta1 CRD,
			// with its NonStructuralSchema condition, and prunes nothing.
			for i := range c.problems[before:] {
				p := &c.problems[before+i]
				p.Severity = diag.Warning
				p.Message += " (the API server accepts a non-structural v1beta1 CRD, but neither prunes nor defaults its objects)"
			}
		}
	}
	return s
}

// keyword reads one keyword of s.
func (c *compiler) keyword(s *Schema, k, v *yaml.Node, path string, inValue bool) {
	switch k.Value {
	case "type":
		t, ok := str(v)
		if !ok || !slices.Contains(schemaTypes, t) {
			c.errorf(v, path, "type %q is not one of %s", v.Value, strings.Join(schemaTypes, ", "))
			return
		}
		s.Type = t
	case "format":
		s.Format, _ = str(v)
	case "nullable":
		s.Nullable = c.flag(v, path)
	case "x-kubernetes-int-or-string":
		s.IntOrString = c.flag(v, path)
	case "x-kubernetes-preserve-unknown-fields":
		s.PreserveUnknown = c.flag(v, path)
		if !s.PreserveUnknown && v.Kind == yaml.ScalarNode && yamlnode.Tag(v) == "!!bool" {
			c.errorf(v, path, "x-kubernetes-preserve-unknown-fields must be true or absent")
		}
	case "x-kubernetes-embedded-resource":
		s.Embedded = c.flag(v, path)
	case "uniqueItems":
		s.UniqueItems = c.flag(v, path)
		if s.UniqueItems {
			c.errorf(v, path, "uniqueItems cannot be set to true since the runtime complexity becomes quadratic (use x-kubernetes-list-type: set)")
		}
	case "exclusiveMinimum":
		s.ExclusiveMinimum = c.flag(v, path)
	case "exclusiveMaximum":
		s.ExclusiveMaximum = c.flag(v, path)
	case "minimum":
		s.Minimum = c.num(v, path)
	case "maximum":
		s.Maximum = c.num(v, path)
	case "multipleOf":
		if s.MultipleOf = c.num(v, path); s.MultipleOf != nil && *s.MultipleOf <= 0 {
			c.errorf(v, path, "multipleOf must be greater than zero")
			s.MultipleOf = nil
		}
	case "minLength":
		s.MinLength = c.count(v, path)
	case "maxLength":
		s.MaxLength = c.count(v, path)
	case "minItems":
		s.MinItems = c.count(v, path)
	case "maxItems":
		s.MaxItems = c.count(v, path)
	case "minProperties":
		s.MinProperties = c.count(v, path)
	case "maxProperties":
		s.MaxProperties = c.count(v, path)
	case "pattern":
		p, _ := str(v)
		re, err := regexp.Compile(p)
		if err != nil {
			c.errorf(v, path, "pattern %q does not compile: %v", p, err)
			return
		}
		s.Pattern = re
	case "required":
		s.Required = c.strings(v, path)
	case "x-kubernetes-list-map-keys":
		s.ListMapKeys = c.strings(v, path)
	case "x-kubernetes-list-type":
		s.ListType, _ = str(v)
		if !slices.Contains([]string{"atomic", "set", "map"}, s.ListType) {
			c.errorf(v, path, "x-kubernetes-list-type must be atomic, set or map, got %q", v.Value)
		}
	case "x-kubernetes-map-type":
		if t, _ := str(v); t != "atomic" && t != "granular" {
			c.errorf(v, path, "x-kubernetes-map-type must be atomic or granular, got %q", v.Value)
		}
	case "enum":
		if v.Kind != yaml.SequenceNode {
			c.errorf(v, path, "enum must be an array")
			return
		}
		for _, e := range v.Content {
			budget := maxValueNodes
			ev, _ := value(e, &budget)
			s.Enum = append(s.Enum, ev)
		}
	case "default":
		s.HasDefault = true
		budget := maxValueNodes
		s.Default, _ = value(v, &budget)
	case "properties":
		if v.Kind != yaml.MappingNode {
			c.errorf(v, path, "properties must be an object")
			return
		}
		s.Properties = map[string]*Schema{}
		ps := pairs(v)
		for i := 0; i+1 < len(ps); i += 2 {
			s.Properties[ps[i].Value] = c.compile(ps[i+1], path+"."+ps[i].Value, inValue, false)
		}
	case "additionalProperties":
		if v.Kind == yaml.ScalarNode && yamlnode.Tag(v) == "!!bool" {
			if !boolean(v) {
				c.errorf(v, path, "additionalProperties: false is not allowed in a structural schema (leave it out)")
			}
			// true: any value, as with preserve-unknown-fields for the map's values.
			s.Additional = &Schema{PreserveUnknown: true, node: v}
			return
		}
		s.Additional = c.compile(v, path, inValue, false)
	case "items":
		if v.Kind == yaml.SequenceNode {
			c.errorf(v, path, "items must be a schema, not an array of schemas")
			return
		}
		s.Items = c.compile(v, path, inValue, false)
	case "allOf", "anyOf", "oneOf":
		if v.Kind != yaml.SequenceNode {
			c.errorf(v, path, "%s must be an array of schemas", k.Value)
			return
		}
		var list []*Schema
		for i, e := range v.Content {
			list = append(list, c.compile(e, fmt.Sprintf("%s[%d]", path, i), true, false))
		}
		switch k.Value {
		case "allOf":
			s.AllOf = list
		case "anyOf":
			s.AnyOf = list
		default:
			s.OneOf = list
		}
	case "not":
		s.Not = c.compile(v, path, true, false)
	case "x-kubernetes-validations":
		s.Rules = c.rulesOf(v, path)
	}
}

func (c *compiler) flag(v *yaml.Node, path string) bool {
	if v.Kind != yaml.ScalarNode || yamlnode.Tag(v) != "!!bool" {
		c.errorf(v, path, "want true or false, got %s", jsonType(v))
		return false
	}
	return boolean(v)
}

func (c *compiler) num(v *yaml.Node, path string) *float64 {
	f, ok := number(v)
	if v.Kind != yaml.ScalarNode || !ok || math.IsNaN(f) {
		c.errorf(v, path, "want a number, got %s", jsonType(v))
		return nil
	}
	return &f
}

func (c *compiler) count(v *yaml.Node, path string) *int64 {
	i, ok := integer(v)
	if v.Kind != yaml.ScalarNode || yamlnode.Tag(v) != "!!int" || !ok || i < 0 {
		c.errorf(v, path, "want a non-negative integer, got %s", strconv.Quote(v.Value))
		return nil
	}
	return &i
}

func (c *compiler) strings(v *yaml.Node, path string) []string {
	if v.Kind != yaml.SequenceNode {
		c.errorf(v, path, "want an array of strings")
		return nil
	}
	var out []string
	for _, e := range v.Content {
		s, ok := str(e)
		if !ok {
			c.errorf(e, path, "want a string, got %s", jsonType(yamlnode.Resolve(e)))
			continue
		}
		out = append(out, s)
	}
	return out
}

// structural applies the API server's rules for structural schemas to s,
// compiled from n: every node has a type (except where int-or-string or
// preserve-unknown-fields allow any), value-validation branches specify no
// types, and the extensions are used where they mean something.
func (c *compiler) structural(s *Schema, n *yaml.Node, path string, inValue, root bool) {
	at := func(key string) *yaml.Node {
		if k := keyNode(n, key); k != nil {
			return k
		}
		return n
	}
	if inValue {
		// Inside allOf, anyOf, oneOf and not only value validations may be
		// said; the structure is the outer schema's.
		for _, key := range []string{"additionalProperties", "default", "nullable", "x-kubernetes-preserve-unknown-fields", "x-kubernetes-embedded-resource", "x-kubernetes-int-or-string", "x-kubernetes-list-type", "x-kubernetes-list-map-keys", "x-kubernetes-map-type", "x-kubernetes-validations"} {
			if keyNode(n, key) != nil {
				c.errorf(at(key), path+"."+key, "%s must not be used inside allOf, anyOf, oneOf or not", key)
			}
		}
		return
	}
	// Types in value-validation branches: only int-or-string's
	// anyOf/allOf [{type: integer}, {type: string}] is allowed.
	for _, b := range slices.Concat(s.AllOf, s.AnyOf, s.OneOf, []*Schema{s.Not}) {
		if b == nil || b.Type == "" || s.IntOrString && (b.Type == "integer" || b.Type == "string") && !slices.Contains(s.OneOf, b) && b != s.Not {
			continue
		}
		c.errorf(keyNode(b.node, "type"), path+".type", "must be empty to be structural: a type inside allOf, anyOf, oneOf or not is not allowed")
	}
	if s.Type == "" && !s.IntOrString && !s.PreserveUnknown && keyNode(n, "type") == nil {
		c.errorf(n, path+".type", "must not be empty for a structural schema: every node needs a type (or x-kubernetes-int-or-string or x-kubernetes-preserve-unknown-fields)")
	}
	if root && s.Type != "object" && s.Type != "" {
		c.errorf(at("type"), path+".type", "the root of a CRD schema must be of type object, not %s", s.Type)
	}
	// A type beside x-kubernetes-int-or-string is allowed, and ignored:
	// the API server accepts an integer or a string whatever it says.
	if s.IntOrString && s.PreserveUnknown {
		c.errorf(at("x-kubernetes-preserve-unknown-fields"), path+".x-kubernetes-preserve-unknown-fields", "must be false if x-kubernetes-int-or-string is true")
	}
	if s.IntOrString && s.Embedded {
		c.errorf(at("x-kubernetes-embedded-resource"), path+".x-kubernetes-embedded-resource", "must be false if x-kubernetes-int-or-string is true")
	}
	if s.Embedded && s.Additional != nil {
		c.errorf(at("additionalProperties"), path+".additionalProperties", "must not be used if x-kubernetes-embedded-resource is set")
	}
	if s.Embedded && s.Type != "object" {
		c.errorf(at("x-kubernetes-embedded-resource"), path+".x-kubernetes-embedded-resource", "x-kubernetes-embedded-resource needs type: object")
	}
	if s.Properties != nil && s.Additional != nil {
		c.errorf(at("additionalProperties"), path+".additionalProperties", "additionalProperties and properties are mutually exclusive")
	}
	if s.Type == "array" && s.Items == nil {
		c.errorf(at("type"), path+".items", "must be specified: an array needs items")
	}
	if s.Type != "array" && s.ListType != "" {
		c.errorf(at("x-kubernetes-list-type"), path+".x-kubernetes-list-type", "x-kubernetes-list-type needs type: array")
	}
	switch s.ListType {
	case "set":
		if s.Items != nil && (s.Items.Type == "object" || s.Items.Type == "array") {
			c.errorf(at("x-kubernetes-list-type"), path+".items.type", "the items of x-kubernetes-list-type: set must be scalars, not %s", s.Items.Type)
		}
	case "map":
		if len(s.ListMapKeys) == 0 {
			c.errorf(at("x-kubernetes-list-type"), path+".x-kubernetes-list-map-keys", "x-kubernetes-list-type: map needs x-kubernetes-list-map-keys")
		}
		if s.Items != nil && s.Items.Type != "object" {
			c.errorf(at("x-kubernetes-list-type"), path+".items.type", "the items of x-kubernetes-list-type: map must be objects")
		}
		for _, key := range s.ListMapKeys {
			if s.Items == nil || s.Items.Type != "object" {
				break
			}
			p := s.Items.Properties[key]
			switch {
			case p == nil:
				c.errorf(at("x-kubernetes-list-map-keys"), path+".x-kubernetes-list-map-keys", "the list-map key %q is not a property of the items", key)
			case !slices.Contains(s.Items.Required, key) && !p.HasDefault:
				c.errorf(at("x-kubernetes-list-map-keys"), path+".x-kubernetes-list-map-keys", "the list-map key %q must be required or have a default", key)
			}
		}
	}
	if len(s.ListMapKeys) > 0 && s.ListType != "map" {
		c.errorf(at("x-kubernetes-list-map-keys"), path+".x-kubernetes-list-map-keys", "x-kubernetes-list-map-keys needs x-kubernetes-list-type: map")
	}
	for _, r := range s.Required {
		if s.Properties != nil && s.Properties[r] == nil && !s.PreserveUnknown {
			c.errorf(at("required"), path+".required", "required field %q is not among the properties", r)
		}
	}
}

// keyNode returns the key node of field key in mapping n.
func keyNode(n *yaml.Node, key string) *yaml.Node {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i]
		}
	}
	return nil
}

// checkRootMetadata holds the root's metadata to what a CRD may say about
// it: only name and generateName, as strings.
func (c *compiler) checkRootMetadata(root *Schema, path string) {
	meta := root.Properties["metadata"]
	if meta == nil {
		return
	}
	if meta.Type != "" && meta.Type != "object" {
		c.errorf(meta.node, path+".properties.metadata.type", "must be object")
	}
	for name, p := range meta.Properties {
		if name != "name" && name != "generateName" {
			c.errorf(p.node, path+".properties.metadata.properties."+name, "the schema of metadata may only restrict name and generateName")
		}
	}
}
