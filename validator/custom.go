package validator

import (
	"bytes"

	"go.yaml.in/yaml/v3"

	"github.com/eastern-k8s/eastern/diag"
	"github.com/eastern-k8s/eastern/manifest"
	"github.com/eastern-k8s/eastern/schema"
)

// CustomResources knows the kinds that CustomResourceDefinitions define,
// for one Validate call: the CRDs the caller was given and those in the
// output itself. Package crd implements it; the validator only asks.
type CustomResources interface {
	// Define reads a document of the output that mentions
	// CustomResourceDefinition (before any object is checked), so that
	// a CRD applies to the whole output that contains it.
	Define(text []byte)
	// CheckDefinition reports what is wrong with CRD m, of the document
	// text (m is the document's mapping or an item of a List), as a CRD
	// when the walk reaches it.
	CheckDefinition(text []byte, m *yaml.Node, report Report)
	// Scope reports whether a CRD defines gvk's group and kind, and
	// whether the kind is cluster-scoped.
	Scope(gvk schema.GVK) (defined, cluster bool)
	// Check checks custom resource m of gvk; false when no CRD defines it.
	Check(m *yaml.Node, gvk schema.GVK, report Report) bool
}

// Report receives one finding at node (of the current document) with its
// field path; CustomResources report through it.
type Report = func(sev diag.Severity, rule string, node *yaml.Node, field, msg string)

// Coverage says what an object was checked against.
type Coverage uint8

const (
	// BySchema: a built-in kind, checked against the release's schema
	// (or judged by its API version alone).
	BySchema Coverage = iota
	// ByCRD: a custom resource, checked against its CRD.
	ByCRD
	// Skipped: no schema and no CRD: only its identity was checked.
	Skipped
)

// defineCRDs hands the output's CRD documents to c.opts.CRDs before the
// walk, so that a custom resource may come before its CRD.
func (c *checker) defineCRDs(output []byte) {
	if c.opts.CRDs == nil || !mentionsCRD(output) {
		return
	}
	for text := range manifest.Documents(output) {
		if mentionsCRD(text) {
			c.opts.CRDs.Define(text)
		}
	}
}

func mentionsCRD(b []byte) bool {
	return bytes.Contains(b, []byte("CustomResourceDefinition"))
}

// reportFor is the Report that CustomResources are given for object m:
// findings at a node of the current document (m itself when nil), with
// their field path below the object's (items[2] of a List).
func (c *checker) reportFor(m *yaml.Node) Report {
	prefix := formatPath(c.path[:c.rootDepth])
	return func(sev diag.Severity, rule string, node *yaml.Node, field, msg string) {
		if node == nil {
			node = m
		}
		pos := c.position(node)
		if c.dropping(sev, pos) {
			return
		}
		switch {
		case prefix != "" && field != "":
			field = prefix + "." + field
		case prefix != "":
			field = prefix
		}
		c.record(&diag.Finding{Severity: sev, Rule: rule, Message: msg, Pos: pos, Release: c.opts.Release, Object: c.object, Field: field})
	}
}

// checkDefinition checks a CustomResourceDefinition as a CRD.
func (c *checker) checkDefinition(m *yaml.Node, o objectFields) {
	if c.opts.CRDs != nil && o.okAPI && o.okKind && crdKind(o.GVK) {
		c.opts.CRDs.CheckDefinition(c.doc.text, m, c.reportFor(m))
	}
}

func crdKind(gvk schema.GVK) bool {
	return gvk.Group == "apiextensions.k8s.io" && gvk.Kind == "CustomResourceDefinition" && (gvk.Version == "v1" || gvk.Version == "v1beta1")
}

// checkCustom checks an object of a kind no release has against its CRD;
// false when there is none.
func (c *checker) checkCustom(m *yaml.Node, o objectFields) bool {
	if c.opts.CRDs == nil || !c.opts.CRDs.Check(m, o.GVK, c.reportFor(m)) {
		return false
	}
	c.objects[len(c.objects)-1].Coverage = ByCRD
	return true
}

// clusterScoped reports whether a CRD makes gvk a cluster-scoped kind.
func (c *checker) clusterScoped(gvk schema.GVK) bool {
	if c.opts.CRDs == nil {
		return false
	}
	_, cluster := c.opts.CRDs.Scope(gvk)
	return cluster
}
