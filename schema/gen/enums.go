package main

import (
	"go/ast"
	"go/constant"
	"go/types"
	"reflect"
	"slices"
	"strconv"
	"strings"
)

// enumCandidate returns the node of a named string type that has typed
// constants in its package, or nil. k8s.io/api marks enums +enum only from
// v0.23; older releases declare the same types and constants unmarked, so
// every candidate is kept and markEnums decides across releases.
func (x *extractor) enumCandidate(named *types.Named) *node {
	tn := named.Obj()
	var values []string
	scope := tn.Pkg().Scope()
	for _, name := range scope.Names() {
		c, ok := scope.Lookup(name).(*types.Const)
		if !ok || !types.Identical(c.Type(), named) || c.Val().Kind() != constant.String {
			continue
		}
		if v := constant.StringVal(c.Val()); v != "" {
			// "" is the unset value of an omitempty field, which every
			// enum accepts (HostPathUnset names it).
			values = append(values, v)
		}
	}
	if len(values) == 0 {
		return nil
	}
	slices.Sort(values)
	n := &node{shape: str, enumType: qualifiedName(named), values: slices.Compact(values),
		marked: hasCommentTag(x.typeDocs[tn], "enum")}
	x.named[tn] = n
	return n
}

// openEnums are types k8s.io/api marks +enum whose fields the API server
// accepts other values for, so that a closed set would reject valid
// manifests. Each says why.
var openEnums = map[string]string{
	// Secret.type: any string, the API server validates only the built-in
	// types' keys (ValidateSecret in pkg/apis/core/validation).
	"k8s.io/api/core/v1.SecretType": "custom Secret types are allowed",
	// readinessGates[].conditionType: any qualified name
	// (validateReadinessGates).
	"k8s.io/api/core/v1.PodConditionType": "readiness gates name custom conditions",
	// Taints and tolerations are validated against the constants, but a
	// toleration's effect "" (all effects) is already accepted as unset.
}

// markEnums turns the candidates of every release into enums when some
// release marks their type +enum (and it is not open), and into plain
// strings otherwise.
func markEnums(rels []*release) {
	marked := map[string]bool{}
	var candidates []*node
	walkNodes(rels, func(n *node) {
		if n.enumType != "" {
			candidates = append(candidates, n)
			if n.marked && openEnums[n.enumType] == "" {
				marked[n.enumType] = true
			}
		}
	})
	for _, n := range candidates {
		if marked[n.enumType] {
			n.shape = enumStr
		} else {
			n.values = nil
		}
	}
}

// walkNodes calls f once for every node the releases' kinds reach.
func walkNodes(rels []*release, f func(*node)) {
	seen := map[*node]bool{}
	var visit func(n *node)
	visit = func(n *node) {
		if seen[n] {
			return
		}
		seen[n] = true
		f(n)
		for _, fd := range n.fields {
			visit(fd.node)
		}
		if n.elem != nil {
			visit(n.elem)
		}
	}
	for _, n := range kindRoots(rels) {
		visit(n)
	}
}

// listKeys returns the key fields of a list the API treats as a map:
// +listType=map with its +listMapKey tags, else a strategic-merge list's
// patchMergeKey (which structured-merge-diff and so server-side apply also
// read as the map key). Atomic and set lists have none. Each key's
// default comes from the item field's +default tag.
func (x *extractor) listKeys(decl *ast.Field, tag reflect.StructTag, t types.Type) []listKey {
	tags := commentTags(decl.Doc)
	var names []string
	switch {
	case slices.Contains(tags["listType"], "map"):
		names = tags["listMapKey"]
	case len(tags["listType"]) > 0:
		return nil
	case strings.Contains(tag.Get("patchStrategy"), "merge") && tag.Get("patchMergeKey") != "":
		names = []string{tag.Get("patchMergeKey")}
	}
	if len(names) == 0 {
		return nil
	}
	item := itemStruct(t)
	keys := make([]listKey, len(names))
	for i, name := range names {
		keys[i] = listKey{name: name}
		if item == nil {
			continue
		}
		for j := 0; j < item.NumFields(); j++ {
			json, _, _ := strings.Cut(reflect.StructTag(item.Tag(j)).Get("json"), ",")
			if json != name {
				continue
			}
			if d := x.decls[item.Field(j)]; d != nil {
				if def := commentTags(d.Doc)["default"]; len(def) > 0 {
					if s, err := strconv.Unquote(def[0]); err == nil {
						keys[i].def = s
					}
				}
			}
		}
	}
	return keys
}

// itemStruct is the struct of a slice's items, through pointers.
func itemStruct(t types.Type) *types.Struct {
	s, ok := types.Unalias(t).Underlying().(*types.Slice)
	if !ok {
		return nil
	}
	e := types.Unalias(s.Elem())
	if p, ok := e.(*types.Pointer); ok {
		e = p.Elem()
	}
	st, _ := e.Underlying().(*types.Struct)
	return st
}

// commentTags reads a comment's "+key=value" lines (kube-openapi's tags),
// every value of each key in order; "+enum" has the value "".
func commentTags(doc *ast.CommentGroup) map[string][]string {
	out := map[string][]string{}
	if doc == nil {
		return out
	}
	for _, line := range strings.Split(doc.Text(), "\n") {
		line = strings.TrimSpace(line)
		if !strings.HasPrefix(line, "+") {
			continue
		}
		key, value, _ := strings.Cut(line[1:], "=")
		out[key] = append(out[key], value)
	}
	return out
}

func hasCommentTag(doc *ast.CommentGroup, key string) bool {
	_, ok := commentTags(doc)[key]
	return ok
}
