package main

import (
	"bytes"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
)

// dataVersion is the first line of the data file; bump it with any change
// to the format, together with the decoder in package schema.
const dataVersion = "eastern-schema 2"

// encode merges every release into the data file's text. Nodes that
// describe the same JSON shape are merged whatever Go type or release they
// came from, including recursive ones, by partition refinement (Moore's
// algorithm, in refine): start from classes of equal local shape and split
// them by their children's classes until nothing changes. The result is the
// minimal graph, so the output does not depend on how Go types were spelled.
func encode(rels []*release, versions map[string]string) ([]byte, error) {
	markEnums(rels)
	if err := checkTokens(rels); err != nil {
		return nil, err
	}
	ids := numberObjects(rels, refine(reachableNodes(rels)))
	var b bytes.Buffer
	writeHeader(&b, rels, versions)
	writeObjects(&b, ids)
	writeKinds(&b, rels, ids)
	return b.Bytes(), nil
}

// kindRoots returns the root node of every kind of every release, releases
// in order and kinds sorted within each: the one walk order both the
// merge and the numbering use, so the output is deterministic.
func kindRoots(rels []*release) []*node {
	var roots []*node
	for _, r := range rels {
		for _, k := range sortedKinds(r.kinds) {
			roots = append(roots, r.kinds[k])
		}
	}
	return roots
}

// reachableNodes returns every node the releases' kinds reach, each once.
func reachableNodes(rels []*release) []*node {
	var all []*node
	seen := map[*node]bool{}
	var collect func(n *node)
	collect = func(n *node) {
		if seen[n] {
			return
		}
		seen[n] = true
		all = append(all, n)
		for _, f := range n.fields {
			collect(f.node)
		}
		if n.elem != nil {
			collect(n.elem)
		}
	}
	for _, n := range kindRoots(rels) {
		collect(n)
	}
	return all
}

// objectIDs numbers the object classes: class id[c] is described by the
// id[c]-th "o" line of the data file (the format is in schema/data.go).
type objectIDs struct {
	id      []int   // by class; -1 for classes that are not objects
	objects []*node // one node of each object class, by id
}

// numberObjects numbers the object classes in the order a walk over the
// releases meets them, so the file is deterministic and related nodes sit
// together. classes is the number of classes refine found.
func numberObjects(rels []*release, classes int) *objectIDs {
	ids := &objectIDs{id: make([]int, classes)}
	for i := range ids.id {
		ids.id[i] = -1
	}
	var number func(n *node)
	number = func(n *node) {
		switch n.shape {
		case object:
			if ids.id[n.class] >= 0 {
				return
			}
			ids.id[n.class] = len(ids.objects)
			ids.objects = append(ids.objects, n)
			for _, f := range n.fields {
				number(f.node)
			}
		case mapOf, arrayOf:
			number(n.elem)
		}
	}
	for _, n := range kindRoots(rels) {
		number(n)
	}
	return ids
}

// ref is the data file's REF for n's shape: an object's number, a
// primitive's letter, "{" or "[" before its element's REF ("{s", "[12"),
// a list-map's keys in angle brackets before its element's REF
// ("<containerPort,protocol:TCP>14"), or an enum's values ("eAlways|Never").
func (ids *objectIDs) ref(n *node) string {
	switch n.shape {
	case object:
		return strconv.Itoa(ids.id[n.class])
	case arrayOf:
		if len(n.keys) > 0 {
			return "<" + keysToken(n.keys) + ">" + ids.ref(n.elem)
		}
		return string(n.shape) + ids.ref(n.elem)
	case mapOf:
		return string(n.shape) + ids.ref(n.elem)
	case enumStr:
		return "e" + enumToken(n.values)
	}
	return string(n.shape)
}

// keysToken writes list-map keys as "name" or "name:default", comma-separated.
func keysToken(keys []listKey) string {
	var b strings.Builder
	for i, k := range keys {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(k.name)
		if k.def != "" {
			b.WriteByte(':')
			b.WriteString(k.def)
		}
	}
	return b.String()
}

// enumToken joins enum values with "|", escaping the characters the data
// file's tokens cannot hold as %XX ("cert sign", a certificate key usage,
// becomes cert%20sign).
func enumToken(values []string) string {
	escaped := make([]string, len(values))
	for i, v := range values {
		escaped[i] = tokenEscaper.Replace(v)
	}
	return strings.Join(escaped, "|")
}

var tokenEscaper = strings.NewReplacer("%", "%25", " ", "%20", "|", "%7C")

// checkTokens fails on enum values and list keys that the data file's
// tokens cannot hold, rather than write a file the decoder misreads.
func checkTokens(rels []*release) error {
	var err error
	walkNodes(rels, func(n *node) {
		for _, v := range n.values {
			if n.shape == enumStr && strings.ContainsAny(v, "\t\n\r") && err == nil {
				err = fmt.Errorf("enum %s value %q cannot be written to the data file", n.enumType, v)
			}
		}
		for _, k := range n.keys {
			if strings.ContainsAny(k.name+k.def, " \t\n,:<>") && err == nil {
				err = fmt.Errorf("list-map key %q (default %q) cannot be written to the data file", k.name, k.def)
			}
		}
	})
	return err
}

