package crd

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"

	"go.yaml.in/yaml/v3"

	"github.com/eastern-k8s/eastern/diag"
	"github.com/eastern-k8s/eastern/internal/yamlnode"
)

// Definition is one CustomResourceDefinition, compiled: its names, scope
// and versions with their schemas.
type Definition struct {
	Name                                    string // metadata.name, plural.group
	Group, Kind, Plural, Singular, ListKind string
	ClusterScoped                           bool
	Versions                                []*Version
	// APIVersion is the CRD's own: apiextensions.k8s.io/v1 or v1beta1.
	APIVersion string
	// Problems are what is wrong with it as a CRD, at nodes of the
	// document it was read from.
	Problems []Problem
	// Source says where it was read, "crds/certs.yaml:12", for messages
	// about two CRDs that disagree; empty for one found in a render.
	Source string
	// KeepsUnknown: the API server keeps fields the schema does not name
	// (a v1beta1 CRD with spec.preserveUnknownFields, its default, or
	// with a non-structural schema), so they are no findings.
	KeepsUnknown bool

	// spec is the spec as canonical JSON, made on first comparison: two
	// CRDs agree when theirs are equal.
	spec      func() string
	line, col int // where the CRD's mapping starts in its document
	// unevaluated counts its rules that this build, without CEL, leaves.
	unevaluated int
}

// Version is one version of a CRD.
type Version struct {
	Name               string
	Served, Storage    bool
	Deprecated         bool
	DeprecationWarning string
	Schema             *Schema // nil when the version has none (v1beta1 without validation)
}

// Version returns the version named name, or nil.
func (d *Definition) Version(name string) *Version {
	for _, v := range d.Versions {
		if v.Name == name {
			return v
		}
	}
	return nil
}

// IsDefinition reports whether apiVersion and kind name a
// CustomResourceDefinition that eastern reads.
func IsDefinition(apiVersion, kind string) bool {
	return kind == "CustomResourceDefinition" && (apiVersion == "apiextensions.k8s.io/v1" || apiVersion == "apiextensions.k8s.io/v1beta1")
}

// Compile reads the CRD document whose root mapping is m; ok is false when
// m is not a CustomResourceDefinition. What is wrong with it as a CRD is in
// Definition.Problems; a CRD with problems is still used for what it says.
func Compile(m *yaml.Node) (d *Definition, ok bool) {
	m = yamlnode.Resolve(m)
	apiVersion, _ := str(field(m, "apiVersion"))
	kind, _ := str(field(m, "kind"))
	if m == nil || m.Kind != yaml.MappingNode || !IsDefinition(apiVersion, kind) {
		return nil, false
	}
	d = &Definition{APIVersion: apiVersion, line: m.Line, col: m.Column}
	c := &compiler{v1beta1: apiVersion == "apiextensions.k8s.io/v1beta1"}
	d.Name, _ = str(field(field(m, "metadata"), "name"))
	spec := field(m, "spec")
	if spec == nil || spec.Kind != yaml.MappingNode {
		c.errorf(m, "spec", "a CustomResourceDefinition needs a spec")
		d.Problems = c.problems
		return d, true
	}
	d.spec = sync.OnceValue(func() string {
		budget := maxValueNodes
		v, _ := value(spec, &budget)
		b, _ := json.Marshal(v)
		return string(b)
	})
	d.Group, _ = str(field(spec, "group"))
	names := field(spec, "names")
	d.Kind, _ = str(field(names, "kind"))
	d.Plural, _ = str(field(names, "plural"))
	d.Singular, _ = str(field(names, "singular"))
	d.ListKind, _ = str(field(names, "listKind"))
	d.checkNames(c, m, spec, names)

	scope, _ := str(field(spec, "scope"))
	switch scope {
	case "Cluster":
		d.ClusterScoped = true
	case "Namespaced":
	case "":
		if !c.v1beta1 {
			c.errorf(spec, "spec.scope", "missing spec.scope: Namespaced or Cluster")
		}
	default:
		c.errorf(field(spec, "scope"), "spec.scope", "scope must be Namespaced or Cluster, not %q", scope)
	}
	d.readVersions(c, spec)
	preserve := field(spec, "preserveUnknownFields")
	switch {
	case c.v1beta1:
		d.KeepsUnknown = c.nonStructural || preserve == nil || boolean(preserve)
	case preserve != nil && boolean(preserve):
		c.errorf(preserve, "spec.preserveUnknownFields", "must be false in apiextensions.k8s.io/v1: use x-kubernetes-preserve-unknown-fields in the schema")
	}
	d.Problems = c.problems
	d.unevaluated = c.unevaluated
	return d, true
}

