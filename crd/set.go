package crd

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"sync"
	"sync/atomic"

	"go.yaml.in/yaml/v3"

	"github.com/eastern-k8s/eastern/diag"
	"github.com/eastern-k8s/eastern/internal/yamlerr"
	"github.com/eastern-k8s/eastern/internal/yamlnode"
	"github.com/eastern-k8s/eastern/schema"
)

// Set is the CRDs a lint run was given (--crds, crds: in .eastern.yaml),
// by group and kind. It is read-only once built and safe for concurrent
// use; Output adds the CRDs of one render.
type Set struct {
	kinds map[groupKind]*Definition
	cache *Cache
}

// Cache compiles each CRD document once per run, however many renders
// and configurations contain it. It is safe for concurrent use.
type Cache struct {
	mu     sync.Mutex
	byText map[string][]*Definition
	// needsCEL: a CRD it compiled has rules that this build, without
	// CEL, does not evaluate.
	needsCEL atomic.Bool
}

// NeedsCEL reports whether a CRD compiled through c has rules that this
// build does not evaluate (Evaluates is false): the run that used c gave
// no verdict on them.
func (c *Cache) NeedsCEL() bool { return c.needsCEL.Load() }

func (c *Cache) noteRules(d *Definition) {
	if d.unevaluated > 0 {
		c.needsCEL.Store(true)
	}
}

// NewCache returns an empty cache.
func NewCache() *Cache { return &Cache{byText: map[string][]*Definition{}} }

// Lookup returns the definitions compiled from a document's text: one for
// a CRD, one per CRD item of a List; nil when none were.
func (c *Cache) Lookup(text []byte) []*Definition {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.byText[string(text)]
}

// compile returns the definitions of a document's text, compiling them
// the first time; none when the text holds no CRD.
func (c *Cache) compile(text []byte) []*Definition {
	c.mu.Lock()
	ds, ok := c.byText[string(text)]
	c.mu.Unlock()
	if ok {
		return ds
	}
	var root yaml.Node
	if err := yaml.Unmarshal(text, &root); err == nil && root.Kind == yaml.DocumentNode && len(root.Content) > 0 {
		for _, m := range definitionRoots(root.Content[0]) {
			if d, ok := Compile(m); ok {
				c.noteRules(d)
				ds = append(ds, d)
			}
		}
	}
	c.mu.Lock()
	c.byText[string(text)] = ds
	c.mu.Unlock()
	return ds
}

// definitionRoots are the mappings of a document that may be CRDs: the
// document itself, or the items of a List (kubectl get crd -o yaml).
func definitionRoots(doc *yaml.Node) []*yaml.Node {
	if kind, _ := str(field(doc, "kind")); kind == "List" || kind == "CustomResourceDefinitionList" {
		if items := field(doc, "items"); items != nil && items.Kind == yaml.SequenceNode {
			return items.Content
		}
	}
	return []*yaml.Node{doc}
}

// File is one CRD file's definitions and what is wrong with them.
type File struct {
	Definitions []*Definition
	Findings    diag.Findings
}

// ReadFile reads the CRDs of a file (name is for messages): every document
// that is a CustomResourceDefinition; other documents are ignored.
func (c *Cache) ReadFile(name string, data []byte) *File {
	f := &File{}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	for {
		var doc yaml.Node
		err := dec.Decode(&doc)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			line, msg := yamlerr.Position(err, data)
			f.Findings = append(f.Findings, &diag.Finding{Severity: diag.Error, Rule: RuleRead,
				Message: "not valid YAML: " + msg + "; the CRDs after it are not read", Pos: diag.Position{File: name, Line: line}})
			break
		}
		if len(doc.Content) == 0 {
			continue
		}
		for _, root := range definitionRoots(doc.Content[0]) {
			d, ok := Compile(root)
			if !ok {
				continue
			}
			c.noteRules(d)
			d.Source = fmt.Sprintf("%s:%d", name, yamlnode.Resolve(root).Line)
			f.Definitions = append(f.Definitions, d)
			f.Findings = append(f.Findings, d.Findings(name, 1)...)
		}
	}
	return f
}

// NewSet makes a set of the files' definitions, in order. Two that define
// one group and kind and disagree are a crd.conflict error at the second,
// naming both; the first is used.
func NewSet(cache *Cache, files ...*File) (*Set, diag.Findings) {
	s := &Set{kinds: map[groupKind]*Definition{}, cache: cache}
	var conflicts diag.Findings
	for _, f := range files {
		for _, d := range f.Definitions {
			if d.Group == "" || d.Kind == "" {
				continue
			}
			old, ok := s.kinds[d.key()]
			switch {
			case !ok:
				s.kinds[d.key()] = d
			case !old.agrees(d):
				file, line := splitSource(d.Source)
				conflicts = append(conflicts, &diag.Finding{Severity: diag.Error, Rule: RuleConflict,
					Pos: diag.Position{File: file, Line: line}, Object: "CustomResourceDefinition/" + d.Name,
					Message: fmt.Sprintf("this CRD for %s.%s disagrees with the one in %s, which is used", d.Kind, d.Group, old.Source)})
			}
		}
	}
	return s, conflicts
}

func splitSource(src string) (string, int) {
	var line int
	for i := len(src) - 1; i >= 0; i-- {
		if src[i] == ':' {
			fmt.Sscan(src[i+1:], &line)
			return src[:i], line
		}
	}
	return src, 0
}

