// Package deploy applies a rendered manifest to a cluster and follows it
// there: server-side apply in dependency order, rollout waits that say why
// a rollout stalled, pruning through an ApplySet, diffs against the live
// objects and one-off Jobs. It is the deploying half of Project Eastern.
package deploy

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	sigsyaml "sigs.k8s.io/yaml"

	"github.com/eastern-k8s/eastern/diag"
	"github.com/eastern-k8s/eastern/manifest"
	"github.com/eastern-k8s/eastern/validator"
)

// Object is one manifest object and where it was written.
type Object struct {
	*unstructured.Unstructured
	doc    []byte // the YAML document it came from
	start  int    // output line the document starts on
	prefix string // field path of the object within the document: "items[2]" in a List, else ""
	lines  validator.LineMap
}

// Label names the object for people: "Deployment/web".
func (o *Object) Label() string { return manifest.Label(o.GetKind(), o.GetName()) }

// GVK is the object's group, version and kind.
func (o *Object) GVK() schema.GroupVersionKind { return o.GroupVersionKind() }

// Position is the template position of the object's field at path (as the
// API server names fields: "spec.template.spec.containers[0].image"), or
// of the nearest enclosing field that the document writes, with the chain
// of loads. Without a line map it is the output position.
func (o *Object) Position(path string) (diag.Position, []diag.Position) {
	full := path
	if o.prefix != "" {
		full = strings.TrimSuffix(o.prefix+"."+path, ".")
	}
	line, col := locate(o.doc, full)
	line += o.start - 1
	if o.lines == nil {
		return diag.Position{Line: line, Col: col}, nil
	}
	return o.lines.Position(line, col)
}

// Parse reads the objects of a rendered manifest, in order; a List stands
// for its items. lines maps output lines to template positions for
// messages (nil: output positions). Documents that are empty or only
// comments are skipped. The YAML is converted to JSON with sigs.k8s.io/yaml,
// as kubectl does, so that what is sent is what kubectl would send.
func Parse(output []byte, lines validator.LineMap) ([]*Object, error) {
	var objs []*Object
	var errs diag.Findings
	for doc, start := range manifest.Documents(output) {
		fail := func(line int, format string, args ...any) {
			f := &diag.Finding{Severity: diag.Error, Rule: RuleManifest, Message: fmt.Sprintf(format, args...), Pos: diag.Position{Line: start + line - 1}}
			if lines != nil {
				f.Pos, f.Chain = lines.Position(f.Pos.Line, 0)
			}
			errs = append(errs, f)
		}
		js, err := sigsyaml.YAMLToJSON(doc)
		if err != nil {
			fail(1, "the document is not valid YAML: %s", manifest.PlainMessage(err.Error()))
			continue
		}
		js = bytes.TrimSpace(js)
		if bytes.Equal(js, []byte("null")) || len(js) == 0 {
			continue
		}
		u := &unstructured.Unstructured{}
		if err := u.UnmarshalJSON(js); err != nil {
			fail(1, "the document is not a Kubernetes object: %s", manifest.PlainMessage(err.Error()))
			continue
		}
		base := Object{doc: doc, start: start, lines: lines}
		if u.IsList() {
			list, err := u.ToList()
			if err != nil {
				fail(1, "the List cannot be read: %s", manifest.PlainMessage(err.Error()))
				continue
			}
			for i := range list.Items {
				o := base
				o.Unstructured = &list.Items[i]
				o.prefix = "items[" + strconv.Itoa(i) + "]"
				objs = append(objs, &o)
			}
			continue
		}
		o := base
		o.Unstructured = u
		objs = append(objs, &o)
	}
	for _, o := range objs {
		if o.GetName() == "" {
			pos, chain := o.Position("metadata")
			errs = append(errs, &diag.Finding{Severity: diag.Error, Rule: RuleManifest, Pos: pos, Chain: chain, Object: o.Label(),
				Message: "the object has no metadata.name: server-side apply needs one (generateName is for create)"})
		}
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return objs, nil
}

// locate finds the 1-based line and column, within doc, of the field at
// path, or of the deepest field on its way that doc writes; line 1 when
// nothing matches.
func locate(doc []byte, path string) (line, col int) {
	var root yaml.Node
	if err := yaml.Unmarshal(doc, &root); err != nil || len(root.Content) == 0 {
		return 1, 0
	}
	n := root.Content[0]
	line, col = n.Line, n.Column
	for _, seg := range splitPath(path) {
		at, next := child(n, seg)
		if next == nil {
			break
		}
		line, col = at.Line, at.Column
		n = next
	}
	return line, col
}

// child finds the key (of a mapping) or item (of a sequence) seg names:
// where to point at it — a scalar's value, a collection's key — and the
// node to descend into.
func child(n *yaml.Node, seg string) (at, next *yaml.Node) {
	for n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	switch n.Kind {
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			if k, v := n.Content[i], n.Content[i+1]; k.Value == seg {
				if v.Kind == yaml.ScalarNode {
					return v, v
				}
				return k, v
			}
		}
	case yaml.SequenceNode:
		if i, err := strconv.Atoi(seg); err == nil && i >= 0 && i < len(n.Content) {
			return n.Content[i], n.Content[i]
		}
	}
	return nil, nil
}

// splitPath cuts a field path as the API server writes it,
// "spec.containers[0].env[1].value" or "metadata.annotations[a.b/c]", into
// keys and indices.
func splitPath(path string) []string {
	var segs []string
	for len(path) > 0 {
		switch path[0] {
		case '.':
			path = path[1:]
		case '[':
			end := strings.IndexByte(path, ']')
			if end < 0 {
				return append(segs, path[1:])
			}
			segs = append(segs, path[1:end])
			path = path[end+1:]
		default:
			end := strings.IndexAny(path, ".[")
			if end < 0 {
				end = len(path)
			}
			segs = append(segs, path[:end])
			path = path[end:]
		}
	}
	return segs
}