// checkNames holds the names to the API server's rules: metadata.name is
// plural.group, the group a domain, plural and kind present.
func (d *Definition) checkNames(c *compiler, m, spec, names *yaml.Node) {
	switch {
	case d.Group == "":
		c.errorf(spec, "spec.group", "missing spec.group")
	case !strings.Contains(d.Group, "."):
		c.errorf(field(spec, "group"), "spec.group", "group %q should be a domain with at least one dot", d.Group)
	}
	if names == nil {
		c.errorf(spec, "spec.names", "missing spec.names")
		return
	}
	if d.Plural == "" {
		c.errorf(names, "spec.names.plural", "missing spec.names.plural")
	} else if d.Plural != strings.ToLower(d.Plural) {
		c.errorf(field(names, "plural"), "spec.names.plural", "plural %q must be lowercase", d.Plural)
	}
	if d.Kind == "" {
		c.errorf(names, "spec.names.kind", "missing spec.names.kind")
	}
	if d.Singular == "" {
		d.Singular = strings.ToLower(d.Kind)
	} else if d.Singular != strings.ToLower(d.Singular) {
		c.errorf(field(names, "singular"), "spec.names.singular", "singular %q must be lowercase", d.Singular)
	}
	if d.ListKind == "" {
		d.ListKind = d.Kind + "List"
	} else if d.ListKind == d.Kind {
		c.errorf(field(names, "listKind"), "spec.names.listKind", "listKind must differ from kind")
	}
	if want := d.Plural + "." + d.Group; d.Plural != "" && d.Group != "" && d.Name != want {
		at := field(field(m, "metadata"), "name")
		if at == nil {
			at = m
		}
		c.errorf(at, "metadata.name", "the name of the CRD must be spec.names.plural + \".\" + spec.group: %q, not %q", want, d.Name)
	}
}

// readVersions reads spec.versions (and v1beta1's spec.version and
// spec.validation), compiling each schema once.
func (d *Definition) readVersions(c *compiler, spec *yaml.Node) {
	var shared *Schema // v1beta1's spec.validation, for versions without their own
	if c.v1beta1 {
		if s := field(field(spec, "validation"), "openAPIV3Schema"); s != nil {
			shared = c.compileRoot(s, "spec.validation.openAPIV3Schema", d.Name+".validation.")
		}
	}
	versions := field(spec, "versions")
	if versions == nil && c.v1beta1 {
		if name, ok := str(field(spec, "version")); ok && name != "" {
			d.Versions = []*Version{{Name: name, Served: true, Storage: true, Schema: shared}}
			return
		}
	}
	if versions == nil || versions.Kind != yaml.SequenceNode || len(versions.Content) == 0 {
		c.errorf(spec, "spec.versions", "a CRD must list its versions")
		return
	}
	storage := 0
	for i, vn := range versions.Content {
		vn = yamlnode.Resolve(vn)
		path := fmt.Sprintf("spec.versions[%d]", i)
		v := &Version{}
		v.Name, _ = str(field(vn, "name"))
		v.Served = boolField(vn, "served", c.v1beta1)
		v.Storage = boolField(vn, "storage", false)
		v.Deprecated = boolField(vn, "deprecated", false)
		v.DeprecationWarning, _ = str(field(vn, "deprecationWarning"))
		if v.Name == "" {
			c.errorf(vn, path+".name", "a version needs a name")
		} else if d.Version(v.Name) != nil {
			c.errorf(field(vn, "name"), path+".name", "version %q is listed twice", v.Name)
		}
		if v.Storage {
			storage++
		}
		if s := field(field(vn, "schema"), "openAPIV3Schema"); s != nil {
			v.Schema = c.compileRoot(s, path+".schema.openAPIV3Schema", d.Name+"."+v.Name+".")
		} else if shared != nil {
			v.Schema = shared
		} else if !c.v1beta1 {
			c.errorf(vn, path+".schema.openAPIV3Schema", "version %q has no schema: apiextensions.k8s.io/v1 requires one", v.Name)
		}
		d.Versions = append(d.Versions, v)
	}
	if storage != 1 {
		c.errorf(versions, "spec.versions", "exactly one version must be marked as the storage version, %d are", storage)
	}
	if !slices.ContainsFunc(d.Versions, func(v *Version) bool { return v.Served }) {
		c.errorf(versions, "spec.versions", "no version is served")
	}
}

// compileRoot compiles a version's openAPIV3Schema, its rules typed from
// it; prefix names its object types for CEL.
func (c *compiler) compileRoot(n *yaml.Node, path, prefix string) *Schema {
	c.rules = 0
	s := c.compile(n, path, false, true)
	c.checkRootMetadata(s, path)
	c.compileRules(s, prefix)
	return s
}

func boolField(m *yaml.Node, key string, def bool) bool {
	v := field(m, key)
	if v == nil || v.Kind != yaml.ScalarNode || yamlnode.Tag(v) != "!!bool" {
		return def
	}
	return boolean(v)
}

// agrees reports whether two CRDs say the same.
func (d *Definition) agrees(o *Definition) bool {
	return d == o || d.spec != nil && o.spec != nil && d.spec() == o.spec()
}

// groupKind is what a CRD defines: one kind of one group.
type groupKind struct{ group, kind string }

func (d *Definition) key() groupKind { return groupKind{d.Group, d.Kind} }

// Findings turns the CRD's problems into findings in file, whose line
// numbers start at line (the document's first line is line).
func (d *Definition) Findings(file string, line int) diag.Findings {
	var out diag.Findings
	for _, p := range d.Problems {
		pos := diag.Position{File: file}
		if p.Node != nil {
			pos.Line, pos.Col = line+p.Node.Line-1, p.Node.Column
		}
		out = append(out, &diag.Finding{Severity: p.Severity, Rule: p.Rule, Message: p.Message, Pos: pos,
			Object: "CustomResourceDefinition/" + d.Name, Field: p.Field})
	}
	return out
}