// Len is how many kinds the set defines.
func (s *Set) Len() int {
	if s == nil {
		return 0
	}
	return len(s.kinds)
}

// Output returns the kinds for one render's output: the set's, and the
// CRDs that the output itself contains. It implements the validator's
// CustomResources. s may be nil: the output's own CRDs only.
func (s *Set) Output(cache *Cache) *Output {
	return &Output{base: s, cache: cache}
}

// Output is the custom kinds one output may use.
type Output struct {
	base  *Set
	cache *Cache
	own   map[groupKind]*Definition
	// conflicts are the output's CRDs that disagree with another for the
	// same kind, and where that other one is.
	conflicts map[*Definition]string
}

// Define reads text, a document of the output that mentions
// CustomResourceDefinition, and makes the CRD in it known for the whole
// output: a CRD applies to the render that contains it.
func (o *Output) Define(text []byte) {
	for _, d := range o.cache.compile(text) {
		o.define(d)
	}
}

func (o *Output) define(d *Definition) {
	if d.Group == "" || d.Kind == "" {
		return
	}
	if o.own == nil {
		o.own = map[groupKind]*Definition{}
	}
	other, ok := o.own[d.key()]
	if !ok && o.base != nil {
		other, ok = o.base.kinds[d.key()]
	}
	if ok && !other.agrees(d) {
		if o.conflicts == nil {
			o.conflicts = map[*Definition]string{}
		}
		where := "another document of this render"
		if other.Source != "" && o.own[d.key()] == nil {
			where = other.Source
		}
		o.conflicts[d] = where
	}
	if _, mine := o.own[d.key()]; !mine {
		o.own[d.key()] = d
	}
}

// CheckDefinition reports what is wrong with the CRD m of the document
// text (the document itself, or an item of a List) as a CRD, and a
// conflict with another CRD of its kind.
func (o *Output) CheckDefinition(text []byte, m *yaml.Node, report Report) {
	var d *Definition
	for _, c := range o.cache.compile(text) {
		if c.line == m.Line && c.col == m.Column {
			d = c
		}
	}
	if d == nil {
		return
	}
	for _, p := range d.Problems {
		if !p.unknownKeyword {
			report(p.Severity, p.Rule, p.Node, p.Field, p.Message)
		}
	}
	if where, ok := o.conflicts[d]; ok {
		report(diag.Error, RuleConflict, nil, "", fmt.Sprintf("this CRD for %s.%s disagrees with the one in %s; this render uses the first", d.Kind, d.Group, where))
	}
}

func (o *Output) lookup(gvk schema.GVK) *Definition {
	k := groupKind{gvk.Group, gvk.Kind}
	if d, ok := o.own[k]; ok {
		return d
	}
	if o.base != nil {
		return o.base.kinds[k]
	}
	return nil
}

// Scope reports whether a CRD defines gvk's group and kind, and whether
// that kind is cluster-scoped.
func (o *Output) Scope(gvk schema.GVK) (defined, cluster bool) {
	d := o.lookup(gvk)
	return d != nil, d != nil && d.ClusterScoped
}

// Check checks custom resource m against the CRD of gvk's group and kind:
// its version, scope and schema. It reports false, and nothing, when no
// CRD defines the kind.
func (o *Output) Check(m *yaml.Node, gvk schema.GVK, report Report) bool {
	d := o.lookup(gvk)
	if d == nil {
		return false
	}
	apiNode := field(m, "apiVersion")
	v := d.Version(gvk.Version)
	switch {
	case v == nil:
		var names []string
		for _, v := range d.Versions {
			if v.Served {
				names = append(names, v.Name)
			}
		}
		report(diag.Error, RuleVersion, apiNode, "apiVersion", fmt.Sprintf("the CRD %s has no version %s (it serves %s)", d.Name, gvk.Version, joinOr(names)))
		return true
	case !v.Served:
		report(diag.Error, RuleVersion, apiNode, "apiVersion", fmt.Sprintf("version %s of the CRD %s is not served", gvk.Version, d.Name))
		return true
	case v.Deprecated:
		msg := v.DeprecationWarning
		if msg == "" {
			msg = fmt.Sprintf("%s/%s %s is deprecated", gvk.Group, gvk.Version, gvk.Kind)
		}
		report(diag.Warning, RuleDeprecated, apiNode, "apiVersion", msg)
	}
	if d.ClusterScoped {
		if ns := field(field(m, "metadata"), "namespace"); ns != nil && !yamlnode.IsNull(ns) && ns.Value != "" {
			report(diag.Warning, RuleScope, ns, "metadata.namespace",
				fmt.Sprintf("%s is cluster-scoped: the API server ignores metadata.namespace", gvk.Kind))
		}
	}
	if v.Schema == nil {
		return true
	}
	w := &walker{report: report, budget: maxValueNodes, keepUnknown: d.KeepsUnknown}
	w.validate(m, v.Schema, nil)
	return true
}

func joinOr(names []string) string {
	switch len(names) {
	case 0:
		return "no version"
	case 1:
		return names[0]
	}
	out := names[0]
	for _, n := range names[1 : len(names)-1] {
		out += ", " + n
	}
	return out + " and " + names[len(names)-1]
}

// MentionsDefinition is the cheap test the validator makes of each
// document before parsing it for Define.
func MentionsDefinition(text []byte) bool {
	return bytes.Contains(text, []byte("CustomResourceDefinition"))
}