// writeHeader writes the format version, the notice and one "release" line
// per release, naming the k8s.io/api version it was read from.
func writeHeader(b *bytes.Buffer, rels []*release, versions map[string]string) {
	b.WriteString(dataVersion + "\n")
	b.WriteString("# Field trees and API lifecycles of the built-in Kubernetes kinds, generated by\n")
	b.WriteString("# schema/gen (make schemas) from k8s.io/api, k8s.io/apiextensions-apiserver and\n")
	b.WriteString("# k8s.io/kube-aggregator. DO NOT EDIT. The format is described in schema/data.go.\n")
	for _, r := range rels {
		fmt.Fprintf(b, "release %s %s\n", r.version, versions[r.version])
	}
}

// writeObjects writes one "o" line per object class, in id order: each
// field's name, "!" when it is required, and its shape.
func writeObjects(b *bytes.Buffer, ids *objectIDs) {
	for _, n := range ids.objects {
		b.WriteString("o")
		for _, f := range n.fields {
			b.WriteByte(' ')
			b.WriteString(f.name)
			if f.required {
				b.WriteByte('!')
			}
			b.WriteByte('=')
			b.WriteString(ids.ref(f.node))
		}
		b.WriteByte('\n')
	}
}

// writeKinds writes one "k" line per kind any release has: its merged
// lifecycle, then its root object from each release where that changes
// ("-" where the release lacks the kind), so that a kind unchanged across
// releases costs one entry.
func writeKinds(b *bytes.Buffer, rels []*release, ids *objectIDs) {
	union := map[gvk]bool{}
	for _, r := range rels {
		for k := range r.kinds {
			union[k] = true
		}
	}
	for _, k := range sortedKinds(union) {
		lc := mergeLifecycle(rels, k)
		fmt.Fprintf(b, "k %s %s %s %s %s %s", k.apiVersion(), k.kind,
			orDash(lc.introduced), orDash(lc.deprecated), orDash(lc.removed), replacementToken(lc.replacement))
		last := "-"
		for _, r := range rels {
			cur := "-"
			if n, ok := r.kinds[k]; ok {
				cur = ids.ref(n)
			}
			if cur != last {
				fmt.Fprintf(b, " %s=%s", r.version, cur)
				last = cur
			}
		}
		b.WriteByte('\n')
	}
}

// refine assigns n.class for every node so that two nodes share a class
// exactly when they describe the same JSON shape, and returns the number
// of classes.
func refine(all []*node) int {
	classOf := func(keys []string) int {
		ids := map[string]int{}
		for i, n := range all {
			c, ok := ids[keys[i]]
			if !ok {
				c = len(ids)
				ids[keys[i]] = c
			}
			n.class = c
		}
		return len(ids)
	}
	keys := make([]string, len(all))
	for i, n := range all {
		var k strings.Builder
		k.WriteByte(byte(n.shape))
		if n.shape == enumStr {
			k.WriteString(enumToken(n.values))
		}
		if len(n.keys) > 0 {
			k.WriteString("<" + keysToken(n.keys) + ">")
		}
		for _, f := range n.fields {
			k.WriteByte(' ')
			k.WriteString(f.name)
			if f.required {
				k.WriteByte('!')
			}
		}
		keys[i] = k.String()
	}
	count := classOf(keys)
	for {
		for i, n := range all {
			k := strconv.AppendInt(nil, int64(n.class), 10)
			for _, f := range n.fields {
				k = append(k, ' ')
				k = strconv.AppendInt(k, int64(f.node.class), 10)
			}
			if n.elem != nil {
				k = append(k, ' ')
				k = strconv.AppendInt(k, int64(n.elem.class), 10)
			}
			keys[i] = string(k)
		}
		// Refinement only ever splits classes, so an unchanged count
		// means a fixed point.
		next := classOf(keys)
		if next == count {
			return count
		}
		count = next
	}
}

// mergeLifecycle takes the lifecycle of k from the newest release that
// generates one (Kubernetes corrected them over time). What no release
// states is derived from k8s.io/api itself: introduced is the first
// release that has the kind (left empty for 1.16, meaning "1.16 or
// earlier"), and removed is the first release after the kind left
// k8s.io/api, since the API server cannot serve a type it no longer has.
func mergeLifecycle(rels []*release, k gvk) lifecycle {
	var lc lifecycle
	for i := len(rels) - 1; i >= 0; i-- {
		if l, ok := rels[i].lifecycles[k]; ok {
			lc = l
			break
		}
	}
	first, last := -1, -1
	for i, r := range rels {
		if _, ok := r.kinds[k]; ok {
			if first < 0 {
				first = i
			}
			last = i
		}
	}
	// Upstream tags networking.k8s.io/v1beta1 IngressClass with the
	// replacement IngressClassList, a copy of its List type's tag. A kind is
	// never replaced by a list, so drop the suffix rather than tell users
	// to write a kind that cannot be applied.
	if r := &lc.replacement; r.kind == k.kind+"List" {
		r.kind = k.kind
	}
	if lc.introduced == "" && first > 0 {
		lc.introduced = rels[first].version
	}
	if lc.removed == "" && last < len(rels)-1 {
		lc.removed = rels[last+1].version
	}
	return lc
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// replacementToken writes a GVK as "apiVersion,Kind" ("networking.k8s.io/v1,Ingress").
func replacementToken(g gvk) string {
	if g == (gvk{}) {
		return "-"
	}
	return g.apiVersion() + "," + g.kind
}

func sortedKinds[V any](m map[gvk]V) []gvk {
	return slices.SortedFunc(maps.Keys(m), compareGVK)
}
