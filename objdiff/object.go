// Package objdiff compares two renders object by object, as a reviewer
// reads a change to manifests: it splits each render into Kubernetes
// objects, matches them by API group, kind, namespace and name (so that
// reordered documents and keys are no change), and says what was added,
// removed or changed, with the YAML of both sides, keys sorted and the
// values of Secrets masked as kubectl diff masks them. Its writers print
// a Diff as unified diffs (text), as a pull-request comment (Markdown) or
// as JSON.
//
// It knows nothing of clusters: eastern diff --since and -n use it, and
// the live diff of package deploy masks Secrets with it.
package objdiff

import (
	"bytes"
	"encoding/json"
	"strings"

	sigsyaml "sigs.k8s.io/yaml"

	"github.com/eastern-k8s/eastern/manifest"
)

// Object is one object of a render.
type Object struct {
	// Key identifies it; Key.Namespace is the render's namespace for an
	// object that names none.
	Key manifest.Key
	// Line is the output line its document starts on.
	Line int
	// Value is the object as JSON decodes it (numbers as json.Number).
	Value any
}

// Label names the object for people: "Deployment/web".
func (o Object) Label() string { return manifest.Label(o.Key.Kind, o.Key.Name) }

// Parse splits a rendered stream into its objects, in order, with the
// render's namespace filled in where an object names none. Documents that
// hold nothing (comments only, null) are left out; a v1 List contributes
// its items, as kubectl applies them. A document that is not valid YAML is
// a *manifest.SyntaxError at its output line.
func Parse(out []byte, namespace string) ([]Object, error) {
	var objs []Object
	for doc, start := range manifest.Documents(out) {
		js, err := sigsyaml.YAMLToJSON(doc)
		if err != nil {
			return nil, syntaxError(doc, start, err)
		}
		if bytes.Equal(js, []byte("null")) {
			continue
		}
		dec := json.NewDecoder(bytes.NewReader(js))
		dec.UseNumber()
		var v any
		if err := dec.Decode(&v); err != nil {
			return nil, &manifest.SyntaxError{Line: start, Msg: err.Error()}
		}
		if items, ok := listItems(v); ok {
			for _, item := range items {
				objs = append(objs, Object{Key: keyOf(item, namespace), Line: start, Value: item})
			}
			continue
		}
		objs = append(objs, Object{Key: keyOf(v, namespace), Line: start, Value: v})
	}
	return objs, nil
}

// syntaxError is the *manifest.SyntaxError of a document that is not
// YAML. manifest.JSONList words it and finds its line, as render -o json
// reports it; it runs on the one document, the lines before it blank.
func syntaxError(doc []byte, start int, err error) error {
	_, listErr := manifest.JSONList(append(bytes.Repeat([]byte("\n"), start-1), doc...))
	if listErr != nil {
		return listErr
	}
	return &manifest.SyntaxError{Line: start, Msg: err.Error()}
}

// listItems returns the items of a v1 List.
func listItems(v any) ([]any, bool) {
	m, ok := v.(map[string]any)
	if !ok || m["apiVersion"] != "v1" || m["kind"] != "List" {
		return nil, false
	}
	items, ok := m["items"].([]any)
	return items, ok || m["items"] == nil
}

// keyOf is the identity of an object; what is not a mapping, or lacks
// the fields, has empty parts.
func keyOf(v any, namespace string) manifest.Key {
	m, _ := v.(map[string]any)
	str := func(m map[string]any, k string) string { s, _ := m[k].(string); return s }
	meta, _ := m["metadata"].(map[string]any)
	k := manifest.Key{Kind: str(m, "kind"), Namespace: str(meta, "namespace"), Name: str(meta, "name")}
	if k.Name == "" {
		k.Name = str(meta, "generateName")
	}
	if group, _, ok := strings.Cut(str(m, "apiVersion"), "/"); ok {
		k.Group = group
	}
	if k.Namespace == "" {
		k.Namespace = namespace
	}
	return k
}

// StripNamespace empties the namespace of the keys of objects in
// namespace, so that the renders of one template for two namespaces
// match object by object: Deployment/web in staging is Deployment/web in
// production.
func StripNamespace(objs []Object, namespace string) {
	for i := range objs {
		if objs[i].Key.Namespace == namespace {
			objs[i].Key.Namespace = ""
		}
	}
}
